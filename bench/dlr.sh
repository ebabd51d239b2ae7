#!/bin/sh
# Delivery reports: bench/load.sh's county with some traffic behind it
# (PRE messages, about 3.4 SMS queued each), the first COUNT SMS marked
# sent as a provider would have them, and then COUNT reports on them,
# Kannel's dlr-url, over CONNS connections as fast as the daemon answers
# (a provider reports every SMS it took: three or four for each message
# taken in). Prints reports/s, latency, the daemon's CPU per report, and
# the rows delivered against the reports answered.
# Usage: bench/dlr.sh [BUILD_DIR] (default build); env PRE (20000),
# COUNT (20000), CONNS (64), KEEPDIR=1.
set -eu
build=${1:-build}
count=${COUNT:-20000}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/county.sh"
county_dir dlr
county_make "$build" "$dir" >/dev/null
county_serve "$build" "$src" 300
county_start "$build"
county_fill "$build" "${PRE:-20000}"
"$build/bench/bench_load" sent "$dir/county.db" "$count"
county_start "$build"
"$build/bench/bench_load" reports -p "$port" -t bench -d "$dir/county.db" \
    -P "$pid" -n "$count" -c "${CONNS:-64}"
