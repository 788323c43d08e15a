-- wrk script for bench/run.sh: the locations list searched as people type
-- into it: three random digits (/locations?q=123), first page; with the
-- session cookie in COOKIE. With SIZES=1 each search also asks a random
-- page size (10-50): 41,000 distinct pages, so nearly every request misses
-- the cache and the search itself is measured.
local cookie = os.getenv("COOKIE")
local sizes = os.getenv("SIZES") == "1"

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  local path = string.format("/locations?q=%03d", math.random(0, 999))
  if sizes then
    path = path .. string.format("&pageSize=%d", math.random(10, 50))
  end
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end
