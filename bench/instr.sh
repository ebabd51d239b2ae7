#!/bin/sh
# The writer's instructions per message: bench_apply (bench/apply.sh's
# county and traffic) under valgrind's callgrind, which counts the
# instructions executed. A count, not a time: two builds compare to the
# per mille on this VM, where wall-clock figures move by 15-20 % from run
# to run. It does not weigh what an instruction costs (a cache miss, a
# system call, waiting for the disk): bench/apply.sh and bench/load.sh
# say that. Two runs in fresh copies of the county, N1 and N2 messages;
# the difference over N2 - N1 leaves out the start (opening, templates,
# the queue's totals counted). The sender drains at 1 SMS a second:
# under valgrind the daemon runs some fifty times slower, and at the
# usual 100 a second the sender would do fifty times its share.
# Usage: bench/instr.sh [BUILD_DIR] (default build); env N1 (500),
# N2 (2500), GROUP (64), TOP (15: the N2 run's costliest functions of
# baoxued's own, inclusive), KEEPDIR=1.
set -eu
build=${1:-build}
n1=${N1:-500}
n2=${N2:-2500}
src=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "instr.sh: needs valgrind" >&2; exit 1; }
. "$src/bench/county.sh"
county_dir instr
county_make "$build" "$dir" >/dev/null 2>"$dir/import.log" ||
    { cat "$dir/import.log" >&2; exit 1; }
OUT_RATE=1 county_conf "$dir" "$src" > "$dir/baoxued.conf"
cp "$dir/county.db" "$dir/county.orig"

# instr N: instructions for N messages, from a fresh copy of the county.
instr() {
	cp "$dir/county.orig" "$dir/county.db"
	rm -f "$dir/county.db-wal" "$dir/county.db-shm" "$dir/outbox.txt"
	valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$1" \
	    "$build/bench/bench_apply" -c "$dir/baoxued.conf" -n "$1" \
	    -g "${GROUP:-64}" >"$dir/apply.$1" 2>"$dir/valgrind.$1" ||
	    { cat "$dir/valgrind.$1" >&2; exit 1; }
	grep 'accepted / duplicate / failed' "$dir/apply.$1" | grep -q ' / 0$' ||
	    { cat "$dir/apply.$1" >&2; exit 1; }
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$dir/valgrind.$1"
}
i1=$(instr "$n1")
i2=$(instr "$n2")
echo "writer alone, groups of ${GROUP:-64}: $n1 messages $i1 instructions," \
    "$n2 messages $i2"
awk -v a="$i1" -v b="$i2" -v n="$((n2 - n1))" \
    'BEGIN { printf "  instructions per message %12.0f\n", (b - a) / n }'
echo "  the costliest of baoxued's own functions ($n2 messages, inclusive):"
callgrind_annotate --inclusive=yes "$dir/cg.$n2" 2>/dev/null |
    grep -E '^ *[0-9,]+ \([ 0-9.]+%\) +(gateway|store|parsers|templates)/' |
    sed 's/ \[.*//' | head -n "${TOP:-15}"
