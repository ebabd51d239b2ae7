#!/bin/sh
# make demo: a fresh demo database from the sample roster, then baoxued in
# the foreground printing every outbound SMS. Run from the project root.
set -eu
build=${1:-build}
mkdir -p build/demo
rm -f build/demo/demo.db build/demo/demo.db-wal build/demo/demo.db-shm
"$build/baoxuectl" -d build/demo/demo.db import examples/demo
cat <<MSG

baoxued is starting on http://127.0.0.1:8080 (Ctrl-C stops it).
In a second terminal, send a teacher's SMS:

  curl -s --data-urlencode 'from=13800000001' --data-urlencode 'text=ABS 20240101 3' \\
       --data-urlencode 'token=demo' http://127.0.0.1:8080/sms/inbound

or: $build/baoxuectl sim 13800000001 'ABS 20240101 3'

MSG
exec "$build/baoxued" -c examples/demo/baoxued.conf
