-- wrk script for bench/flood.sh: POST /oauth/token with a random client id
-- of our shape (`pc_` and 24 hex digits, so it names no client) and a
-- secret of our shape, as fast as wrk can: the attack of issue 14, finding 4
-- (random client ids made every login wait for argon2).
math.randomseed(os.time())

local function hex(n)
  local s = ""
  for _ = 1, n do
    s = s .. string.format("%x", math.random(0, 15))
  end
  return s
end

request = function()
  local body = "grant_type=client_credentials&client_id=pc_" .. hex(24)
    .. "&client_secret=pcs_" .. hex(64)
  return wrk.format("POST", "/oauth/token",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
