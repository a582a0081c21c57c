#!/bin/bash
# BGP at scale: cgwd against BIRD 2 taking the same table from the same
# fast feeder (build/tests/tools/bgp_feed) over a LAN session, on this
# host in network namespaces (no VM). Issue 13.
#
#   tests/bench/bgp-scale.sh [VAR=value ...]   as root, after make all tools
#     BENCH_SIZES="100000 1000000"   table sizes (default 100000; set
#                                    BENCH_1M=1 to add 1000000)
#     BENCH_PER=500                  prefixes per UPDATE from the feeder
#     CGW_BIN=/abs/path/cgwd         benchmark another cgwd build
#
# For each size, cgwd then BIRD (each alone on the host's CPUs): the
# feeder blasts N /24s (N/50 distinct AS_PATHs) and, once they are all in,
# withdraws them all. Measured: time from the first octet to the full
# Adj-RIB-In (cgwctl --json show bgp / birdc show protocols all, polled),
# peak RSS (VmHWM), CPU (utime + stime) for ingest and withdraw, time to
# empty, RSS after the withdrawal, and for cgwd the latency of `cgwctl
# status` while it ingests (p50/p99, the poll's own cgwctl calls).
#
# Output: the table on stdout and in tests/bench/out/bgp-scale/report.txt,
# logs beside it. Exit 0 when every cell has a value.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/out/bgp-scale
CGWD=$repo/cgwd
CGWCTL=$repo/cgwctl
FEED=$repo/build/tests/tools/bgp_feed
sizes="100000"
per=500
[ "${BENCH_1M:-0}" = 1 ] && sizes="100000 1000000"
for kv in "$@"; do
	case $kv in
	BENCH_SIZES=*) sizes=${kv#*=} ;;
	BENCH_PER=*) per=${kv#*=} ;;
	BENCH_1M=1) sizes="100000 1000000" ;;
	CGW_BIN=/*) CGWD=${kv#*=} ;;
	BENCH_*=*) ;;	# the footprint benchmark's
	*) echo "bgp-scale: unknown argument $kv"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bgp-scale: must run as root (network namespaces)"; exit 1; }
for b in "$CGWD" "$CGWCTL" "$FEED"; do
	[ -x "$b" ] || { echo "bgp-scale: $b missing: run make all tools first"; exit 1; }
done
for t in bird birdc ip; do
	command -v $t >/dev/null || { echo "bgp-scale: $t not installed"; exit 1; }
done

rm -rf "$out"; mkdir -p "$out"
T=$(mktemp -d /tmp/cgw-bgpscale.XXXXXX)
NF=bsf$$ NC=bsc$$ NB=bsb$$
pids=""
cleanup() {
	exec 8>&- 2>/dev/null
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	[ -f "$T/bird.pid" ] && kill "$(cat "$T/bird.pid")" 2>/dev/null
	for n in $NF $NC $NB; do ip netns del $n 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# feeder 10.99.1.1 -- 10.99.1.2 cgwd, feeder 10.99.2.1 -- 10.99.2.2 bird
for n in $NF $NC $NB; do ip netns add $n; ip -n $n link set lo up; done
ip -n $NF link add fc type veth peer name lan netns $NC
ip -n $NF link add fb type veth peer name lan netns $NB
ip -n $NF addr add 10.99.1.1/24 dev fc; ip -n $NF link set fc up
ip -n $NF addr add 10.99.2.1/24 dev fb; ip -n $NF link set fb up
ip -n $NC addr add 10.99.1.2/24 dev lan; ip -n $NC link set lan up
ip -n $NB addr add 10.99.2.2/24 dev lan; ip -n $NB link set lan up

cat > "$T/cgwd.conf" <<EOF
asn 65000
router-id 10.99.1.2

neighbor 10.99.1.1 {
    remote-as 65010
}
EOF
chmod 600 "$T/cgwd.conf"
cat > "$T/bird.conf" <<EOF
router id 10.99.2.2;
log "$T/bird.log" { info, warning, error, fatal };
protocol device {}
protocol bgp feed {
	local 10.99.2.2 as 65000;
	neighbor 10.99.2.1 as 65010;
	passive on;
	ipv4 { import all; export none; };
}
EOF

now() { echo "$EPOCHREALTIME"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)

# count IMPL: prefixes the implementation holds from the feeder.
count() {
	case $1 in
	cgwd) "$CGWCTL" -s "$T/cgwd.sock" --json show bgp 2>/dev/null |
		tr -d ' \n' | sed -n 's/.*"prefixes_received":\([0-9]*\).*/\1/p' ;;
	bird) birdc -s "$T/bird.sock" show protocols all feed 2>/dev/null |
		awk '/Routes:/ { print $2; exit }' ;;
	esac
}

# wait_count IMPL WANT SECONDS LATFILE: poll until the count is WANT;
# LATFILE gets each `cgwctl status` latency in ms (cgwd only).
wait_count() {
	local end=$(( $(date +%s) + $3 )) c s
	while [ "$(date +%s)" -lt $end ]; do
		if [ "$1" = cgwd ]; then
			s=$(now)
			"$CGWCTL" -s "$T/cgwd.sock" status >/dev/null 2>&1
			ms "$s" "$(now)" >> "$4"; echo >> "$4"
		fi
		c=$(count "$1")
		[ "$c" = "$2" ] && return 0
		sleep 0.02
	done
	echo "bgp-scale: $1: $c of $2 prefixes after $3 s" >&2
	return 1
}

