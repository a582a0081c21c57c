#!/bin/bash
# BGP at scale: cgwd against BIRD 2 taking the same table from the same
# fast feeder (build/tests/tools/bgp_feed) over a LAN session, on this
# host in network namespaces (no VM). Issue 13.
#
#   tests/bench/bgp-scale.sh [VAR=value ...]   as root, after make all tools
#     BENCH_SIZES="100000 500000 1000000"   table sizes (the default)
#     BENCH_FIB_SIZES="100000 1000000" sizes of the kernel pass ("" for none)
#     BENCH_PER=500                  prefixes per UPDATE from the feeder
#     CGW_BIN=/abs/path/cgwd         benchmark another cgwd build
#
# For each size, cgwd then BIRD (each alone on the host's CPUs): the
# feeder blasts N /24s (N/50 distinct AS_PATHs) and, once they are all in,
# withdraws them all. Measured: time from the first octet to the full
# Adj-RIB-In (cgwctl --json show bgp / birdc show protocols all, polled),
# prefixes a second, peak RSS (VmHWM), CPU (utime + stime; cgwd's kernel
# helper included) for ingest and withdraw, time to empty, RSS after the
# withdrawal, the feeder's own CPU (it must be a small part of the
# receiver's: it is not what is measured), and for cgwd the latency of
# `cgwctl status` while it ingests (p50/p99, the poll's own cgwctl calls).
#
# The kernel pass does it again with the routes going into the kernel
# (cgwd: `install-routes on`; BIRD: a kernel protocol exporting all):
# time until `ip route` holds all N, and until none is left.
#
# Output: the table on stdout and in tests/bench/out/bgp-scale/report.txt,
# then issue 13's targets checked at the largest size; logs beside it.
# Exit 0 when every cell has a value.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/out/bgp-scale
CGWD=$repo/cgwd
CGWCTL=$repo/cgwctl
FEED=$repo/build/tests/tools/bgp_feed
sizes="100000 500000 1000000"
fib_sizes="100000 1000000"
per=500
for kv in "$@"; do
	case $kv in
	BENCH_SIZES=*) sizes=${kv#*=} ;;
	BENCH_FIB_SIZES=*) fib_sizes=${kv#*=} ;;
	BENCH_PER=*) per=${kv#*=} ;;
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

# feeder 192.168.91.1 -- 192.168.91.2 cgwd, feeder 192.168.92.1 -- 192.168.92.2 bird
for n in $NF $NC $NB; do ip netns add $n; ip -n $n link set lo up; done
ip -n $NF link add fc type veth peer name lan netns $NC
ip -n $NF link add fb type veth peer name lan netns $NB
ip -n $NF addr add 192.168.91.1/24 dev fc; ip -n $NF link set fc up
ip -n $NF addr add 192.168.92.1/24 dev fb; ip -n $NF link set fb up
ip -n $NC addr add 192.168.91.2/24 dev lan; ip -n $NC link set lan up
ip -n $NB addr add 192.168.92.2/24 dev lan; ip -n $NB link set lan up

# conf_cgwd FILE INSTALL: cgwd's configuration; INSTALL on puts the
# neighbor's routes into the kernel.
conf_cgwd() {
	cat > "$1" <<EOF
asn 65000
router-id 192.168.91.2

neighbor 192.168.91.1 {
    remote-as 65010
    install-routes $2
}
EOF
	chmod 600 "$1"
}
conf_cgwd "$T/cgwd-rib.conf" off
conf_cgwd "$T/cgwd-fib.conf" on
# conf_bird FILE KERNEL: BIRD's; KERNEL 1 adds a kernel protocol.
conf_bird() {
	cat > "$1" <<EOF
router id 192.168.92.2;
log "$T/bird.log" { info, warning, error, fatal };
protocol device {}
protocol bgp feed {
	local 192.168.92.2 as 65000;
	neighbor 192.168.92.1 as 65010;
	passive on;
	ipv4 { import all; export none; };
}
EOF
	[ "$2" = 1 ] && cat >> "$1" <<EOF
protocol kernel {
	ipv4 { import none; export all; };
}
EOF
	return 0
}
conf_bird "$T/bird-rib.conf" 0
conf_bird "$T/bird-fib.conf" 1

now() { echo "$EPOCHREALTIME"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
# CPU ticks (utime + stime) of PID and its children (cgwd's kernel
# helper; BIRD has none).
cpu_ticks() {
	local t=0 p
	for p in $1 $(cat /proc/$1/task/*/children 2>/dev/null); do
		t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0) ))
	done
	echo $t
}
tck=$(getconf CLK_TCK)

# count IMPL: prefixes the implementation holds from the feeder; in the
# kernel pass ($mode fib), routes it put in its namespace's kernel.
count() {
	case $mode-$1 in
	rib-cgwd) "$CGWCTL" -s "$T/cgwd.sock" --json show bgp 2>/dev/null |
		tr -d ' \n' | sed -n 's/.*"prefixes_received":\([0-9]*\).*/\1/p' ;;
	rib-bird) birdc -s "$T/bird.sock" show protocols all feed 2>/dev/null |
		awk '/Routes:/ { print $2; exit }' ;;
	fib-cgwd) ip -n $NC -4 route show proto 201 | wc -l ;;
	fib-bird) ip -n $NB -4 route show proto bird | wc -l ;;
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

# run IMPL N MODE: one measurement into $out/results.txt as "IMPL N key
# value"; MODE rib (the Adj-RIB-In) or fib (the kernel), whose keys get
# a "fib_" in front.
run() {
	local impl=$1 n=$2 pid t0 t1 c0 c1 rss0 tag=$1-$2-$3
	local lat=$out/lat-$tag.txt addr log=$out/$tag.log r=$out/results.txt
	local k=""
	mode=$3
	[ $mode = fib ] && k=fib_
	: > "$lat"
	case $impl in
	cgwd)
		ip netns exec $NC "$CGWD" -f "$T/cgwd-$mode.conf" \
		    -s "$T/cgwd.sock" >"$log" 2>&1 &
		pid=$!; pids="$pids $pid"; addr=192.168.91.2 ;;
	bird)
		rm -f "$T/bird.pid"
		ip netns exec $NB bird -c "$T/bird-$mode.conf" -s "$T/bird.sock" \
		    -P "$T/bird.pid" || { echo "bgp-scale: bird did not start"; return 1; }
		sleep 0.3; pid=$(cat "$T/bird.pid"); addr=192.168.92.2 ;;
	esac
	sleep 1
	rm -f "$T/feed.in"; mkfifo "$T/feed.in"
	ip netns exec $NF "$FEED" -r $addr -a 65010 -i 10.99.9.1 -n "$n" \
	    -g "$per" <"$T/feed.in" >"$out/feed-$tag.txt" 2>&1 &
	local fpid=$!; pids="$pids $fpid"
	exec 8>"$T/feed.in"
	# Established: the session's count reads 0 rather than nothing.
	local i=0
	mode=rib
	until [ "$(count $impl)" = 0 ] || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	mode=$3
	sleep 0.5
	rss0=$(kb $pid VmRSS)
	echo "$impl $n ${k}rss_idle_kb $rss0" >> "$r"
	c0=$(cpu_ticks $pid); t0=$(now)
	echo announce >&8
	if wait_count $impl "$n" 300 "$lat"; then
		t1=$(now); c1=$(cpu_ticks $pid)
		echo "$impl $n ${k}ingest_ms $(ms "$t0" "$t1")" >> "$r"
		echo "$impl $n ${k}ingest_pfx_s $(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')" >> "$r"
		echo "$impl $n ${k}ingest_cpu_ms $(( (c1 - c0) * 1000 / tck ))" >> "$r"
	fi
	sleep 1
	cp /proc/$pid/smaps "$out/smaps-$tag.txt" 2>/dev/null
	echo "$impl $n ${k}rss_full_kb $(kb $pid VmRSS)" >> "$r"
	echo "$impl $n ${k}rss_peak_kb $(kb $pid VmHWM)" >> "$r"
	if [ $impl = cgwd ]; then
		echo "$impl $n ${k}status_p50_ms $(pctl "$lat" 50)" >> "$r"
		echo "$impl $n ${k}status_p99_ms $(pctl "$lat" 99)" >> "$r"
	fi
	c0=$(cpu_ticks $pid); t0=$(now)
	echo withdraw >&8
	if wait_count $impl 0 300 /dev/null; then
		t1=$(now); c1=$(cpu_ticks $pid)
		echo "$impl $n ${k}withdraw_ms $(ms "$t0" "$t1")" >> "$r"
		echo "$impl $n ${k}withdraw_cpu_ms $(( (c1 - c0) * 1000 / tck ))" >> "$r"
	fi
	sleep 2
	echo "$impl $n ${k}rss_after_kb $(kb $pid VmRSS)" >> "$r"
	echo quit >&8; exec 8>&-
	wait $fpid 2>/dev/null
	# The feeder's own CPU for the table: a small part of the receiver's.
	awk -v p="$impl $n ${k}feed_cpu_ms" '$2 == "announce" && NF >= 5 {
		printf "%s %d\n", p, $5 * 1000 }' "$out/feed-$tag.txt" >> "$r"
	kill $pid; wait $pid 2>/dev/null
	[ $impl = bird ] && { i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }
	# The log's volume: what a full table costs the journal.
	[ $impl = cgwd ] && echo "$impl $n ${k}log_kb $(( $(stat -c %s "$log") / 1024 ))" >> "$r"
	[ $impl = bird ] && cp "$T/bird.log" "$log" 2>/dev/null
	return 0
}

