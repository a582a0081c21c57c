# The operator's view of the dead tunnel (issue 12, "done when"): for the
# cgwd failover scenario, after each failure kind has killed t1, what an
# operator would look at, printed and checked. Sourced by
# lib/failover-scenario.sh when CGW_IMPL=cgwd and FO_VIEW=1, after
# lib/failover.sh, which calls the hooks:
#
#   fo_view_start      `cgwctl monitor --json` in the background, before
#                      any failure, into $LAB_OUT/cgw/monitor.jsonl
#   fo_view_mark K     just before failure K: where the monitor is, and the
#                      counters of the last `show tunnels` (fo_tunnels_up)
#   fo_view K          the failure in place, traffic moved to t2: one
#                      `check view-K` line:
#     - `cgwctl status`: t1's REASON column (a, b, c: "peer not answering";
#       e, the endpoint's DELETE then silence: "sa deleted" or that);
#     - `cgwctl show tunnel t1`: its history has the transition out of
#       "up" since the failure, with that reason;
#     - the monitor's lines since the mark: the tunnel leaving "up" with
#       that reason, its BGP session leaving "established" with a reason,
#       and a route moving to t2;
#     - the counters (`--json show tunnel`): t1's liveness misses (a, b, c)
#       and its BGP flaps higher than just before the failure;
#     - the metrics (`cgwctl metrics`, what Prometheus scrapes):
#       cgwd_tunnel_up of t1 0, its cgwd_bgp_session_flaps_total higher.
#   fo_view_stop       ends the monitor

FO_MON=$LAB_OUT/cgw/monitor.jsonl
FO_MON_PID=""

fo_view_start() {
	cgwctl_ monitor --json > "$FO_MON" 2> "$LAB_OUT/cgw/monitor.err" &
	FO_MON_PID=$!
}

fo_view_stop() {
	[ -n "$FO_MON_PID" ] && kill "$FO_MON_PID" 2>/dev/null
	FO_MON_PID=""
	true
}

fo_view_mark() {
	FO_VIEW_T0=$(date +%s)
	FO_VIEW_MON0=$(wc -l < "$FO_MON" 2>/dev/null || echo 0)
	FO_VIEW_BEFORE=$(jq -c --arg n "$CGW_VPN/t1" \
		'.tunnels[] | select(.name == $n) | .counters' "$FO_D/tunnels.json" 2>/dev/null)
}

# _fo_col TABLE NAME COLUMN: the cell of row NAME under COLUMN's header, up
# to the next column (cells may hold spaces: "peer not answering").
_fo_col() {
	printf '%s\n' "$1" | awk -v n="$2" -v c="$3" '
		NR == 1 { s = index($0, c); r = substr($0, s + length(c))
			match(r, /[^ ]/); e = RSTART ? s + length(c) + RSTART - 1 : 0; next }
		$1 == n { v = e ? substr($0, s, e - s) : substr($0, s)
			gsub(/^ +| +$/, "", v); print v }'
}

