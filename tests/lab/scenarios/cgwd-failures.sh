#!/bin/bash
# cgwd when things go wrong, one VM, three cases:
#  1. wrong PSK: t2's key in cgwd's config is changed and `cgwctl reload`ed:
#     AUTHENTICATION_FAILED in the log and in `show tunnels` last_error,
#     retries, the daemon lives, t1 keeps its SAs and BGP (reload applies
#     differences only); the right key back -> t2 up again.
#  2. DELETE from the peer: `swanctl --terminate --ike aws` on vgw1 -> cgwd
#     drops t1's SAs and BGP at once, re-initiates, t1 comes back with
#     exactly one SA pair.
#  3. peer paused: vgw1's charon gets SIGSTOP and its ESP is blackholed
#     (ESP still flowing would rightly keep DPD quiet) -> cgwd declares t1
#     dead by DPD, BGP on t1 is down, routes move to t2, LAN -> VPC goes
#     via t2; SIGCONT -> t1 recovers.
# FIGURE: the times of each case.
set -u
lab=$LAB_REPO/tests/lab
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
LAN=10.224.1.10 VPC=172.31.0.10
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; [ $rc = 0 ] && dump_state end cgw vgw1 || dump_state end; topo_down' EXIT
routes_via() { nsx cgw ip route show proto 201 | grep -q "172.31.0.0/16 .*dev $1"; }

topo_up; log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
cgw_start || fail "cgwd did not start"
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 40) || fail "SAs not up on both tunnels"
t=$(wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60) || fail "BGP not up on both tunnels"
t=$(wait_until "ping_ok lan $VPC 1" 30) || fail "LAN -> VPC does not answer"
IF1=$(tj 1 .interface) IF2=$(tj 2 .interface)
log "both tunnels and BGP up ($IF1, $IF2)"

# --- 1. wrong PSK on t2 ---------------------------------------------------
log "=== case 1: wrong PSK for t2, reload"
cp "$CGW_CONF" "$CGW_D/good.conf"
spi1=$(tj 1 .ike.spi_i) child1=$(tj 1 '.child_sas[0].spi_in')
L0=$(wc -l < "$LAB_OUT/cgw/cgwd.log")
sed -i '/tunnel "t2"/,/}/ s/psk "[^"]*"/psk "lab.wrongKey_Zz99"/' "$CGW_CONF"
T0=$(now)
cgwctl_ reload || fail "reload with the wrong PSK refused"
t=$(wait_until "tj 2 .ike.last_error | grep -q AUTHENTICATION_FAILED" 40) ||
	{ tj 2 .ike; fail "t2's last_error does not say AUTHENTICATION_FAILED"; }
authfail=$(since "$T0")
log "t2: last_error \"$(tj 2 .ike.last_error)\" after ${authfail}s"
tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log" | grep -q AUTHENTICATION_FAILED ||
	fail "no AUTHENTICATION_FAILED in cgwd's log"
# Retries: a second attempt after the failure.
t=$(wait_until "[ \$(tail -n +$((L0 + 1)) $LAB_OUT/cgw/cgwd.log | grep -c 't2: initiating IKE SA') -ge 2 ]" 60) ||
	fail "cgwd does not retry t2"
