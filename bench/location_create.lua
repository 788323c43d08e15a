-- wrk script for bench/webhooks.sh: POST /api/v1/locations (a location
-- made through the API, one audited write a request) with the bearer token
-- in the TOKEN environment variable.
local token = os.getenv("TOKEN")
local n = 0

request = function()
  n = n + 1
  local body = '{"name":"Bench ' .. n .. '","city":"Gouda","officeOpenHour":8,"officeCloseHour":17}'
  return wrk.format("POST", "/api/v1/locations",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
