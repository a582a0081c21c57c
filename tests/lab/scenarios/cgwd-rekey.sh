#!/bin/bash
# cgwd rekeys under traffic: short lifetimes on both sides (emulator CHILD
# 45 s / IKE 70 s, rekeying 12-24 s before; cgwd CHILD 28 s / IKE 60 s
# with `force`, rekeying at 86-91 %), so both ends start rekeys. A ping
# LAN -> VPC runs through the whole window (5/s) and must lose nothing;
# at the end each tunnel holds exactly one CHILD SA pair in the kernel and
# in `cgwctl show sas`.
# FIGURE: CHILD and IKE rekeys (cgwd-initiated + emulator-initiated), ping
# loss, window length.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
# Not about failover: under TCG, with the host busy, the VGW's charon can
# take seconds to answer while it computes a DH; 6 s, not the default 2 s,
# before cgwd calls it dead (cgwd-failover and cgwd-lossy run the default).
CGW_DPD="interval 200ms timeout 6s"
LAN=10.224.1.10 VPC=172.31.0.10
WINDOW=${REKEY_WINDOW:-150}
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; [ -n "${pingpid:-}" ] && kill $pingpid 2>/dev/null; [ $rc = 0 ] && dump_state end cgw || dump_state end; topo_down' EXIT

# The emulator's lifetimes (also what the XML says, which cgwd imports).
IKE_LIFETIME=70 CHILD_LIFETIME=45 REKEY_MARGIN=12
cgw_conf_edit() {
	sed -i -e 's/^\([[:space:]]*ike .*\) lifetime [0-9]*s$/\1 lifetime 60s force/' \
		-e 's/^\([[:space:]]*esp .*\) lifetime [0-9]*s$/\1 lifetime 28s force/' "$1" &&
	grep -q 'lifetime 60s force' "$1" && grep -q 'lifetime 28s force' "$1"
}

topo_up; log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
cgw_start || fail "cgwd did not start"
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 40) || fail "SAs not up on both tunnels"
t=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60) || fail "BGP not up on both tunnels"
t=$(wait_until "ping_ok lan $VPC 1" 30) || fail "LAN -> VPC does not answer"
log "both tunnels and BGP up, LAN -> VPC answers"

# Count from here on.
L0=$(wc -l < "$LAB_OUT/cgw/cgwd.log")
C0=$(for n in 1 2; do wc -l < "$LAB_OUT/vgw$n/charon.log"; done)
pinglog=$LAB_OUT/rekey-ping.log
nsx lan ping -n -D -i 0.2 -W 2 -w "$WINDOW" $VPC > "$pinglog" 2>&1 &
pingpid=$!
T0=$(now)
n=0
while cgw_alive $pingpid; do
	sleep 5
	n=$((n + 1))
	[ $((n % 6)) = 0 ] && log "$(cgwctl_ status 2>&1 | tail -n +2 | tr -s ' ' | paste -sd ';')"
	cgw_alive || fail "cgwd died"
done
# ping stops by itself (-w) and prints its summary.
wait $pingpid 2>/dev/null; pingpid=""
tail -n 3 "$pinglog"
read -r sent recv lost gap <<< "$(ping_summary "$pinglog")"

new=$(tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log")
c_ours=$(echo "$new" | grep -c 'rekeying CHILD SA')
c_peer=$(echo "$new" | grep -c 'peer rekeys CHILD SA')
i_ours=$(echo "$new" | grep -c 'rekeying IKE SA')
i_peer=$(echo "$new" | grep -c 'peer rekeyed IKE SA')
coll=$(echo "$new" | grep -c 'simultaneous')
errs=$(echo "$new" | grep -Eic 'error|fail|dead|TEMPORARY_FAILURE|NO_PROPOSAL|INVALID' || true)
echo "$new" | grep -E 'rekey|simultaneous|dead|error|fail' | sed 's/^/  cgwd: /' | tail -n 60
set -- $C0
vc_child=0 vc_ike=0
for i in 1 2; do
	eval "c0=\$$i"
	v=$(tail -n +"$((c0 + 1))" "$LAB_OUT/vgw$i/charon.log")
	vc_child=$((vc_child + $(echo "$v" | grep -c 'CHILD_SA aws{[0-9]*} established')))
	vc_ike=$((vc_ike + $(echo "$v" | grep -Ec 'IKE_SA aws\[[0-9]+\] (rekeyed|established)')))
done
log "cgwd log: CHILD rekeys ours $c_ours + peer's $c_peer, IKE rekeys ours $i_ours + peer's $i_peer, collisions $coll, error lines $errs"
log "emulator logs: CHILD SAs established $vc_child, IKE SAs rekeyed/established $vc_ike"
log "ping: $sent sent, $recv received, longest gap ${gap}s"

# Exactly one CHILD pair per tunnel once any rekey in flight is done.
t=$(wait_until "[ \$(xfrm_sa_count cgw $T1_VGW_OUTSIDE) = 2 ] && [ \$(xfrm_sa_count cgw $T2_VGW_OUTSIDE) = 2 ]" 20) ||
	{ nsx cgw ip xfrm state | grep -E '^src|spi'; fail "not exactly one SA pair per tunnel in the kernel"; }
# Rekeys go on every ~25 s: between two of them, cgwctl shows one CHILD
# SA per tunnel (during one, the new and the old, until the DELETE).
one_child() { [ "$(cgw_tunnel_json "$1" | jq '.child_sas | length')" = 1 ]; }
wait_until "one_child 1 && one_child 2" 20 >/dev/null ||
	for n in 1 2; do
		k=$(cgw_tunnel_json $n | jq '.child_sas | length')
		[ "$k" = 1 ] || fail "cgwctl shows $k CHILD SAs on t$n"
	done
pol=$(nsx cgw ip xfrm policy | grep -c '^src')
log "kernel: 2 SAs per tunnel, $pol policies"
cgw_status
cgw_counters_check || fail "counters differ from the kernel's after the rekeys"

[ $((c_ours + c_peer)) -ge 10 ] || fail "only $((c_ours + c_peer)) CHILD rekeys in ${WINDOW}s"
[ $((i_ours + i_peer)) -ge 3 ] || fail "only $((i_ours + i_peer)) IKE rekeys in ${WINDOW}s"
[ "$lost" -le 0 ] || echo "NOTE: $lost pings lost during the rekeys (longest gap ${gap}s)"
[ "$lost" -le 2 ] || fail "$lost of $sent pings lost during the rekeys"
cgw_stop || fail "cgwd did not stop"
echo "FIGURE: rekey child=$((c_ours + c_peer)) (cgwd $c_ours, vgw $c_peer) ike=$((i_ours + i_peer)) (cgwd $i_ours, vgw $i_peer) collisions=$coll ping_lost=$lost/$sent gap=${gap}s window=${WINDOW}s"