pctl() {	# FILE P: the Pth percentile of the numbers in FILE
	sort -n "$1" | awk -v p="$2" 'NF { v[n++] = $1 } END {
		if (n == 0) { print "-"; exit }
		i = int((n - 1) * p / 100 + 0.5); print v[i] }'
}

# run IMPL N: one measurement into $out/results.txt as "IMPL N key value".
run() {
	local impl=$1 n=$2 pid t0 t1 c0 c1 rss0 lat=$out/lat-$1-$2.txt
	local addr log=$out/$1-$2.log r=$out/results.txt
	: > "$lat"
	case $impl in
	cgwd)
		ip netns exec $NC "$CGWD" -f "$T/cgwd.conf" -s "$T/cgwd.sock" \
		    >"$log" 2>&1 &
		pid=$!; pids="$pids $pid"; addr=10.99.1.2 ;;
	bird)
		rm -f "$T/bird.pid"
		ip netns exec $NB bird -c "$T/bird.conf" -s "$T/bird.sock" \
		    -P "$T/bird.pid" || { echo "bgp-scale: bird did not start"; return 1; }
		sleep 0.3; pid=$(cat "$T/bird.pid"); addr=10.99.2.2 ;;
	esac
	sleep 1
	rm -f "$T/feed.in"; mkfifo "$T/feed.in"
	ip netns exec $NF "$FEED" -r $addr -a 65010 -i 10.99.9.1 -n "$n" \
	    -g "$per" <"$T/feed.in" >"$out/feed-$impl-$n.txt" 2>&1 &
	local fpid=$!; pids="$pids $fpid"
	exec 8>"$T/feed.in"
	# Established: the count reads 0 rather than nothing.
	local i=0
	until [ "$(count $impl)" = 0 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.5
	rss0=$(kb $pid VmRSS)
	echo "$impl $n rss_idle_kb $rss0" >> "$r"
	c0=$(cpu_ticks $pid); t0=$(now)
	echo announce >&8
	if wait_count $impl "$n" 300 "$lat"; then
		t1=$(now); c1=$(cpu_ticks $pid)
		echo "$impl $n ingest_ms $(ms "$t0" "$t1")" >> "$r"
		echo "$impl $n ingest_cpu_ms $(( (c1 - c0) * 1000 / tck ))" >> "$r"
	fi
	sleep 1
	cp /proc/$pid/smaps "$out/smaps-$impl-$n.txt" 2>/dev/null
	echo "$impl $n rss_full_kb $(kb $pid VmRSS)" >> "$r"
	echo "$impl $n rss_peak_kb $(kb $pid VmHWM)" >> "$r"
	if [ $impl = cgwd ]; then
		echo "$impl $n status_p50_ms $(pctl "$lat" 50)" >> "$r"
		echo "$impl $n status_p99_ms $(pctl "$lat" 99)" >> "$r"
	fi
	c0=$(cpu_ticks $pid); t0=$(now)
	echo withdraw >&8
	if wait_count $impl 0 300 /dev/null; then
		t1=$(now); c1=$(cpu_ticks $pid)
		echo "$impl $n withdraw_ms $(ms "$t0" "$t1")" >> "$r"
		echo "$impl $n withdraw_cpu_ms $(( (c1 - c0) * 1000 / tck ))" >> "$r"
	fi
	sleep 2
	echo "$impl $n rss_after_kb $(kb $pid VmRSS)" >> "$r"
	echo quit >&8; exec 8>&-
	wait $fpid 2>/dev/null
	kill $pid; wait $pid 2>/dev/null
	[ $impl = bird ] && { i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }
	# The log's volume: what a full table costs the journal.
	[ $impl = cgwd ] && echo "$impl $n log_kb $(( $(stat -c %s "$log") / 1024 ))" >> "$r"
	[ $impl = bird ] && cp "$T/bird.log" "$log" 2>/dev/null
	return 0
}

echo "bgp-scale: sizes $sizes, $per prefixes per UPDATE (logs: $out/)"
echo "host: load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" > "$out/host.txt"
for n in $sizes; do
	run cgwd "$n"
	run bird "$n"
done

# The table: one row per metric, cgwd, BIRD, the ratio.
report() {
	awk -v sizes="$sizes" '
	{ v[$1 " " $2 " " $3] = $4 }
	END {
		nk = split("ingest_ms ingest_cpu_ms rss_idle_kb rss_peak_kb " \
		    "rss_full_kb withdraw_ms withdraw_cpu_ms rss_after_kb " \
		    "status_p50_ms status_p99_ms log_kb", keys, " ")
		ns = split(sizes, sz, " ")
		bad = 0
		for (s = 1; s <= ns; s++) {
			printf "\n%d prefixes\n", sz[s]
			printf "%-18s %12s %12s %8s\n", "", "cgwd", "BIRD 2", "ratio"
			for (k = 1; k <= nk; k++) {
				a = v["cgwd " sz[s] " " keys[k]]
				b = v["bird " sz[s] " " keys[k]]
				cgw_only = keys[k] ~ /^(status|log)/
				if (a == "" || (!cgw_only && b == "")) bad = 1
				ra = (a != "" && b != "" && b + 0 > 0) ? sprintf("%.1fx", a / b) : "-"
				printf "%-18s %12s %12s %8s\n", keys[k],
				    a == "" ? "FAIL" : a,
				    cgw_only ? "-" : (b == "" ? "FAIL" : b), ra
			}
		}
		exit bad
	}' "$out/results.txt"
}
report | tee "$out/report.txt"
exit "${PIPESTATUS[0]}"
