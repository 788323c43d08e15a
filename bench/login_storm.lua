-- wrk script for the "login storm": POST /login with a WRONG password, as
-- fast as wrk can, each request for another (unknown) e-mail address so the
-- per-account throttle never stops the argon2 work (unknown addresses are
-- verified against a dummy hash, exactly like known ones). bench/run.sh
-- raises PORTAAL_LOGIN_IP_LIMIT for the same reason. bench/run.sh sets the environment:
--   PORTAAL_CSRF_TOKEN   the form's `_csrf` value, already URL-encoded
--   PORTAAL_CSRF_COOKIE  the value of the `portaal_csrf` cookie
--   PORTAAL_ORIGIN       optional, sent as the Origin header
local token = os.getenv("PORTAAL_CSRF_TOKEN")
local cookie = os.getenv("PORTAAL_CSRF_COOKIE")
local origin = os.getenv("PORTAAL_ORIGIN")

if token == nil or token == "" or cookie == nil or cookie == "" then
  error("login_storm.lua needs PORTAAL_CSRF_TOKEN and PORTAAL_CSRF_COOKIE")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "portaal_csrf=" .. cookie
if origin ~= nil and origin ~= "" then
  wrk.headers["Origin"] = origin
end
request = function()
  local body = "email=storm" .. math.random(1, 2000000000)
    .. "%40bench.portaal.test&password=wrong&_csrf=" .. token
  return wrk.format("POST", "/login", nil, body)
end
