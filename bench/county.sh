# Sourced by bench/load.sh and bench/apply.sh: the generated county and
# the configuration both run the daemon with.

# county_dir NAME: a fresh directory in $dir (/tmp/bx-NAME.XXXXXX), removed
# at exit (KEEPDIR=1 keeps it for a look: the database, the log, the
# outbox), and the daemon in $pid, if one was started, stopped first.
county_dir() {
	dir=$(mktemp -d "/tmp/bx-$1.XXXXXX")
	pid=
	prov=
	prov_port=
	trap county_cleanup EXIT INT TERM
}
county_cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$prov" ] && kill "$prov" 2>/dev/null && wait "$prov" 2>/dev/null
	if [ -n "${KEEPDIR:-}" ]; then echo "kept: $dir"; else rm -rf "$dir"; fi
}

# county_make BUILD DIR: the county's CSVs, imported into DIR/county.db.
county_make() {
	"$1/bench/bench_load" roster "$2"
	_t0=$(date +%s.%N)
	"$1/baoxuectl" -d "$2/county.db" import "$2" >/dev/null
	echo "import: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $_t0 }") s"
}

# county_conf DIR SRC: the shared configuration on stdout (each script
# appends its own keys in sections of their own).
county_conf() {
	cat <<CONF
[daemon]
database = $1/county.db
templates = $2/templates/zh-CN
timezone = Asia/Shanghai
signature = 【保学】
[clock]
mode = system
[inbound.http]
token = bench
CONF
	# A real provider accepts tens to hundreds of SMS a second; the queue
	# absorbs the burst and drains at this rate.
	if [ -n "$prov_port" ]; then
		cat <<CONF
[channel.prov]
type = http
url = http://127.0.0.1:$prov_port/send
body = to={to}&text={text}&id={id}
id_json = id
rate = ${OUT_RATE:-100}
${PROV_KEYS:-}
CONF
	else
		cat <<CONF
[channel.outbox]
type = outbox
path = $1/outbox.txt
rate = ${OUT_RATE:-100}
CONF
	fi
}

# county_provider BUILD: the tests' fake SMS provider on loopback
# (tests/fakes/fake_provider: 200 and an id for every request), its pid in
# $prov (stopped at exit); county_conf then sends through it, over an
# http channel, instead of the outbox. PROV_KEYS: lines added to that
# channel's section.
county_provider() {
	"$1/tests/fake_provider" "$dir/prov.port" "$dir/prov.mode" \
	    "$dir/prov.log" &
	prov=$!
	_i=0
	while [ ! -s "$dir/prov.port" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	prov_port=$(cat "$dir/prov.port")
}

# county_serve BUILD SRC MAXCONN: a free loopback port in $port, and
# $dir/baoxued.conf: county_conf, listening there, taking MAXCONN
# connections at once. A script appends sections of its own before
# county_start.
county_serve() {
	port=$("$1/bench/bench_load" freeport)
	{
		county_conf "$dir" "$2"
		printf '[daemon]\nlisten = 127.0.0.1:%s\n' "$port"
		printf '[inbound.http]\nmax_connections = %s\n' "$3"
	} > "$dir/baoxued.conf"
}

# county_start BUILD: the daemon on $dir/baoxued.conf (its log appended to
# $dir/baoxued.log), its pid in $pid, once it listens on $port.
county_start() {
	"$1/baoxued" -c "$dir/baoxued.conf" 2>>"$dir/baoxued.log" &
	pid=$!
	"$1/bench/bench_load" ready "$port" ||
	    { cat "$dir/baoxued.log"; exit 1; }
}

# county_fill BUILD N: N messages taken in, as fast as the daemon answers
# (128 connections), then the daemon stopped: a queue to work on.
county_fill() {
	"$1/bench/bench_load" drive -p "$port" -t bench -d "$dir/county.db" \
	    -P "$pid" -n "$2" -c 128 | grep -E 'closed loop|MISMATCH' || true
	kill "$pid" && wait "$pid" || true
	pid=
}
