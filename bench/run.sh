#!/usr/bin/env bash
# Load benchmark for Portaal, run by hand: `bash bench/run.sh`.
#
# Builds the release binary, starts `portaal serve --demo` on a throwaway
# SQLite database (or on the PostgreSQL database in DATABASE_URL), logs in as
# the demo admin, measures a few endpoints with wrk and prints a markdown
# table for BENCHMARKS.md on stdout. Progress goes to stderr, so
# `bash bench/run.sh > result.md` keeps only the report.
#
# Environment (all optional):
#   DURATION             seconds per wrk run (default 15)
#   ROUNDS               how often each plain row is measured, each time right
#                        after its own /healthz run (default 3; the report
#                        gives medians and the worst p99)
#   CONNECTIONS          wrk connections for the plain runs (default 64)
#   STORM_CONNECTIONS    connections for each side of the login storm (default 32)
#   THREADS              wrk threads (default 2)
#   PORT                 port for the server (default 18080)
#   DATABASE_URL         postgres://... or postgresql://... to benchmark on
#                        PostgreSQL (use an empty, throwaway database);
#                        anything else is ignored and a temp SQLite file is used
#   PORTAAL_BIN          use this binary instead of building target/release/portaal
#   LOCATIONS, MEETINGS, CUSTOMERS, CONTACTS
#                        seed sizes (default 10000, 50000, 20000 and 200000)
#   ROWS                 a regular expression: only the plain rows whose name
#                        matches are measured (the storms always run)
#   SOAK                 seconds: run only the soak instead — the 90/10 mix
#                        (bench/mix.lua) for that long with the server's
#                        memory (VmRSS) sampled every 10 s, then 2,000
#                        connections (wrk -c2000) on random pages for
#                        DURATION, sampled the same way; a table of the
#                        samples, requests, errors and the peak (VmHWM)
#   EXPORT               1: measure only the CSV export of the locations
#                        instead (100, 10,000 and all rows, one download
#                        each): time, bytes and the server's peak memory
#                        (VmHWM) after each; seeds 100,000 locations and
#                        nothing else unless the seed sizes say otherwise
#
# To add an endpoint, add a `measure "GET /thing" /thing` line in the
# "plain runs" section below (before the login storm, which locks the demo
# admin out of new logins for 15 minutes).
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-15}
DURATION=${DURATION%s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
STORM_CONNECTIONS=${STORM_CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}

ADMIN_EMAIL=beheer@demo.portaal.test
ADMIN_PASSWORD=demo-wachtwoord
BASE="http://127.0.0.1:${PORT}"

log() { printf '%s\n' "$*" >&2; }
die() {
    log "bench: $*"
    exit 1
}

for n in DURATION ROUNDS CONNECTIONS STORM_CONNECTIONS THREADS PORT; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, got '${!n}'"
done
EXPORT=${EXPORT:-}
if [[ $EXPORT == 1 ]]; then
    LOCATIONS=${LOCATIONS:-100000} MEETINGS=${MEETINGS:-0} CUSTOMERS=${CUSTOMERS:-0} CONTACTS=${CONTACTS:-0}
fi
for tool in cargo curl $([[ $EXPORT == 1 ]] || echo wrk) awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (wrk: apt-get install wrk)"
done

# --- server -----------------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/portaal-bench.XXXXXX")
SERVER_PID=

cleanup() {
    local rc=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -s $TMP/server.log ]]; then
        log "--- last lines of the server log ---"
        tail -n 30 "$TMP/server.log" >&2 || true
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

case ${DATABASE_URL:-} in
postgres://* | postgresql://*)
    DB_URL=$DATABASE_URL
    BACKEND=PostgreSQL
    ;;
*)
    DB_URL=$TMP/bench.db
    BACKEND=SQLite
    ;;
esac

if curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
    die "something already answers on port $PORT; set PORT to a free port"
fi

