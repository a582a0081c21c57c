#!/bin/bash
# cgwd's kernel objects: what `ip xfrm state|policy` and `ip route show
# proto 201` hold matches `cgwctl show sas|routes`; a clean stop (TERM)
# leaves nothing of cgwd's (SA, policy with if_id 0x4347xxxx, route proto
# 201, cgw* link); after kill -9 of the main process its kernel helper
# (cgwd-kernel, which holds the netlink sockets) removes them and exits;
# after kill -9 of both the leftovers stay, a new cgwd removes them at
# start and works; after the final TERM the namespace's kernel state is
# exactly what it was before cgwd ever started.
# FIGURE: objects checked, seconds to tunnels up after the restart.
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

# kstate: the cgw namespace's kernel state, as compared before/after.
kstate() {
	nsx cgw ip xfrm state; echo "--- policy"
	nsx cgw ip xfrm policy; echo "--- route"
	nsx cgw ip route show table all; echo "--- route6"
	nsx cgw ip -6 route show table all; echo "--- link"
	nsx cgw ip link
}
# leftovers: what of cgwd's is in the kernel, one line per kind (empty: none).
leftovers() {
	local n
	n=$(nsx cgw ip xfrm state | grep -c '^src'); [ "$n" = 0 ] || echo "$n SAs"
	n=$(nsx cgw ip xfrm policy | grep -c 'if_id 0x4347'); [ "$n" = 0 ] || echo "$n policies with cgwd's if_id"
	n=$(nsx cgw ip route show table all proto 201 | grep -c .); [ "$n" = 0 ] || echo "$n routes proto 201"
	n=$(nsx cgw ip -o link | grep -c ': cgw[0-9]*@'); [ "$n" = 0 ] || echo "$n cgw* interfaces"
}
both_up() {
	wait_until "cgw_ike_up 1 && cgw_ike_up 2" 40 >/dev/null || fail "$1: SAs not up on both tunnels"
	wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 60 >/dev/null || fail "$1: BGP not up on both tunnels"
	wait_until "ping_ok lan $VPC 1" 30 >/dev/null || fail "$1: LAN -> VPC does not answer"
}
# match: the kernel holds exactly what cgwctl reports.
match() {
	local k c
	k=$(nsx cgw ip xfrm state | awk '$1 == "proto" && $3 == "spi" {print substr($4, 3, 8)}' | sort)
	c=$(cgwctl_ --json show sas | jq -r '.sas[].child_sas[] | .spi_in, .spi_out' | sort)
	[ -n "$k" ] && [ "$k" = "$c" ] || { echo "kernel SPIs: $k"; echo "cgwctl SPIs: $c"; fail "$1: SAs differ"; }
	nsa=$(echo "$k" | wc -l)
	k=$(nsx cgw ip route show proto 201 | sed 's/ *$//' | sort)
	c=$(cgwctl_ --json show routes | jq -r '.routes[] | select(.installed) | "\(.prefix) via \(.next_hop) dev \(.interface)"' | sort)
	[ -n "$k" ] && [ "$k" = "$c" ] || { echo "kernel: $k"; echo "cgwctl: $c"; fail "$1: routes differ"; }
	nrt=$(echo "$k" | wc -l)
	# One policy set per tunnel, on the if_id of its SAs and interface.
	k=$(nsx cgw ip xfrm policy | awk '$1 == "if_id" {print $2}' | sort -u)
	c=$(nsx cgw ip xfrm state | awk '$1 == "if_id" {print $2}' | sort -u)
	[ -n "$k" ] && [ "$k" = "$c" ] || { echo "policy if_ids: $k"; echo "SA if_ids: $c"; fail "$1: policies and SAs on different if_ids"; }
	echo "$k" | grep -qv '^0x4347' && fail "$1: an if_id outside cgwd's range: $k"
	[ "$(echo "$k" | wc -l)" = 2 ] || fail "$1: expected the if_ids of 2 tunnels: $k"
	for n in 1 2; do
		ifn=$(cgw_tunnel_json $n | jq -r .interface)
		nsx cgw ip -d link show "$ifn" | grep -q 'if_id 0x4347' || fail "$1: $ifn is not an XFRM interface of cgwd's"
	done
	npol=$(nsx cgw ip xfrm policy | grep -c '^src')
	log "$1: kernel = cgwctl: $nsa SAs, $nrt routes, $npol policies on $(echo $k)"
}

