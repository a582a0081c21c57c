#!/bin/bash
# A static-routing VPN connection, imported from describe-vpn-connections'
# JSON, on a VGW narrowed by its tunnel options, with MSS clamping on a
# path that drops ICMP. One boot, one `check` line each:
#   narrowed      the emulated VGW's tunnels accept one suite each, a
#                 different one per tunnel: t1 AES-256-GCM / SHA2-384 /
#                 DH 20, t2 AES-128-GCM / SHA2-256 / DH 19 (VGW_NARROW=1,
#                 as each tunnel's TunnelOptions in the JSON say);
#                 `cgwctl import-aws` of that JSON gives each tunnel
#                 exactly its offer and both come up with it, the DH
#                 group proven by a CHILD rekey (PFS)
#   static        no BGP at all (no session, nothing on TCP 179), the VPC
#                 prefix from `--static` in the kernel through t1 (active/
#                 standby), `installed` as the kernel says, LAN <-> VPC
#                 pings over t1's ESP SAs; the VGW routes the LAN's
#                 network into the tunnel that is up (VGW_STATIC=1)
#   mss-clamp     ICMP "fragmentation needed" dropped in the LAN and VPC
#                 hosts: a 2 MB TCP transfer each way with the hosts' own
#                 1460-byte MSS goes through (cgwd clamps it to 1379);
#   mss-off       after `mss-clamp off` and a reload, the same transfer
#                 stalls: the clamp is what made it work
#   failover      t1 blackholed both ways (failure kind a): cgwd's static
#                 route moves to t2 and LAN -> VPC flows again within 3 s
#                 (seqstream); VPC -> LAN moves when the VGW's own DPD
#                 clears t1 (AWS's timers, ~30 s), checked within 60 s
# FIGURE: those figures.
set -u
lab=$LAB_REPO/tests/lab
export VGW_STATIC=1 VGW_NARROW=1 CGW_AWS_JSON=1
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
. "$lab/lib/failover.sh"
CGW_IMPORT_ARGS="--static $VPC_CIDR"
LAN=10.224.1.10 VPC=172.31.0.10
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; cgw_stop >/dev/null 2>&1; [ $rc = 0 ] && dump_state end cgw || dump_state end; topo_down' EXIT

# lv_flowing: LAN -> VPC packets arrived in the last 0.7 s.
lv_flowing() {
	awk -v now="$(now)" '{ for (i = 1; i <= NF; i++) if ($i ~ /^last=/) l = substr($i, 6) + 0 }
		END { exit !(l > 0 && now - l < 0.7) }' "$FO_D/lv.status" 2>/dev/null
}
# route_dev: the interface of cgwd's kernel route to the VPC ("" if none).
route_dev() {
	nsx cgw ip route show "$VPC_CIDR" proto 201 | awk '{for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1)}'
}
# static_route N: jq over the static path of tunnel N in `show routes`.
static_route() {
	cgwctl_ --json show routes | jq -e --arg t "$CGW_VPN/t$1" --arg p "$VPC_CIDR" \
		".routes[] | select(.tunnel == \$t and .prefix == \$p and .source == \"static\") | $2" >/dev/null
}

# tcp_xfer FROM TO ADDR BYTES SECONDS: bytes the receiver in TO got from a
# TCP sender in FROM within SECONDS, or "noconn" when no connection was
# made (python3: no tool the lab lacks; its first start over 9p is slow,
# so the listener is waited for and the sender retries connecting).
tcp_xfer() {
	local f=$LAB_RUN/xfer.out sp
	rm -f "$f"
	nsx "$2" timeout $(($5 + 40)) python3 -c '
import socket, sys
t = float(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5201)); s.listen(1); s.settimeout(30 + t)
try:
    c, _ = s.accept()
except OSError:
    open(sys.argv[1], "w").write("noconn"); sys.exit(0)
c.settimeout(t); n = 0
try:
    while True:
        b = c.recv(65536)
        if not b:
            break
        n += len(b)
except OSError:
    pass
open(sys.argv[1], "w").write(str(n))' "$f" "$5" &
	sp=$!
	wait_until "nsx $2 ss -Hltn 'sport = :5201' | grep -q ." 30 0.2 >/dev/null
	nsx "$1" timeout $(($5 + 15)) python3 -c '
import socket, sys, time
for i in range(50):
    try:
        s = socket.create_connection((sys.argv[1], 5201), timeout=5)
        break
    except OSError:
        time.sleep(0.2)
