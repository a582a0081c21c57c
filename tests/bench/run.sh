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
#     BENCH_SETTLE=20 BENCH_WINDOW=20 BENCH_REKEYS=3   see footprint-guest.sh
#
# Output: tests/bench/out/footprint/ (results.txt, report.txt, scenario.log,
# IMPL-REP/ with every daemon's log). Exit 0 when every cell has a value.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/out/footprint

[ "$(id -u)" = 0 ] || { echo "bench: must run as root (the lab VM exports / over 9p)"; exit 1; }
for b in cgwd cgwctl; do
	[ -x "$repo/$b" ] || { echo "bench: $repo/$b missing: run make first"; exit 1; }
done
reps=1
for kv in "$@"; do
	case $kv in
	BENCH_REPS=*) reps=${kv#*=} ;;
	BENCH_*=*) ;;
	*) echo "bench: unknown argument $kv"; exit 2 ;;
	esac
done
case $reps in ''|*[!0-9]*|0) echo "bench: BENCH_REPS must be a positive number"; exit 2 ;; esac
# The guest's own limit: boot, then about 150 s per bring-up under load.
export LAB_TIMEOUT=${LAB_TIMEOUT:-$((240 + reps * 2 * 200))}

rm -rf "$out"; mkdir -p "$out"
echo "bench: footprint, $reps bring-up(s) per implementation, one VM (logs: $out/)"
t0=$(date +%s)
"$repo/tests/lab/vm.sh" "$here/footprint-guest.sh" "$out" "$@" >"$out/vm.log" 2>&1
rc=$?
echo "bench: VM finished in $(( $(date +%s) - t0 ))s (exit $rc)"
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
