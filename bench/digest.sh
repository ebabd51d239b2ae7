#!/bin/sh
# The weekly digest under load: bench/load.sh's county, the real baoxued
# with its digest set to fall due during an open loop of RATE msg/s, and
# what the answers waited meanwhile (the digest runs on the loop, in
# slices: README, "Review").
# Usage: bench/digest.sh [BUILD_DIR] (default build); env PRE (messages
# first, so that there is something to count; default 5000), RATE
# (default 1000), KEEPDIR=1. Takes two to three minutes: the digest is
# set for a minute boundary 50-110 s ahead, and the open loop runs 20 s
# past it.
set -eu
build=${1:-build}
rate=${RATE:-1000}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/county.sh"
county_dir digest
county_make "$build" "$dir" >/dev/null
# The digest's day and time, local (the county's zone).
at=$(($(date +%s) + 110))
at=$((at - at % 60))
day=$(TZ=Asia/Shanghai date -d "@$at" +%A | tr 'A-Z' 'a-z')
hm=$(TZ=Asia/Shanghai date -d "@$at" +%H:%M)
county_serve "$build" "$src" 300
printf '[digest]\nday = %s\ntime = %s\n' "$day" "$hm" >> "$dir/baoxued.conf"
county_start "$build"
"$build/bench/bench_load" drive -p "$port" -t bench -d "$dir/county.db" \
    -P "$pid" -n "${PRE:-5000}" -c 128 >/dev/null
secs=$((at - $(date +%s) + 20))
echo "digest due $day $hm (in $((secs - 20)) s); $rate msg/s for $secs s"
"$build/bench/bench_load" drive -p "$port" -t bench -d "$dir/county.db" \
    -P "$pid" -n $((rate * secs)) -c 128 -r "$rate" -s 2 |
    grep -E 'answered 200|latency|MISMATCH' || true
echo "due at $(TZ=UTC date -d "@$at" +%H:%M:%S) UTC; the daemon's log:"
grep 'weekly digest' "$dir/baoxued.log" || { echo "no digest sent"; exit 1; }
