#!/bin/bash
# lab-timeout: 1200
# IKE/kernel truths about cgwd as the CGW against the strongSwan VGW
# emulator, one VM, four checks; each prints `check NAME: figures PASS` or
# `... FAIL (want ...)`, and the scenario fails if any check does.
#
#  a. both-initiate: the VGW endpoints initiate too (VGW_STARTUP=start) and
#     start first; cgwd starts once both endpoints retransmit their first
#     IKE_SA_INIT. 25 s later: one IKE SA and one CHILD SA per tunnel at
#     cgwd (cgwctl --json show tunnels) and at each endpoint (swanctl
#     --list-sas), 4 ESP states in cgw's kernel; pings over both tunnels.
#  b. dpd-recovery: vgw1's outside link blackholed (drop_endpoint) until
#     cgwd's liveness checks (default: 2 s) declare t1 dead, then restored; once cgwd
#     has t1 back, vgw1 must hold one IKE SA and one CHILD SA, 5 s and 30 s
#     later, and cgwd's new IKE_AUTH must carry INITIAL_CONTACT (RFC 7296
#     2.4), which is what lets the peer drop the stale SA.
#  c. rekey-late-switch: netem delays vgw1's ESP (not its IKE) by 100 ms,
#     so what vgw1 sent on an old SA is still in flight when cgwd's DELETE
#     exchange for it completes;
#     25 pings/s LAN -> VPC (both ways over t1) across 3 `cgwctl tunnel
#     rekey`s: no ping lost, one CHILD pair per tunnel afterwards.
#  d. kernel-refusal: ESN with AES-CBC needs the kernel's authencesn
#     template, a module that is neither preloaded nor warmed up; an
#     /etc/modprobe.d `install authencesn /bin/false` (the guest's overlay
#     root, not the host's) makes the kernel refuse such SAs. cgwd offers
#     esn-noesn (whole run), vgw1 is reloaded to accept ESN (prefers it),
#     vgw2 never does, so only t1 needs the refused algorithm. vgw1 deletes
#     t1's IKE SA; cgwd re-initiates (vgw1, the responder, installs first
#     and its kernel refuses: NO_PROPOSAL_CHOSEN), and once vgw1 initiates
#     itself (cgwd the responder: cgwd's kernel refuses first). Sampled
#     every second: t1 must never show `up` or a CHILD SA the kernel lacks;
#     cgwd retries (the IKE SA kept, a new CHILD SA each time, or a new IKE
#     SA) with growing delays; t2 is untouched; with the module allowed
#     again t1 recovers (ESN CHILD SA) within 45 s.
#
# The emulator runs with VGW_UNIQUE=no: its default (replace) deletes an
# old IKE SA whenever a new one with the CGW's ID comes up, which would
# hide a CGW that leaves duplicate or stale SAs behind; with "no" the old
# one goes only on INITIAL_CONTACT, on DELETE or by the peer's DPD.
# cgwctl shows one IKE SA per tunnel (the newest), so ike_sas_cgw is 0 or
# 1; duplicates on cgwd's side show as CHILD SAs and ESP states.
# FIGURE: each check's result.
set -u
lab=$LAB_REPO/tests/lab
export VGW_STARTUP=start VGW_UNIQUE=no
. "$lab/lib/topo.sh"
. "$lab/vgw/vgw.sh"
. "$lab/cgw/cgwd.sh"
# Not about failover: under TCG, with the host busy, the VGW's charon can
# take seconds to answer while it computes a DH; 10 s here, not the default 2 s,
# before cgwd calls it dead (cgwd-failover and cgwd-lossy run the default).
CGW_DPD="interval 200ms timeout 10s"
LAN=10.224.1.10 VPC=172.31.0.10
P1=$T1_VGW_OUTSIDE P2=$T2_VGW_OUTSIDE
NOESN=/etc/modprobe.d/cgwd-lab-noesn.conf
fail() { echo "FAIL: $*"; cgw_status; exit 1; }
trap 'rc=$?; [ -n "${pingpid:-}" ] && kill $pingpid 2>/dev/null; rm -f $NOESN; dump_state end; topo_down' EXIT
routes_via() { nsx cgw ip route show proto 201 | grep -q "172.31.0.0/16 .*dev $1"; }

