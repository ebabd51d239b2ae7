#!/bin/sh
# The writer alone: bench_load's county in a fresh database, then
# bench_apply driving the pipeline's group commit directly (no HTTP, no
# sockets, no load driver), with the same channel as bench/load.sh.
# Usage: bench/apply.sh [BUILD_DIR] (default build); env COUNT (50000),
# GROUP (64), KEEPDIR=1.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/bx-apply.XXXXXX)
cleanup() {
	if [ -n "${KEEPDIR:-}" ]; then echo "kept: $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT INT TERM

"$build/bench/bench_load" roster "$dir"
"$build/baoxuectl" -d "$dir/county.db" import "$dir" >/dev/null
cat > "$dir/baoxued.conf" <<CONF
[daemon]
database = $dir/county.db
templates = $src/templates/zh-CN
timezone = Asia/Shanghai
signature = 【保学】
[clock]
mode = system
[inbound.http]
token = bench
[channel.outbox]
type = outbox
path = $dir/outbox.txt
rate = ${OUT_RATE:-100}
CONF
"$build/bench/bench_apply" -c "$dir/baoxued.conf" -n "${COUNT:-50000}" \
    -g "${GROUP:-64}" 2>"$dir/apply.log"
