-- wrk script for bench/run.sh: the locations list as people page through
-- it: a random page (1-400) of a random size (10-50), by name or city,
-- either direction; with the session cookie in COOKIE. Mostly cache misses.
local cookie = os.getenv("COOKIE")
local sorts = { "name", "city", "createdAt" }
local dirs = { "ASC", "DESC" }

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function page_path()
  return string.format("/locations?pageNumber=%d&pageSize=%d&sortBy=%s&sortDirection=%s",
    math.random(1, 400), math.random(10, 50), sorts[math.random(#sorts)], dirs[math.random(#dirs)])
end

request = function()
  return wrk.format("GET", page_path(), { ["Cookie"] = cookie })
end