# cgwd: ESN offered too (d).
cgw_conf_edit() {
	# The XML's own ESP proposal (CBC + HMAC, so ESN needs the kernel's
	# authencesn: case d takes it away), with ESN offered too.
	# The IKE offer too, as the scenario was written for (the import now
	# leads with stronger groups, which cost the TCG peer seconds of DH).
	sed -i -e 's/^\([[:space:]]*esp proposal\) .* lifetime /\1 aes128-sha1-modp1024-esn-noesn lifetime /' \
		-e 's/^\([[:space:]]*ike proposal\) .* lifetime /\1 aes128-sha1-modp1024 lifetime /' "$1" &&
	grep -q 'esp proposal aes128-sha1-modp1024-esn-noesn lifetime' "$1" &&
	grep -q 'ike proposal aes128-sha1-modp1024 lifetime' "$1"
}

# vgw_sas N: "IKE CHILD" SA counts of endpoint N (ESTABLISHED / INSTALLED),
# then the IKE SAs in any state.
vgw_sas() {
	local l
	l=$(lab_swanctl "$LAB_RUN/vgw$1" --list-sas 2>/dev/null)
	echo "$(echo "$l" | grep -cE '^aws: #[0-9]+, ESTABLISHED')" \
		"$(echo "$l" | grep -cE '^  aws: #[0-9]+, reqid [0-9]+, INSTALLED')" \
		"$(echo "$l" | grep -cE '^aws: #[0-9]+,')"
}
cgw_ike_n() { [ "$(tj "$1" '.ike.state // "none"')" = established ] && echo 1 || echo 0; }
cgw_child_n() { tj "$1" '.child_sas | length'; }


topo_up; log "scenario start"

# --- a. both-initiate ---------------------------------------------------------
log "=== a. both-initiate: the VGW initiates first, then cgwd starts"
vgw_start_all || fail "VGW emulator did not start"
t=$(wait_until "grep -q 'retransmit 1 of request with message ID 0' $LAB_OUT/vgw1/charon.log &&
	grep -q 'retransmit 1 of request with message ID 0' $LAB_OUT/vgw2/charon.log" 30) ||
	fail "the VGW endpoints do not retransmit an IKE_SA_INIT of their own"
log "both endpoints retransmit their IKE_SA_INIT ($(grep -c 'retransmit' $LAB_OUT/vgw1/charon.log)/$(grep -c 'retransmit' $LAB_OUT/vgw2/charon.log) retransmits)"
cgw_start || fail "cgwd did not start"
TA=$(now)
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 40) || log "not both tunnels up 40 s after cgwd started"
sleep_until "$TA" 25
fig="" ok=0
for n in 1 2; do
	set -- $(vgw_sas $n)
	ci=$(cgw_ike_n $n) cc=$(cgw_child_n $n) st=$(tj $n .state)
	fig="$fig t$n: state=$st ike_sas_cgw=$ci child_sas_cgw=$cc ike_sas_vgw=$1 child_sas_vgw=$2"
	[ "$3" != "$1" ] && fig="$fig (vgw IKE SAs in any state: $3)"
	[ "$st" = up ] && [ "$ci" = 1 ] && [ "$cc" = 1 ] && [ "$1" = 1 ] && [ "$2" = 1 ] && [ "$3" = 1 ] || ok=1
done
set -- $(xfrm_states cgw)
fig="$fig esp_states=$1 (full $2, larval $3)"
[ "$1" = 4 ] || ok=1
# Traffic: BGP on both, LAN -> VPC, and each tunnel's inside peer over ESP.
wait_until "cgw_bgp_up 1 && cgw_bgp_up 2" 30 >/dev/null || log "BGP not up on both tunnels"
traffic=""
wait_until "ping_ok lan $VPC 1" 15 >/dev/null && traffic="lan-vpc=ok" || { traffic="lan-vpc=FAIL"; ok=1; }
for n in 1 2; do
	p=$(_vgw_t $n VGW_OUTSIDE) b0=$(esp_bytes cgw "$(_vgw_t $n VGW_OUTSIDE)")
	if ping_ok cgw "$(_vgw_t $n VGW_INSIDE)" 3 && [ "$(esp_bytes cgw "$p")" -gt "$b0" ]; then
		traffic="$traffic t$n=ok"
	else
		traffic="$traffic t$n=FAIL"; ok=1
	fi
