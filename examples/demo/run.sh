#!/bin/sh
# make demo: a fresh demo database from the sample roster, then baoxued in
# the foreground printing every outbound SMS. Run from the project root.
set -eu
build=${1:-build}
mkdir -p build/demo
# A fresh demo: a new database and an empty outbox (each line names its
# database, so an old file would only be passed over, but the demo's file
# then shows this run alone).
rm -f build/demo/demo.db build/demo/demo.db-wal build/demo/demo.db-shm \
    build/demo/outbox.jsonl
"$build/baoxuectl" -d build/demo/demo.db import examples/demo
cat <<MSG

baoxued is starting on http://127.0.0.1:8080 (Ctrl-C stops it).
In a second terminal, send a teacher's SMS:

  curl -s --data-urlencode 'from=13800000001' --data-urlencode 'text=ABS 20240101 3' \\
       --data-urlencode 'token=demo' http://127.0.0.1:8080/sms/inbound

or: $build/baoxuectl sim 13800000001 'ABS 20240101 3'

Anyone on the roster asks what they may send, and how one is written:

  $build/baoxuectl sim 13800000004 '帮助'
  $build/baoxuectl sim 13800000004 '帮助 家访'

The village head of 中坝村 answers the task SMS by its number:

  $build/baoxuectl sim 13800000004 '3 家长说要去打工'

A teacher confirms a dropout, and the school's inspector co-signs it:

  $build/baoxuectl sim 13800000001 'DROP 20240102 工'
  $build/baoxuectl sim 13800000003 '签 20240102'

A teacher records a routine home visit (a student with no open case), and
the operator lists who in the school has not been visited this term:

  $build/baoxuectl sim 13800000001 'VIS 20240103 在校 家长支持'
  $build/baoxuectl -d build/demo/demo.db visits --school S01 --missing

The principal closes a case of a child who moved away with the papers
done (转学), and the ledger shows how each case ended:

  $build/baoxuectl sim 13800000002 '结案 20240101 转学 已转入县一小'
  $build/baoxuectl -d build/demo/demo.db cases

The operator prints one student's record (every report, step, visit and
SMS, who and when), who holds which role in a village, and the SMS sent
to the village head (or --status failed: what could not be sent):

  $build/baoxuectl -d build/demo/demo.db history 20240101
  $build/baoxuectl -d build/demo/demo.db people --place V01
  $build/baoxuectl -d build/demo/demo.db sms --to 13800000004

The principal reports the school's start of term (开学), once a term:

  $build/baoxuectl sim 13800000002 '开学'

and a USSD session (add 1, 1*20240101, ... to text, one request each):

  curl -s -d 'sessionId=demo1&phoneNumber=13800000001&text=&token=demo' \\
       http://127.0.0.1:8080/ussd

MSG
exec "$build/baoxued" -c examples/demo/baoxued.conf
