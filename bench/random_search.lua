-- wrk script for bench/run.sh: the locations list searched as people type
-- into it: three random digits (/locations?q=123), first page; with the
-- session cookie in COOKIE. Mostly cache misses.
local cookie = os.getenv("COOKIE")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  local path = string.format("/locations?q=%03d", math.random(0, 999))
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end
