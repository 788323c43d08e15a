-- wrk script for the token-endpoint run: POST /oauth/token with the Bench
-- client's right credentials (client credentials grant), as fast as wrk
-- can. Every request is a full argon2 verification of the secret, so the
-- endpoint's throughput is bounded by argon2. bench/run.sh sets:
--   PORTAAL_CLIENT_ID      the Bench client's id
--   PORTAAL_CLIENT_SECRET  its secret
local id = os.getenv("PORTAAL_CLIENT_ID")
local secret = os.getenv("PORTAAL_CLIENT_SECRET")

if id == nil or id == "" or secret == nil or secret == "" then
  error("token_storm.lua needs PORTAAL_CLIENT_ID and PORTAAL_CLIENT_SECRET")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. id .. "&client_secret=" .. secret