fo_view() {
	local k=$1 t1=$CGW_VPN/t1 st txt js new reason want_class want_reason
	local hist hist_j mon_t mon_b mon_r miss0 miss1 flap0 flap1 m_up m_flap ok=0 why=""
	case $k in
	e) want_class='^(sa deleted|peer not answering)$'; want_reason='^(deleted|dead)' ;;
	*) want_class='^peer not answering$'; want_reason='^dead' ;;
	esac
	st=$(cgwctl_ status 2>&1)
	txt=$(cgwctl_ show tunnel "$t1" 2>&1)
	js=$(cgwctl_ --json show tunnel "$t1" 2>/dev/null)
	new=$(tail -n +"$((FO_VIEW_MON0 + 1))" "$FO_MON" 2>/dev/null)
	echo "--- kind $k: cgwctl status"; printf '%s\n' "$st" | sed 's/^/  /'
	echo "--- kind $k: cgwctl show tunnel $t1 (the end of its history)"
	printf '%s\n' "$txt" | sed -n '/^history:/,$p' | tail -n 5 | sed 's/^/  /'
	echo "--- kind $k: cgwctl monitor --json since the failure (t1, routes)"
	printf '%s\n' "$new" | jq -c --arg n "$t1" 'select(.name == $n or .event == "route") |
		{event, name, text}' 2>/dev/null | head -n 12 | sed 's/^/  /'

	reason=$(_fo_col "$st" "$t1" REASON)
	echo "$reason" | grep -Eq "$want_class" || { ok=1; why="$why status-reason"; }
	# The text history: a line "up -> connecting|down  <reason>".
	hist=$(printf '%s\n' "$txt" | sed -n '/^history:/,$p' | grep -E ' up -> (connecting|down)  ' | tail -n 1 | sed 's/^ *//')
	printf '%s\n' "$hist" | grep -Eq " up -> (connecting|down)  (${want_reason#^})" || { ok=1; why="$why history"; }
	# One jq for the monitor's lines, one for each counters object: each
	# program start costs under TCG.
	read -r mon_t mon_b mon_r <<-EOF
	$(printf '%s\n' "$new" | jq -rs --arg n "$t1" --arg v "$CGW_VPN/t2" --arg w "$want_reason" '
		[([.[] | select(.event == "tunnel" and .name == $n and .from == "up" and
			(.to == "connecting" or .to == "down") and (.reason | test($w)))] | length),
		 ([.[] | select(.event == "bgp" and .name == $n and .from == "established" and
			.to != "established" and (.reason // "" | length) > 0)] | length),
		 ([.[] | select(.event == "route" and (.text | test("^via " + $v + "$")))] | length)] |
		map(tostring) | join(" ")' 2>/dev/null)
	EOF
	[ "${mon_t:-0}" -ge 1 ] || { ok=1; why="$why monitor-tunnel"; }
	[ "${mon_b:-0}" -ge 1 ] || { ok=1; why="$why monitor-bgp"; }
	[ "${mon_r:-0}" -ge 1 ] || { ok=1; why="$why monitor-route"; }
	read -r miss0 flap0 <<-EOF
	$(printf '%s\n' "$FO_VIEW_BEFORE" | jq -r '"\(.ike.dpd_misses // "") \(.bgp.flaps // "")"' 2>/dev/null)
	EOF
	read -r hist_j miss1 flap1 <<-EOF
	$(printf '%s\n' "$js" | jq -r --argjson t0 "$FO_VIEW_T0" --arg w "$want_reason" '
		"\([.history[] | select(.from == "up" and .time >= $t0 - 1 and
			(.reason | test($w)))] | length) \(.counters.ike.dpd_misses // "") \(.counters.bgp.flaps // "")"' 2>/dev/null)
	EOF
	[ "${hist_j:-0}" -ge 1 ] || { ok=1; why="$why history-since-failure"; }
	if [ -z "$miss0" ] || [ -z "$miss1" ] || [ -z "$flap0" ] || [ -z "$flap1" ]; then
		ok=1; why="$why counters-missing"
	else
		[ "$k" = e ] || [ "$miss1" -gt "$miss0" ] || { ok=1; why="$why dpd-misses"; }
		[ "$flap1" -gt "$flap0" ] || { ok=1; why="$why bgp-flaps"; }
	fi
	# The same in the metrics a monitoring system scrapes (one cgwctl).
	read -r m_up m_flap <<-EOF
	$(cgwctl_ metrics 2>/dev/null | awk -v u="cgwd_tunnel_up{vpn=\"$CGW_VPN\",tunnel=\"t1\"}" \
		-v f="cgwd_bgp_session_flaps_total{peer=\"$t1\"}" '
		$1 == u {up = $2} $1 == f {fl = $2}
		END {print (up == "" ? "-" : up), (fl == "" ? "-" : fl)}')
	EOF
	[ "$m_up" = 0 ] || { ok=1; why="$why metrics-up"; }
	[ "$m_flap" != - ] && [ -n "$flap0" ] && [ "$m_flap" -gt "$flap0" ] ||
		{ ok=1; why="$why metrics-flaps"; }
	check "view-$k" $ok "status_reason=\"$reason\" history=\"$hist\" monitor: tunnel_down=${mon_t:-0} bgp_down=${mon_b:-0} route_to_t2=${mon_r:-0} counters: dpd_misses=${miss0:-?}->${miss1:-?} bgp_flaps=${flap0:-?}->${flap1:-?} metrics: tunnel_up=$m_up bgp_flaps=$m_flap${why:+ missing:$why}" \
		"t1's REASON $want_class, its up -> transition with reason $want_reason in show tunnel's history and in monitor, its BGP down and a route via t2 in monitor, bgp flaps$( [ "$k" = e ] || echo ' and dpd misses') up, in --json and in the metrics (cgwd_tunnel_up 0)"
}
