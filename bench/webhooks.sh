#!/usr/bin/env bash
# Webhook benchmark (issue 19), run by hand: `bash bench/webhooks.sh`.
#
# Builds the release binary and the helper `webhooks_bench`
# (bench/webhooks_bench.rs), seeds the demo data on a throwaway SQLite file
# (or the PostgreSQL database in DATABASE_URL) and measures:
#
#  (a) the cost of a write with one subscribed endpoint: wrk POSTs location
#      creates to /api/v1/locations of `portaal serve` (bench/location_create.lua),
#      ROUNDS times each: first with the server's background work off
#      (PORTAAL_JOBS=off), no endpoint and one subscribed endpoint: the
#      write's own cost; then with it on, in turn: no endpoint; one endpoint wanting
#      location.created whose receiver never answers (the write's own cost:
#      the event insert, the runner holding its 16 attempts); one whose
#      receiver answers at once (the write plus its delivery on the same
#      machine). Medians of requests/s and p50/p99.
#  (b) delivery throughput: a backlog of BACKLOG_K×1000 messages over 4
#      endpoints, and RATE messages/s (one write each) for DELIVER_SECONDS
#      seconds, delivered by the real runner to a local receiver answering
#      at once: deliveries/s and enqueue→delivery p50/p99.
#  (c) the same steady run with one more endpoint whose receiver hangs 15 s
#      on every request (its share of the messages queued as well).
#
# Environment (all optional):
#   DURATION         seconds per wrk run (default 15)
#   ROUNDS           rounds of (a) (default 3)
#   CONNECTIONS      wrk connections (default 16); THREADS (default 2)
#   RATE             messages a second in (b)/(c) (default 500)
#   DELIVER_SECONDS  seconds of queueing in (b)/(c) (default 20)
#   BACKLOG_K        thousands of messages in the backlog run (default 20)
#   PORT             the server's port (default 18090; 18091 and 18092 are
#                    the receivers of (a))
#   DATABASE_URL     postgres://... for PostgreSQL (an empty, throwaway
#                    database); anything else: a temp SQLite file
#   PORTAAL_BIN      use this binary instead of building target/release/portaal
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
RATE=${RATE:-500}
DELIVER_SECONDS=${DELIVER_SECONDS:-20}
BACKLOG_K=${BACKLOG_K:-20}
PORT=${PORT:-18090}
RX_PORT=$((PORT + 1))
HANG_PORT=$((PORT + 2))
BASE="http://127.0.0.1:${PORT}"

log() { printf '%s\n' "$*" >&2; }
die() {
    log "bench: $*"
    exit 1
}

if [[ -z "${PORTAAL_BIN:-}" ]]; then
    log "building release binaries ..."
    cargo build --release --locked --quiet
    PORTAAL_BIN=target/release/portaal
fi
cargo build --release --locked --quiet --example webhooks_bench
TOOL=target/release/examples/webhooks_bench

TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
case ${DATABASE_URL:-} in
postgres://* | postgresql://*) BACKEND=PostgreSQL ;;
*)
    export DATABASE_URL=$TMP/bench.db
    BACKEND=SQLite
    ;;
esac
export RUST_LOG=warn PORTAAL_WEBHOOK_ALLOW_NETWORKS=127.0.0.1
"$PORTAAL_BIN" migrate >&2
"$PORTAAL_BIN" bench-seed --locations 0 --meetings 0 --customers 0 --contacts 0 \
    --api-credentials "$TMP/api.cred" >&2
read -r CLIENT_ID CLIENT_SECRET <"$TMP/api.cred"

echo "## Webhooks ($BACKEND), $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
echo

