#!/bin/bash
# Flood benchmark, guest side (one lab VM boot, run by tests/bench/run.sh
# through tests/lab/vm.sh): each CGW implementation -- the reference
# stand-in (strongSwan charon + BIRD 2 at charon's default flood settings:
# cookies from 30 half-open SAs or 3 from one address, at most 5 half-open
# from one address) and cgwd -- in turn against the same emulated AWS VGW,
# both tunnels up, then two IKE_SA_INIT floods from vgw1's address
# (tests/tools/ike_flood, the proposal both CGWs accept, random SPI, nonce
# and KE each):
#   plain   BENCH_FLOOD_RATE (10000)/s for BENCH_FLOOD_S (20) s;
#   echo    the same, every COOKIE reply echoed back (an attacker on the
#           path: cookies do not stop it).
# During each: a 5/s ping over t2 (cgw -> t2's inside peer) and, 5 s in,
# a CHILD SA rekey of t2. Figures per flood and implementation: the
# daemons' CPU share over the flood (utime + stime of charon + bird, or
# cgwd), t2's lost pings and longest gap, whether t2's rekey completed
# during the flood (two new ESP SAs with vgw2 in the kernel) and when, t1
# and t2 up (IKE, CHILD, BGP) after the flood, and what the flood got
# back.
# Results: $LAB_OUT/results.txt, "flood=MODE impl=IMPL key=value ..."
# lines (report.sh makes the table); each run's logs in $LAB_OUT/IMPL/.
#
# Environment (vm.sh VAR=value): BENCH_IMPLS ("reference cgwd"),
# BENCH_FLOODS ("plain echo"), BENCH_FLOOD_RATE, BENCH_FLOOD_S.
set -u
lab=$LAB_REPO/tests/lab
BASE=$LAB_OUT
RES=$BASE/results.txt
IMPLS=${BENCH_IMPLS:-reference cgwd}
FLOODS=${BENCH_FLOODS:-plain echo}
RATE=${BENCH_FLOOD_RATE:-10000}
DUR=${BENCH_FLOOD_S:-20}
HZ=$(getconf CLK_TCK)
TOOLS=$LAB_REPO/build/tests/tools
# The proposals of cgw/reference.sh, for both (and for the flood).
IKE_P=aes256gcm16-prfsha256-modp2048
ESP_P=aes256gcm16-modp2048
# And the reference's liveness timers (AWS's guides): a flood that slows
# the emulated VGW under TCG must not count against the faster checker.
export CGW_DPD="interval 10s timeout 30s"
: > "$RES"

# The CGW's daemons in namespace cgw (charon, bird or cgwd).
bench_pids() {
	local p c
	for p in $(ip netns pids cgw 2>/dev/null); do
		c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		case $c in charon|bird|cgwd|cgwd-kernel) echo "$p" ;; esac
	done | sort -n
}
# bench_cpu PID...: utime + stime (+ reaped children) in ms.
bench_cpu() {
	local p t=0 v
	for p; do
		v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')
		[ -n "$v" ] || return 1
		t=$((t + v))
	done
	echo $((t * 1000 / HZ))
}
# t2_spis: the SPIs of the CGW's kernel ESP SAs with vgw2, sorted.
t2_spis() {
	ip -n cgw xfrm state 2>/dev/null | awk -v p="$T2_VGW_OUTSIDE" '
		$1 == "src" { ok = ($2 == p || $4 == p) }
		$1 == "proto" && $3 == "spi" && ok && $4 !~ /^0x0+$/ { print $4 }' | sort
}