s.settimeout(float(sys.argv[3]))
s.sendall(b"x" * int(sys.argv[2])); s.shutdown(socket.SHUT_WR); s.recv(1)' "$3" "$4" "$5" 2>/dev/null
	wait "$sp" 2>/dev/null
	cat "$f" 2>/dev/null || echo noconn
}
# icmp_drops NS: frag-needed messages NS's labicmp table dropped so far.
icmp_drops() {
	nsx "$1" nft list table inet labicmp | awk '/counter/ {for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1)}'
}

topo_up; log "scenario start"
vgw_start_all || fail "VGW emulator did not start"
cgw_start || fail "cgwd did not start"
grep -q "^	static $VPC_CIDR\$" "$CGW_CONF" || fail "the import wrote no static $VPC_CIDR"
grep -qE '^(asn|router-id)|peer-asn' "$CGW_CONF" && fail "BGP settings in a static import"
t_up=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 60) || fail "SAs not up on both tunnels"
log "both tunnels up after ${t_up}s"

# --- narrowed ------------------------------------------------------------
# Each tunnel block of the import holds its own offer (per tunnel, not the
# vpn's), and each tunnel is up with it on both sides.
n_ok=0 props=""
for n in 1 2; do
	enc=$(vgw_narrow $n enc) prf=$(vgw_narrow $n prf) dh=$(vgw_narrow $n dh)
	bits=${enc#aes}; bits=${bits%gcm16}
	tblock=$(awk -v t="tunnel \"t$n\" {" 'index($0, t) {on = 1} on {print} on && /^\t}/ {exit}' "$CGW_CONF")
	echo "$tblock" | grep -q "ike proposal $enc-$prf-$dh lifetime" &&
		echo "$tblock" | grep -q "esp proposal $enc-$dh lifetime" || { props="$props t$n=import:no"; continue; }
	ip_=$(tj $n .ike.proposal)
	vs=$(lab_swanctl "$LAB_RUN/vgw$n" --list-sas 2>/dev/null |
		grep -m1 "AES_GCM_16-$bits/PRF_HMAC_SHA2_${prf#prfsha}/ECP_${dh#ecp}")
	case $ip_ in *$enc*${prf#prf}*$dh*|*$enc*$dh*${prf#prf}*) ;; *) ip_=""; esac
	[ -n "$ip_" ] && [ -n "$vs" ] && n_ok=$((n_ok + 1))
	props="$props t$n=$(tj $n .ike.proposal)"
done
# PFS with group 20: a CHILD rekey brings a KE of that group.
cgwctl_ tunnel rekey "$CGW_VPN/t1" >/dev/null 2>&1
pfs() { tj 1 '[.child_sas[].proposal | select(test("^aes256gcm16.*ecp384"))] | first // empty'; }
wait_until "[ -n \"\$(pfs)\" ]" 30 >/dev/null || n_ok=0
cp_=$(pfs)
check narrowed "$([ $n_ok = 2 ]; echo $?)" "ike$props, rekeyed child t1=$cp_" \
	"t1 aes256gcm16/sha384/ecp384 and t2 aes128gcm16/sha256/ecp256, each on both sides, rekey with ecp384"

# --- static routing ------------------------------------------------------
t_rt=$(wait_until "static_route 1 '.installed and .best' && [ \"\$(route_dev)\" = \"\$(tj 1 .interface)\" ]" 20) ||
	fail "no static route installed through t1: $(nsx cgw ip route show proto 201)"
static_route 2 '.installed | not' || fail "t2's static path installed too (active/standby)"
nbgp=$(cgwctl_ --json show bgp | jq '.bgp | length')
n179=$(nsx cgw ss -Htan 'sport = :179 or dport = :179' | grep -c .)
st_bgp=$(cgwctl_ --json status | jq -r '[.tunnels[].bgp] | join(",")')
wait_until "[ \"\$(vgwr_via $CGW_NETWORK)\" = vgw1 ]" 20 >/dev/null
via=$(vgwr_via "$CGW_NETWORK")
b1=$(esp_bytes cgw "$T1_VGW_OUTSIDE")
ping_ok lan $VPC 5 && ping_ok vpc $LAN 5; pings=$?
a1=$(esp_bytes cgw "$T1_VGW_OUTSIDE")
ok=$([ "$nbgp" = 0 ] && [ "$n179" = 0 ] && [ "$st_bgp" = static,static ] &&
	[ "$via" = vgw1 ] && [ $pings = 0 ] && [ $((a1 - b1)) -ge 1000 ]; echo $?)
check static "$ok" "route via t1 in ${t_rt}s, bgp sessions=$nbgp tcp179=$n179 status=$st_bgp vgwr=$via pings=$([ $pings = 0 ] && echo ok || echo lost) t1_esp=+$((a1 - b1))B" \
	"no BGP, route via t1, VGW via vgw1, pings both ways over t1"
cgwctl_ show routes | sed 's/^/  /'

# --- MSS clamping with ICMP dropped ----------------------------------------
for ns in lan vpc; do
	nsx "$ns" nft -f - <<-'NFT' || fail "nft in $ns"
	table inet labicmp {
		chain c_in {
			type filter hook input priority -300;
			icmp type destination-unreachable icmp code frag-needed counter drop
		}
	}
	NFT
done
SZ=2000000
lv=$(tcp_xfer lan vpc $VPC $SZ 15) vl=$(tcp_xfer vpc lan $LAN $SZ 15)
mssrules=$(nsx cgw nft list table inet cgwd 2>/dev/null | grep -c 'maxseg size set')
d_on="$(icmp_drops lan)/$(icmp_drops vpc)"
check mss-clamp "$([ "$lv" = $SZ ] && [ "$vl" = $SZ ] && [ "$mssrules" -gt 0 ]; echo $?)" \
	"lan->vpc ${lv}B vpc->lan ${vl}B of ${SZ}B, nft clamp rules $mssrules, frag-needed dropped lan/vpc $d_on" \
	"both transfers whole"
sed -i "s|^	static $VPC_CIDR\$|&\n	mss-clamp off|" "$CGW_CONF"
cgwctl_ reload >/dev/null 2>&1 || fail "reload with mss-clamp off"
wait_until "! nsx cgw nft list table inet cgwd 2>/dev/null | grep -q 'maxseg size set'" 10 >/dev/null ||
	fail "clamp rules still there after mss-clamp off"
off=$(tcp_xfer lan vpc $VPC $SZ 8)
drops=$(icmp_drops lan)
check mss-off "$([ "$off" != noconn ] && [ "$off" -lt $SZ ] && [ "${drops:-0}" -gt "${d_on%/*}" ]; echo $?)" \
	"lan->vpc ${off}B of ${SZ}B without the clamp, frag-needed dropped in lan: ${drops:-0}" \
	"connected, then the transfer stalls (PMTU black hole)"
for ns in lan vpc; do nsx "$ns" nft delete table inet labicmp; done
wait_until "cgw_ike_up 1 && cgw_ike_up 2 && static_route 1 .installed" 30 >/dev/null ||
	fail "tunnels not back up after the MSS checks"

# --- failover ----------------------------------------------------------------
fo_streams_start static
wait_until fo_flowing 15 0.2 >/dev/null || fail "streams do not flow"
sleep 2
dev2=$(tj 2 .interface)
T0=$(now)
fo_fail_a; log "t1 blackholed both ways"
t_mv=$(wait_until "[ \"\$(route_dev)\" = $dev2 ]" 15 0.1) || t_mv=timeout
sleep 1
wait_until lv_flowing 20 0.2 >/dev/null
# VPC -> LAN: the VGW moves when its DPD clears t1 (AWS's own timers).
t_vgw=$(wait_until "[ \"\$(vgwr_via $CGW_NETWORK)\" = vgw2 ] && fo_flowing" 60 0.5) || t_vgw=timeout
sleep 2
fo_streams_stop
static_route 2 '.installed' && ! static_route 1 '.installed' 2>/dev/null; moved=$?
ok=$([ "$t_mv" != timeout ] && [ $moved = 0 ] && awk -v o="$FO_LV_OUT" 'BEGIN {exit !(o <= 3.0)}'; echo $?)
check failover "$ok" "route on t2 after ${t_mv}s, lan_vpc_outage=${FO_LV_OUT}s lost=$FO_LV_LOST" \
	"route to t2 and LAN -> VPC outage <= 3 s"
check vgw-static "$([ "$t_vgw" != timeout ]; echo $?)" \
	"VGW routes the LAN via vgw2 after ${t_vgw}s, vpc_lan_outage=${FO_VL_OUT}s" \
	"the VGW uses the tunnel that is up within 60 s"
fo_restore_a

echo "FIGURE: static up=${t_up}s$RESULTS route_moved=${t_mv}s lan_vpc_outage=${FO_LV_OUT}s vpc_lan_outage=${FO_VL_OUT}s mss=${lv}/${vl}/${off}B"
[ -z "$FAILED" ] || { echo "FAILED:$FAILED"; exit 1; }
