#!/bin/sh
# Interop of the IKEv2 engine (tests/tools/ike_peer) with strongSwan's
# charon, on this host, in two network namespaces joined by a veth pair.
# This kernel has no ESP: charon runs with kernel-libipsec (userspace
# ESP), so both ends complete CHILD SAs. Needs root, charon, swanctl.
#
#   tests/system/ike_strongswan.sh [case...]     (default: all cases)
#
# Exit 0 only if every case passed; 77 = skipped (no root / no charon).
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
PEER=$TOP/$B/tests/tools/ike_peer
CHARON=/usr/lib/ipsec/charon
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$CHARON" ] && command -v swanctl >/dev/null || { echo "SKIP: no strongSwan"; exit 77; }
if [ ! -x "$PEER" ]; then
	mkdir -p "$TOP/$B/tests/tools"
	( cd "$TOP" && ${CC:-cc} -std=c11 -O2 -g -D_GNU_SOURCE -I. -I"$B" \
	    -o "$PEER" tests/tools/ike_peer.c "$B/libcgw.a" \
	    $(pkg-config --libs libcrypto libevent libmnl libnftnl jansson libsystemd libxml-2.0 libseccomp) ) ||
	    { echo "FAIL: cannot build ike_peer"; exit 1; }
fi

ID=$$
NSA=ikea$ID			# cgwd side
NSB=ikeb$ID			# strongSwan side
A=10.231.0.1
BB=10.231.0.2
W=$(mktemp -d /tmp/ike_ss.XXXXXX)
PSK=$W/psk
printf 'interop-test-%s-secret' "$ID" > "$PSK"
chmod 600 "$PSK"
CHARON_PID=
FAILS=0
PASSES=0