# Seed data: the demo organisation plus LOCATIONS locations and MEETINGS
# meetings (idempotent: only what is missing is added).
log "seeding ${LOCATIONS:-10000} locations, ${MEETINGS:-50000} meetings, ${CUSTOMERS:-20000} customers, ${CONTACTS:-200000} contacts ..."
DATABASE_URL=$DB_URL RUST_LOG=warn "$BIN" bench-seed \
    --locations "${LOCATIONS:-10000}" --meetings "${MEETINGS:-50000}" \
    --customers "${CUSTOMERS:-20000}" --contacts "${CONTACTS:-200000}" \
    --api-credentials "$TMP/api.cred" >&2
read -r CLIENT_ID CLIENT_SECRET <"$TMP/api.cred"

log "starting $BIN on $BASE ($BACKEND) ..."
# The login storm must reach argon2, so the per-address throttle is lifted.
DATABASE_URL=$DB_URL RUST_LOG=warn PORTAAL_SECURE_COOKIES=false PORTAAL_LOGIN_IP_LIMIT=1000000000 \
    "$BIN" serve --demo --bind "127.0.0.1:${PORT}" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

ready=
for ((i = 0; i < 240; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true)
    if [[ $code == 200 ]]; then
        ready=1
        break
    fi
    sleep 0.5
done
[[ -n $ready ]] || die "GET /healthz did not answer 200 within 120 s"

# --- login ------------------------------------------------------------------

# cookie_value JAR NAME: a cookie's value from a curl cookie jar.
cookie_value() {
    awk -F '\t' -v name="$2" 'NF >= 7 && $6 == name { v = $7 } END { print v }' "$1"
}

# csrf_from_page FILE: the value of the hidden `_csrf` input, HTML-unescaped.
csrf_from_page() {
    grep -o '<input[^>]*name="_csrf"[^>]*>' "$1" | head -n 1 |
        sed -n 's/.*value="\([^"]*\)".*/\1/p' |
        sed -e 's/&#x2[fF];/\//g' -e 's/&#47;/\//g' -e 's/&#x2[bB];/+/g' -e 's/&#43;/+/g' \
            -e 's/&#x3[dD];/=/g' -e 's/&#61;/=/g' -e 's/&quot;/"/g' -e 's/&amp;/\&/g'
}

urlencode() {
    local s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [A-Za-z0-9._~-]) out+=$c ;;
        *)
            printf -v c '%%%02X' "'$c"
            out+=$c
            ;;
        esac
    done
    printf '%s' "$out"
}

# fetch_login_form JAR PAGE: GET /login into a fresh cookie jar.
fetch_login_form() {
    curl -fsS -c "$1" -b "$1" -o "$2" "$BASE/login" || die "GET /login failed"
}

log "logging in as $ADMIN_EMAIL ..."
JAR=$TMP/admin.jar
fetch_login_form "$JAR" "$TMP/login.html"
CSRF=$(csrf_from_page "$TMP/login.html")
[[ -n $CSRF ]] || die "no _csrf field on GET /login"
[[ -n $(cookie_value "$JAR" portaal_csrf) ]] || die "GET /login set no portaal_csrf cookie"

code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
    -H "Origin: $BASE" \
    --data-urlencode "email=$ADMIN_EMAIL" \
    --data-urlencode "password=$ADMIN_PASSWORD" \
    --data-urlencode "_csrf=$CSRF" \
    "$BASE/login")
[[ $code == 303 ]] || die "POST /login answered $code, expected 303"
SESSION=$(cookie_value "$JAR" portaal_session)
[[ -n $SESSION ]] || die "POST /login set no portaal_session cookie"
SESSION_COOKIE="Cookie: portaal_session=$SESSION; portaal_csrf=$(cookie_value "$JAR" portaal_csrf)"

code=$(curl -sS -o /dev/null -w '%{http_code}' -H "$SESSION_COOKIE" "$BASE/")
[[ $code == 200 ]] || die "GET / with the session cookie answered $code, expected 200"

log "getting an API token for the Bench client ..."
TOKEN=$(curl -fsS -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials "$BASE/oauth/token" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[[ -n $TOKEN ]] || die "POST /oauth/token gave no access token"
BEARER="Authorization: Bearer $TOKEN"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "$BEARER" "$BASE/api/v1/locations")
[[ $code == 200 ]] || die "GET /api/v1/locations with the token answered $code, expected 200"

