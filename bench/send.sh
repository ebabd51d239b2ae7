#!/bin/sh
# Sending through an HTTP provider: bench/load.sh's county with PRE
# messages taken in (their replies, tasks and notices queued, about 3.3 an
# inbound message, while the outbox channel sends one a second), then the
# daemon started again with an HTTP channel instead, pointed at the tests'
# fake provider on loopback (county_provider), at RATE SMS a second, quiet
# hours and the per-number limits off. Prints how fast the queue drains and the daemon's CPU per
# row sent (a row merged into another's SMS counts), and the requests the
# provider took.
# Usage: bench/send.sh [BUILD_DIR] (default build); env PRE (5000), RATE
# (2000), INFLIGHT (the channel's max_inflight, 8), SECS (a bound on the
# drain, 120), KEEPDIR=1.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/county.sh"
county_dir send
county_make "$build" "$dir" >/dev/null
OUT_RATE=1
county_serve "$build" "$src" 300
county_start "$build"
county_fill "$build" "${PRE:-5000}"
OUT_RATE=${RATE:-2000}
PROV_KEYS="max_inflight = ${INFLIGHT:-8}
recipient_daily = 0
same_text_window = 0"
county_provider "$build"
county_serve "$build" "$src" 300
printf '[quiet]\nstart = 00:00\nend = 00:00\n' >> "$dir/baoxued.conf"
county_start "$build"
"$build/bench/bench_load" drain -d "$dir/county.db" -P "$pid" \
    -s "${SECS:-120}" || true
echo "  SMS the provider took             $(wc -l < "$dir/prov.log")"
