# Lab topology, sourced by scenarios (bash, inside the lab VM, as root).
#
#   lan 10.224.1.10 ── cgw ──(outside)── inet ──┬── vgw1 198.51.100.1 ──┐ 172.31.0.2
#        10.224.1.1/24   192.0.2.10     router  └── vgw2 198.51.100.2 ──┤ 172.31.0.3
#                                                                        │ vpcnet (bridge)
#                                                 vgwr 172.31.0.1 ───────┤
#                                                 (the VGW's router)     └── vpc 172.31.0.10
# With --nat, a `nat` box sits between cgw and inet: cgw's outside address
# is 10.0.0.10/24 and nat rewrites it to 192.0.2.10 (what AWS sees).
# vgw1, vgw2 (the tunnel endpoints) and vgwr (the VGW's router, where AWS
# decides the return path) sit on the VPC bridge. The VPC host's default
# route is vgwr; each endpoint passes its CGW-learned routes to vgwr over
# iBGP (vgw/vgw.sh), and vgwr's BIRD picks one path over both tunnels
# (longest prefix in the kernel, then the shorter AS_PATH), so the return
# path survives the death of either endpoint.
# Every host's outside link is named "out" inside its namespace.

LAB_RUN=${LAB_RUN:-/tmp/lab}		# sockets, pid files (guest tmpfs)
LAB_OUT=${LAB_OUT:-$LAB_RUN/out}	# logs (the VM's results export)
TOPO_NS="inet cgw lan vgw1 vgw2 vgwr vpcnet vpc"
TOPO_NAT=0

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
log() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }

_ns_add() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
}

# _veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up.
_veth() {
	ip link add "lab$$x" type veth peer name "lab$$y"
	ip link set "lab$$x" netns "$1" name "$2"
	ip link set "lab$$y" netns "$3" name "$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# topo_up [--nat]: build every namespace and link.
topo_up() {
	[ "${1:-}" = --nat ] && TOPO_NAT=1
	mkdir -p "$LAB_RUN" "$LAB_OUT"
	[ $TOPO_NAT = 1 ] && TOPO_NS="$TOPO_NS nat"
	local ns
	for ns in $TOPO_NS; do _ns_add "$ns"; done

	# inet: the Internet, a router between the CGW side and AWS's edge.
	ip -n inet link add sw type bridge
	ip -n inet link set sw up
	ip -n inet addr add 198.51.100.254/24 dev sw
	for ns in vgw1 vgw2; do
		_veth inet "$ns" "$ns" out
		ip -n inet link set "$ns" master sw
	done
	ip -n vgw1 addr add 198.51.100.1/24 dev out
	ip -n vgw2 addr add 198.51.100.2/24 dev out
	ip -n vgw1 route add default via 198.51.100.254
	ip -n vgw2 route add default via 198.51.100.254

	if [ $TOPO_NAT = 1 ]; then
		_veth inet cgw nat out
		ip -n inet addr add 192.0.2.1/24 dev cgw
		ip -n nat addr add 192.0.2.10/24 dev out
		ip -n nat route add default via 192.0.2.1
		_veth nat in cgw out
		ip -n nat addr add 10.0.0.1/24 dev in
		ip -n cgw addr add 10.0.0.10/24 dev out
		ip -n cgw route add default via 10.0.0.1
		nsx nat nft -f - <<-'NFT'
		table ip nat {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "out" ip saddr 10.0.0.0/24 snat to 192.0.2.10
			}
		}
		NFT
		CGW_LOCAL=10.0.0.10
	else
		_veth inet cgw cgw out
		ip -n inet addr add 192.0.2.1/24 dev cgw
		ip -n cgw addr add 192.0.2.10/24 dev out
		ip -n cgw route add default via 192.0.2.1
		CGW_LOCAL=192.0.2.10
	fi
	CGW_PUBLIC=192.0.2.10
	export CGW_LOCAL CGW_PUBLIC

	# The LAN behind the CGW.
	_veth cgw lan lan out
	ip -n cgw addr add 10.224.1.1/24 dev lan
	ip -n lan addr add 10.224.1.10/24 dev out
	ip -n lan route add default via 10.224.1.1

	# The VPC: one bridge; both VGW endpoints, the VGW's router and a
	# host on it.
	ip -n vpcnet link set lo up
	ip -n vpcnet link add sw type bridge
	ip -n vpcnet link set sw up
	for ns in vgw1 vgw2 vgwr vpc; do
		_veth vpcnet "$ns" "$ns" vpc
		ip -n vpcnet link set "$ns" master sw
	done
	ip -n vgw1 addr add 172.31.0.2/16 dev vpc
	ip -n vgw2 addr add 172.31.0.3/16 dev vpc
	ip -n vgwr addr add 172.31.0.1/16 dev vpc
	ip -n vpc addr add 172.31.0.10/16 dev vpc
	ip -n vpc route add default via 172.31.0.1
	# vgwr forwards out of the interface a packet came in on (to vgw1 or
	# vgw2): no ICMP redirect may teach the VPC host a route around the
	# router's decision.
	for ns in vgw1 vgw2 vgwr; do
		nsx "$ns" sysctl -qw net.ipv4.conf.all.send_redirects=0 \
			net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.vpc.send_redirects=0
	done
	nsx vpc sysctl -qw net.ipv4.conf.all.accept_redirects=0 \
		net.ipv4.conf.default.accept_redirects=0 net.ipv4.conf.vpc.accept_redirects=0
	# An endpoint without a tunnel route for a VPC packet drops it: it
	# never leaves towards the Internet in clear.
	for ns in vgw1 vgw2; do
		nsx "$ns" nft -f - <<-'NFT'
		table inet labvpc {
			chain c_fwd { type filter hook forward priority 0; iifname "vpc" oifname "out" drop; }
		}
		NFT
	done
	log "topology up (nat=$TOPO_NAT)"
}

