#!/bin/sh
# Sending through an HTTP provider: bench/load.sh's county with PRE
# messages taken in (their replies, tasks and notices queued, about 3.4 an
# inbound message, while the outbox channel sends one a second), then the
# daemon started again with an HTTP channel instead, pointed at the tests'
# fake provider on loopback (tests/fakes/fake_provider: 200 and an id for
# every request), at RATE SMS a second, quiet hours and the per-number
# limits off. Prints how fast the queue drains and the daemon's CPU per
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
OUT_RATE=1 county_serve "$build" "$src" 300
printf '[quiet]\nstart = 00:00\nend = 00:00\n' >> "$dir/baoxued.conf"
county_start "$build"
county_fill "$build" "${PRE:-5000}"
"$build/tests/fake_provider" "$dir/prov.port" "$dir/prov.mode" \
    "$dir/prov.log" &
prov=$!
trap 'kill $prov 2>/dev/null; county_cleanup' EXIT INT TERM
i=0
while [ ! -s "$dir/prov.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
# The outbox channel's section out, the provider's in.
awk '/^\[/ { skip = ($0 == "[channel.outbox]") } !skip' \
    "$dir/baoxued.conf" > "$dir/send.conf"
cat >> "$dir/send.conf" <<CONF
[channel.prov]
type = http
url = http://127.0.0.1:$(cat "$dir/prov.port")/send
body = to={to}&text={text}&id={id}
id_json = id
rate = ${RATE:-2000}
max_inflight = ${INFLIGHT:-8}
recipient_daily = 0
same_text_window = 0
CONF
mv "$dir/send.conf" "$dir/baoxued.conf"
county_start "$build"
"$build/bench/bench_load" drain -d "$dir/county.db" -P "$pid" \
    -s "${SECS:-120}" || true
echo "  SMS the provider took             $(wc -l < "$dir/prov.log")"
