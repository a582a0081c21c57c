#!/bin/bash
# Failover benchmark, guest side (one lab VM boot, run by tests/bench/run.sh
# through tests/lab/vm.sh): each CGW implementation -- the reference
# stand-in (strongSwan charon + BIRD 2, configured as AWS's guides say)
# and cgwd -- in turn against the same emulated AWS VGW, through every
# failure kind of issue 9 on tunnel 1 (tests/lab/lib/failover.sh):
#   a path to endpoint 1 blackholed both ways, b endpoint 1 dies,
#   c only CGW -> endpoint 1 lost, d 10 % loss + 200 ms jitter for
#   FO_LOSSY_S s, e AWS maintenance on endpoint 1.
# Results: $LAB_OUT/results.txt, one "kind=K impl=I key=value..." line per
# figure (report.sh makes the table); each implementation's logs in
# $LAB_OUT/IMPL/.
#
# Environment (vm.sh VAR=value): BENCH_FO_KINDS ("a b c d e"),
# BENCH_IMPLS ("reference cgwd"), FO_LOSSY_S (300), FO_PPS (50), and the
# other FO_* of lib/failover.sh.
set -u
BASE=$LAB_OUT
RES=$BASE/results.txt
KINDS=${BENCH_FO_KINDS:-a b c d e}
IMPLS=${BENCH_IMPLS:-reference cgwd}
: > "$RES"
{
	echo "note versions: strongSwan $(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)," \
		"BIRD $(dpkg-query -W -f '${Version}' bird2 2>/dev/null)," \
		"cgwd ${CGW_BIN:-$LAB_REPO/cgwd} sha256 $(sha256sum "${CGW_BIN:-$LAB_REPO/cgwd}" | cut -c1-12)," \
		"kernel $(uname -r), $(nproc) vCPU (TCG)"
	echo "note settings: kinds '$KINDS', ${FO_PPS:-50} packets/s each way, kind d ${FO_LOSSY_S:-300}s, kind e endpoint away ${FO_MAINT_S:-20}s"
} >> "$RES"
t_all=$(date +%s)
for impl in $IMPLS; do
	rm -rf /tmp/lab
	mkdir -p "$BASE/$impl"
	t=$(date +%s)
	LAB_OUT=$BASE/$impl CGW_IMPL=$impl FO_KINDS=$KINDS FO_RESULTS=$RES FO_CHECK=0 \
		bash "$LAB_REPO/tests/lab/lib/failover-scenario.sh" > "$BASE/$impl/scenario.log" 2>&1
	rc=$?
	echo "note $impl: exit $rc after $(( $(date +%s) - t ))s" >> "$RES"
	grep -E '^FIGURE|^FAIL' "$BASE/$impl/scenario.log" | sed "s/^/[$impl] /"
done
echo "bench: failover done in $(( $(date +%s) - t_all ))s"
bash "$LAB_REPO/tests/bench/report.sh" "$RES"
exit 0
