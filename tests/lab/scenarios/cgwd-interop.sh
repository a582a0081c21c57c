#!/bin/bash
# lab-timeout: 1200
# cgwd against the AWS VGW emulator (strongSwan) across proposals, in both
# directions: for each proposal, cgwd (`startup respond`) initiates one
# tunnel (`cgwctl tunnel up`) while the emulator initiates the other
# (`swanctl --initiate`, what AWS's startup action "start" does); the
# roles swap from one proposal to the next. Each case: both tunnels up with
# the expected proposal and initiator, BGP up, the inside addresses and
# LAN -> VPC answer through ESP, `cgwctl --json show sas` counters match
# `ip -s xfrm state`; then rekeys under that proposal, started by each
# side (cgwd: the CHILD SA of its tunnel; the emulator: the IKE SA and the
# CHILD SA of its tunnel), each leaving one SA pair per tunnel and traffic
# flowing; then cgwd stops and the emulator sees its SAs go.
# FIGURE: cases passed and seconds to both tunnels up per case.
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
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; cgw_stop >/dev/null 2>&1; [ $rc = 0 ] && dump_state end cgw || dump_state end; topo_down' EXIT

# IKE proposal / ESP proposal
CASES="aes128-sha1-modp1024/aes128-sha1-modp1024
aes256gcm16-prfsha256-modp2048/aes256gcm16-modp2048
aes256-sha512-ecp521/aes256-sha512-ecp521
aes128gcm16-prfsha256-ecp256/aes128gcm16-ecp256"

STARTUP=respond
cgw_conf_edit() {
	# The whole offer becomes the case's one proposal (the import offers
	# a strong list first, then the XML's).
	sed -i -e "s/^\([[:space:]]*ike\) proposal .* lifetime /\1 proposal $IKE_P lifetime /" \
		-e "s/^\([[:space:]]*esp\) proposal .* lifetime /\1 proposal $ESP_P lifetime /" \
		-e "s/^\([[:space:]]*\)\(peer-asn .*\)$/\1\2\n\1startup $STARTUP/" "$1" &&
	grep -q "startup $STARTUP" "$1"
}

child_spi() { cgw_tunnel_json "$1" | jq -r '.child_sas[0].spi_in // ""'; }
ike_spi() { cgw_tunnel_json "$1" | jq -r '.ike.spi_i // ""'; }
one_pair() {	# N: tunnel N has one CHILD SA, in cgwd's view and the kernel's
	[ "$(cgw_tunnel_json "$1" | jq -r '.child_sas | length')" = 1 ] &&
	[ "$(xfrm_sa_count cgw "$(_vgw_t "$1" VGW_OUTSIDE)")" = 2 ]
}

# has_all "A-B-C" "X-Y-Z": every algorithm of the first is in the second.
has_all() {
	local a
	for a in $(echo "$1" | tr - ' '); do
		case "-$2-" in *"-$a-"*) ;; *) return 1 ;; esac
	done
}

