#!/bin/bash
# Benchmarks: cgwd against a real alternative, side by side, printing
# ratios (SPEC: speed and memory targets are shown here, not by timed unit
# tests). One lab VM boot (tests/lab/vm.sh) runs footprint-guest.sh:
# the reference CGW (strongSwan charon + BIRD 2) and cgwd in turn against
# the same emulated AWS VGW; then report.sh prints the table.
#
#   tests/bench/run.sh [VAR=value ...]     as root; build cgwd, cgwctl first
#     BENCH_REPS=3      full bring-ups per implementation (default 1,
#                       about 2.5 min each under TCG)
#     BENCH_STARTS=3    bring-ups measuring start-up (default 3; the
#                       extra ones take ~20 s each)
#     BENCH_SETTLE=20 BENCH_WINDOW=20 BENCH_REKEYS=3   see footprint-guest.sh
#     CGW_BIN=/abs/path/cgwd   benchmark another cgwd build
# A default run takes 6-7 minutes on a loaded 2-CPU host.
#
# Output: tests/bench/out/footprint/ (results.txt, report.txt, host.txt,
# scenario.log, IMPL-REP/ with every daemon's log). Exit 0 when every cell
# has a value (a failed implementation's column prints FAIL).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/out/footprint

[ "$(id -u)" = 0 ] || { echo "bench: must run as root (the lab VM exports / over 9p)"; exit 1; }
for b in cgwd cgwctl; do
	[ -x "$repo/$b" ] || { echo "bench: $repo/$b missing: run make first"; exit 1; }
done
reps=1 starts=3
for kv in "$@"; do
	case $kv in
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
# The guest's own limit, an upper bound only: a full bring-up takes
# 130-180 s, a start-up-only one 20-60 s, both twice as long on a host
# loaded 3x (a loaded run hit the earlier 640 s).
export LAB_TIMEOUT=${LAB_TIMEOUT:-$((300 + reps * 2 * 300 + (starts - reps) * 2 * 90))}

rm -rf "$out"; mkdir -p "$out"
echo "bench: footprint, $reps bring-up(s) per implementation, one VM (logs: $out/)"
hostload() { echo "host: load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs, $(pgrep -c -f '^qemu-system') QEMU VM(s) running"; }
hostload > "$out/host.txt"
t0=$(date +%s)
"$repo/tests/lab/vm.sh" "$here/footprint-guest.sh" "$out" "$@" >"$out/vm.log" 2>&1
rc=$?
hostload >> "$out/host.txt"
echo "bench: VM finished in $(( $(date +%s) - t0 ))s (exit $rc)"
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
st=${PIPESTATUS[0]}
[ $rc = 0 ] && [ "$st" = 0 ]
