# Failover measurements (issue 9), shared by the cgwd scenarios and the
# bench: each failure kind on tunnel 1 while one-way sequenced streams run
# both ways (build/tests/tools/seqstream), the outage of each direction
# measured separately. Sourced after lib/topo.sh, vgw/vgw.sh and
# cgw/$CGW_IMPL.sh, with both tunnels and BGP up.
#
#   fo_kind K        run failure kind K (a b c d e), print its FIGURE line,
#                    restore and wait until traffic is back on t1
#   FO_<field>       the figures of the last fo_kind (FO_LV_OUT, ...)
#
# Kinds (all on tunnel 1, while LAN <-> VPC traffic runs over it):
#   a  the path between the CGW and endpoint 1 is blackholed both ways on
#      the `inet` router; both ends stay alive
#   b  endpoint 1 dies: its charon and BIRD are stopped (SIGSTOP) and
#      nothing enters or leaves any of its links
#   c  only CGW -> endpoint 1 is dropped on `inet`
#   d  10 % loss and 200 ms jitter on the CGW's Internet link, both
#      directions, for FO_LOSSY_S seconds: no tunnel may be declared dead
#   e  AWS maintenance on endpoint 1: it moves its return traffic away,
#      deletes its IKE SA, is unreachable for FO_MAINT_S seconds, returns
#
# FIGURE line per kind (outage = the longest gap between arrivals in that
# direction, seconds; lost = packets, from the sequence numbers):
#   FIGURE: kind=a impl=cgwd lan_vpc_outage=X.Xs vpc_lan_outage=Y.Ys
#           lost_lan_vpc=N lost_vpc_lan=M [back=..s back_lost_...=N]
#   FIGURE: kind=d impl=cgwd failovers=N ...   (CGW and VGW side)
#
# Settings (environment): FO_PPS (packets/s per direction, 50),
# FO_MIN_WAIT (s after the failure before the streams may stop, 10),
# FO_MAX_WAIT (s to wait for both directions to flow again, 75),
# FO_LOSSY_S (kind d's duration, 300), FO_MAINT_S (kind e: endpoint 1's
# absence, 20), FO_BACK_WAIT (s for traffic to return to t1 after the
# restore, 150), FO_RESULTS (a file each FIGURE line is appended to).

FO_PPS=${FO_PPS:-50}
FO_MIN_WAIT=${FO_MIN_WAIT:-10}
FO_MAX_WAIT=${FO_MAX_WAIT:-75}
FO_LOSSY_S=${FO_LOSSY_S:-300}
FO_MAINT_S=${FO_MAINT_S:-20}
FO_BACK_WAIT=${FO_BACK_WAIT:-150}
FO_RESULTS=${FO_RESULTS:-}
FO_LAN=10.224.1.10
FO_VPC=172.31.0.10
FO_PORT_LV=5001		# LAN -> VPC, received in vpc
FO_PORT_VL=5002		# VPC -> LAN, received in lan
SEQSTREAM=${SEQSTREAM:-$LAB_REPO/build/tests/tools/seqstream}
FO_D=$LAB_RUN/failover

# fo_impl: which CGW runs (cgwd, reference).
fo_impl() { echo "${CGW_IMPL:-reference}"; }

# --- streams -------------------------------------------------------------