topo_up; log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
mkdir -p "$LAB_OUT/cgw"
i=0 ok=0 times=""
for c in $CASES; do
	IKE_P=${c%/*} ESP_P=${c#*/}
	i=$((i + 1))
	# Odd cases: the emulator initiates t1, cgwd t2; even: the reverse.
	if [ $((i % 2)) = 1 ]; then vi=1 ci=2; else vi=2 ci=1; fi
	log "=== case $i: ike $IKE_P, esp $ESP_P; vgw$vi initiates t$vi, cgwd initiates t$ci"
	t0=$(now)
	cgw_start || fail "case $i: cgwd did not start"
	cgwctl_ tunnel up "$CGW_VPN/t$ci" || fail "case $i: cgwctl tunnel up t$ci"
	lab_swanctl "$LAB_RUN/vgw$vi" --initiate --child aws --timeout 40 \
		>>"$LAB_OUT/vgw$vi/swanctl-initiate.log" 2>&1 &
	t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 45) || fail "case $i: SAs not up on both tunnels"
	times="$times $t"
	log "case $i: both tunnels up after ${t}s"
	for n in 1 2; do
		j=$(cgw_tunnel_json $n)
		ip_=$(echo "$j" | jq -r .ike.proposal); cp_=$(echo "$j" | jq -r '.child_sas[0].proposal')
		init=$(echo "$j" | jq -r .ike.initiator)
		log "case $i: t$n ike $ip_, child $cp_, cgwd initiator: $init"
		has_all "$IKE_P" "$ip_" || fail "case $i: t$n IKE proposal $ip_ is not $IKE_P"
		has_all "$(echo "$ESP_P" | sed 's/-\(modp\|ecp\)[0-9]*$//')" "$cp_" ||
			fail "case $i: t$n CHILD proposal $cp_ is not $ESP_P"
		want=$([ $n = $ci ] && echo true || echo false)
		[ "$init" = "$want" ] || fail "case $i: t$n initiator is $init, expected $want"
	done
	nsx vgw1 ip xfrm state | grep -E '^\s+(enc|auth|aead)' | sort -u | sed 's/0x[0-9a-f]*/KEY/' | sed 's/^/  vgw1 kernel: /'
	t=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 45) || fail "case $i: BGP not up on both tunnels"
	log "case $i: BGP up on both tunnels"
	ping_ok cgw "$T1_VGW_INSIDE" 3 || fail "case $i: t1 inside address does not answer"
	ping_ok cgw "$T2_VGW_INSIDE" 3 || fail "case $i: t2 inside address does not answer"
	wait_until "ping_ok lan $VPC 1" 20 >/dev/null || fail "case $i: LAN -> VPC does not answer"
	b1=$(esp_bytes cgw "$T1_VGW_OUTSIDE")
	ping_ok lan $VPC 5 || fail "case $i: LAN -> VPC lost packets"
	a1=$(esp_bytes cgw "$T1_VGW_OUTSIDE")
	[ $((a1 - b1)) -ge 500 ] || fail "case $i: LAN -> VPC did not go through t1's ESP SAs"
	log "case $i: inside addresses and LAN -> VPC answer (t1 ESP +$((a1 - b1)) bytes)"
	cgw_counters_check || fail "case $i: cgwctl show sas counters differ from the kernel's"
	log "case $i: counters match the kernel's"
	sc=$(child_spi $ci) iv=$(ike_spi $vi) sv=$(child_spi $vi)
	cgwctl_ tunnel rekey "$CGW_VPN/t$ci" >/dev/null || fail "case $i: cgwctl tunnel rekey t$ci"
	lab_swanctl "$LAB_RUN/vgw$vi" --rekey --ike aws >/dev/null 2>&1 ||
		fail "case $i: vgw$vi could not start an IKE rekey"
	wait_until "[ \"\$(ike_spi $vi)\" != $iv ] && [ \"\$(child_spi $ci)\" != $sc ] && one_pair $ci" 30 >/dev/null ||
		fail "case $i: rekeys of t$ci's CHILD SA (cgwd) and t$vi's IKE SA (vgw$vi) did not complete"
	lab_swanctl "$LAB_RUN/vgw$vi" --rekey --child aws >/dev/null 2>&1 ||
		fail "case $i: vgw$vi could not start a CHILD rekey"
	wait_until "[ \"\$(child_spi $vi)\" != $sv ] && one_pair $vi" 30 >/dev/null ||
		fail "case $i: rekey of t$vi's CHILD SA (vgw$vi) did not complete"
	ping_ok lan $VPC 5 || fail "case $i: LAN -> VPC lost packets after the rekeys"
	ping_ok cgw "$T1_VGW_INSIDE" 2 && ping_ok cgw "$T2_VGW_INSIDE" 2 ||
		fail "case $i: inside addresses do not answer after the rekeys"
	log "case $i: rekeyed: t$ci CHILD by cgwd, t$vi IKE and CHILD by vgw$vi; one SA pair each, traffic flows"
	cgw_stop || fail "case $i: cgwd did not stop"
	for n in 1 2; do
		if ! t=$(wait_until "! lab_swanctl $LAB_RUN/vgw$n --list-sas | grep -q ESTABLISHED" 10); then
			echo "NOTE: case $i: vgw$n still has an IKE SA 10 s after cgwd stopped (no DELETE?)"
			lab_swanctl "$LAB_RUN/vgw$n" --terminate --ike aws --timeout 5 >/dev/null 2>&1
		fi
	done
	[ "$(xfrm_sa_count cgw)" = 0 ] || fail "case $i: SAs left in the kernel after cgwd stopped"
	log "case $i: passed ($(since "$t0")s)"
	ok=$((ok + 1))
done

# Both ends initiate at once (AWS "startup action start" against cgwd's
# default): collisions must end with one working SA pair per tunnel.
IKE_P=aes256gcm16-prfsha256-modp2048 ESP_P=aes256gcm16-modp2048 STARTUP=initiate
log "=== collision: cgwd and both emulator endpoints initiate at once"
t0=$(now)
cgw_start || fail "collision: cgwd did not start"
pids=""
for n in 1 2; do
	lab_swanctl "$LAB_RUN/vgw$n" --initiate --child aws --timeout 40 \
		>>"$LAB_OUT/vgw$n/swanctl-initiate.log" 2>&1 &
	pids="$pids $!"
done
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 45) || fail "collision: SAs not up on both tunnels"
t=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 45) || fail "collision: BGP not up on both tunnels"
wait $pids
t=$(wait_until "[ \$(xfrm_sa_count cgw $T1_VGW_OUTSIDE) = 2 ] && [ \$(xfrm_sa_count cgw $T2_VGW_OUTSIDE) = 2 ]" 30) ||
	{ nsx cgw ip xfrm state | grep -E '^src|spi'; fail "collision: not one SA pair per tunnel"; }
wait_until "ping_ok lan $VPC 1" 20 >/dev/null || fail "collision: LAN -> VPC does not answer"
ping_ok lan $VPC 5 || fail "collision: LAN -> VPC lost packets"
cgw_counters_check || fail "collision: counters differ from the kernel's"
for n in 1 2; do
	v=$(lab_swanctl "$LAB_RUN/vgw$n" --list-sas 2>/dev/null | grep -c ESTABLISHED)
	log "collision: t$n: cgwd initiator $(cgw_tunnel_json $n | jq -r .ike.initiator), vgw$n IKE SAs $v"
done
collide=$(since "$t0")
grep -hiE 'simultaneous|collision|duplicate' "$LAB_OUT/cgw/cgwd.log" | tail -n 4 | sed 's/^/  cgwd: /'
cgw_stop || fail "collision: cgwd did not stop"
log "collision: passed (${collide}s)"
echo "FIGURE: interop ${ok}/${i} proposals, each both directions; tunnels up after${times}s; simultaneous initiation ok in ${collide}s"