cleanup() {
	[ -n "$CHARON_PID" ] && kill "$CHARON_PID" 2>/dev/null
	[ -n "$CHARON_PID" ] && kill -CONT "$CHARON_PID" 2>/dev/null
	sleep 0.3
	for ns in "$NSA" "$NSB" "ikec$ID" "iker$ID"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT INT TERM

ip netns add "$NSA" && ip netns add "$NSB" || exit 1
ip link add "va$ID" type veth peer name "vb$ID" || exit 1
ip link set "va$ID" netns "$NSA"
ip link set "vb$ID" netns "$NSB"
ip -n "$NSA" addr add $A/24 dev "va$ID"
ip -n "$NSB" addr add $BB/24 dev "vb$ID"
ip -n "$NSA" link set "va$ID" up
ip -n "$NSB" link set "vb$ID" up
ip -n "$NSA" link set lo up
ip -n "$NSB" link set lo up
# kernel-libipsec routes 0.0.0.0/0 into its TUN device (table 220), its
# own packets to the peer included; keep those on the veth.
ip -n "$NSB" rule add to $A lookup main priority 100

# start_charon IKE_PROPOSAL ESP_PROPOSAL START(none|start) [extra conn lines] [extra child lines]
start_charon() {
	stop_charon
	cat > "$W/strongswan.conf" <<EOC
charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
	install_routes = no
	install_virtual_ip = no
	retransmit_tries = 3
	retransmit_timeout = 1.0
	retransmit_base = 1.4
	plugins {
		vici { socket = unix://$W/charon.vici }
		kernel-libipsec { allow_peer_ts = yes }
	}
	filelog {
		log { path = $W/charon.log
		      time_format = %T
		      default = 1
		      ike = 2
		      cfg = 1
		      enc = 1
		      flush_line = yes }
	}
}
EOC
	secret=${SS_SECRET:-}
	[ -n "$secret" ] || secret=$(cat "$PSK")
	cat > "$W/swanctl.conf" <<EOC
connections {
	cgw {
		version = 2
		local_addrs = ${SS_LOCAL:-$BB}
		remote_addrs = ${SS_REMOTE:-$A}
		proposals = $1
		encap = no
		${4:-}
		local { auth = psk
			id = $BB }
		remote { auth = psk
			 id = ${SS_REMOTE_ID:-$A} }
		children {
			cgw {
				local_ts = ${SS_TS:-0.0.0.0/0}
				remote_ts = ${SS_TS:-0.0.0.0/0}
				esp_proposals = $2
				start_action = $3
				${5:-}
			}
		}
	}
}
secrets {
	ike-cgw {
		id-a = ${SS_REMOTE_ID:-$A}
		id-b = $BB
		secret = "$secret"
	}
}
EOC
	: > "$W/charon.log"
	ip netns exec "$NSB" sh -c "mount -t tmpfs tmpfs /run && STRONGSWAN_CONF=$W/strongswan.conf exec $CHARON" >"$W/charon.out" 2>&1 &
	CHARON_PID=$!
	i=0
	while [ ! -S "$W/charon.vici" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	# The socket exists a moment before charon accepts on it.
	i=0
	until ip netns exec "$NSB" swanctl --load-all --file "$W/swanctl.conf" \
	    --uri "unix://$W/charon.vici" >"$W/swanctl-load.out" 2>&1; do
		i=$((i+1))
		if [ $i -ge 50 ]; then
			echo "  swanctl --load-all failed:"; cat "$W/swanctl-load.out"
			break
		fi
		sleep 0.1
	done
}

stop_charon() {
	if [ -n "$CHARON_PID" ]; then
		kill -CONT "$CHARON_PID" 2>/dev/null
		kill "$CHARON_PID" 2>/dev/null
		wait "$CHARON_PID" 2>/dev/null
		CHARON_PID=
	fi
}

swan() {
	ip netns exec "$NSB" swanctl "$@" --uri "unix://$W/charon.vici" 2>/dev/null
}

# run_peer SECONDS args... : ike_peer in NSA, output in $W/peer.out
run_peer() {
	t=$1; shift
	ip netns exec "$NSA" ${PEER_WRAP:-} "$PEER" --local $A --remote $BB --psk-file "$PSK" \
	    --run "$t" --fast "$@" >"$W/peer.out" 2>"$W/peer.err"
}

# peer_with_sas SECONDS CHECK_AT args...: as run_peer, and strongSwan's
# SAs at CHECK_AT seconds saved in $W/sas.txt
peer_with_sas() {
	t=$1; c=$2; shift 2
	run_peer "$t" "$@" &
	rp=$!
	sleep "$c"
	swan --list-sas > "$W/sas.txt"
	wait $rp
}

count() { grep -c "$1" "$W/peer.out"; }

result() {
	# A sanitizer build (B=... with -fsanitize) reports here too.
	if grep -q 'Sanitizer\|runtime error' "$W/peer.err" 2>/dev/null; then
		set -- fail "$2 (sanitizer report)"
	fi
	if [ "$1" = ok ]; then
		PASSES=$((PASSES+1)); echo "PASS: $2"
	else
		FAILS=$((FAILS+1)); echo "FAIL: $2"
		echo "  --- ike_peer stdout"; sed 's/^/  /' "$W/peer.out" | tail -20
		echo "  --- ike_peer log"; sed 's/^/  /' "$W/peer.err" | tail -25
		echo "  --- charon log"; sed 's/^/  /' "$W/charon.log" | tail -25
	fi
}

# Each suite: "cgwd-ike cgwd-esp strongswan-ike strongswan-esp"
SUITES="
aes128-sha1-modp1024|aes128-sha1-modp1024|aes128-sha1-modp1024|aes128-sha1-modp1024
aes256gcm16-prfsha256-modp2048|aes256gcm16-modp2048|aes256gcm16-prfsha256-modp2048|aes256gcm16-modp2048
aes256-sha512-ecp521|aes256-sha512-ecp521|aes256-sha512-ecp521|aes256-sha512-ecp521
aes128gcm16-prfsha256-ecp256|aes128gcm16-ecp256|aes128gcm16-prfsha256-ecp256|aes128gcm16-ecp256
"

case_initiate() {
	for s in $SUITES; do
		ci=${s%%|*}; r=${s#*|}; ce=${r%%|*}; r=${r#*|}; si=${r%%|*}; se=${r#*|}
		start_charon "$si" "$se" none
		peer_with_sas 4 3 --ike "$ci" --esp "$ce" --status-at 3
		if [ "$(count '^EVENT [^ ]* up:')" -ge 1 ] && [ "$(count '^CHILD_UP')" -ge 1 ] &&
		    grep -q ESTABLISHED "$W/sas.txt" &&
		    grep -q INSTALLED "$W/sas.txt"; then
			result ok "cgwd initiates, $ci / $ce"
		else
			result fail "cgwd initiates, $ci / $ce"
		fi
	done
}

case_respond() {
	for s in $SUITES; do
		ci=${s%%|*}; r=${s#*|}; ce=${r%%|*}; r=${r#*|}; si=${r%%|*}; se=${r#*|}
		start_charon "$si" "$se" start
		peer_with_sas 4 3 --respond --ike "$ci" --esp "$ce"
		if [ "$(count '^EVENT [^ ]* up:')" -ge 1 ] && [ "$(count '^CHILD_UP')" -ge 1 ] &&
		    grep -q INSTALLED "$W/sas.txt"; then
			result ok "strongSwan initiates, $ci / $ce"
		else
			result fail "strongSwan initiates, $ci / $ce"
		fi
	done
}

# Dual stack (AWS IPv6 VPNs): one CHILD SA for 0.0.0.0/0 and ::/0, from
# both ends; against an IPv4-only peer the CHILD SA is IPv4 alone.
case_dual() {
	S=aes128-sha256-modp2048
	SS_TS=0.0.0.0/0,::/0 start_charon $S $S none
	peer_with_sas 4 3 --ike $S --esp $S --dual
	if [ "$(count '^CHILD_UP')" -ge 1 ] && grep -q "CHILD SA .* up.*, IPv4 and IPv6" "$W/peer.err" &&
	    grep -q "local  0.0.0.0/0 ::/0" "$W/sas.txt" &&
	    grep -q "remote 0.0.0.0/0 ::/0" "$W/sas.txt"; then
		result ok "dual stack: cgwd initiates, 0.0.0.0/0 and ::/0"
	else
		cat "$W/sas.txt"
		result fail "dual stack: cgwd initiates, 0.0.0.0/0 and ::/0"
	fi
	SS_TS=0.0.0.0/0,::/0 start_charon $S $S start
	peer_with_sas 4 3 --respond --ike $S --esp $S --dual
	if [ "$(count '^CHILD_UP')" -ge 1 ] && grep -q "CHILD SA .* up.*, IPv4 and IPv6" "$W/peer.err" &&
	    grep -q "local  0.0.0.0/0 ::/0" "$W/sas.txt"; then
		result ok "dual stack: strongSwan initiates, 0.0.0.0/0 and ::/0"
	else
		cat "$W/sas.txt"
		result fail "dual stack: strongSwan initiates, 0.0.0.0/0 and ::/0"
	fi
	start_charon $S $S none
	peer_with_sas 4 3 --ike $S --esp $S --dual
	if [ "$(count '^CHILD_UP')" -ge 1 ] && ! grep -q "IPv4 and IPv6" "$W/peer.err" &&
	    ! grep -q "::/0" "$W/sas.txt"; then
		result ok "dual stack offered to an IPv4-only peer: IPv4 alone"
	else
		cat "$W/sas.txt"
		result fail "dual stack offered to an IPv4-only peer: IPv4 alone"
	fi
}

# AWS IPv6 VPNs (TunnelInsideIpVersion ipv6) carry IPv6 only: their
# traffic selectors are ::/0 alone, so AWS narrows our 0.0.0.0/0 + ::/0
# offer to ::/0. The CHILD SA must come up with IPv6 alone.
case_v6only() {
	S=aes128-sha256-modp2048
	SS_TS=::/0 start_charon $S $S none
	peer_with_sas 4 3 --ike $S --esp $S --dual
	if [ "$(count '^CHILD_UP')" -ge 1 ] && grep -q "local  ::/0" "$W/sas.txt" &&
	    grep -q "remote ::/0" "$W/sas.txt" && ! grep -q "0.0.0.0/0" "$W/sas.txt"; then
		result ok "IPv6-only peer (::/0) narrows a dual offer: cgwd initiates, IPv6 alone"
	else
		cat "$W/sas.txt"
		result fail "IPv6-only peer (::/0) narrows a dual offer: cgwd initiates, IPv6 alone"
	fi
	SS_TS=::/0 start_charon $S $S start
	peer_with_sas 4 3 --respond --ike $S --esp $S --dual
	if [ "$(count '^CHILD_UP')" -ge 1 ] && grep -q "local  ::/0" "$W/sas.txt" &&
	    ! grep -q "0.0.0.0/0" "$W/sas.txt"; then
		result ok "IPv6-only peer (::/0): strongSwan initiates, IPv6 alone"
	else
		cat "$W/sas.txt"
		result fail "IPv6-only peer (::/0): strongSwan initiates, IPv6 alone"
	fi
}

# Our offer lists several proposals; strongSwan accepts only the second.
case_proposal_choice() {
	start_charon aes256gcm16-prfsha256-modp2048 aes256gcm16-modp2048 none
	run_peer 4 --ike aes128-sha1-modp1024 --ike aes256gcm16-prfsha256-modp2048 \
	    --esp aes128-sha1-modp1024 --esp aes256gcm16-modp2048
	if grep -q "CHILD_UP.*alg=aes256gcm16" "$W/peer.out"; then
		result ok "second proposal chosen"
	else
		result fail "second proposal chosen"
	fi
	# INVALID_KE_PAYLOAD: our first group is one strongSwan does not take.
	start_charon aes128-sha256-modp2048 aes128-sha256-modp2048 none
	run_peer 4 --ike aes128-sha256-ecp256-modp2048 --esp aes128-sha256-modp2048
	if [ "$(count '^CHILD_UP')" -ge 1 ] && grep -q INVALID_KE_PAYLOAD "$W/peer.err"; then
		result ok "INVALID_KE_PAYLOAD retry"
	else
		result fail "INVALID_KE_PAYLOAD retry"
	fi
}

# Short lifetimes: several CHILD and IKE rekeys, from both ends.
case_rekey() {
	start_charon aes128-sha1-modp1024 aes128-sha1-modp1024 none \
	    "rekey_time = 10s
		over_time = 4s
		rand_time = 2s" "rekey_time = 6s
				life_time = 9s
				rand_time = 1s"
	peer_with_sas 30 29 --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024 \
	    --ike-life 13 --esp-life 8 --status-at 29 \
	    --rekey-child-at 2 --rekey-ike-at 3.5
	ups=$(count '^CHILD_UP'); rk=$(count '^CHILD_UP.* rekey ')
	ike_rekeys=$(grep -c -- '-> established: rekeyed' "$W/peer.err")
	ours=$(grep -c 'rekeying IKE SA\|rekeying CHILD SA' "$W/peer.err")
	theirs=$(grep -c 'peer rekeyed IKE SA\|peer rekeys CHILD SA' "$W/peer.err")
	nsa=$(grep -c 'INSTALLED' "$W/sas.txt")
	if [ "$rk" -ge 3 ] && [ "$ike_rekeys" -ge 2 ] &&
	    grep -q 'STATUS state=established.*children=1 ' "$W/peer.out" &&
	    [ "$nsa" -eq 1 ] && [ "$ours" -ge 2 ] && [ "$theirs" -ge 2 ] &&
	    ! grep -q 'EVENT .* dead' "$W/peer.out"; then
		result ok "rekeys (child_ups=$ups child_rekeys=$rk ike_rekeys=$ike_rekeys, started by us $ours / by strongSwan $theirs, one CHILD SA left)"
	else
		result fail "rekeys (child_ups=$ups child_rekeys=$rk ike_rekeys=$ike_rekeys, strongSwan SAs=$nsa)"
	fi
}

# charon stopped: DPD declares the peer dead; after SIGCONT we come back.
case_dpd() {
	start_charon aes128-sha1-modp1024 aes128-sha1-modp1024 none
	( sleep 2; kill -STOP "$CHARON_PID"; sleep 6; kill -CONT "$CHARON_PID" ) &
	bg=$!
	run_peer 14 --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024 --dpd 1,3
	wait $bg
	if grep -q 'EVENT .* dead' "$W/peer.out" && [ "$(count '^EVENT [^ ]* up:')" -ge 2 ]; then
		result ok "DPD detects a stopped peer, then re-initiates"
	else
		result fail "DPD detects a stopped peer, then re-initiates"
	fi
}

# The peer deletes the IKE SA: we notice, and (initiator) come back.
case_peer_delete() {
	start_charon aes128-sha1-modp1024 aes128-sha1-modp1024 none
	( sleep 2; swan --terminate --ike cgw >/dev/null 2>&1 ) &
	bg=$!
	run_peer 6 --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024
	wait $bg
	if grep -q 'EVENT .* deleted' "$W/peer.out" && [ "$(count '^EVENT [^ ]* up:')" -ge 2 ] &&
	    [ "$(count '^CHILD_DOWN')" -ge 1 ]; then
		result ok "DELETE from the peer, re-initiated"
	else
		result fail "DELETE from the peer, re-initiated"
	fi
	# And our own DELETE reaches strongSwan.
	start_charon aes128-sha1-modp1024 aes128-sha1-modp1024 none
	peer_with_sas 4 3 --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024 --terminate-at 2
	if grep -q 'EVENT .* deleted' "$W/peer.out" &&
	    ! grep -q ESTABLISHED "$W/sas.txt"; then
		result ok "our DELETE removes strongSwan's SAs"
	else
		result fail "our DELETE removes strongSwan's SAs"
	fi
}

case_wrong_psk() {
	SS_SECRET=not-the-same-secret start_charon aes128-sha1-modp1024 aes128-sha1-modp1024 none
	run_peer 5 --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024
	if grep -q "EVENT .* auth-failed: .*psk" "$W/peer.out" &&
	    [ "$(count '^EVENT .* auth-failed')" -ge 2 ] &&
	    [ "$(count '^EVENT [^ ]* up:')" -eq 0 ]; then
		result ok "wrong PSK as initiator: clear failure, retried"
	else
		result fail "wrong PSK as initiator: clear failure, retried"
	fi
	SS_SECRET=not-the-same-secret start_charon aes128-sha1-modp1024 aes128-sha1-modp1024 start
	run_peer 4 --respond --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024
	if grep -q "EVENT .* auth-failed: .*psk" "$W/peer.out" &&
	    [ "$(count '^EVENT [^ ]* up:')" -eq 0 ]; then
		result ok "wrong PSK as responder: AUTHENTICATION_FAILED"
	else
		result fail "wrong PSK as responder: AUTHENTICATION_FAILED"
	fi
}

case_no_proposal() {
	start_charon aes256gcm16-prfsha256-modp2048 aes256gcm16-modp2048 none
	run_peer 3 --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024
	if grep -q "EVENT .* no-proposal: .*NO_PROPOSAL_CHOSEN" "$W/peer.out"; then
		result ok "NO_PROPOSAL_CHOSEN reported"
	else
		result fail "NO_PROPOSAL_CHOSEN reported"
	fi
}

# cgwd behind a masquerading router: NAT detected on our side, IKE floats
# to 4500, the CHILD SA is UDP-encapsulated.
case_nat() {
	NSC=ikec$ID; NSR=iker$ID
	ip netns add "$NSC"; ip netns add "$NSR"
	ip link add "vc$ID" type veth peer name "vr$ID"
	ip link add "vs$ID" type veth peer name "vt$ID"
	ip link set "vc$ID" netns "$NSC"; ip link set "vr$ID" netns "$NSR"
	ip link set "vs$ID" netns "$NSR"; ip link set "vt$ID" netns "$NSB"
	ip -n "$NSC" addr add 10.231.1.1/24 dev "vc$ID"
	ip -n "$NSR" addr add 10.231.1.254/24 dev "vr$ID"
	ip -n "$NSR" addr add 10.231.2.254/24 dev "vs$ID"
	ip -n "$NSB" addr add 10.231.2.2/24 dev "vt$ID"
	for l in "$NSC vc$ID" "$NSR vr$ID" "$NSR vs$ID" "$NSB vt$ID"; do
		set -- $l; ip -n "$1" link set "$2" up
	done
	ip -n "$NSC" route add default via 10.231.1.254
	ip netns exec "$NSR" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$NSR" nft -f - <<EON
table ip nat {
	chain post { type nat hook postrouting priority 100; oifname "vs$ID" masquerade; }
}
EON
	ip -n "$NSB" rule add to 10.231.2.254 lookup main priority 101
	SS_LOCAL=10.231.2.2 SS_REMOTE=%any SS_REMOTE_ID=10.231.1.1 \
	    start_charon aes256gcm16-prfsha256-modp2048 aes256gcm16-modp2048 none
	ip netns exec "$NSC" "$PEER" --local 10.231.1.1 --remote 10.231.2.2 \
	    --psk-file "$PSK" --run 4 --fast --ike aes256gcm16-prfsha256-modp2048 \
	    --esp aes256gcm16-modp2048 --status-at 3 >"$W/peer.out" 2>"$W/peer.err" &
	rp=$!
	sleep 3
	swan --list-sas > "$W/sas.txt"
	wait $rp
	if grep -q 'STATUS state=established.* nat=1/' "$W/peer.out" &&
	    grep -q 'CHILD_UP.*encap=1 ports=4500/4500' "$W/peer.out" &&
	    grep -q 'INSTALLED' "$W/sas.txt" &&
	    grep -q 'remote host is behind NAT' "$W/charon.log"; then
		result ok "cgwd behind NAT: detected, floated to 4500, UDP-encapsulated CHILD SA"
	else
		result fail "cgwd behind NAT: detected, floated to 4500, UDP-encapsulated CHILD SA"
	fi
	ip netns del "$NSC"; ip netns del "$NSR"
}

CASES=${*:-"initiate respond dual proposal_choice rekey dpd peer_delete wrong_psk no_proposal nat v6only"}
for c in $CASES; do
	"case_$c"
done
stop_charon
echo "ike_strongswan: $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
