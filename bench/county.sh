# Sourced by bench/load.sh and bench/apply.sh: the generated county and
# the configuration both run the daemon with.

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
[channel.outbox]
type = outbox
path = $1/outbox.txt
; A real provider accepts tens to hundreds of SMS a second; the queue
; absorbs the burst and drains at this rate.
rate = ${OUT_RATE:-100}
CONF
}