# fo_streams_start TAG: receivers, then senders, both directions; outputs
# in $LAB_OUT/failover/TAG-{lv,vl}.{recv,send}.
fo_streams_start() {
	FO_TAG=$1
	mkdir -p "$FO_D" "$LAB_OUT/failover"
	local o=$LAB_OUT/failover/$FO_TAG
	rm -f "$FO_D/lv.status" "$FO_D/vl.status"
	ip netns exec vpc "$SEQSTREAM" recv -s "$FO_D/lv.status" $FO_PORT_LV > "$o-lv.recv" 2>&1 &
	FO_PIDS_RECV=$!
	ip netns exec lan "$SEQSTREAM" recv -s "$FO_D/vl.status" $FO_PORT_VL > "$o-vl.recv" 2>&1 &
	FO_PIDS_RECV="$FO_PIDS_RECV $!"
	wait_until "[ -s $FO_D/lv.status ] && [ -s $FO_D/vl.status ]" 10 0.1 >/dev/null ||
		echo "failover: receivers did not start"
	ip netns exec lan "$SEQSTREAM" send $FO_VPC $FO_PORT_LV "$FO_PPS" > "$o-lv.send" 2>&1 &
	FO_PIDS_SEND=$!
	ip netns exec vpc "$SEQSTREAM" send $FO_LAN $FO_PORT_VL "$FO_PPS" > "$o-vl.send" 2>&1 &
	FO_PIDS_SEND="$FO_PIDS_SEND $!"
	log "streams $FO_TAG started ($FO_PPS packets/s each way)"
}

# fo_streams_stop: senders first (they send an end mark), then the
# receivers once late packets had time to arrive; sets FO_LV_* / FO_VL_*
# (OUT outage s, LOST, GAP_START, GAP_END, RECV).
fo_streams_stop() {
	local p o=$LAB_OUT/failover/$FO_TAG d
	for p in $FO_PIDS_SEND; do kill "$p" 2>/dev/null; done
	for p in $FO_PIDS_SEND; do wait "$p" 2>/dev/null; done
	sleep 0.6	# jitter (kind d) keeps packets up to 0.2 s in flight
	for p in $FO_PIDS_RECV; do kill "$p" 2>/dev/null; done
	for p in $FO_PIDS_RECV; do wait "$p" 2>/dev/null; done
	FO_PIDS_SEND="" FO_PIDS_RECV=""
	for d in lv vl; do
		local line
		line=$(grep '^seqstream recv:' "$o-$d.recv" | tail -n 1)
		local v_out v_lost v_gs v_ge v_recv
		v_out=$(fo_kv "$line" gap_ms | awk '{printf "%.1f", $1 / 1000}')
		v_lost=$(fo_kv "$line" lost)
		v_gs=$(fo_kv "$line" gap_start)
		v_ge=$(fo_kv "$line" gap_end)
		v_recv=$(fo_kv "$line" received)
		if [ $d = lv ]; then
			FO_LV_OUT=${v_out:-nan} FO_LV_LOST=${v_lost:-nan} FO_LV_GS=$v_gs FO_LV_GE=$v_ge FO_LV_RECV=${v_recv:-0}
		else
			FO_VL_OUT=${v_out:-nan} FO_VL_LOST=${v_lost:-nan} FO_VL_GS=$v_gs FO_VL_GE=$v_ge FO_VL_RECV=${v_recv:-0}
		fi
	done
}

# fo_kv LINE KEY: the value of KEY=value in LINE.
fo_kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

# fo_flowing: both receivers got a packet in the last 0.7 s.
fo_flowing() {
	local t
	t=$(now)
	for f in "$FO_D/lv.status" "$FO_D/vl.status"; do
		awk -v now="$t" '{ for (i = 1; i <= NF; i++) if ($i ~ /^last=/) { l = substr($i, 6) + 0 } }
			END { exit !(l > 0 && now - l < 0.7) }' "$f" 2>/dev/null || return 1
	done
}

# --- where traffic goes --------------------------------------------------