bench_impl() (
	impl=$1
	LAB_RUN=/tmp/lab
	rm -rf "$LAB_RUN"
	export LAB_OUT=$BASE/$impl
	mkdir -p "$LAB_OUT"
	. "$lab/lib/topo.sh"
	. "$lab/vgw/vgw.sh"
	. "$lab/cgw/$impl.sh"
	res() { echo "flood=$1 impl=$impl $2" >> "$RES"; echo "[$impl] flood=$1 $2"; }
	fail() { res "${1:-all}" "error=$2"; exit 1; }
	case $impl in
	cgwd)
		cgw_conf_edit() {
			sed -i -e "s/^\([[:space:]]*ike\) proposal .* lifetime /\1 proposal $IKE_P lifetime /" \
				-e "s/^\([[:space:]]*esp\) proposal .* lifetime /\1 proposal $ESP_P lifetime /" "$1" &&
			grep -q "ike proposal $IKE_P" "$1" && grep -q "esp proposal $ESP_P" "$1"
		}
		# As cgw/cgwd.sh's, but at cgwd's default log level, as in
		# footprint-guest.sh (-vv traces every message).
		cgw_start_daemon() {
			local i
			ip netns exec cgw "$CGW_BIN" -f "$CGW_CONF" -s "$CGW_SOCK" >>"$LAB_OUT/cgw/cgwd.log" 2>&1 &
			echo $! > "$CGW_D/cgwd.pid"
			for i in $(seq 150); do
				cgwctl_ status >/dev/null 2>&1 && return 0
				cgw_alive || break
				sleep 0.1
			done
			return 1
		}
		rekey() { cgwctl_ tunnel rekey "$CGW_VPN/t2" >/dev/null 2>&1; }
		;;
	reference)
		rekey() { lab_swanctl "$CGW_D" --rekey --child t2 >/dev/null 2>&1; }
		;;
	esac
	trap 'cgw_stop >/dev/null 2>&1; topo_down' EXIT
	topo_up >"$LAB_OUT/setup.log" 2>&1
	vgw_start_all >>"$LAB_OUT/setup.log" 2>&1 || fail all "VGW emulator did not start"
	cgw_start >>"$LAB_OUT/setup.log" 2>&1 || fail all "CGW did not start"
	wait_until "cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2" 120 >/dev/null ||
		fail all "not both tunnels and BGP up within 120 s"
	wait_until "ping_ok cgw $T2_VGW_INSIDE 1" 30 >/dev/null || fail all "t2's inside peer does not answer"
	pids=$(bench_pids)
	echo "[$impl] daemons: $(for p in $pids; do printf '%s[%s] ' "$(cat /proc/$p/comm)" "$p"; done)"
	for mode in $FLOODS; do
		wait_until "cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2" 60 >/dev/null ||
			fail "$mode" "not both tunnels and BGP up before the flood"
		sleep 5	# the previous flood's half-open SAs age, the CPU settles
		opt=""
		[ "$mode" = echo ] && opt=--echo-cookie
		ping=$LAB_OUT/$mode-t2.ping out=$LAB_OUT/$mode-flood.out
		nsx cgw ping -n -D -i 0.2 -W 2 -c $(( (DUR + 8) * 5 )) "$T2_VGW_INSIDE" > "$ping" 2>&1 &
		pp=$!
		sleep 2
		old=$(t2_spis)
		c0=$(bench_cpu $pids) || fail "$mode" "a daemon died before the flood"
		T0=$(now)
		nsx vgw1 "$TOOLS/ike_flood" $opt --local "$T1_VGW_OUTSIDE" --remote "$CGW_LOCAL" \
			--ike "$IKE_P" --esp "$ESP_P" --rate "$RATE" --duration "$DUR" > "$out" 2>&1 &
		fp=$!
		rk="" rp="" rekey_s=""
		while kill -0 $fp 2>/dev/null; do
			if [ -z "$rk" ] && later_than "$T0" 5; then
				rekey & rp=$!
				rk=$(now)
			fi
			if [ -n "$rk" ] && [ -z "$rekey_s" ] &&
				[ "$(comm -13 <(echo "$old") <(t2_spis) | grep -c .)" -ge 2 ]; then
				rekey_s=$(since "$rk")
			fi
			sleep 0.5
		done
		wait $fp
		c1=$(bench_cpu $pids) || fail "$mode" "a daemon died during the flood"
		el=$(since "$T0")
		# Not a bare wait: cgwd is a child of this shell.
		wait $pp $rp
		read -r s _ l g <<< "$(ping_summary "$ping")"
		up=0
		for n in 1 2; do cgw_ike_up $n && cgw_bgp_up $n && up=$((up + 1)); done
		f=$(grep '^FLOOD' "$out" | sed 's/^FLOOD //')
		[ -n "$f" ] || f="error=ike_flood:$(tail -n 1 "$out" | tr ' ' _)"
		res "$mode" "cpu=$(awk -v a="$c0" -v b="$c1" -v t="$el" 'BEGIN {printf "%.0f", (b - a) / 10 / t}') over=${el}s t2_sent=$s t2_lost=$l t2_gap=$g rekey=$([ -n "$rekey_s" ] && echo yes || echo no) rekey_s=${rekey_s:--} tunnels_up=$up $f"
	done
	cgw_status > "$LAB_OUT/status-end.txt" 2>&1
)

{
	echo "note versions: strongSwan $(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)," \
		"BIRD $(dpkg-query -W -f '${Version}' bird2 2>/dev/null)," \
		"cgwd ${CGW_BIN:-$LAB_REPO/cgwd} sha256 $(sha256sum "${CGW_BIN:-$LAB_REPO/cgwd}" | cut -c1-12)," \
		"kernel $(uname -r), $(nproc) vCPU (TCG)"
	echo "note settings: floods '$FLOODS' at ${RATE}/s for ${DUR}s from vgw1's address, proposals $IKE_P / $ESP_P"
} >> "$RES"
t_all=$(date +%s)
for impl in $IMPLS; do
	t=$(date +%s)
	bench_impl "$impl" > "$BASE/$impl.log" 2>&1
	echo "note $impl: exit $? after $(( $(date +%s) - t ))s" >> "$RES"
	grep '^\[' "$BASE/$impl.log"
done
echo "bench: flood done in $(( $(date +%s) - t_all ))s"
bash "$LAB_REPO/tests/bench/report.sh" "$RES"
exit 0
