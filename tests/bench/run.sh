#!/bin/bash
# Benchmarks: cgwd against a real alternative, side by side, printing
# ratios (SPEC: speed and memory targets are shown here, not by timed unit
# tests). Three lab VM boots (tests/lab/vm.sh), each running both the
# reference CGW (strongSwan charon + BIRD 2) and cgwd against the same
# emulated AWS VGW: footprint-guest.sh (start-up, memory, CPU),
# failover-guest.sh (issue 9: outage per direction for each failure kind)
# and flood-guest.sh (issue 10: IKE_SA_INIT floods, plain and
# cookie-echoing, from a peer's address); then report.sh prints the tables.
#
#   tests/bench/run.sh [VAR=value ...]     as root; build cgwd, cgwctl, tools first
#     BENCH_ONLY=footprint|failover|flood   one of the three (default all)
#     BENCH_REPS=3      full bring-ups per implementation (default 1,
#                       about 2.5 min each under TCG)
#     BENCH_STARTS=3    bring-ups measuring start-up (default 3; the
#                       extra ones take ~20 s each)
#     BENCH_SETTLE=20 BENCH_WINDOW=20 BENCH_REKEYS=3   see footprint-guest.sh
#     BENCH_FO_KINDS="a b c d e"   failure kinds (lib/failover.sh)
#     FO_LOSSY_S=300    kind d's soak; FO_PPS=50, FO_MAINT_S=20 ...
#     BENCH_FLOODS="plain echo" BENCH_FLOOD_RATE=10000 BENCH_FLOOD_S=20
#                       see flood-guest.sh
#     CGW_BIN=/abs/path/cgwd   benchmark another cgwd build
# The footprint VM takes 6-7 minutes on a loaded 2-CPU host; the failover
# VM 30-45 (kind d alone is 2 x FO_LOSSY_S); the flood VM about 10.
#
# Output: tests/bench/out/footprint/ (results.txt, report.txt, host.txt,
# scenario.log, IMPL-REP/ with every daemon's log) and
# tests/bench/out/failover/ (results.txt, report.txt, IMPL/ with the
# scenario log, daemon logs and stream outputs) and tests/bench/out/flood/
# (results.txt, report.txt, IMPL.log, IMPL/ with the daemons' logs, the
# pings and the flood tool's output). Exit 0 when every cell
# has a value (a failed implementation's column prints FAIL).
set -u
LAB_TIMEOUT_ALL=${LAB_TIMEOUT:-}	# the user's, for both VMs
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
only=all

[ "$(id -u)" = 0 ] || { echo "bench: must run as root (the lab VM exports / over 9p)"; exit 1; }
for b in cgwd cgwctl; do
	[ -x "$repo/$b" ] || { echo "bench: $repo/$b missing: run make first"; exit 1; }