# fo_esp SRC DST: bytes of cgw's ESP SAs from SRC to DST.
fo_esp() {
	nsx cgw ip -s xfrm state | awk -v s="$1" -v d="$2" '
		/^src / { ok = ($2 == s && $4 == d) }
		/lifetime current:/ { cur = 1; next }
		cur && /bytes/ { if (ok) { sub(/\(bytes\).*/, ""); n += $1 } cur = 0 }
		END { print n + 0 }'
}
# fo_where: "LV VL", each t1, t2, both or none: the tunnels whose ESP SAs
# at the CGW carried the streams (> 1500 bytes, well above BGP keepalives
# and below half the streams' rate) in one second.
fo_where() {
	local o1 o2 i1 i2 p1 p2 q1 q2
	o1=$(fo_esp "$CGW_LOCAL" "$T1_VGW_OUTSIDE"); o2=$(fo_esp "$CGW_LOCAL" "$T2_VGW_OUTSIDE")
	i1=$(fo_esp "$T1_VGW_OUTSIDE" "$CGW_LOCAL"); i2=$(fo_esp "$T2_VGW_OUTSIDE" "$CGW_LOCAL")
	sleep 1
	p1=$(fo_esp "$CGW_LOCAL" "$T1_VGW_OUTSIDE"); p2=$(fo_esp "$CGW_LOCAL" "$T2_VGW_OUTSIDE")
	q1=$(fo_esp "$T1_VGW_OUTSIDE" "$CGW_LOCAL"); q2=$(fo_esp "$T2_VGW_OUTSIDE" "$CGW_LOCAL")
	# A rekey replaces an SA: a negative delta counts as traffic.
	awk -v a=$((p1 - o1)) -v b=$((p2 - o2)) -v c=$((q1 - i1)) -v d=$((q2 - i2)) '
		function w(x, y) { x = (x > 1500 || x < 0); y = (y > 1500 || y < 0)
			return x && y ? "both" : x ? "t1" : y ? "t2" : "none" }
		BEGIN { print w(a, b), w(c, d) }'
}
# fo_on N: the streams run over tunnel N only, both ways.
fo_on() { [ "$(fo_where)" = "t$1 t$1" ]; }

# fo_tunnels_up: both tunnels' SAs and BGP sessions up, as the CGW says
# (cgwd: one control call, they cost a second or more each under TCG).
fo_tunnels_up() {
	if [ "$(fo_impl)" = cgwd ]; then
		local j
		j=$(cgwctl_ --json show tunnels 2>/dev/null) || return 1
		# The last answer, for the counters before a failure (fo_view_mark).
		[ -d "$FO_D" ] && printf '%s\n' "$j" > "$FO_D/tunnels.json"
		printf '%s\n' "$j" | jq -e '[.tunnels[] | select(.state == "up" and
			.ike.state == "established" and (.child_sas | length) > 0 and
			.bgp.state == "established")] | length == 2' >/dev/null
	else
		cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2
	fi
}

# --- counting declared deaths (kind d) -----------------------------------

