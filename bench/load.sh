#!/bin/sh
# Load benchmark: a generated county (100,000 students, 8,000 people) in a
# fresh database, the real baoxued on a free loopback port, and bench_load
# driving POST /sms/inbound from a separate process:
#   1. closed loop, CONNS connections, as fast as the daemon answers;
#   2. open loop at RATE msg/s, for latency at a realistic rate.
# Usage: bench/load.sh [BUILD_DIR] (default build); env COUNT, CONNS, RATE,
# SECS, OUT_RATE, PROVIDER=1, PERF=1, STRACE=FILE, TRACE=1, KEEPLOG=FILE,
# KEEPDIR=1, SIGN=1 (every request signed with HMAC-SHA256, as providers
# are asked to),
# HOLD=N and HOLD_BYTES (N clients holding a request half sent, at the end).
set -eu
build=${1:-build}
count=${COUNT:-200000}
# 128: at 5,000/s and ~7 ms a request, 32 connections left messages
# queued in the driver, which then measured its own pool.
conns=${CONNS:-128}
rate=${RATE:-5000}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/bench/county.sh"
county_dir load
county_make "$build" "$dir"
# PROVIDER=1: the SMS leave through an http channel to the tests' fake
# provider on loopback, as they would through an aggregator, rather than
# through the outbox channel, which writes a file and fsyncs it on the
# loop.
[ -z "${PROVIDER:-}" ] || county_provider "$build"
# The driver keeps its connections open: all of them must get in.
county_serve "$build" "$src" "${MAXCONN:-$((conns + 16))}"
[ -z "${SIGN:-}" ] ||
    printf '[inbound.http]\nhmac_secret = bench-secret\n' >> "$dir/baoxued.conf"
county_start "$build"

# PERF=1 (or PERF=open): a profile of the daemon during the closed-loop
# (open-loop) run; STRACE=FILE: its system calls, counted.
profile_start() {
	[ -n "${STRACE:-}" ] && { strace -c -f -p "$pid" -o "$STRACE" & perfpid=$!; }
	[ -n "${PERF:-}" ] && { perf record ${PERF_ARGS:--g} -p "$pid" \
	    -o "${PERF_OUT:-perf.data}" 2>/dev/null & perfpid=$!; }
	true
}
profile_stop() {
	if [ -n "${PERF:-}${STRACE:-}" ]; then kill -INT "$perfpid"; wait "$perfpid" || true; fi
}
[ "${PERF:-}" = open ] || profile_start
"$build/bench/bench_load" drive -p "$port" -t bench -d "$dir/county.db" \
    -P "$pid" -n "$count" -c "$conns" ${SIGN:+-k bench-secret} ${EVHTTP:+-E}
[ "${PERF:-}" = open ] || profile_stop
[ "${PERF:-}" = open ] && profile_start
# TRACE=1: every call that blocks a thread on the disk (fdatasync, fsync,
# ftruncate) during the open loop, timed by the kernel's tracepoints
# (perf trace: no ptrace stop per call, so the run keeps its pace), and
# summed up per thread. A p99 on this VM moves by tens of ms from run to
# run; how long the event loop sat in such calls does not.
[ -n "${TRACE:-}" ] && { perf trace -e fdatasync,fsync,ftruncate -p "$pid" \
    -o "$dir/trace.txt" 2>/dev/null & tracepid=$!; }
"$build/bench/bench_load" drive -p "$port" -t bench -d "$dir/county.db" \
    -P "$pid" -n $((rate * ${SECS:-10})) -c "$conns" -r "$rate" -s 2 \
    ${SIGN:+-k bench-secret} ${EVHTTP:+-E}
[ "${PERF:-}" = open ] && profile_stop
if [ -n "${TRACE:-}" ]; then
	kill -INT "$tracepid"; wait "$tracepid" || true
	# The loop is the daemon's first thread: its tid is its pid.
	awk -v loop="$pid" '
	match($0, /\( *[0-9.]+ ms\): [^ ]*\/[0-9]+ [a-z]+\(/) {
		s = substr($0, RSTART, RLENGTH); gsub(/[():\/]/, " ", s)
		split(s, f, " "); ms = f[1]; tid = f[4]; call = f[5]
		k = (tid == loop ? "loop" : "thread " tid) " " call
		n[k]++; sum[k] += ms; if (ms > max[k]) max[k] = ms
		if (ms >= 10) slow[k]++
	}
	END {
		for (k in n)
			printf "  %-28s %6d calls %8.0f ms in all, " \
			    "max %6.2f ms, %d of 10 ms or more\n",
			    k, n[k], sum[k], max[k], slow[k] + 0
	}' "$dir/trace.txt" | sort
fi
# HOLD=N: then N clients at once, each holding a request half sent
# (HOLD_BYTES of body, default 15900): the daemon's memory under them.
[ -n "${HOLD:-}" ] && "$build/bench/bench_load" hold -p "$port" -P "$pid" \
    -n "$HOLD" -b "${HOLD_BYTES:-15900}"
kill -TERM "$pid"
wait "$pid"
# KEEPLOG=FILE: the daemon's log is kept there.
[ -n "${KEEPLOG:-}" ] && cp "$dir/baoxued.log" "$KEEPLOG"; true
pid=