echo "bgp-scale: sizes $sizes, kernel pass $fib_sizes, $per prefixes per UPDATE (logs: $out/)"
echo "host: load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" > "$out/host.txt"
for n in $sizes; do
	run cgwd "$n" rib
	run bird "$n" rib
done
for n in $fib_sizes; do
	run cgwd "$n" fib
	run bird "$n" fib
done

# The table: one row per metric, cgwd, BIRD, the ratio (cgwd / BIRD);
# then issue 13's targets at the largest size.
report() {
	awk -v sizes="$sizes" -v fsizes="$fib_sizes" '
	function table(title, n, pre, keys,   k, nk, key, a, b, cgw_only, ra) {
		printf "\n%d prefixes%s\n", n, title
		printf "%-18s %12s %12s %8s\n", "", "cgwd", "BIRD 2", "ratio"
		nk = split(keys, key, " ")
		for (k = 1; k <= nk; k++) {
			a = v["cgwd " n " " pre key[k]]
			b = v["bird " n " " pre key[k]]
			cgw_only = key[k] ~ /^(status|log)/
			if (a == "" || (!cgw_only && b == "")) bad = 1
			ra = (a != "" && b != "" && b + 0 > 0) ? sprintf("%.2fx", a / b) : "-"
			printf "%-18s %12s %12s %8s\n", key[k],
			    a == "" ? "FAIL" : a,
			    cgw_only ? "-" : (b == "" ? "FAIL" : b), ra
		}
	}
	function ratio(a, b) { return b + 0 > 0 ? a / b : 99 }
	{ v[$1 " " $2 " " $3] = $4 }
	END {
		rib = "ingest_ms ingest_pfx_s ingest_cpu_ms feed_cpu_ms " \
		    "rss_idle_kb rss_peak_kb rss_full_kb withdraw_ms " \
		    "withdraw_cpu_ms rss_after_kb status_p50_ms status_p99_ms log_kb"
		fib = "ingest_ms ingest_pfx_s ingest_cpu_ms rss_peak_kb " \
		    "withdraw_ms withdraw_cpu_ms status_p50_ms status_p99_ms log_kb"
		bad = 0
		ns = split(sizes, sz, " ")
		for (s = 1; s <= ns; s++)
			table("", sz[s], "", rib)
		nf = split(fsizes, fz, " ")
		for (s = 1; s <= nf; s++)
			table(" into the kernel", fz[s], "fib_", fib)
		if (ns == 0)
			exit bad
		n = sz[ns]
		t = ratio(v["cgwd " n " ingest_ms"], v["bird " n " ingest_ms"])
		m = ratio(v["cgwd " n " rss_peak_kb"], v["bird " n " rss_peak_kb"])
		w = ratio(v["cgwd " n " rss_after_kb"], v["cgwd " n " rss_idle_kb"])
		p = v["cgwd " n " status_p99_ms"]
		f = ratio(v["cgwd " n " feed_cpu_ms"], v["cgwd " n " ingest_cpu_ms"])
		printf "\nissue 13 targets at %d prefixes\n", n
		printf "%-48s %6.2fx %s\n", "time to full RIB / BIRD (<= 1, goal 0.67)", t, t <= 1 ? "met" : "NOT MET"
		printf "%-48s %6.2fx %s\n", "peak RSS / BIRD (<= 1, goal 0.8)", m, m <= 1 ? "met" : "NOT MET"
		printf "%-48s %6.2fx %s\n", "RSS after withdraw / before session (<= 1.2)", w, w <= 1.2 ? "met" : "NOT MET"
		printf "%-48s %4d ms %s\n", "cgwctl status p99 during ingest (< 50 ms)", p, p + 0 < 50 ? "met" : "NOT MET"
		printf "%-48s %6.2fx %s\n", "feeder CPU / cgwd CPU (the feeder keeps up)", f, f < 0.5 ? "ok" : "FEEDER-BOUND"
		exit bad
	}' "$out/results.txt"
}
report | tee "$out/report.txt"
exit "${PIPESTATUS[0]}"
