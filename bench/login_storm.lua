-- wrk script for the "login storm": POST /login with a WRONG password for
-- the demo admin, as fast as wrk can. bench/run.sh sets the environment:
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
wrk.body = "email=beheer%40demo.portaal.test&password=wrong&_csrf=" .. token
