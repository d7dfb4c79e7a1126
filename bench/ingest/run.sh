#!/usr/bin/env bash
# Ingestion benchmark: Rivet's POST /v1/batch against rawlimit, the least
# work with the same durability contract, on the same machine and disk.
#
#   bench/ingest/run.sh                      throughput table (default)
#   MODE=latency bench/ingest/run.sh         p99 at half the max rate
#   MODE=soak DURATION=5m bench/ingest/run.sh  server RSS over a long run
#
# Knobs: RAW_DECODER (rivet: Rivet's decoder, the default; stdlib: encoding/json), CONCURRENCY ("4 16 64"), DURATION (measured, per run), WARMUP,
# REPEAT (median of N), BATCH, POOL, TARGETS ("rivet raw"), LAT_CONCURRENCY,
# SOAK_CONCURRENCY, RATE (soak only; 0 = closed loop), BENCH_TMPDIR (where
# data goes: pick the disk you care about), OUT (keep JSON reports and logs).
#
# DURATION defaults to 20s rather than 30s: 3 concurrencies x 3 repeats x 2
# servers must fit in 10 minutes including builds and server restarts.
set -euo pipefail

MODE=${MODE:-throughput}
CONCURRENCY=${CONCURRENCY:-4 16 64}
WARMUP=${WARMUP:-3s}
BATCH=${BATCH:-100}
POOL=${POOL:-10000}
LAT_CONCURRENCY=${LAT_CONCURRENCY:-${CONCURRENCY##* }}
SOAK_CONCURRENCY=${SOAK_CONCURRENCY:-16}
RATE=${RATE:-0}
case $MODE in
throughput | latency)
	DURATION=${DURATION:-20s}
	REPEAT=${REPEAT:-3}
	TARGETS=${TARGETS:-rivet raw}
	;;
soak)
	DURATION=${DURATION:-5m}
	REPEAT=${REPEAT:-1}
	TARGETS=${TARGETS:-rivet}
	;;
*)
	echo "unknown MODE=$MODE (throughput, latency, soak)" >&2
	exit 2
	;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/rivet-bench.XXXXXX")
BIN=$TMP/bin
RES=$TMP/results
mkdir -p "$BIN" "$RES" "$TMP/logs"
SERVER_PID=
SERVER_NAME=

stop_server() {
	[[ -n $SERVER_PID ]] || return 0
	local pid=$SERVER_PID rc=0 t0=$SECONDS
	SERVER_PID=
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "  WARNING: $SERVER_NAME ignored SIGTERM for 30s; killing" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || rc=$?
	if ((rc != 0)); then
		echo "  WARNING: $SERVER_NAME exited with status $rc after SIGTERM ($((SECONDS - t0))s)" >&2
	fi
}

cleanup() {
	stop_server
	if [[ -n ${OUT:-} ]]; then
		mkdir -p "$OUT" && cp -r "$RES" "$TMP/logs" "$OUT"/ && echo "reports kept in $OUT" >&2
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$*" >&2; }

# fail shows the server's log, since that is usually where the reason is.
fail() {
	log "FAILED: $*"
	[[ -f $TMP/logs/current.log ]] && tail -n 30 "$TMP/logs/current.log" >&2
	exit 1
}

build() {
	log "building into $BIN ..."
	cd "$ROOT"
	local p
	for p in loadgen rawlimit benchutil; do
		CGO_ENABLED=0 go build -o "$BIN/$p" "./bench/ingest/$p"
	done
	if [[ " $TARGETS " == *" rivet "* ]]; then
		CGO_ENABLED=0 go build -o "$BIN/rivet" ./cmd/rivet
	fi
}

# start_target NAME sets SERVER_PID, URL and KEY for a fresh server with
# empty storage; both targets keep their data under $TMP, the same disk.
start_target() {
	local name=$1 port
	port=$("$BIN/benchutil" freeport)
	URL=http://127.0.0.1:$port
	SERVER_NAME=$name
	rm -rf "$TMP/data"
	mkdir -p "$TMP/data"
	: >"$TMP/logs/current.log"
	case $name in
	rivet)
		# Created while no server runs, so it writes the store directly.
		KEY=$(RIVET_DATA=$TMP/data "$BIN/rivet" source create --workspace bench --name web --channel web \
			2>>"$TMP/logs/current.log" | tail -n 1 | tr -d '[:space:]') || fail "rivet source create"
		[[ -n $KEY ]] || fail "rivet source create printed no write key"
		RIVET_DATA=$TMP/data RIVET_ADDR=127.0.0.1:$port "$BIN/rivet" serve >>"$TMP/logs/current.log" 2>&1 &
		;;
	raw)
		KEY=bench
		"$BIN/rawlimit" -addr "127.0.0.1:$port" -file "$TMP/data/raw.log" -decoder "${RAW_DECODER:-rivet}" >>"$TMP/logs/current.log" 2>&1 &
		;;
	esac
	SERVER_PID=$!
	"$BIN/benchutil" wait "$URL/readyz" 60s || fail "$name did not become ready"
}