done
reps=1 starts=3
for kv in "$@"; do
	case $kv in
	BENCH_ONLY=footprint|BENCH_ONLY=failover|BENCH_ONLY=flood) only=${kv#*=} ;;
	BENCH_ONLY=*) echo "bench: BENCH_ONLY is footprint, failover or flood"; exit 2 ;;
	FO_*=*) ;;	# lib/failover.sh settings
	BENCH_REPS=*) reps=${kv#*=} ;;
	BENCH_STARTS=*) starts=${kv#*=} ;;
	BENCH_*=*) ;;
	CGW_BIN=/*) ;;	# another cgwd build (absolute path)
	*) echo "bench: unknown argument $kv"; exit 2 ;;
	esac
done
case $reps$starts in *[!0-9]*) echo "bench: BENCH_REPS, BENCH_STARTS must be numbers"; exit 2 ;; esac
[ "$reps" -ge 1 ] || { echo "bench: BENCH_REPS must be at least 1"; exit 2; }
[ "$starts" -gt "$reps" ] || starts=$reps
[ "$only" = footprint ] || [ -x "$repo/build/tests/tools/seqstream" ] ||
	{ echo "bench: $repo/build/tests/tools/seqstream missing: run make tools first"; exit 1; }
[ "$only" = footprint ] || [ "$only" = failover ] || [ -x "$repo/build/tests/tools/ike_flood" ] ||
	{ echo "bench: $repo/build/tests/tools/ike_flood missing: run make tools first"; exit 1; }
hostload() { echo "host: load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs, $(pgrep -c -f '^qemu-system') QEMU VM(s) running"; }
# bench_vm NAME GUEST: one VM boot running GUEST; results in out/NAME/.
bench_vm() {
	local name=$1 guest=$2 out=$here/out/$1 t0 rc
	shift 2
	rm -rf "$out"; mkdir -p "$out"
	hostload > "$out/host.txt"
	t0=$(date +%s)
	"$repo/tests/lab/vm.sh" "$guest" "$out" "$@" >"$out/vm.log" 2>&1
	rc=$?
	hostload >> "$out/host.txt"
	echo "bench: $name VM finished in $(( $(date +%s) - t0 ))s (exit $rc)"
	sed 's/^/bench: at start, at end: /' "$out/host.txt"
	if [ $rc != 0 ]; then
		case $rc in
		124) echo "bench: guest timeout (LAB_TIMEOUT=$LAB_TIMEOUT): partial results" ;;
		137) echo "bench: host timeout, QEMU killed: partial results" ;;
		*) echo "bench: VM/guest failed (see $out/vm.log, console.log, scenario.log)" ;;
		esac
	fi
	echo
	"$here/report.sh" "$out/results.txt" | tee "$out/report.txt"
	local pst=${PIPESTATUS[0]}
	[ $rc = 0 ] && [ "$pst" = 0 ]
}
st=0
if [ "$only" = all ] || [ "$only" = footprint ]; then
	# The guest's own limit, an upper bound only: a full bring-up takes
	# 130-180 s, a start-up-only one 20-60 s, both twice as long on a
	# host loaded 3x (a loaded run hit the earlier 640 s).
	echo "bench: footprint, $reps bring-up(s) per implementation, one VM (logs: $here/out/footprint/)"
	export LAB_TIMEOUT=${LAB_TIMEOUT_FOOTPRINT:-${LAB_TIMEOUT_ALL:-$((300 + reps * 2 * 300 + (starts - reps) * 2 * 90))}}
	bench_vm footprint "$here/footprint-guest.sh" "$@" || st=1
fi
if [ "$only" = all ] || [ "$only" = failover ]; then
	lossy=300
	for kv in "$@"; do case $kv in FO_LOSSY_S=*) lossy=${kv#*=} ;; esac; done
	case $lossy in ''|*[!0-9]*) echo "bench: FO_LOSSY_S must be a number"; exit 2 ;; esac
	[ "$only" = all ] && echo
	echo "bench: failover, both implementations through each failure kind, one VM (logs: $here/out/failover/)"
	# Per implementation: set-up ~2 min, kinds a, b, c, e up to ~5 min
	# each under load, d the soak + 2 min.
	export LAB_TIMEOUT=${LAB_TIMEOUT_FAILOVER:-${LAB_TIMEOUT_ALL:-$((2 * (120 + 4 * 300 + lossy + 120)))}}
	bench_vm failover "$here/failover-guest.sh" "$@" || st=1
fi
if [ "$only" = all ] || [ "$only" = flood ]; then
	[ "$only" = all ] && echo
	echo "bench: flood, both implementations under each flood, one VM (logs: $here/out/flood/)"
	# Per implementation: set-up ~2-3 min under load, each flood ~40 s.
	export LAB_TIMEOUT=${LAB_TIMEOUT_FLOOD:-${LAB_TIMEOUT_ALL:-1200}}
	bench_vm flood "$here/flood-guest.sh" "$@" || st=1
fi
exit $st
