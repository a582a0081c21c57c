#!/bin/bash
# Footprint benchmark, guest side (one lab VM boot, run by tests/bench/run.sh
# through tests/lab/vm.sh). Each CGW implementation -- the reference
# stand-in (strongSwan charon + BIRD 2) and cgwd -- in turn, against the
# same emulated AWS VGW: start-up time, steady-state memory, CPU at rest and
# per CHILD SA rekey, of the CGW's own processes only.
#
# Results: one line per sample in $LAB_OUT/results.txt,
#   IMPL REP METRIC VALUE       (metrics: see tests/bench/report.sh)
#   IMPL REP FAIL REASON...     (that implementation stopped there)
#   IMPL REP NOTE TEXT...
# and each run's logs in $LAB_OUT/IMPL-REP/.
#
# Environment (vm.sh VAR=value): BENCH_REPS (full bring-ups per
# implementation, default 1), BENCH_STARTS (bring-ups per implementation
# that measure start-up, the full ones included, default 3: the extra ones
# stop once BGP is up), BENCH_SETTLE (s of steady state before the first
# sample, 20), BENCH_WINDOW (s per CPU sub-window, 20; three of them),
# BENCH_REKEYS (rekey rounds, 3; each rekeys both tunnels' CHILD SAs),
# BENCH_IMPLS ("reference cgwd").
set -u
lab=$LAB_REPO/tests/lab
REPS=${BENCH_REPS:-1}
STARTS=${BENCH_STARTS:-3}
SETTLE=${BENCH_SETTLE:-20}
WINDOW=${BENCH_WINDOW:-20}
REKEYS=${BENCH_REKEYS:-3}
IMPLS=${BENCH_IMPLS:-reference cgwd}
BASE=$LAB_OUT
RES=$BASE/results.txt
HZ=$(getconf CLK_TCK)
# The proposals both sides use (those of cgw/reference.sh): the same DH and
# ciphers, so CPU per rekey compares the implementations, not the crypto.
IKE_P=aes256gcm16-prfsha256-modp2048
ESP_P=aes256gcm16-modp2048
: > "$RES"

# bench_pids: the CGW's daemons (charon, bird, or cgwd and its kernel
# helper cgwd-kernel) in namespace cgw: both of cgwd's processes count,
# as charon's and bird's do. Helpers the scenario runs (swanctl, cgwctl,
# ip) live in the root namespace and are not counted.
bench_pids() {
	local p c
	for p in $(ip netns pids cgw 2>/dev/null); do
		c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		case $c in charon|bird|cgwd|cgwd-kernel) echo "$p" ;; esac
	done | sort -n
}

# bench_mem PID...: "RSS PSS" in KiB, summed (fails if one is gone).
bench_mem() {
	local p
	for p; do [ -r "/proc/$p/smaps_rollup" ] || return 1; done
	for p; do cat "/proc/$p/smaps_rollup"; done 2>/dev/null |
		awk '$1 == "Rss:" {r += $2} $1 == "Pss:" {s += $2} END {print r + 0, s + 0}'
}

# bench_cpu PID...: user + system CPU of the processes (and of children
# they reaped), in milliseconds (fails if one is gone).
bench_cpu() {
	local p t=0 v
	for p; do
		# Fields after "PID (comm) ": state is $1, utime $12 ... cstime $15.
		v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')
		[ -n "$v" ] || return 1
		t=$((t + v))
	done
	echo $((t * 1000 / HZ))
}

# bench_run_ns PID...: on-CPU time of every thread now alive (the
# scheduler's nanosecond clock, /proc/PID/task/*/schedstat), in
# microseconds: finer than bench_cpu's clock ticks, blind to threads that
# have exited (both implementations keep theirs). Fails if unavailable.
bench_run_ns() {
	local p
	for p; do ls "/proc/$p/task/"*/schedstat >/dev/null 2>&1 || return 1; done
	for p; do cat "/proc/$p/task/"*/schedstat; done 2>/dev/null | awk '{n += $1} END {printf "%d\n", n / 1000}'
}

# bench_sas PEER: the CGW's kernel ESP SAs to or from PEER (not the
# kernel's larval SPI-0 states for pending acquires).
bench_sas() {
	ip -n cgw xfrm state 2>/dev/null | awk -v p="$1" '
		$1 == "src" { ok = ($2 == p || $4 == p) }
		$1 == "proto" && $3 == "spi" && ok && $4 !~ /^0x0+$/ { n++ }
		END { print n + 0 }'
}