# --- the CSV export (EXPORT=1) -------------------------------------------------

# vm_kib FIELD: a memory figure of the server (VmHWM: its peak resident set
# so far; VmRSS: now), in KiB.
vm_kib() {
    awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SERVER_PID/status"
}

# export_row NAME PATH: one download of PATH; a table row with the rows, the
# bytes, the time and the server's peak memory after it.
export_row() {
    local out code bytes secs first rows
    out=$(curl -sS -o "$TMP/export.csv" -H "$SESSION_COOKIE" \
        -w '%{http_code} %{size_download} %{time_total} %{time_starttransfer}' "$BASE$2") ||
        die "GET $2 failed"
    read -r code bytes secs first <<<"$out"
    [[ $code == 200 ]] || die "GET $2 answered $code"
    rows=$(($(grep -c $'\r$' "$TMP/export.csv") - 1))
    log "  $1: $rows rows, $bytes bytes in $secs s, peak $(vm_kib VmHWM) KiB"
    printf '| %s | %s | %s | %.2f | %.3f | %s | %s |\n' "$1" "$rows" "$bytes" "$secs" "$first" \
        "$(($(vm_kib VmHWM) / 1024))" "$(($(vm_kib VmRSS) / 1024))"
}

if [[ $EXPORT == 1 ]]; then
    log "measuring the locations export ..."
    idle=$(($(vm_kib VmHWM) / 1024))
    echo "Backend: $BACKEND; $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo "Server peak memory before the first export (started and logged in): $idle MiB."
    echo
    echo "| export | rows | bytes | total s | first byte s | server peak MiB (VmHWM) after | server RSS MiB after |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    curl -s -o /dev/null -H "$SESSION_COOKIE" "$BASE/locations"
    export_row "GET /locations/export?q=locatie 000" "/locations/export?q=locatie%20000"
    export_row "GET /locations/export?q=locatie 0" "/locations/export?q=locatie%200"
    export_row "GET /locations/export (all)" "/locations/export"
    export_row "GET /locations/export (all, by city)" "/locations/export?sortBy=city&sortDirection=DESC"
    exit 0
fi

# --- measuring ----------------------------------------------------------------

ROW_NAMES=()
ROW_RPS=()
ROW_P50=()
ROW_P99=()
ROW_CPU=()
ROW_PCT=()
NOTES=()
RUN=0

# run_wrk OUTFILE PATH [extra wrk args...]: one wrk run; later -c/-t win.
run_wrk() {
    local out=$1 path=$2
    shift 2
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency "$@" "$BASE$path" >"$out" 2>&1 ||
        die "wrk failed for $path: $(tail -n 3 "$out")"
}

