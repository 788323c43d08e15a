-- wrk script for bench/run.sh: 90 % random locations pages (as
-- bench/random_pages.lua, with the session cookie in COOKIE) and 10 %
-- location creates through the API (POST /api/v1/locations with the bearer
-- token in TOKEN): each create raises the data version, so the cached
-- pages go stale as they do when people work.
local cookie = os.getenv("COOKIE")
local token = os.getenv("TOKEN")
local sorts = { "name", "city", "createdAt" }
local dirs = { "ASC", "DESC" }
local n = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
  if math.random(10) == 1 then
    n = n + 1
    local body = '{"name":"Mix ' .. n .. '","city":"Gouda","officeOpenHour":8,"officeCloseHour":17}'
    return wrk.format("POST", "/api/v1/locations",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
  end
  local path = string.format("/locations?pageNumber=%d&pageSize=%d&sortBy=%s&sortDirection=%s",
    math.random(1, 400), math.random(10, 50), sorts[math.random(#sorts)], dirs[math.random(#dirs)])
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end