# finish_target stops the server and keeps its log under the run's name.
finish_target() {
	stop_server
	cp "$TMP/logs/current.log" "$TMP/logs/$1.log"
	rm -rf "$TMP/data"
}

# load OUTNAME CONCURRENCY [loadgen flags...] runs one measurement.
load() {
	local out=$RES/$1.json conc=$2
	shift 2
	log "  $(basename "$out" .json):"
	if ! "$BIN/loadgen" -url "$URL" -key "$KEY" -server-pid "$SERVER_PID" -concurrency "$conc" \
		-duration "$DURATION" -warmup "$WARMUP" -batch "$BATCH" -events-pool "$POOL" \
		-label "$(basename "$out" .json)" "$@" >"$out" 2>"$out.txt"; then
		sed 's/^/    /' "$out.txt" >&2
		fail "loadgen against $SERVER_NAME"
	fi
	sed 's/^/    /' "$out.txt" >&2
}

med() { "$BIN/benchutil" median "$@"; }

files() { ls "$RES"/"$1"-r*.json; }

header() {
	local cpu
	cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
	echo "## Rivet ingestion benchmark: $MODE"
	echo
	echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, kernel $(uname -r), $(go version | cut -d' ' -f3-)"
	echo "- data on: $(df -PT "$TMP" | awk 'NR==2 {print $1 " (" $2 ")"}'), under $TMP"
	echo "- load: batch=$BATCH events/request, ~600 B events, $DURATION measured after $WARMUP warmup, median of $REPEAT"
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg); 'noise' = CPU cores used by other processes while measuring"
	echo
}

has() { [[ " $TARGETS " == *" $1 "* ]]; }

throughput() {
	local c r t
	for c in $CONCURRENCY; do
		for r in $(seq "$REPEAT"); do
			# Alternate the targets within a repeat so drift in the noisy
			# machine hits both alike.
			for t in $TARGETS; do
				log "[$t c=$c repeat $r/$REPEAT]"
				start_target "$t"
				load "$t-c$c-r$r" "$c"
				finish_target "$t-c$c-r$r"
			done
		done
	done
	echo "| concurrency | rivet ev/s | rivet p50 ms | rivet p99 ms | raw ev/s | raw p99 ms | rivet/raw | rivet CPU µs/ev | raw CPU µs/ev | noise cores |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	local best_rivet=0 best_raw=0 v
	for c in $CONCURRENCY; do
		local rv=- rp50=- rp99=- rcpu=- wv=- wp99=- wcpu=- ratio=- noise
		if has rivet; then
			rv=$(med events_per_sec $(files rivet-c$c))
			rp50=$(med latency_ms.p50 $(files rivet-c$c))
			rp99=$(med latency_ms.p99 $(files rivet-c$c))
			rcpu=$(med server_cpu_us_per_event $(files rivet-c$c))
		fi
		if has raw; then
			wv=$(med events_per_sec $(files raw-c$c))
			wp99=$(med latency_ms.p99 $(files raw-c$c))
			wcpu=$(med server_cpu_us_per_event $(files raw-c$c))
		fi
		if has rivet && has raw; then
			ratio=$("$BIN/benchutil" ratio events_per_sec $(files rivet-c$c) -- $(files raw-c$c))
		fi
		noise=$(med other_cpu_cores $(for t in $TARGETS; do files $t-c$c; done))
		echo "| $c | $rv | $rp50 | $rp99 | $wv | $wp99 | $ratio | $rcpu | $wcpu | $noise |"
		[[ $rv != - ]] && ((${rv%.*} > best_rivet)) && best_rivet=${rv%.*}
		[[ $wv != - ]] && ((${wv%.*} > best_raw)) && best_raw=${wv%.*}
	done
	echo
	if ((best_raw > 0)); then
		echo "Machine limit (best raw): $best_raw ev/s."
	fi
	if ((best_rivet > 0)); then
		local verdict=MISS
		((best_rivet >= 100000)) && verdict=PASS
		echo "Rivet best: $best_rivet ev/s — target >= 100000 durable ev/s: $verdict."
		if ((best_raw > 0)); then
			local frac v2=MISS
			frac=$(awk -v a="$best_rivet" -v b="$best_raw" 'BEGIN {printf "%.2f", a / b}')
			awk -v f="$frac" 'BEGIN {exit !(f >= 0.6)}' && v2=PASS
			echo "Rivet/limit at best concurrency of each: $frac — target >= 0.6: $v2."
		fi
	fi
}

