#!/usr/bin/env bash
# How long a person waits to log in while machines flood the token endpoint
# (issue 14, finding 4), run by hand: `bash bench/flood.sh`.
#
# Starts `portaal serve --demo` on a throwaway SQLite database and measures
# POST /login with the demo admin's right password (one person logging in,
# LOGIN_CONNECTIONS at a time) three ways: alone; while FLOOD_CONNECTIONS
# connections send POST /oauth/token with random client ids (the attack);
# and while they send the Bench client's right secret (a legitimate token
# storm that fills the machines' share of the hasher). Prints a markdown
# table for BENCHMARKS.md on stdout; progress goes to stderr.
#
# Environment (all optional):
#   DURATION            seconds per run (default 10)
#   LOGIN_CONNECTIONS   concurrent logins (default 1)
#   FLOOD_CONNECTIONS   connections of the flood (default 16)
#   PORT                port for the server (default 18081)
#   PORTAAL_BIN         use this binary instead of building target/release/portaal
#                       (an older build, to compare)
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10}
LOGIN_CONNECTIONS=${LOGIN_CONNECTIONS:-1}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-16}
PORT=${PORT:-18081}
BASE="http://127.0.0.1:${PORT}"

log() { printf '%s\n' "$*" >&2; }
die() {
    log "flood: $*"
    exit 1
}

for tool in curl wrk awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (wrk: apt-get install wrk)"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/portaal-flood.XXXXXX")
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n ${PORTAAL_BIN:-} ]]; then
    BIN=$PORTAAL_BIN
else
    log "building the release binary ..."
    cargo build --release --locked >&2
    BIN=target/release/portaal
fi
[[ -x $BIN ]] || die "$BIN is not an executable"
if curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
    die "something already answers on port $PORT; set PORT to a free port"
fi

DB=$TMP/flood.db
DATABASE_URL=$DB RUST_LOG=warn "$BIN" bench-seed --locations 10 --meetings 10 \
    --customers 10 --contacts 10 --api-credentials "$TMP/api.cred" >&2
read -r CLIENT_ID CLIENT_SECRET <"$TMP/api.cred"

log "starting $BIN on $BASE ..."
# Every login here succeeds; the flood's refusals must not throttle the
# address the logins come from (they share 127.0.0.1).
DATABASE_URL=$DB RUST_LOG=warn PORTAAL_SECURE_COOKIES=false PORTAAL_LOGIN_IP_LIMIT=1000000000 \
    "$BIN" serve --demo --bind "127.0.0.1:${PORT}" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; i < 240; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
    sleep 0.5
done

curl -fsS -c "$TMP/jar" -b "$TMP/jar" -o "$TMP/login.html" "$BASE/login" || die "GET /login failed"
CSRF=$(grep -o '<input[^>]*name="_csrf"[^>]*>' "$TMP/login.html" | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p')
COOKIE=$(awk -F '\t' 'NF >= 7 && $6 == "portaal_csrf" { v = $7 } END { print v }' "$TMP/jar")
[[ -n $CSRF && -n $COOKIE ]] || die "no CSRF token on GET /login"
export PORTAAL_CSRF_TOKEN=$CSRF PORTAAL_CSRF_COOKIE=$COOKIE
export PORTAAL_CLIENT_ID=$CLIENT_ID PORTAAL_CLIENT_SECRET=$CLIENT_SECRET

# summary OUTFILE: "RPS P50_MS P99_MS NON2XX3XX".
summary() {
    awk '
        function ms(v,   n, u) {
            n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n / 1000
            if (u == "s") return n * 1000
            return n
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        END { printf "%.1f %.1f %.1f %d\n", rps, p50, p99, bad }
    ' "$1"
}

login_run() {
    wrk -t 1 -c "$LOGIN_CONNECTIONS" -d "${DURATION}s" --latency -s bench/login_ok.lua "$BASE/login" >"$1" 2>&1
}
flood_run() {
    wrk -t 1 -c "$FLOOD_CONNECTIONS" -d "${DURATION}s" --latency -s "$2" "$BASE/oauth/token" >"$1" 2>&1
}

ROWS=()
# measure NAME [FLOOD_SCRIPT]: logins, alone or during a flood.
measure() {
    local name=$1 script=${2:-} rps p50 p99 bad frps fp50 fp99 fbad
    log "measuring: $name ..."
    if [[ -n $script ]]; then
        flood_run "$TMP/flood.txt" "$script" &
        local flood=$!
        sleep 1
        login_run "$TMP/login.txt"
        wait "$flood"
        read -r frps fp50 fp99 fbad < <(summary "$TMP/flood.txt")
    else
        login_run "$TMP/login.txt"
        frps=—
        fbad=—
    fi
    read -r rps p50 p99 bad < <(summary "$TMP/login.txt")
    [[ $bad -eq 0 ]] || log "  $bad logins did not answer 303"
    ROWS+=("| $name | $rps | $p50 | $p99 | $bad | $frps | $fbad |")
}

measure "POST /login alone"
measure "POST /login during random client ids" bench/client_flood.lua
measure "POST /login during token storm (right secret)" bench/token_storm.lua

echo "### $(date -u '+%Y-%m-%d %H:%M UTC'), $($BIN --version 2>/dev/null || echo portaal), commit $(git rev-parse --short HEAD 2>/dev/null)"
echo
echo "Machine: $(nproc) cores. Logins: $LOGIN_CONNECTIONS connection(s); flood: $FLOOD_CONNECTIONS connections; ${DURATION}s per run; wrk on the same machine."
echo
echo "| logins | logins/s | p50 ms | p99 ms | logins not 303 | flood req/s | flood answers not 2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