# topo_up6: IPv6 beside IPv4, for VGW_IPV6=1 scenarios (after topo_up,
# with vgw/params.sh sourced): forwarding in the routers (default too:
# cgwd's and the endpoints' XFRM interfaces come later), the LAN's /64
# (cgw ::1, host ::10) and the VPC bridge's /64 (vgwr ::1, vgw1 ::2,
# vgw2 ::3, host ::10) with the hosts' default routes. No DAD (usable at
# once) and, as for IPv4, no redirect may teach the VPC host a way around
# vgwr.
topo_up6() {
	local ns
	for ns in cgw vgw1 vgw2 vgwr; do
		nsx "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 \
			net.ipv6.conf.default.forwarding=1 || return 1
	done
	ip -n cgw addr add "${LAN_NET6}1/64" dev lan nodad &&
	ip -n lan addr add "${LAN_NET6}10/64" dev out nodad &&
	ip -n lan -6 route add default via "${LAN_NET6}1" &&
	ip -n vgwr addr add "${VPC_NET6}1/64" dev vpc nodad &&
	ip -n vgw1 addr add "${VPC_NET6}2/64" dev vpc nodad &&
	ip -n vgw2 addr add "${VPC_NET6}3/64" dev vpc nodad &&
	ip -n vpc addr add "${VPC_NET6}10/64" dev vpc nodad &&
	ip -n vpc -6 route add default via "${VPC_NET6}1" || return 1
	nsx vpc sysctl -qw net.ipv6.conf.all.accept_redirects=0 \
		net.ipv6.conf.default.accept_redirects=0 net.ipv6.conf.vpc.accept_redirects=0
	log "IPv6 up: LAN ${LAN_NET6}/64, VPC ${VPC_NET6}/64"
}

# topo_down: stop everything started in the namespaces, remove them.
topo_down() {
	local ns pid
	for pid in "$LAB_RUN"/*/*.pid; do
		[ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
	done
	sleep 0.2
	for ns in $TOPO_NS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	true
}

# cut_link NS / restore_link NS: NS's outside link loses / regains carrier
# (the host notices: its addresses stay, its routes over the link go).
cut_link() { ip -n "$1" link set out down; log "cut_link $1"; }
restore_link() {
	ip -n "$1" link set out up
	# Link down took the default route with it.
	case $1 in
	vgw*) ip -n "$1" route replace default via 198.51.100.254 ;;
	cgw) ip -n cgw route replace default via "$( [ $TOPO_NAT = 1 ] && echo 10.0.0.1 || echo 192.0.2.1)" ;;
	esac
	log "restore_link $1"
}

# drop_endpoint NS / resume_endpoint NS: everything NS sends or receives on
# its outside link silently vanishes (a dead peer: no DELETE, no ICMP).
drop_endpoint() {
	nsx "$1" nft -f - <<-'NFT'
	table inet labdrop {
		chain c_in { type filter hook input priority -300; iifname "out" drop; }
		chain c_out { type filter hook output priority -300; oifname "out" drop; }
		chain c_fwd { type filter hook forward priority -300; iifname "out" drop; oifname "out" drop; }
	}
	NFT
	[ $? = 0 ] || { echo "drop_endpoint $1: nft failed"; return 1; }
	log "drop_endpoint $1"
}
resume_endpoint() { nsx "$1" nft delete table inet labdrop; log "resume_endpoint $1"; }

# esp_bytes NS [PEER]: ESP bytes counted by NS's SAs, both directions
# (only the SAs to and from PEER if given), from `ip -s xfrm state`.
esp_bytes() {
	nsx "$1" ip -s xfrm state | awk -v want="${2:-}" '
		/^src / { ok = (want == "" || $2 == want || $4 == want) }
		/lifetime current:/ { cur = 1; next }
		cur && /bytes/ { if (ok) { sub(/\(bytes\).*/, ""); n += $1 } cur = 0 }
		END { print n + 0 }'
}
esp_counters() { esp_bytes "$@"; }