done
check both-initiate $ok "$fig (at +25 s) traffic: $traffic" \
	"state up, 1/1 IKE and 1/1 CHILD SA per tunnel at cgwd/vgw, esp_states=4, traffic on both"
nsx cgw ip xfrm state | grep -E '^src|spi' | paste - - | sed 's/^/  cgw xfrm: /'
for n in 1 2; do lab_swanctl "$LAB_RUN/vgw$n" --list-sas 2>/dev/null | grep -E '^ *aws: #' | sed "s/^/  vgw$n: /"; done
dump_state a cgw vgw1 vgw2

# A clean start for the other checks, so that what (a) left behind does not
# count against them: cgwd stopped (TERM), every SA at the endpoints
# dropped, the endpoints back to responder only (AWS's default), cgwd
# started again.
log "=== reset after a"
cgw_stop || fail "cgwd did not stop"
export VGW_STARTUP=add
for n in 1 2; do
	for id in $(lab_swanctl "$LAB_RUN/vgw$n" --list-sas 2>/dev/null | sed -n 's/^aws: #\([0-9]*\),.*/\1/p'); do
		lab_swanctl "$LAB_RUN/vgw$n" --terminate --ike-id "$id" --force --timeout 2 >/dev/null 2>&1
	done
	vgw_reload $n || fail "vgw$n reload"
done
cgw_start_daemon || fail "cgwd did not start again"
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2" 60) ||
	fail "not both tunnels up (and BGP) after the reset"
log "reset: both tunnels and BGP up again after ${t}s; vgw1 $(vgw_sas 1 | cut -d' ' -f1-2 | tr ' ' /), vgw2 $(vgw_sas 2 | cut -d' ' -f1-2 | tr ' ' /) IKE/CHILD SAs, cgw ESP states $(xfrm_states cgw | cut -d' ' -f1)"

# --- b. dpd-recovery ----------------------------------------------------------
log "=== b. dpd-recovery: vgw1 blackholed until cgwd's DPD declares t1 dead"
t=$(wait_until "cgw_ike_up 1 && cgw_bgp_up 1 && cgw_ike_up 2 && cgw_bgp_up 2" 60) ||
	fail "not both tunnels up (and BGP) before b"
