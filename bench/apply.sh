#!/bin/sh
# The writer alone: bench_load's county in a fresh database, then
# bench_apply driving the pipeline's group commit directly (no HTTP, no
# sockets, no load driver), with the same channel as bench/load.sh.
# Usage: bench/apply.sh [BUILD_DIR] (default build); env COUNT (50000),
# GROUP (64), KEEPDIR=1.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/county.sh"
county_dir apply
county_make "$build" "$dir"
county_conf "$dir" "$src" > "$dir/baoxued.conf"
"$build/bench/bench_apply" -c "$dir/baoxued.conf" -n "${COUNT:-50000}" \
    -g "${GROUP:-64}" 2>"$dir/apply.log"