# bench_spis: the SPIs of the CGW's kernel SAs, sorted.
bench_spis() { ip -n cgw xfrm state 2>/dev/null | awk '$1 == "proto" && $3 == "spi" {print $4}' | sort; }

# bench_warm: read every file both implementations load into the guest's
# page cache (the root is 9p with cache=loose): whichever runs first would
# otherwise pay for fetching its binaries and libraries from the host.
bench_warm() {
	local f p bins="${CGW_BIN:-$LAB_REPO/cgwd} $LAB_REPO/cgwctl /usr/lib/ipsec/charon
		$(command -v swanctl bird birdc jq ip)"
	# The plugins the lab's strongswan.conf files load (charon, swanctl).
	for p in random nonce openssl gmp pem pkcs1 x509 hmac kdf kernel-netlink \
		socket-default vici revocation constraints pubkey; do
		bins="$bins /usr/lib/ipsec/plugins/libstrongswan-$p.so"
	done
	for f in $bins; do
		echo "$f"
		ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
	done | sort -u | xargs -r cat > /dev/null 2>&1
	cat /usr/lib/x86_64-linux-gnu/ossl-modules/* /etc/ssl/openssl.cnf > /dev/null 2>&1
	true
}

# bench_mem_each PID...: "comm RSS PSS" (KiB) per process.
bench_mem_each() {
	local p
	for p; do
		printf '%s %s\n' "$(cat "/proc/$p/comm" 2>/dev/null)" "$(bench_mem "$p")"
	done
}

# bench_run IMPL REP [start]: one bring-up, measured ("start": only the
# start-up times). Runs in a subshell so the two implementations' cgw_*
# functions never meet.
bench_run() (
	impl=$1 rep=$2 mode=${3:-full}
	LAB_RUN=/tmp/lab
	rm -rf "$LAB_RUN"	# stale sockets would fool the start-up waits
	export LAB_OUT=$BASE/$impl-$rep
	mkdir -p "$LAB_OUT"
	. "$lab/lib/topo.sh"
	. "$lab/vgw/vgw.sh"
	. "$lab/cgw/$impl.sh" || { echo "$impl $rep FAIL no cgw/$impl.sh" >> "$RES"; exit 1; }
	res() { echo "$impl $rep $*" >> "$RES"; echo "[$impl #$rep] $*"; }
	fail() { res FAIL "$*"; exit 1; }
	case $impl in
	cgwd)
		expect=1
		cgw_conf_edit() {
			sed -i -e "s/^\([[:space:]]*ike\) proposal .* lifetime /\1 proposal $IKE_P lifetime /" \
				-e "s/^\([[:space:]]*esp\) proposal .* lifetime /\1 proposal $ESP_P lifetime /" "$1" &&
			grep -q "ike proposal $IKE_P" "$1" && grep -q "esp proposal $ESP_P" "$1"
		}
		# As cgw/cgwd.sh's, but at cgwd's default log level (info):
		# -vv traces every message, which the reference's logging
		# (charon level 1, BIRD states/events) does not.
		cgw_start_daemon() {
			local i
			ip netns exec cgw "$CGW_BIN" -f "$CGW_CONF" -s "$CGW_SOCK" >>"$LAB_OUT/cgw/cgwd.log" 2>&1 &
			echo $! > "$CGW_D/cgwd.pid"
			for i in $(seq 150); do
				cgwctl_ status >/dev/null 2>&1 && return 0
				cgw_alive || break
				sleep 0.1
			done
			echo "cgw: cgwd does not answer on its control socket:"; tail -n 20 "$LAB_OUT/cgw/cgwd.log"
			return 1
		}
		rekey() { cgwctl_ tunnel rekey "$CGW_VPN/t$1" >/dev/null 2>&1; }
		# import-aws and `cgwd -n` are the user's one-time step: not
		# timed (the reference's configuration is a here-document).
		if declare -F _cgw_conf >/dev/null && declare -F cgw_start_daemon >/dev/null; then
			bench_prepare() { _cgw_conf; }
			bench_start() { cgw_start_daemon; }
		else
			bench_prepare() { :; }
			bench_start() { cgw_start; }
		fi
		;;
	reference)
		expect=2
		rekey() { lab_swanctl "$CGW_D" --rekey --child "t$1" >/dev/null 2>&1; }
		bench_prepare() { :; }
		bench_start() { cgw_start; }
		;;
	*) fail "unknown implementation" ;;
	esac
	trap 'cgw_stop >/dev/null 2>&1; topo_down' EXIT
	res NOTE "$CGW_IMPL_NAME"

	topo_up >"$LAB_OUT/setup.log" 2>&1
	vgw_start_all >>"$LAB_OUT/setup.log" 2>&1 ||
		fail "VGW emulator did not start: $(tail -n 3 "$LAB_OUT/setup.log" | tr '\n' ' ')"
	bench_prepare >>"$LAB_OUT/setup.log" 2>&1 ||
		fail "configuration failed: $(tail -n 3 "$LAB_OUT/setup.log" | tr '\n' ' ')"
	t0=$(now)
	bench_start >>"$LAB_OUT/setup.log" 2>&1 ||
		fail "start failed: $(tail -n 3 "$LAB_OUT/setup.log" | tr '\n' ' ')"
	res start_ready "$(since "$t0")"
	# Start-up, seen by neutral observers, the same for both: the CHILD
	# SAs in the cgw namespace's kernel (in + out per tunnel), BGP in the
	# VGW's BIRDs. Cheap polls: asking the daemons (cgwctl + jq, swanctl)
	# costs seconds under TCG, which would swamp the figures.
	ike="" bgp=""
	while [ -z "$bgp" ] || [ -z "$ike" ]; do
		[ -z "$ike" ] && [ "$(bench_sas "$T1_VGW_OUTSIDE")" -ge 2 ] &&
			[ "$(bench_sas "$T2_VGW_OUTSIDE")" -ge 2 ] && ike=$(since "$t0")
		[ -z "$bgp" ] && [ "$(vgw_bgp_state 1 2>/dev/null)" = Established ] &&
			[ "$(vgw_bgp_state 2 2>/dev/null)" = Established ] && bgp=$(since "$t0")
		awk -v a="$(now)" -v b="$t0" 'BEGIN {exit !(a - b > 120)}' && break
		sleep 0.1
	done
	[ -n "$ike" ] && res start_child "$ike"
	[ -n "$ike" ] || fail "CHILD SAs not up on both tunnels within 120 s"
	[ -n "$bgp" ] && res start_bgp "$bgp"
	[ -n "$bgp" ] || fail "BGP not established on both tunnels within 120 s"
	# The CGW must agree (not timed).
	wait_until "cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2" 30 >/dev/null ||
		fail "the VGW sees both tunnels and BGP up, the CGW does not"
	[ "$mode" = start ] && exit 0

	pids=$(bench_pids)
	n=$(echo $pids | wc -w)
	res NOTE "processes: $(for p in $pids; do printf '%s[%s] ' "$(cat /proc/$p/comm)" "$p"; done)"
	[ "$n" = "$expect" ] || fail "expected $expect daemon process(es) in namespace cgw, found $n"

	# Steady state: DPD and BGP keepalives only, nothing polls the
	# daemons. Memory after SETTLE s, then three CPU sub-windows, memory
	# again at the end of each.
	sleep "$SETTLE"
	res NOTE "memory after ${SETTLE}s (comm RSS PSS, KiB): $(bench_mem_each $pids | tr '\n' ';')"
	for p in $pids; do cat "/proc/$p/smaps" > "$LAB_OUT/smaps-$(cat "/proc/$p/comm").txt" 2>/dev/null; done
	for w in 1 2 3; do
		m=$(bench_mem $pids) || fail "a daemon died during the steady state"
		res rss_kib "${m% *}"; res pss_kib "${m#* }"
		c0=$(bench_cpu $pids) || fail "a daemon died during the steady state"
		s0=$(bench_run_ns $pids)
		sleep "$WINDOW"
		c1=$(bench_cpu $pids) || fail "a daemon died during the steady state"
		s1=$(bench_run_ns $pids)
		res cpu_idle_ms_min $(( (c1 - c0) * 60 / WINDOW ))
		[ -n "$s0" ] && [ -n "$s1" ] && res sched_idle_ms_min "$(awk -v a="$s0" -v b="$s1" -v w="$WINDOW" 'BEGIN {printf "%.1f", (b - a) / 1000 * 60 / w}')"
	done
	cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2 ||
		fail "tunnels or BGP went down during the steady state"

	# Rekey rounds: both tunnels' CHILD SAs at once (PFS: a DH each);
	# done when four new SAs (in + out per tunnel) are in the kernel; the
	# CPU window runs 6 s longer so deferred deletions of the old SAs
	# (charon's delete_rekeyed_delay is 5 s) are counted too.
	ok=0
	for r in $(seq "$REKEYS"); do
		old=$(bench_spis)
		c0=$(bench_cpu $pids) || fail "a daemon died before rekey round $r"
		s0=$(bench_run_ns $pids)
		tr=$(now)
		# The clients (cgwctl, swanctl) run while we poll: the figure is
		# the daemons' work, not how long a client takes to exit.
		rekey 1 & p1=$!
		rekey 2 & p2=$!
		done_s=""
		while :; do
			if [ "$(comm -13 <(echo "$old") <(bench_spis) | grep -c .)" -ge 4 ]; then
				done_s=$(since "$tr"); break
			fi
			awk -v a="$(now)" -v b="$tr" 'BEGIN {exit !(a - b > 30)}' && break
			sleep 0.1
		done
		wait $p1 $p2	# not a bare wait: cgwd is a child of this shell
		sleep 6
		c1=$(bench_cpu $pids) || fail "a daemon died during rekey round $r"
		s1=$(bench_run_ns $pids)
		if [ -z "$done_s" ]; then
			res NOTE "rekey round $r: new SAs not all installed within 30 s"
			continue
		fi
		ok=$((ok + 1))
		res rekey_s "$done_s"
		res cpu_rekey_ms $(( (c1 - c0) / 2 ))
		[ -n "$s0" ] && [ -n "$s1" ] && res sched_rekey_ms "$(awk -v a="$s0" -v b="$s1" 'BEGIN {printf "%.1f", (b - a) / 2000}')"
	done
	[ $ok -gt 0 ] || fail "no rekey round completed"
	m=$(bench_mem $pids) || fail "a daemon died after the rekeys"
	res pss_rekey_kib "${m#* }"
	cgw_ike_up 1 && cgw_ike_up 2 && cgw_bgp_up 1 && cgw_bgp_up 2 ||
		fail "tunnels or BGP down after the rekeys"
	cgw_status > "$LAB_OUT/status-end.txt" 2>&1
	res NOTE "done"
)

{
	echo "versions: strongSwan $(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)," \
		"BIRD $(dpkg-query -W -f '${Version}' bird2 2>/dev/null)," \
		"cgwd ${CGW_BIN:-$LAB_REPO/cgwd} sha256 $(sha256sum "${CGW_BIN:-$LAB_REPO/cgwd}" | cut -c1-12) ($(stat -c %s "${CGW_BIN:-$LAB_REPO/cgwd}") bytes)," \
		"kernel $(uname -r), $(nproc) vCPU (TCG)"
	echo "settings: reps=$REPS starts=$STARTS settle=${SETTLE}s window=3x${WINDOW}s rekey_rounds=$REKEYS," \
		"proposals $IKE_P / $ESP_P, cgwd at its default log level"
} | sed 's/^/all 0 NOTE /' >> "$RES"
t=$(date +%s); bench_warm
echo "bench: page cache warmed in $(( $(date +%s) - t ))s"

t_all=$(date +%s)
for rep in $(seq "$REPS"); do
	# Alternate the order so drift in the host's load hits both alike.
	order=$IMPLS
	[ $((rep % 2)) = 0 ] && order=$(echo $IMPLS | awk '{for (i = NF; i > 0; i--) printf "%s ", $i}')
	for impl in $order; do
		bench_run "$impl" "$rep" || echo "[$impl #$rep] failed (see $BASE/$impl-$rep/)"
	done
done
# Start-up only: more samples of the noisiest metric for little time.
for rep in $(seq $((REPS + 1)) "$STARTS"); do
	order=$IMPLS
	[ $((rep % 2)) = 0 ] && order=$(echo $IMPLS | awk '{for (i = NF; i > 0; i--) printf "%s ", $i}')
	for impl in $order; do
		bench_run "$impl" "$rep" start || echo "[$impl #$rep] failed (see $BASE/$impl-$rep/)"
	done
done
echo "bench: done in $(( $(date +%s) - t_all ))s"
# The table goes into scenario.log too.
bash "$LAB_REPO/tests/bench/report.sh" "$RES"
exit 0
