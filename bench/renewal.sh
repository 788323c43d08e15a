#!/usr/bin/env bash
# Renewal benchmark, run by hand: `bash bench/renewal.sh`.
#
# Builds the release binary, seeds the demo data plus RENEWALS (default
# 10000) organisations whose monthly subscription period ended an hour ago
# (`portaal bench-seed --renewals N`, no locations/meetings/customers), then
# times one lifecycle run (`portaal subscriptions run`), which renews them
# all and drafts their invoices, and one invoice run (`portaal invoices
# run`), which numbers, renders, stores and mails them. Prints each run's
# own line (the invoice run's with its peak memory) and the wall-clock time.
#
# Environment (all optional):
#   RENEWALS       organisations to renew (default 10000)
#   DATABASE_URL   postgres://... for PostgreSQL (an empty, throwaway
#                  database); anything else: a temp SQLite file
#   PORTAAL_BIN    use this binary instead of building target/release/portaal
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RENEWALS=${RENEWALS:-10000}
if [[ -z "${PORTAAL_BIN:-}" ]]; then
  echo "building release binary…" >&2
  cargo build --release --quiet
  PORTAAL_BIN=target/release/portaal
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*) BACKEND=PostgreSQL ;;
  *) export DATABASE_URL="$tmp/bench.db"; BACKEND=SQLite ;;
esac
export RUST_LOG=warn
"$PORTAAL_BIN" migrate >&2
"$PORTAAL_BIN" bench-seed --locations 0 --meetings 0 --customers 0 --contacts 0 \
  --renewals "$RENEWALS" >&2
start=$(date +%s.%N)
"$PORTAAL_BIN" subscriptions run
end=$(date +%s.%N)
printf 'wall clock: %.2f s for %s renewals (%s)\n' "$(echo "$end - $start" | bc)" "$RENEWALS" "$BACKEND"
# The renewals' invoices: numbered, rendered (PDF stored), mailed (outbox).
start=$(date +%s.%N)
"$PORTAAL_BIN" invoices run
end=$(date +%s.%N)
printf 'wall clock: %.2f s for their invoices (%s)\n' "$(echo "$end - $start" | bc)" "$BACKEND"