# ping_ok FROM DST [COUNT]: DST answers from namespace FROM.
ping_ok() { nsx "$1" ping -n -q -c "${3:-3}" -i 0.2 -W 2 "$2" >/dev/null 2>&1; }
# ping_fail FROM DST: DST does not answer.
ping_fail() { ! nsx "$1" ping -n -q -c 2 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

# ping_summary FILE [DECIMALS]: "SENT RECEIVED LOST GAP" of a finished
# `ping -D` whose output is in FILE; GAP is the longest time between two
# replies in seconds (DECIMALS places, default 1).
ping_summary() {
	local sent recv
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1")
	recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1")
	echo "${sent:-0} ${recv:-0} $(( ${sent:-0} - ${recv:-0} ))" "$(awk -v d="${2:-1}" '
		/bytes from/ { ts = substr($1, 2, length($1) - 2) + 0
			if (last > 0 && ts - last > gap) gap = ts - last; last = ts }
		END { printf "%.*f", d, gap }' "$1")"
}

# wait_until "CMD" TIMEOUT [INTERVAL]: run CMD until it succeeds; prints
# the seconds it took; fails after TIMEOUT seconds.
wait_until() {
	local t0 now
	t0=$(date +%s.%N)
	while :; do
		if eval "$1" >/dev/null 2>&1; then
			echo "$(date +%s.%N) $t0" | awk '{printf "%.1f\n", $1 - $2}'
			return 0
		fi
		now=$(date +%s.%N)
		if awk -v a="$now" -v b="$t0" -v t="$2" 'BEGIN {exit !(a - b > t)}'; then
			echo "timeout"
			return 1
		fi
		sleep "${3:-0.2}"
	done
}

now() { date +%s.%N; }

# log_time_after FILE T0 REGEX: epoch seconds of the first line of FILE
# (starting "YYYY-MM-DD HH:MM:SS.mmm", as the lab's charon and BIRD logs
# do) that matches REGEX and is later than T0; empty if none.
log_time_after() {
	local d t
	grep -E "$3" "$1" 2>/dev/null | while read -r d t _; do
		t=$(date -d "$d $t" +%s.%N 2>/dev/null) || continue
		if awk -v a="$t" -v b="$2" 'BEGIN {exit !(a > b)}'; then
			echo "$t"; break
		fi
	done
}
since() { echo "$(date +%s.%N) $1" | awk '{printf "%.1f", $1 - $2}'; }
# later_than T0 S: at least S seconds have passed since T0 (from `now`);
# sleep_until T0 S: wait until they have.
later_than() { awk -v a="$(now)" -v b="$1" -v t="$2" 'BEGIN {exit !(a - b >= t)}'; }
sleep_until() { while ! later_than "$1" "$2"; do sleep 0.2; done; }

# check NAME OK FIGURES WANT: one result line of a scenario made of checks,
# `check NAME: FIGURES PASS` (OK = 0) or `... FAIL (want WANT)`; RESULTS
# collects NAME=PASS|FAIL for the FIGURE line, FAILED the failed names.
RESULTS="" FAILED=""
check() {
	if [ "$2" = 0 ]; then
		echo "check $1: $3 PASS"; RESULTS="$RESULTS $1=PASS"
	else
		echo "check $1: $3 FAIL (want $4)"; RESULTS="$RESULTS $1=FAIL"; FAILED="$FAILED $1"
	fi
}

# dump_state LABEL [NS...]: kernel, BIRD and charon state of the namespaces
# (all by default) into LAB_OUT/state-LABEL.txt.
dump_state() {
	local f=$LAB_OUT/state-${1:-end}.txt ns list
	shift
	list=${*:-$TOPO_NS}
	: > "$f"
	for ns in $list; do
		{
			echo "===== $ns"
			nsx "$ns" ip -br addr
			nsx "$ns" ip route
			nsx "$ns" ip -6 route
			[ "$ns" = lan ] || [ "$ns" = vpc ] || [ "$ns" = vpcnet ] && continue
			nsx "$ns" ip -s xfrm state
			nsx "$ns" ip xfrm policy
			nsx "$ns" nft list ruleset 2>/dev/null
			[ -S "$LAB_RUN/$ns/bird.ctl" ] && birdc -s "$LAB_RUN/$ns/bird.ctl" show protocols all
			[ -S "$LAB_RUN/$ns/bird.ctl" ] && birdc -s "$LAB_RUN/$ns/bird.ctl" show route all
			[ -S "$LAB_RUN/$ns/charon.vici" ] && STRONGSWAN_CONF=$LAB_RUN/$ns/strongswan.conf swanctl --list-sas --uri "unix://$LAB_RUN/$ns/charon.vici"
		} >> "$f" 2>&1
	done
}
