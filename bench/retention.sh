#!/bin/sh
# The retention pass on a grown database: bench/apply.sh's county after
# COUNT messages (default 100,000), then every step the scheduler would
# take with all of it old (bench/bench_retention.c).
# Usage: bench/retention.sh [BUILD_DIR] (default build); env COUNT.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/county.sh"
county_dir retention
county_make "$build" "$dir"
county_conf "$dir" "$src" > "$dir/baoxued.conf"
"$build/bench/bench_apply" -c "$dir/baoxued.conf" -n "${COUNT:-100000}" \
    -g 64 2>"$dir/apply.log" >/dev/null
"$build/bench/bench_retention" "$dir/county.db"