tries=$(tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log" | grep -c 't2: initiating IKE SA')
cgw_alive || fail "cgwd died"
[ "$(tj 2 .state)" != up ] || fail "t2 up with a wrong PSK"
[ "$(tj 1 .ike.spi_i)" = "$spi1" ] && [ "$(tj 1 '.child_sas[0].spi_in')" = "$child1" ] ||
	fail "t1's SAs changed when only t2's PSK did"
cgw_ike_up 1 && cgw_bgp_up 1 || fail "t1 disturbed by t2's wrong PSK"
ping_ok lan $VPC 3 || fail "LAN -> VPC broken while t2 fails"
for k in "$T1_PSK" "$T2_PSK" lab.wrongKey_Zz99; do
	grep -rqF "$k" "$LAB_OUT/cgw/cgwd.log" && fail "a PSK appears in cgwd's log"
	cgwctl_ --json show tunnels | grep -qF "$k" && fail "a PSK appears in show tunnels"
done
log "t2 refused ($tries attempts so far), t1 untouched, no PSK in the log"
grep -h 'AUTHENTICATION_FAILED' "$LAB_OUT/vgw2/charon.log" | tail -n 1 | sed 's/^/  vgw2: /'
cp "$CGW_D/good.conf" "$CGW_CONF"
T0=$(now)
cgwctl_ reload || fail "reload with the right PSK refused"
t=$(wait_until "cgw_ike_up 2 && cgw_bgp_up 2" 60) || fail "t2 not back with the right PSK"
psk_back=$(since "$T0")
[ "$(tj 1 .ike.spi_i)" = "$spi1" ] || fail "t1's IKE SA changed on the second reload"
log "t2 back ${psk_back}s after the right key was reloaded"

# --- 2. DELETE from the peer -----------------------------------------------
log "=== case 2: vgw1 deletes the IKE SA"
spi1=$(tj 1 .ike.spi_i)
T0=$(now)
lab_swanctl "$LAB_RUN/vgw1" --terminate --ike aws --timeout 10 > "$LAB_OUT/vgw1/terminate.log" 2>&1 ||
	{ cat "$LAB_OUT/vgw1/terminate.log"; fail "swanctl --terminate failed"; }
t=$(wait_until "[ \"\$(tj 1 .ike.spi_i)\" != $spi1 ] || ! cgw_ike_up 1" 10 0.1) ||
	fail "cgwd still has t1's IKE SA 10 s after the peer deleted it"
del_seen=$(since "$T0")
t=$(wait_until "cgw_ike_up 1 && cgw_bgp_up 1" 60) || fail "t1 not re-established after the DELETE"
del_back=$(since "$T0")
t=$(wait_until "[ \$(xfrm_sa_count cgw $T1_VGW_OUTSIDE) = 2 ]" 15) ||
	{ nsx cgw ip xfrm state | grep -E '^src|spi'; fail "old SAs of t1 left after the DELETE"; }
grep -iE 't1: .*(delet|DELETE)' "$LAB_OUT/cgw/cgwd.log" | tail -n 4 | sed 's/^/  cgwd: /'
log "t1: DELETE handled after ${del_seen}s, back (SA and BGP) after ${del_back}s"
wait_until "routes_via $IF1" 30 >/dev/null || fail "routes not back on t1"

# --- 3. peer paused ----------------------------------------------------------
log "=== case 3: vgw1's charon stopped, its ESP blackholed"
cpid=$(ns_pid vgw1 charon) || fail "no charon in vgw1"
T0=$(now)
kill -STOP "$cpid"
nsx vgw1 nft -f - <<-'NFT' || fail "nft on vgw1"
	table inet labesp {
		chain pre { type filter hook prerouting priority -300; meta l4proto esp drop; }
		chain post { type filter hook postrouting priority -300; meta l4proto esp drop; }
	}
	NFT
bgp_down="" dead="" moved=""
while [ -z "$bgp_down" ] || [ -z "$dead" ] || [ -z "$moved" ]; do
	[ -z "$bgp_down" ] && ! cgw_bgp_up 1 && { bgp_down=$(since "$T0"); log "t1 BGP down after ${bgp_down}s"; }
	[ -z "$dead" ] && [ "$(tj 1 .state)" != up ] && { dead=$(since "$T0"); log "t1 declared down after ${dead}s ($(tj 1 .state_reason))"; }
	[ -z "$moved" ] && routes_via "$IF2" && { moved=$(since "$T0"); log "VPC route via t2 after ${moved}s"; }
	awk -v a="$(now)" -v b="$T0" 'BEGIN {exit !(a - b > 75)}' && break
	sleep 0.3
done
[ -n "$dead" ] || fail "t1 not declared dead 75 s after its peer paused"
[ -n "$bgp_down" ] && [ -n "$moved" ] || fail "BGP or routes did not leave t1"
reason=$(grep -E 't1: up -> (down|connecting)' "$LAB_OUT/cgw/cgwd.log" | tail -n 1)
echo "  cgwd: $reason"
echo "$reason" | grep -qiE 'dpd|dead|not answering' || fail "t1 went down, but not by DPD"
# "At once": BGP on t1 is not up once the tunnel is dead.
cgw_bgp_up 1 && fail "t1 dead but its BGP session still established"
ping_ok lan $VPC 3 || fail "LAN -> VPC broken while t1 is dead"
log "LAN -> VPC answers via t2"
T1=$(now)
nsx vgw1 nft delete table inet labesp
kill -CONT "$cpid"
t=$(wait_until "cgw_ike_up 1 && cgw_bgp_up 1" 90) || fail "t1 did not recover within 90 s"
recover=$(since "$T1")
wait_until "routes_via $IF1" 30 >/dev/null || fail "routes not back on t1"
ping_ok lan $VPC 3 || fail "LAN -> VPC broken after recovery"
log "t1 back ${recover}s after the peer resumed"
cgw_alive || fail "cgwd died"
cgw_status
echo "FIGURE: failures authfail=${authfail}s tries=$tries psk_fixed=${psk_back}s delete_seen=${del_seen}s delete_back=${del_back}s pause: bgp_down=${bgp_down}s dead=${dead}s routes_t2=${moved}s recover=${recover}s"
