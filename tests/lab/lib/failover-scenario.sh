#!/bin/bash
# The failover scenario (issue 9), for either CGW: the emulated VGW, the
# CGW (CGW_IMPL=cgwd|reference), both tunnels and BGP up, then each
# failure kind of FO_KINDS in turn on tunnel 1 (lib/failover.sh): one
# FIGURE line per kind with the outage of each direction, restored and
# back on t1 before the next. Run in the lab VM:
#
#   tests/lab/vm.sh tests/lab/lib/failover-scenario.sh OUTDIR \
#       CGW_IMPL=reference FO_KINDS="a b c e"
#
# (scenarios/cgwd-failover.sh and cgwd-lossy.sh run it for `make test`
# with FO_CHECK=1; tests/bench/failover-guest.sh for `make bench`).
# FO_CHECK=1 adds one `check` line per kind against issue 9's targets
# (a, b, c: outage <= FO_MAX_OUTAGE s, default 3, each way; d: no tunnel
# declared dead, on the CGW or the VGW; e: no packet lost either way; and
# traffic back on t1 after each restore) and fails if one fails.
# FO_VIEW=1 (cgwd only) adds a `check view-K` line per kind: the
# operator's view of the dead t1 (lib/failover-view.sh).
set -u
lab=$LAB_REPO/tests/lab
export CGW_IMPL=${CGW_IMPL:-reference}
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/$CGW_IMPL.sh"
. "$lab/lib/failover.sh"
FO_KINDS=${FO_KINDS:-a b c e}
FO_CHECK=${FO_CHECK:-0}
FO_MAX_OUTAGE=${FO_MAX_OUTAGE:-3}
fail() { echo "FAIL: $*"; exit 1; }
FO_VIEW=${FO_VIEW:-0}
[ "$CGW_IMPL" = cgwd ] && [ "$FO_VIEW" = 1 ] && . "$lab/lib/failover-view.sh"
trap 'rc=$?; declare -F fo_view_stop >/dev/null && fo_view_stop; [ $rc = 0 ] || dump_state end; topo_down' EXIT
[ -x "$SEQSTREAM" ] || fail "$SEQSTREAM missing: make tools"

topo_up; log "failover scenario: CGW $CGW_IMPL, kinds $FO_KINDS"
vgw_start_all || fail "VGW emulator did not start"
t0=$(now)
cgw_start || fail "CGW did not start"
t=$(wait_until "fo_tunnels_up" 120 1) || { cgw_status; fail "tunnels and BGP not up on both within 120 s"; }
log "both tunnels and BGP up $(since "$t0")s after the CGW started"
cgw_status
# Events from here on, for the view of each failure (FO_VIEW=1, cgwd).
declare -F fo_view_start >/dev/null && fo_view_start

# le A B: A <= B (decimals); A may be "nan" or empty: false.
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a != "" && a != "nan" && a + 0 <= b + 0)}'; }
summary=""
for k in $FO_KINDS; do
	fo_kind "$k"; rc=$?
	case $k in
	a|b|c)
		summary="$summary $k=${FO_LV_OUT}/${FO_VL_OUT}s"
		ok=1
		le "$FO_LV_OUT" "$FO_MAX_OUTAGE" && le "$FO_VL_OUT" "$FO_MAX_OUTAGE" && [ -z "$FO_ERR" ] && ok=0
		[ "$FO_CHECK" = 1 ] && check "kind-$k" $ok \
			"lan_vpc_outage=${FO_LV_OUT}s vpc_lan_outage=${FO_VL_OUT}s lost=$FO_LV_LOST/$FO_VL_LOST back=${FO_BACK}s${FO_ERR:+ error: $FO_ERR}" \
			"<= ${FO_MAX_OUTAGE}s each way, traffic back on t1"
		;;
	d)
		summary="$summary d=${FO_FAILOVERS:-?}+${FO_VGW_FAILOVERS:-?}"
		ok=1
		[ "${FO_FAILOVERS:-x}" = 0 ] && [ "${FO_VGW_FAILOVERS:-x}" = 0 ] && [ -z "$FO_ERR" ] && ok=0
		[ "$FO_CHECK" = 1 ] && check "kind-d" $ok \
			"failovers cgw=${FO_FAILOVERS:-?} vgw=${FO_VGW_FAILOVERS:-?} in ${FO_LOSSY_S}s lost=$FO_LV_LOST/$FO_VL_LOST${FO_ERR:+ error: $FO_ERR}" \
			"0 tunnels declared dead"
		;;
	e)
		summary="$summary e=${FO_LV_LOST}/${FO_VL_LOST}lost"
		ok=1
		[ "$FO_LV_LOST" = 0 ] && [ "$FO_VL_LOST" = 0 ] && [ -z "$FO_ERR" ] && ok=0
		[ "$FO_CHECK" = 1 ] && check "kind-e" $ok \
			"lost=$FO_LV_LOST/$FO_VL_LOST outage=${FO_LV_OUT}/${FO_VL_OUT}s back=${FO_BACK}s${FO_ERR:+ error: $FO_ERR}" \
			"0 packets lost either way, traffic back on t1"
		;;
	*) fail "unknown failure kind $k" ;;
	esac
	[ $rc = 0 ] || { dump_state "kind-$k"; log "kind $k: $FO_ERR"; }
	# The next kind needs t1 back; without it the rest means nothing.
	if [ "$FO_BACK" = timeout ] || [ -n "$FO_ERR" ]; then
		wait_until "fo_tunnels_up" 60 1 >/dev/null || { cgw_status; fail "kind $k: tunnels not back, stopping"; }
	fi
done
cgw_status
echo "FIGURE: failover impl=$CGW_IMPL$summary (outage LAN->VPC/VPC->LAN; d: deaths CGW+VGW; e: lost)"
[ "$FO_CHECK" = 1 ] && [ -n "$FAILED" ] && { echo "FAIL:$FAILED"; exit 1; }
exit 0