topo_up; log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
before=$(kstate)
[ -z "$(leftovers)" ] || fail "cgwd's objects before cgwd started?"

# 1. Run, compare, clean stop.
cgw_start || fail "cgwd did not start"
both_up first
match first
spis1=$(nsx cgw ip xfrm state | awk '$1 == "proto" {print $4}')
cgw_stop TERM || fail "cgwd did not stop on TERM"
left=$(leftovers)
[ -z "$left" ] || { echo "$left"; kstate; fail "left after TERM: $(echo $left)"; }
log "TERM: nothing of cgwd's left"

# 2a. The main process crashes: its kernel helper removes everything.
cgw_start_daemon || fail "cgwd did not start again"
both_up second
helper=$(ns_pid cgw cgwd-kernel) || fail "no kernel helper (cgwd-kernel)"
eff=$(awk '$1 == "CapEff:" {print $2}' "/proc/$(cgw_pid)/status")
[ "$eff" = 0000000000000000 ] || fail "main process has capabilities: $eff"
cgw_stop KILL || fail "cgwd did not die on KILL"
wait_until "! cgw_alive $helper" 10 >/dev/null || fail "kernel helper still running 10 s after its main process died"
left=$(leftovers)
[ -z "$left" ] || { echo "$left"; fail "left after kill -9 of the main process: $(echo $left)"; }
log "kill -9 of the main process: its kernel helper removed everything and exited"

# 2b. Crash of both: everything stays; the next start cleans up.
cgw_start_daemon || fail "cgwd did not start again"
both_up second
helper=$(ns_pid cgw cgwd-kernel) || fail "no kernel helper (cgwd-kernel)"
kill -KILL "$helper" "$(cgw_pid)"
cgw_stop KILL || fail "cgwd did not die on KILL"
left=$(leftovers)
[ -n "$left" ] || fail "nothing left after kill -9 of both: the cleanup test proves nothing"
log "after kill -9 of both: $(echo "$left" | paste -sd, -)"
spis2=$(nsx cgw ip xfrm state | awk '$1 == "proto" {print $4}')
L0=$(wc -l < "$LAB_OUT/cgw/cgwd.log")
T0=$(now)
cgw_start_daemon || fail "cgwd did not start after the crash"
both_up third
restart=$(since "$T0")
tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log" | grep -iE 'stale|leftover|previous run|clean' | head -n 8 | sed 's/^/  cgwd: /'
for s in $spis2; do
	nsx cgw ip xfrm state | grep -q "spi $s" && fail "SA $s of the killed cgwd still in the kernel"
done
n=$(nsx cgw ip -o link | grep -c ': cgw[0-9]*@')
[ "$n" = 2 ] || fail "$n cgw* interfaces after the restart"
match third
log "restart after kill -9: leftovers gone, tunnels up in ${restart}s"

# 3. Final clean stop: the kernel as before cgwd.
cgw_stop TERM || fail "cgwd did not stop on TERM"
after=$(kstate)
if [ "$before" != "$after" ]; then
	diff <(echo "$before") <(echo "$after")
	fail "kernel state differs from before cgwd started"
fi
log "final TERM: kernel state identical to before cgwd started"
echo "FIGURE: kernel match SAs=$nsa routes=$nrt policies=$npol; TERM clean; kill-9 of main: helper cleaned; kill-9 of both: leftovers removed, up again in ${restart}s; final state identical"