latency() {
	local c=$LAT_CONCURRENCY r t max half
	for r in $(seq "$REPEAT"); do
		for t in $TARGETS; do
			# A fresh server for the paced run, so it does not inherit the
			# compaction debt of the closed-loop run.
			log "[$t c=$c repeat $r/$REPEAT: max rate]"
			start_target "$t"
			load "$t-max-r$r" "$c"
			finish_target "$t-max-r$r"
			max=$(med events_per_sec "$RES/$t-max-r$r.json")
			half=$(awk -v m="$max" 'BEGIN {printf "%d", m / 2}')
			log "[$t c=$c repeat $r/$REPEAT: half of max = $half ev/s]"
			start_target "$t"
			load "$t-half-r$r" "$c" -rate "$half"
			finish_target "$t-half-r$r"
		done
	done
	echo "Latency counts from each request's scheduled send time (no coordinated omission)."
	echo
	echo "| target | concurrency | max ev/s | paced at ev/s | achieved ev/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | failed requests | noise cores |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for t in $TARGETS; do
		echo "| $t | $c | $(med events_per_sec $(files $t-max)) | $(med target_rate $(files $t-half)) |" \
			"$(med events_per_sec $(files $t-half)) | $(med latency_ms.p50 $(files $t-half)) |" \
			"$(med latency_ms.p90 $(files $t-half)) | $(med latency_ms.p99 $(files $t-half)) |" \
			"$(med latency_ms.p999 $(files $t-half)) | $(med latency_ms.max $(files $t-half)) | $(med error_count $(files $t-half)) |" \
			"$(med other_cpu_cores $(files $t-half)) |"
	done
	if has rivet; then
		local p99 verdict=MISS
		p99=$(med latency_ms.p99 $(files rivet-half))
		awk -v p="$p99" 'BEGIN {exit !(p < 50)}' && verdict=PASS
		echo
		echo "Rivet p99 at half max rate: $p99 ms — target < 50 ms: $verdict."
	fi
}

soak() {
	local c=$SOAK_CONCURRENCY r t
	for r in $(seq "$REPEAT"); do
		for t in $TARGETS; do
			log "[$t soak c=$c rate=$RATE for $DURATION, repeat $r/$REPEAT]"
			start_target "$t"
			load "$t-soak-r$r" "$c" -rate "$RATE"
			finish_target "$t-soak-r$r"
		done
	done
	echo "RSS sampled every second; slope is a least-squares fit over the second half of the run."
	echo
	echo "| target | ev/s | p99 ms | RSS start MB | median MB | max MB | end MB | slope MB/min | noise cores |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for t in $TARGETS; do
		local f
		f=$(files $t-soak)
		echo "| $t | $(med events_per_sec $f) | $(med latency_ms.p99 $f) | $(med server_rss.start_mb $f) |" \
			"$(med server_rss.median_mb $f) | $(med server_rss.max_mb $f) | $(med server_rss.end_mb $f) |" \
			"$(med server_rss.rss_slope_mb_per_min $f) | $(med other_cpu_cores $f) |"
	done
}

build
header
$MODE