# fo_mark: remember how long each log is now; fo_count_since counts the
# lines added since fo_mark that match a regex.
fo_logs() {
	echo "$LAB_OUT/cgw/cgwd.log $LAB_OUT/cgw/charon.log $LAB_OUT/cgw/bird.log" \
		"$LAB_OUT/vgw1/charon.log $LAB_OUT/vgw1/bird.log $LAB_OUT/vgw2/charon.log" \
		"$LAB_OUT/vgw2/bird.log $LAB_OUT/vgwr/bird.log"
}
fo_mark() {
	local f
	FO_MARK=""
	for f in $(fo_logs); do FO_MARK="$FO_MARK $f=$(wc -l < "$f" 2>/dev/null || echo 0)"; done
}
# fo_new FILE: the lines of FILE added since fo_mark.
fo_new() {
	local m n=0
	for m in $FO_MARK; do [ "${m%=*}" = "$1" ] && n=${m##*=}; done
	tail -n +$((n + 1)) "$1" 2>/dev/null
}
# fo_count FILE REGEX: lines added since fo_mark that match.
fo_count() { fo_new "$1" | grep -cE "$2"; }

# fo_deaths: "CGW VGW" declared deaths since fo_mark. CGW: cgwd's tunnels
# leaving "up"; the reference's BGP sessions going down (BIRD: "State
# changed to stop") plus its DPD giving up. VGW: the endpoints' BGP
# sessions to the CGW going down plus their DPD giving up. (One death can
# count twice on the reference or the VGW: BGP and DPD; the target is 0.)
fo_deaths() {
	local c v
	if [ "$(fo_impl)" = cgwd ]; then
		c=$(fo_count "$LAB_OUT/cgw/cgwd.log" ' up -> ')
	else
		c=$(( $(fo_count "$LAB_OUT/cgw/bird.log" 't[12]: State changed to stop') +
			$(fo_count "$LAB_OUT/cgw/charon.log" 'giving up after') ))
	fi
	v=$(( $(fo_count "$LAB_OUT/vgw1/bird.log" 'cgw: State changed to stop') +
		$(fo_count "$LAB_OUT/vgw2/bird.log" 'cgw: State changed to stop') +
		$(fo_count "$LAB_OUT/vgw1/charon.log" 'giving up after') +
		$(fo_count "$LAB_OUT/vgw2/charon.log" 'giving up after') ))
	echo "$c $v"
}

# --- failures ------------------------------------------------------------

fo_nft_inet() {
	nsx inet nft -f - <<-NFT
	table inet labfail {
		chain c_fwd {
			type filter hook forward priority -300;
			$1
		}
	}
	NFT
}
fo_nft_inet_del() { nsx inet nft delete table inet labfail 2>/dev/null; true; }

# (a) both directions between the CGW and endpoint 1 blackholed on the
# Internet; both ends alive.
fo_fail_a() {
	fo_nft_inet "ip saddr $CGW_PUBLIC ip daddr $T1_VGW_OUTSIDE drop
			ip saddr $T1_VGW_OUTSIDE ip daddr $CGW_PUBLIC drop"
}
fo_restore_a() { fo_nft_inet_del; }

# (b) endpoint 1 dies. A dead AWS endpoint is a dead box: its IKE daemon
# and its BGP speaker stop (SIGSTOP: frozen, no DELETE, no NOTIFICATION,
# no FIN), and nothing enters or leaves any of its links, the Internet
# side or the VPC side: no packet the router still sends it comes out of
# a tunnel. The VGW's router learns of it only by its own iBGP hold timer
# (30 s), as AWS's does by its own timers.
fo_fail_b() {
	local p
	FO_STOPPED=""
	for p in $(ns_pid vgw1 charon) $(cat "$LAB_RUN/vgw1/bird.pid" 2>/dev/null); do
		kill -STOP "$p" && FO_STOPPED="$FO_STOPPED $p"
	done
	nsx vgw1 nft -f - <<-'NFT'
	table inet labdead {
		chain c_in { type filter hook input priority -300; iifname { "out", "vpc" } drop; }
		chain c_out { type filter hook output priority -300; oifname { "out", "vpc" } drop; }
		chain c_fwd { type filter hook forward priority -300; drop; }
	}
	NFT
}
fo_restore_b() {
	local p
	nsx vgw1 nft delete table inet labdead 2>/dev/null
	for p in $FO_STOPPED; do kill -CONT "$p"; done
	FO_STOPPED=""
}

# (c) only CGW -> endpoint 1 is lost.
fo_fail_c() { fo_nft_inet "ip saddr $CGW_PUBLIC ip daddr $T1_VGW_OUTSIDE drop"; }
fo_restore_c() { fo_nft_inet_del; }

# (d) a bad Internet link at the CGW: 10 % loss and 200 ms of jitter each
# way. "200 ms jitter" is read as delays spread over 200 ms: netem's
# "delay 100ms 100ms" draws each packet's delay uniformly from 0-200 ms
# (so packets reorder too), on inet's link towards the CGW (to the CGW)
# and on the CGW's outside link (from it). Both tunnels cross it.
fo_fail_d() {
	nsx inet tc qdisc add dev cgw root netem delay 100ms 100ms loss 10% &&
	nsx cgw tc qdisc add dev out root netem delay 100ms 100ms loss 10%
}
fo_restore_d() {
	nsx inet tc qdisc del dev cgw root 2>/dev/null
	nsx cgw tc qdisc del dev out root 2>/dev/null
	true
}

# (e) AWS maintenance on endpoint 1. The endpoint first takes its routes
# away from the VGW's router (VPC -> LAN moves to endpoint 2 while t1
# still works), then deletes its IKE SA (a DELETE reaches the CGW, which
# must move LAN -> VPC before the SAs go), and is away (IKE towards it
# dropped) for FO_MAINT_S seconds; then it answers again and announces
# routes once the CGW's BGP session is back.
fo_fail_e() {
	lab_birdc "$LAB_RUN/vgw1" disable vgwr >/dev/null || return 1
	wait_until "[ \"\$(vgwr_path $FO_LAN)\" = vgw2 ]" 10 0.1 >/dev/null ||
		echo "failover: vgwr still routes to vgw1 10 s after vgw1's withdrawal"
	sleep 1
	nsx vgw1 nft -f - <<-'NFT'
	table inet labmaint {
		chain c_in { type filter hook input priority -300; iifname "out" udp dport { 500, 4500 } drop; }
	}
	NFT
	lab_swanctl "$LAB_RUN/vgw1" --terminate --ike aws --timeout 10 > "$LAB_OUT/failover/terminate-$FO_TAG.log" 2>&1
	return 0
}
fo_restore_e() {
	nsx vgw1 nft delete table inet labmaint 2>/dev/null
	lab_birdc "$LAB_RUN/vgw1" enable vgwr >/dev/null
	true
}

# --- one kind ------------------------------------------------------------

# fo_figure K TEXT: the FIGURE line (also into FO_RESULTS).
fo_figure() {
	echo "FIGURE: kind=$1 impl=$(fo_impl) $2"
	[ -n "$FO_RESULTS" ] && echo "kind=$1 impl=$(fo_impl) $2" >> "$FO_RESULTS"
	true
}

# fo_ready: both tunnels and BGP up on both sides, vgwr routes the LAN via
# vgw1 and the streams (running) go over t1 both ways.
fo_ready() {
	wait_until "fo_tunnels_up && [ \"\$(vgw_bgp_state 1)\" = Established ] && [ \"\$(vgw_bgp_state 2)\" = Established ]" "${1:-120}" 1 >/dev/null &&
	wait_until "[ \"\$(vgwr_path $FO_LAN)\" = vgw1 ] && fo_on 1" 60 0 >/dev/null
}

# fo_kind K: run failure kind K on tunnel 1 (see the top of this file).
# Returns 1 if the run could not be set up (FO_ERR says why); the figures
# are in FO_* either way.
fo_kind() {
	local k=$1 t0 t tb w tv
	FO_ERR="" FO_BACK="" FO_BACK_LV_LOST="" FO_BACK_VL_LOST="" FO_FAILOVERS="" FO_WHERE=""
	FO_LV_OUT="" FO_VL_OUT="" FO_LV_LOST="" FO_VL_LOST=""
	log "=== failover kind $k ($(fo_impl))"
	fo_streams_start "$k"
	if ! fo_ready 120; then
		FO_ERR="not ready: tunnels/BGP $(fo_tunnels_up && echo up || echo down), vgwr via $(vgwr_path $FO_LAN), streams on $(fo_where)"
		fo_streams_stop
		fo_figure "$k" "error=\"$FO_ERR\""
		return 1
	fi
	log "kind $k: streams on t1 both ways"
	fo_mark
	# A scenario's view of the failure (lib/failover-view.sh), if it has one.
	declare -F fo_view_mark >/dev/null && fo_view_mark "$k"
	t0=$(now)
	FO_T0=$t0
	if ! fo_fail_$k; then
		FO_ERR="could not cause failure $k"
		fo_restore_$k
		fo_streams_stop
		fo_figure "$k" "error=\"$FO_ERR\""
		return 1
	fi
	log "kind $k: failure in place"
	if [ "$k" = d ]; then
		# The soak: look once a second whether anything was declared dead.
		while ! later_than "$t0" "$FO_LOSSY_S"; do sleep 5; done
		FO_WHERE=$(fo_where)
		fo_restore_d
		fo_streams_stop
		read -r c v <<-EOF
		$(fo_deaths)
		EOF
		FO_FAILOVERS=$c FO_VGW_FAILOVERS=$v
		fo_tunnels_up && t=up || t=down
		fo_figure d "failovers=$c vgw_failovers=$v duration=${FO_LOSSY_S}s lost_lan_vpc=$FO_LV_LOST lost_vpc_lan=$FO_VL_LOST recv_lan_vpc=$FO_LV_RECV recv_vpc_lan=$FO_VL_RECV tunnels_after=$t streams_on=\"$FO_WHERE\""
		return 0
	fi
	# Both directions flowing again (and at least FO_MIN_WAIT s).
	sleep_until "$t0" "$FO_MIN_WAIT"
	w=$(wait_until fo_flowing "$((FO_MAX_WAIT - FO_MIN_WAIT))" 0.2) || w=timeout
	# The operator's view of the dead t1 (fo_view, lib/failover-view.sh),
	# in the 2 s the streams are given to settle anyway.
	tv=$(now)
	if declare -F fo_view >/dev/null; then
		fo_view "$k"
		log "kind $k: the operator's view took $(since "$tv")s"
	fi
	sleep_until "$tv" 2
	FO_WHERE=$(fo_where)
	if [ "$k" = e ]; then
		# Maintenance: the streams run on through the endpoint's
		# absence and its return.
		sleep_until "$t0" "$FO_MAINT_S"
		fo_restore_e
		log "kind e: endpoint 1 back after ${FO_MAINT_S}s"
		wait_until "cgw_ike_up 1 && cgw_bgp_up 1" 90 1 >/dev/null || log "kind e: t1 not back 90 s after the endpoint returned"
		sleep 2
	fi
	fo_streams_stop
	log "kind $k: streams stopped"
	fo_figure "$k" "lan_vpc_outage=${FO_LV_OUT}s vpc_lan_outage=${FO_VL_OUT}s lost_lan_vpc=$FO_LV_LOST lost_vpc_lan=$FO_VL_LOST$( [ "$w" = timeout ] && echo " unrecovered_after=${FO_MAX_WAIT}s") streams_on=\"$FO_WHERE\" gap_lan_vpc=$FO_LV_GS-$FO_LV_GE gap_vpc_lan=$FO_VL_GS-$FO_VL_GE t0=$t0"
	[ "$k" = e ] || { fo_restore_$k; log "kind $k: restored"; }
	fo_back "$k"
}

# fo_back K: after the restore, t1 must come back and traffic return to it
# both ways (cgwd: after its hold-down); the streams run meanwhile, their
# losses are the "back" figures.
fo_back() {
	local k=$1 t1 t
	t1=$(now)
	fo_streams_start "$k-back"
	if t=$(wait_until "fo_tunnels_up && [ \"\$(vgwr_path $FO_LAN)\" = vgw1 ] && fo_on 1" "$FO_BACK_WAIT" 0); then
		FO_BACK=$(since "$t1")
		sleep 2
	else
		FO_BACK=timeout
		FO_ERR="traffic not back on t1 ${FO_BACK_WAIT}s after the restore (streams on $(fo_where), vgwr via $(vgwr_path $FO_LAN))"
	fi
	# The kind's own figures stay in FO_LV_* / FO_VL_*.
	local keep="$FO_LV_OUT $FO_LV_LOST $FO_VL_OUT $FO_VL_LOST"
	fo_streams_stop
	FO_BACK_LV_LOST=$FO_LV_LOST FO_BACK_VL_LOST=$FO_VL_LOST
	read -r FO_LV_OUT FO_LV_LOST FO_VL_OUT FO_VL_LOST <<< "$keep"
	fo_figure "$k" "back=${FO_BACK}s back_lost_lan_vpc=$FO_BACK_LV_LOST back_lost_vpc_lan=$FO_BACK_VL_LOST"
	[ "$FO_BACK" != timeout ]
}
