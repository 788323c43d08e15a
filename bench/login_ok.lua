-- wrk script for bench/flood.sh: POST /login with the demo admin's RIGHT
-- password, again and again: how long a person waits to log in. Every
-- request is one argon2 verification and a new session. bench/flood.sh sets:
--   PORTAAL_CSRF_TOKEN   the form's `_csrf` value, already URL-encoded
--   PORTAAL_CSRF_COOKIE  the value of the `portaal_csrf` cookie
local token = os.getenv("PORTAAL_CSRF_TOKEN")
local cookie = os.getenv("PORTAAL_CSRF_COOKIE")

if token == nil or token == "" or cookie == nil or cookie == "" then
  error("login_ok.lua needs PORTAAL_CSRF_TOKEN and PORTAAL_CSRF_COOKIE")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "portaal_csrf=" .. cookie
wrk.body = "email=beheer%40demo.portaal.test&password=demo-wachtwoord&_csrf=" .. token