V0=$(wc -l < "$LAB_OUT/vgw1/charon.log")
L0=$(wc -l < "$LAB_OUT/cgw/cgwd.log")
set -- $(vgw_sas 1); c0="$1/$2"
T0=$(now)
drop_endpoint vgw1 || fail "drop_endpoint vgw1"
dead=$(wait_until "[ \"\$(tj 1 .state)\" != up ]" 45 0.3)s || dead="never"
resume_endpoint vgw1
T1=$(now)
reason=$(tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log" | grep -E 't1: up -> ' | head -n 1)
echo "  cgwd: $reason"
rec=$(wait_until "cgw_ike_up 1" 60)s || rec="never"
TR=$(now)
sleep_until "$TR" 5; set -- $(vgw_sas 1); c5="$1/$2"; a5=$3
sleep_until "$TR" 30; set -- $(vgw_sas 1); c30="$1/$2"; a30=$3
auths=$(tail -n +"$((V0 + 1))" "$LAB_OUT/vgw1/charon.log" | grep 'parsed IKE_AUTH request')
n_auth=$(echo "$auths" | grep -c 'IKE_AUTH')
n_ic=$(echo "$auths" | grep -c 'N(INIT_CONTACT)')
echo "$auths" | sed 's/^/  vgw1: /'
ok=0
[ "$dead" != never ] && [ "$rec" != never ] && [ "$c5" = 1/1 ] && [ "$a5" = 1 ] &&
	[ "$c30" = 1/1 ] && [ "$a30" = 1 ] && [ "$n_ic" -ge 1 ] || ok=1
check dpd-recovery $ok "vgw1_ike/child before=$c0 dead_after=$dead recovered_after=$rec vgw1_ike/child +5s=$c5 (any state $a5) +30s=$c30 (any state $a30) ike_auth_requests=$n_auth with_initial_contact=$n_ic" \
	"t1 declared dead and back, vgw1 1/1 at +5 s and +30 s, INITIAL_CONTACT in the new IKE_AUTH"
lab_swanctl "$LAB_RUN/vgw1" --list-sas 2>/dev/null | grep -E '^ *aws: #' | sed 's/^/  vgw1: /'

# --- c. rekey-late-switch ------------------------------------------------------
log "=== c. rekey-late-switch: vgw1's ESP 100 ms late (netem), 3 CHILD rekeys by cgwd under 25 pings/s"
t=$(wait_until "cgw_ike_up 1 && cgw_bgp_up 1 && cgw_ike_up 2 && cgw_bgp_up 2" 60) ||
	fail "not both tunnels up (and BGP) before c"
IF1=$(tj 1 .interface)
wait_until "routes_via $IF1" 30 >/dev/null || fail "VPC route not via t1 before c"
wait_until "ping_ok lan $VPC 1" 30 >/dev/null || fail "LAN -> VPC does not answer before c"
# Only ESP is delayed: with all of vgw1's egress delayed alike, the
# CREATE_CHILD and DELETE answers queue behind the ESP sent before them and
# nothing sent on the old SA can arrive after cgwd drops it. Delaying ESP
# alone makes vgw1 a peer whose last packets on the old SA arrive up to
# 100 ms after its DELETE answer, as a peer may that switches late.
nsx vgw1 tc qdisc add dev out root handle 1: prio &&
nsx vgw1 tc qdisc add dev out parent 1:3 handle 30: netem delay 100ms &&
nsx vgw1 tc filter add dev out parent 1: protocol ip prio 1 u32 match ip protocol 50 0xff flowid 1:3 ||
	fail "netem for vgw1's ESP"
set -- $(xfrm_states cgw "$P1"); k1="$2"; set -- $(xfrm_states cgw "$P2"); k2="$2"
log "before: kernel SAs t1=$k1 t2=$k2, CHILD SAs at cgwd t1=$(cgw_child_n 1) t2=$(cgw_child_n 2)"
L0=$(wc -l < "$LAB_OUT/cgw/cgwd.log")
pinglog=$LAB_OUT/truth-rekey-ping.log
nsx lan ping -n -D -i 0.04 -W 3 -c 1000 $VPC > "$pinglog" 2>&1 &
pingpid=$!
sleep 6
for i in 1 2 3; do
	out=$(cgwctl_ tunnel rekey "$CGW_VPN/t1" 2>&1) || log "tunnel rekey $i: $out"
	sleep 9
done
wait $pingpid 2>/dev/null; pingpid=""
nsx vgw1 tc -s qdisc show dev out | grep -A2 netem | sed 's/^/  vgw1 tc: /'
nsx vgw1 tc qdisc del dev out root
tail -n 2 "$pinglog" | sed 's/^/  /'
read -r sent recv lost gap <<< "$(ping_summary "$pinglog" 2)"
new=$(tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log")
rekeys=$(echo "$new" | grep -c 't1: rekeying CHILD SA')
echo "$new" | grep -E 't1: .*(rekey|CHILD SA|delet)' | sed 's/^/  cgwd: /' | tail -n 20
pairs=$(wait_until "[ \$(full_sas $P1) = 2 ] && [ \$(full_sas $P2) = 2 ] &&
	[ \$(cgw_child_n 1) = 1 ] && [ \$(cgw_child_n 2) = 1 ]" 20) || pairs=never
ok=0
[ "$sent" -gt 0 ] && [ "$lost" = 0 ] && [ "$rekeys" -ge 3 ] && [ "$pairs" != never ] || ok=1
check rekey-late-switch $ok "rekeys_cgwd=$rekeys ping_sent=${sent:-?} lost=$lost longest_gap=${gap}s kernel_sas t1=$(full_sas $P1) t2=$(full_sas $P2) child_sas_cgw t1=$(cgw_child_n 1) t2=$(cgw_child_n 2)" \
	"lost=0 across >= 3 rekeys, 2 SAs (1 pair) and 1 CHILD SA per tunnel"

# --- d. kernel-refusal -----------------------------------------------------------
log "=== d. kernel-refusal: authencesn (ESN with AES-CBC) refused by the kernel, t1 only"
t=$(wait_until "cgw_ike_up 1 && cgw_ike_up 2" 60) || fail "not both tunnels up before d"
if lsmod | grep -qw authencesn; then
	echo "check kernel-refusal: SKIPPED (authencesn already loaded: the kernel cannot be made to refuse ESN)"
	RESULTS="$RESULTS kernel-refusal=SKIP"
else
	echo "install authencesn /bin/false" > $NOESN
	modprobe authencesn 2>/dev/null && fail "modprobe authencesn succeeds despite $NOESN"
	VGW_ESN=1 VGW_STARTUP=add vgw_reload 1 || fail "vgw1 reload with ESN"
	spi2=$(tj 2 .ike.spi_i) child2=$(tj 2 '.child_sas[0].spi_in')
	L0=$(wc -l < "$LAB_OUT/cgw/cgwd.log") V0=$(wc -l < "$LAB_OUT/vgw1/charon.log")
	samples=$LAB_OUT/truth-refusal-samples.log
	: > "$samples"
	T0=$(now)
	lab_swanctl "$LAB_RUN/vgw1" --terminate --ike aws --timeout 10 > "$LAB_OUT/vgw1/terminate.log" 2>&1 ||
		log "swanctl --terminate: $(tail -n 1 "$LAB_OUT/vgw1/terminate.log")"
	vinit=""
	n=0 phantom=0 upn=0
	while ! later_than "$T0" 35; do
		# Halfway, vgw1 initiates itself: cgwd, the responder, installs first.
		if [ -z "$vinit" ] && later_than "$T0" 12; then
			lab_swanctl "$LAB_RUN/vgw1" --initiate --child aws --timeout 20 > "$LAB_OUT/vgw1/initiate.log" 2>&1 &
			vinit=$!
			log "vgw1 initiates t1"
		fi
		set -- $(cgw_tunnel_json 1 | jq -r '"\(.state) \(.ike.state // "none") \(.child_sas | length)"')
		st=${1:-?} ik=${2:-?} cn=${3:-0} k=$(full_sas $P1)
		n=$((n + 1))
		[ "$st" = up ] && upn=$((upn + 1))
		ph=""
		# A phantom: `up`, or a CHILD SA shown, without both halves in the kernel.
		if { [ "$st" = up ] || [ "${cn:-0}" -gt 0 ]; } && [ "$k" -lt $((2 * ${cn:-0})) -o "$k" = 0 ]; then
			phantom=$((phantom + 1)); ph=" PHANTOM"
		fi
		echo "$(since "$T0")s state=$st ike=$ik child_sas=$cn kernel_sas=$k$ph" >> "$samples"
		sleep 1
	done
	[ -n "$vinit" ] && wait "$vinit" 2>/dev/null
	new=$(tail -n +"$((L0 + 1))" "$LAB_OUT/cgw/cgwd.log")
	vnew=$(tail -n +"$((V0 + 1))" "$LAB_OUT/vgw1/charon.log")
	# Attempts: a new IKE SA, or (the IKE SA kept) a new CHILD SA on it;
	# delays: IKE re-initiation and CHILD retry backoff alike.
	tries=$(echo "$new" | grep -cE 't1: (initiating IKE SA|creating a CHILD SA)')
	delays=$(echo "$new" | sed -n -E 's/.*t1: .*(re-initiating|next|next attempt) in ([0-9]+) ms.*/\2/p' | paste -sd, -)
	k_cgw=$(echo "$new" | grep -c 't1: cannot install')
	# From the log as well (cgwd cannot answer while a kernel call waits
	# for modprobe, so samples miss short windows): a CHILD SA the IKE
	# engine brought up that never got an "installed" line, and any
	# transition of t1 to up.
	eng=0 inst=0
	for c in $(echo "$new" | sed -n 's/.*t1: CHILD SA \([0-9a-f]*\)\/[0-9a-f]* .* up.*/\1/p'); do
		eng=$((eng + 1))
		echo "$new" | grep -q "t1: CHILD SA $c/[0-9a-f]* .*installed" && inst=$((inst + 1))
	done
	ups=$(echo "$new" | grep -cE 't1: [a-z]+ -> up')
	ghost=$((eng - inst))
	k_vgw=$(echo "$vnew" | grep -ciE 'unable to (install|add)')
	states=$(cut -d' ' -f2-3 "$samples" | sort | uniq -c | awk '{printf "%s%s %s x%s", s, $2, $3, $1; s = ", "}')
	sed 's/^/  sample /' "$samples" | awk 'NR % 5 == 1 || /PHANTOM/' | head -n 30
	echo "$new" | grep -E 't1: .*(cannot install|refused|initiating|re-initiating|-> )' | sed 's/^/  cgwd: /' | head -n 20
	echo "$vnew" | grep -iE 'unable to|NO_PROP|INIT_CONTACT|established' | sed 's/^/  vgw1: /' | head -n 12
	# Backoff: the delays never shrink and grow over the attempts.
	backoff=ok
	set -- ${delays//,/ }
	first=${1:-0} prev=0 last=0
	for d in "$@"; do
		[ "$d" -ge "$prev" ] || backoff=no
		prev=$d last=$d
	done
	[ $# -ge 2 ] && [ "$last" -gt "$first" ] || backoff=no
	[ "$tries" -ge 2 ] && [ "$tries" -le 20 ] || backoff=no
	# Now the kernel may load authencesn again.
	rm -f $NOESN
	T1=$(now)
	rec=$(wait_until "cgw_ike_up 1 && [ \$(full_sas $P1) -ge 2 ]" 45)s || rec=never
	prop=$(tj 1 '.child_sas[0].proposal // "none"')
	lsmod | grep -qw authencesn && mod=loaded || mod=absent
	t2same=no
	[ "$(tj 2 .ike.spi_i)" = "$spi2" ] && [ "$(tj 2 '.child_sas[0].spi_in')" = "$child2" ] && cgw_ike_up 2 && t2same=yes
	cgw_alive && alive=yes || alive=no
	ok=0
	[ "$phantom" = 0 ] && [ "$ghost" = 0 ] && [ "$ups" = 0 ] && [ "$backoff" = ok ] && [ "$rec" != never ] && [ "$t2same" = yes ] && [ "$alive" = yes ] || ok=1
	check kernel-refusal $ok "samples=$n phantom=$phantom up=$upn log: child_up_in_engine=$eng installed=$inst not_in_kernel=$ghost to_up=$ups states=[$states] refused_by cgwd_kernel=$k_cgw vgw1_kernel=$k_vgw tries=$tries delays_ms=[$delays] backoff=$backoff recovered_after=$rec child=$prop authencesn=$mod t2_untouched=$t2same cgwd_alive=$alive" \
		"phantom=0 and no CHILD SA up without the kernel's, tries >= 2 with growing delays, recovered <= 45 s, t2 untouched"
fi

# --- the end ---------------------------------------------------------------------
echo "--- cgwctl status"
cgwctl_ status 2>&1 | sed 's/^/  /'
for n in 1 2; do
	echo "--- t$n: $(tj $n '"state=\(.state) ike=\(.ike.state // "none") child_sas=\(.child_sas | length) kernel_error=\(.kernel_error)"') kernel_sas=$(full_sas "$(_vgw_t $n VGW_OUTSIDE)")"
done
cgw_status
cgw_alive || FAILED="$FAILED cgwd-died"
echo "FIGURE: truth$RESULTS"
[ -z "$FAILED" ] || { echo "FAIL: checks failed:$FAILED"; exit 1; }
exit 0