# --- (a) the cost of a write ---------------------------------------------
"$TOOL" receiver "$RX_PORT" >/dev/null 2>&1 &
PIDS+=($!)
"$TOOL" receiver "$HANG_PORT" 3600 >/dev/null 2>&1 &
PIDS+=($!)
# start_server on|off: `portaal serve` with its background work on or off
# (off: the write's own cost, nothing delivered by this instance).
start_server() {
    PORTAAL_JOBS=$1 "$PORTAAL_BIN" serve --bind "127.0.0.1:$PORT" >"$TMP/server.log" 2>&1 &
    SERVER=$!
    PIDS+=($SERVER)
    for ((i = 0; i < 240; i++)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]] && break
        sleep 0.25
    done
}
start_server off
TOKEN=$(curl -fsS -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials "$BASE/oauth/token" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[[ -n $TOKEN ]] || die "no access token"
export TOKEN
HANGING=$("$TOOL" endpoint "http://127.0.0.1:$HANG_PORT/hook" location.created)
QUICK=$("$TOOL" endpoint "http://127.0.0.1:$RX_PORT/hook" location.created)
# set ID on|off: switch an endpoint (again while SQLite is busy with the
# runner's settles: a read that turns into a write is refused, not queued).
set_endpoint() {
    for ((try = 0; try < 20; try++)); do
        "$TOOL" set "$1" "$2" 2>/dev/null && return 0
        sleep 0.5
    done
    die "could not switch endpoint $1 $2"
}
set_endpoint "$HANGING" off
set_endpoint "$QUICK" off

# measure NAME: one wrk run; appends "RPS P50 P99 BAD" to $TMP/NAME.
measure() {
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -s bench/location_create.lua \
        "$BASE/api/v1/locations" >"$TMP/wrk.txt" 2>&1 || die "wrk: $(tail -n 3 "$TMP/wrk.txt")"
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
        END { printf "%.1f %.2f %.2f %d\n", rps, p50, p99, bad }
    ' "$TMP/wrk.txt" >>"$TMP/$1"
}
# The write alone: the server runs no deliveries (PORTAAL_JOBS=off), so
# what a subscribed endpoint adds is the event's insert in the write's
# transaction (and the endpoint lookup).
for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r (no deliveries): no endpoint ..."
    measure alone-none
    set_endpoint "$QUICK" on
    log "round $r (no deliveries): one endpoint ..."
    measure alone-one
    set_endpoint "$QUICK" off
done
kill "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
start_server on
for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r: no endpoint ..."
    measure none
    set_endpoint "$HANGING" on
    log "round $r: one endpoint, receiver never answers ..."
    measure hanging
    set_endpoint "$HANGING" off
    set_endpoint "$QUICK" on
    log "round $r: one endpoint, receiver answers at once ..."
    measure quick
    set_endpoint "$QUICK" off
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "(a) POST /api/v1/locations, wrk -t$THREADS -c$CONNECTIONS, ${DURATION} s × $ROUNDS rounds (medians):"
echo
echo "| endpoints | req/s | p50 ms | p99 ms | cost vs none | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|"
for v in alone-none alone-one none hanging quick; do
    case $v in alone-*) base=$(cut -d' ' -f1 "$TMP/alone-none" | median) ;; *) base=$(cut -d' ' -f1 "$TMP/none" | median) ;; esac
    rps=$(cut -d' ' -f1 "$TMP/$v" | median)
    p50=$(cut -d' ' -f2 "$TMP/$v" | median)
    p99=$(cut -d' ' -f3 "$TMP/$v" | median)
    bad=$(awk '{ s += $4 } END { print s }' "$TMP/$v")
    cost=$(awk -v b="$base" -v r="$rps" 'BEGIN { printf "%+.1f %%", (b / r - 1) * 100 }')
    case $v in
    alone-none) name="none, no deliveries on this instance" ;;
    alone-one) name="1, no deliveries on this instance (the write's own cost: the event insert)" ;;
    none) name="none" ;;
    hanging) name="1, receiver never answers (the write, and its message made by this instance's runner)" ;;
    quick) name="1, receiver answers at once (write + delivery)" ;;
    esac
    echo "| $name | $rps | $p50 | $p99 | $cost | $bad |"
done
echo
kill "${PIDS[@]}" 2>/dev/null || true
wait 2>/dev/null || true
PIDS=()

# --- (b) and (c): the runner ------------------------------------------------
echo "(b) throughput and latency, (c) with a receiver hanging 15 s:"
echo
echo '```'
"$TOOL" deliver 0 "$BACKLOG_K" 4
"$TOOL" deliver "$RATE" "$DELIVER_SECONDS" 4
"$TOOL" deliver "$RATE" "$DELIVER_SECONDS" 4 1
echo '```'