# parse_wrk OUTFILE: prints "RPS P50_MS P99_MS NON2XX3XX SOCKET_ERRORS".
parse_wrk() {
    awk '
        function ms(v,   n, u) {
            n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n / 1000
            if (u == "ms") return n
            if (u == "s")  return n * 1000
            if (u == "m")  return n * 60000
            if (u == "h")  return n * 3600000
            return n
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { for (i = 3; i <= NF; i += 2) { x = $(i + 1); gsub(/,/, "", x); sock += x } }
        END { printf "%.1f %.2f %.2f %d %d\n", rps, p50, p99, bad, sock }
    ' "$1"
}

# server_ticks: CPU time (user + system, in clock ticks) the server has used.
server_ticks() {
    awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0
}

# cpu_per_request TICKS_BEFORE TICKS_AFTER OUTFILE: the server's CPU time per
# request of that wrk run, in microseconds (steadier than req/s on a shared
# machine: it does not count time the server waited for a core).
cpu_per_request() {
    local hz
    hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
    awk -v a="$1" -v b="$2" -v hz="$hz" '
        / requests in / { n = $1 }
        END { if (n > 0) printf "%.0f", (b - a) * 1000000 / hz / n; else print "n/a" }
    ' "$3"
}

# add_row NAME OUTFILE [CPU] [PCT]: parse a wrk run into a table row (plus
# notes).
add_row() {
    local name=$1 rps p50 p99 bad sock
    read -r rps p50 p99 bad sock < <(parse_wrk "$2")
    push_row "$name" "$rps" "$p50" "$p99" "${3:-—}" "${4:-—}"
    note_errors "$name" "$2" "$bad" "$sock"
}

# push_row NAME RPS P50 P99 CPU PCT: append a row to the report.
push_row() {
    ROW_NAMES+=("$1")
    ROW_RPS+=("$2")
    ROW_P50+=("$3")
    ROW_P99+=("$4")
    ROW_CPU+=("$5")
    ROW_PCT+=("$6")
    log "  $1: $2 req/s, p50 $3 ms, p99 $4 ms, $6 % of /healthz"
}

# note_errors NAME OUTFILE BAD SOCKET_ERRORS: notes for failed requests.
note_errors() {
    if [[ $3 -gt 0 ]]; then
        NOTES+=("$1: $3 responses with status >= 400")
    fi
    if [[ $4 -gt 0 ]]; then
        NOTES+=("$1: socket errors: $(grep 'Socket errors:' "$2" | sed 's/^ *Socket errors: *//')")
    fi
}

# one_run OUTFILE PATH [extra wrk args...]: a wrk run; prints "RPS P50 P99
# BAD SOCK CPU".
one_run() {
    local out=$1 path=$2
    shift 2
    local before after
    before=$(server_ticks)
    run_wrk "$out" "$path" "$@"
    after=$(server_ticks)
    echo "$(parse_wrk "$out") $(cpu_per_request "$before" "$after" "$out")"
}

# median FORMAT: the median of the numbers on stdin (one per line), printed
# with the printf FORMAT.
median() {
    sort -g | awk -v f="$1" '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else printf f, (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure NAME PATH [extra wrk args...]: ROUNDS times, a /healthz run and
# right after it a run of PATH; adds a row with the medians (the worst p99)
# and PATH's rate as a share of the /healthz run just before it. The machine
# drifts (other tenants), so each run is compared with its neighbour rather
# than with one baseline from the start.
measure() {
    local name=$1 path=$2
    shift 2
    # ROWS (a regular expression) picks the plain rows to measure.
    if [[ -n ${ROWS:-} ]] && ! [[ $name =~ $ROWS ]]; then
        return 0
    fi
    log "measuring $name, $ROUNDS x (${DURATION}s /healthz + ${DURATION}s) ..."
    local r base page rps p50 p99 bad sock cpu hrps
    local rpss=() p50s=() p99s=() cpus=() pcts=()
    for ((r = 1; r <= ROUNDS; r++)); do
        RUN=$((RUN + 1))
        read -r hrps _ < <(one_run "$TMP/wrk-$RUN-base.txt" /healthz)
        read -r rps p50 p99 bad sock cpu < <(one_run "$TMP/wrk-$RUN.txt" "$path" "$@")
        note_errors "$name (round $r)" "$TMP/wrk-$RUN.txt" "$bad" "$sock"
        rpss+=("$rps")
        p50s+=("$p50")
        p99s+=("$p99")
        cpus+=("$cpu")
        pcts+=("$(awk -v a="$rps" -v b="$hrps" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "n/a" }')")
        log "    round $r: $rps req/s (healthz $hrps), p99 $p99 ms, ${pcts[-1]} %"
    done
    local pct
    pct="$(printf '%s\n' "${pcts[@]}" | median %.1f) ($(printf '%s\n' "${pcts[@]}" | sort -g | head -n 1)–$(printf '%s\n' "${pcts[@]}" | sort -g | tail -n 1))"
    [[ $ROUNDS -eq 1 ]] && pct=${pcts[0]}
    push_row "$name" "$(printf '%s\n' "${rpss[@]}" | median %.1f)" \
        "$(printf '%s\n' "${p50s[@]}" | median %.2f)" \
        "$(printf '%s\n' "${p99s[@]}" | sort -g | tail -n 1)" \
        "$(printf '%s\n' "${cpus[@]}" | median %.0f)" "$pct"
}

# measure_once NAME PATH [extra wrk args...]: one run, no baseline (the
# token endpoint, bounded by argon2, not by the HTTP stack).
measure_once() {
    local name=$1 path=$2
    shift 2
    RUN=$((RUN + 1))
    log "measuring $name for ${DURATION}s ..."
    local rps p50 p99 bad sock cpu
    read -r rps p50 p99 bad sock cpu < <(one_run "$TMP/wrk-$RUN.txt" "$path" "$@")
    push_row "$name" "$rps" "$p50" "$p99" "$cpu" "—"
    note_errors "$name" "$TMP/wrk-$RUN.txt" "$bad" "$sock"
}

# --- the soak (SOAK=seconds) ---------------------------------------------------

# sample_memory SECONDS LABEL: print "| LABEL | t | RSS MiB |" every 10 s for
# SECONDS (to stdout), while something else loads the server.
sample_memory() {
    local t
    for ((t = 10; t <= $1; t += 10)); do
        sleep 10
        kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during the soak"
        printf '| %s | %d s | %d |\n' "$2" "$t" "$(($(vm_kib VmRSS) / 1024))"
    done
}

# soak_run NAME SECONDS CONNECTIONS OUTFILE [wrk args...]: one long wrk run
# with the memory sampled beside it; the samples go to stdout.
soak_run() {
    local name=$1 secs=$2 conns=$3 out=$4
    shift 4
    log "soak: $name, ${secs}s at $conns connections ..."
    wrk -t "$THREADS" -c "$conns" -d "${secs}s" --timeout 10s --latency "$@" >"$out" 2>&1 &
    local wrk_pid=$!
    sample_memory "$secs" "$name"
    wait "$wrk_pid" || die "wrk failed: $(tail -n 3 "$out")"
}

if [[ -n ${SOAK:-} ]]; then
    [[ $SOAK =~ ^[1-9][0-9]*$ ]] || die "SOAK must be a number of seconds, got '$SOAK'"
    # 2,000 connections need as many descriptors on both sides.
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    echo "Backend: $BACKEND; $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); cache bound ${PORTAAL_CACHE_MB:-64} MiB."
    echo "Server RSS before the soak (started, logged in): $(($(vm_kib VmRSS) / 1024)) MiB."
    echo
    echo "| run | time | server RSS MiB |"
    echo "|---|---:|---:|"
    COOKIE=${SESSION_COOKIE#Cookie: } TOKEN=$TOKEN \
        soak_run "mix 90/10, 64 connections" "$SOAK" "$CONNECTIONS" "$TMP/soak-mix.txt" \
        -s bench/mix.lua "$BASE/locations"
    COOKIE=${SESSION_COOKIE#Cookie: } \
        soak_run "random pages, 2,000 connections" "$DURATION" 2000 "$TMP/soak-c2000.txt" \
        -s bench/random_pages.lua "$BASE/locations"
    echo
    echo "| run | requests | req/s | p50 ms | p99 ms | status >= 400 | socket errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for run in mix c2000; do
        read -r rps p50 p99 bad sock < <(parse_wrk "$TMP/soak-$run.txt")
        total=$(awk '/ requests in / { print $1 }' "$TMP/soak-$run.txt")
        errs=$(grep 'Socket errors:' "$TMP/soak-$run.txt" | sed 's/^ *Socket errors: *//' || true)
        echo "| $run | $total | $rps | $p50 | $p99 | $bad | $sock${errs:+ ($errs)} |"
    done
    echo
    echo "Server peak memory (VmHWM): $(($(vm_kib VmHWM) / 1024)) MiB; RSS at the end: $(($(vm_kib VmRSS) / 1024)) MiB."
    code=$(curl -sS -o /dev/null -w '%{http_code}' -H "$SESSION_COOKIE" "$BASE/locations")
    echo "GET /locations after the soak: $code."
    exit 0
fi

# Plain runs. /healthz itself once, for the table; every other row brings
# its own /healthz runs.
measure_once "GET /healthz" /healthz
ROW_PCT[0]=100
measure "GET /login" /login
measure "GET / (dashboard)" / -H "$SESSION_COOKIE"
measure "GET /locations (page 1 by name)" "/locations?sortBy=name&sortDirection=ASC" -H "$SESSION_COOKIE"
measure "GET /locations (page 200 by name)" "/locations?pageNumber=200&sortBy=name&sortDirection=ASC" -H "$SESSION_COOKIE"
# As people work: random pages, random searches, and pages mixed with writes
# (mostly cache misses: the same URL over and over measures a cache hit).
COOKIE=${SESSION_COOKIE#Cookie: } \
    measure "GET /locations (random pages 1-400, sizes 10-50)" /locations -s bench/random_pages.lua
COOKIE=${SESSION_COOKIE#Cookie: } \
    measure "GET /locations?q= (random 3-digit searches)" /locations -s bench/random_search.lua
COOKIE=${SESSION_COOKIE#Cookie: } SIZES=1 \
    measure "GET /locations?q= (random 3-digit searches, random sizes: misses)" /locations -s bench/random_search.lua
COOKIE=${SESSION_COOKIE#Cookie: } TOKEN=$TOKEN \
    measure "mix: 90 % random pages, 10 % POST /api/v1/locations" /locations -s bench/mix.lua
if [[ $(curl -s -o /dev/null -w '%{http_code}' -H "$SESSION_COOKIE" "$BASE/meetings/week") == 200 ]]; then
    measure "GET /meetings/week" /meetings/week -H "$SESSION_COOKIE"
fi
measure "GET /customers (search, by name)" "/customers?q=klant%2012&sortBy=name&sortDirection=ASC" -H "$SESSION_COOKIE"
measure "GET /customers (page 100 by email)" "/customers?pageNumber=100&sortBy=email&sortDirection=DESC" -H "$SESSION_COOKIE"
# (None when no customers were seeded: grep finds nothing.)
BIG=$(curl -s -H "$SESSION_COOKIE" "$BASE/customers?q=500%20contactpersonen" | { grep -o 'href="/customers/[0-9a-f]*"' || true; } | head -n 1 | sed 's/href="//; s/"$//')
if [[ -n $BIG ]]; then
    measure "GET customer page (500 contacts)" "$BIG" -H "$SESSION_COOKIE"
fi
measure "GET /settings/subscription" /settings/subscription -H "$SESSION_COOKIE"

measure "GET /api/v1/locations (bearer, page 1 by name)" "/api/v1/locations?sortBy=name&sortDirection=ASC" -H "$BEARER"
measure "GET /api/v1/locations (bearer, page 200 by name)" "/api/v1/locations?pageNumber=200&sortBy=name&sortDirection=ASC" -H "$BEARER"
measure "GET /api/v1/subscriptions (bearer)" /api/v1/subscriptions -H "$BEARER"
# An issued invoice's PDF: the stored bytes (the demo's open invoice).
SUBSCRIPTION=$(curl -fsS -H "$BEARER" "$BASE/api/v1/subscriptions" |
    sed -n 's/^{"items":\[{"id":"\([^"]*\)".*/\1/p')
INVOICE=$(curl -fsS -H "$BEARER" "$BASE/api/v1/subscriptions/$SUBSCRIPTION/invoices?pageSize=1" |
    sed -n 's/^{"items":\[{"id":"\([^"]*\)".*/\1/p')
if [[ -n $INVOICE ]]; then
    measure "GET /api/v1/invoices/{id}/pdf (bearer, stored PDF)" "/api/v1/invoices/$INVOICE/pdf" -H "$BEARER"
    measure "GET /api/v1/invoices/{id} (bearer)" "/api/v1/invoices/$INVOICE" -H "$BEARER"
fi

# The token endpoint alone (each request a full argon2 verification of the
# secret), then saturated while a second wrk measures the API list.
PORTAAL_CLIENT_ID=$CLIENT_ID PORTAAL_CLIENT_SECRET=$CLIENT_SECRET \
    measure_once "POST /oauth/token alone (right secret)" /oauth/token -c "$STORM_CONNECTIONS" -s bench/token_storm.lua

log "token storm for ${DURATION}s: POST /oauth/token + GET /api/v1/locations ..."
PORTAAL_CLIENT_ID=$CLIENT_ID PORTAAL_CLIENT_SECRET=$CLIENT_SECRET \
    run_wrk "$TMP/token-storm.txt" /oauth/token -c "$STORM_CONNECTIONS" -s bench/token_storm.lua &
STORM_PID=$!
RUN=$((RUN + 1))
run_wrk "$TMP/wrk-$RUN.txt" "/api/v1/locations?sortBy=name&sortDirection=ASC" -c "$STORM_CONNECTIONS" -H "$BEARER"
wait "$STORM_PID" || die "the token storm's wrk failed"
add_row "GET /api/v1/locations during token storm" "$TMP/wrk-$RUN.txt"
add_row "POST /oauth/token storm (right secret)" "$TMP/token-storm.txt"

# The login storm: wrong passwords for the demo admin saturate POST /login
# while a second wrk measures the dashboard. The server is expected to
# throttle (429 after 5 failures per account, plus a per-IP limit); what
# matters is how well logged-in users are served meanwhile.
log "login storm for ${DURATION}s: POST /login (wrong password) + GET / ..."
STORM_JAR=$TMP/storm.jar
fetch_login_form "$STORM_JAR" "$TMP/storm-login.html"
STORM_CSRF=$(csrf_from_page "$TMP/storm-login.html")
[[ -n $STORM_CSRF ]] || die "no _csrf field on GET /login"
PORTAAL_CSRF_TOKEN=$(urlencode "$STORM_CSRF") \
    PORTAAL_CSRF_COOKIE=$(cookie_value "$STORM_JAR" portaal_csrf) \
    PORTAAL_ORIGIN=$BASE \
    run_wrk "$TMP/storm.txt" /login -c "$STORM_CONNECTIONS" -s bench/login_storm.lua &
STORM_PID=$!
RUN=$((RUN + 1))
run_wrk "$TMP/wrk-$RUN.txt" / -c "$STORM_CONNECTIONS" -H "$SESSION_COOKIE"
wait "$STORM_PID" || die "the login storm's wrk failed"
add_row "GET / during login storm" "$TMP/wrk-$RUN.txt"
add_row "POST /login storm (wrong password)" "$TMP/storm.txt"
NOTES+=("the login storm's refusals (wrong password, 429 throttling) are expected")

# --- report -------------------------------------------------------------------

CPU=$(awk -F ': *' '/^(model name|Model)[[:space:]]*:/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "not committed")
BASELINE=${ROW_RPS[0]}

echo "### $(date -u '+%Y-%m-%d %H:%M UTC'), $BACKEND, commit $COMMIT"
echo
echo "Machine: $(nproc) cores, ${CPU:-unknown CPU}, Linux $(uname -r)."
echo "wrk: $THREADS threads, $CONNECTIONS connections (login storm: $STORM_CONNECTIONS + $STORM_CONNECTIONS), ${DURATION}s per run, same machine as the server."
echo "Plain rows: $ROUNDS rounds, each a /healthz run and then the row's run; req/s, p50 and CPU are medians, p99 the worst round, % of /healthz the median (and range) of each round's rate over the /healthz run just before it."
echo
echo "| endpoint | req/s | p50 ms | p99 ms | % of /healthz rps | server CPU µs/request |"
echo "|---|---:|---:|---:|---:|---:|"
for i in "${!ROW_NAMES[@]}"; do
    pct=${ROW_PCT[$i]}
    if [[ $pct == "—" ]]; then
        # One run (token endpoint, storms): against the opening /healthz row.
        pct=$(awk -v a="${ROW_RPS[$i]}" -v b="$BASELINE" 'BEGIN { if (b > 0) printf "%.1f¹", 100 * a / b; else print "n/a" }')
    fi
    printf '| %s | %.0f | %s | %s | %s | %s |\n' "${ROW_NAMES[$i]}" "${ROW_RPS[$i]}" "${ROW_P50[$i]}" "${ROW_P99[$i]}" "$pct" "${ROW_CPU[$i]}"
done
echo
echo "¹ one run, against the /healthz row at the top."
if [[ ${#NOTES[@]} -gt 0 ]]; then
    echo
    for note in "${NOTES[@]}"; do
        echo "- $note"
    done
fi
