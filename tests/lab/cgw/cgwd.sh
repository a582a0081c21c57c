# cgwd as the CGW, configured exactly as a user would: AWS's XML
# (vgw_xml) through `cgwctl import-aws`, then `cgwd -f`, in namespace cgw.
# Same interface as cgw/reference.sh (cgw_start, cgw_ike_up N, cgw_bgp_up N,
# cgw_status, cgw_stop). Sourced after lib/topo.sh and vgw/vgw.sh. Select
# with CGW_IMPL=cgwd (scenarios/cgwd-*.sh always use it).
#
# Extras for the cgwd-* scenarios:
#   cgwctl_ ARGS          cgwctl against the running daemon
#   cgw_tunnel_json N     tunnel N's object of `cgwctl --json show tunnels`
#   cgw_conf_edit FILE    optional, defined by a scenario: adjusts the
#                         imported configuration (lifetimes, proposals ...)
#   CGW_DPD="interval 200ms timeout 6s"   optional: cgwd's liveness checks
#                         for scenarios that are not about failover; unset,
#                         cgwd runs its defaults (dead after 2 s)
#   CGW_AWS_JSON=1        import vgw_json (describe-vpn-connections) rather
#                         than the XML; CGW_IMPORT_ARGS: more import-aws
#                         arguments (e.g. --static 172.31.0.0/16)
#   cgw_start_daemon      start cgwd on the existing configuration
#   cgw_pid, cgw_alive    the daemon's pid; is it running
# Logs: $LAB_OUT/cgw/cgwd.log (-vv, appended across restarts),
# $LAB_OUT/cgw/cgwd.conf (PSKs masked), aws.xml.

CGW_D=$LAB_RUN/cgw
CGW_VPN=aws-lab
CGW_BIN=${CGW_BIN:-$LAB_REPO/cgwd}
CGWCTL_BIN=${CGWCTL_BIN:-$LAB_REPO/cgwctl}
CGW_SOCK=$CGW_D/cgwd.sock
CGW_CONF=$CGW_D/cgwd.conf
CGW_IMPL_NAME="cgwd ($CGW_BIN)"

# The control socket is a file: reachable from any namespace.
cgwctl_() { "$CGWCTL_BIN" -s "$CGW_SOCK" "$@"; }

# _cgw_conf: the configuration a user gets from AWS's XML, plus the
# scenario's adjustments; checked with `cgwd -n`.
_cgw_conf() {
	mkdir -p "$CGW_D" "$LAB_OUT/cgw"
	[ -x "$CGW_BIN" ] && [ -x "$CGWCTL_BIN" ] || { echo "cgw: build cgwd and cgwctl first (make)"; return 1; }
	local src=$CGW_D/aws.xml
	vgw_xml > "$CGW_D/aws.xml"
	cp "$CGW_D/aws.xml" "$LAB_OUT/cgw/aws.xml"
	# CGW_AWS_JSON=1: from describe-vpn-connections' JSON (its tunnel
	# options, a static connection's Options), as a user with the CLI.
	if [ "${CGW_AWS_JSON:-0}" = 1 ]; then
		src=$CGW_D/aws.json
		vgw_json > "$src" || { echo "cgw: vgw_json failed"; return 1; }
	fi
	# shellcheck disable=SC2086 # CGW_IMPORT_ARGS: words on purpose
	cgwctl_ import-aws "$src" --name "$CGW_VPN" --local "$CGW_LOCAL" \
		--network "$CGW_NETWORK" ${CGW_IMPORT_ARGS:-} > "$CGW_CONF" 2>"$LAB_OUT/cgw/import-aws.log" ||
		{ echo "cgw: cgwctl import-aws failed:"; cat "$LAB_OUT/cgw/import-aws.log"; return 1; }
	# A static connection needs neither (no BGP): left out, as imported.
	if [ "${VGW_STATIC:-0}" != 1 ]; then
		grep -q '^asn ' "$CGW_CONF" || sed -i "1i asn $CGW_ASN" "$CGW_CONF"
		grep -q '^router-id ' "$CGW_CONF" || sed -i "1i router-id $CGW_PUBLIC" "$CGW_CONF"
	fi
	if [ -n "${CGW_DPD:-}" ]; then
		sed -i "/^\tpeer-asn /a\\	dpd $CGW_DPD" "$CGW_CONF" &&
			grep -q "^	dpd $CGW_DPD\$" "$CGW_CONF" || { echo "cgw: cannot set dpd $CGW_DPD"; return 1; }
	fi
	if declare -F cgw_conf_edit >/dev/null; then
		cgw_conf_edit "$CGW_CONF" || { echo "cgw: cgw_conf_edit failed"; return 1; }
	fi
	chmod 600 "$CGW_CONF"
	sed 's/psk "[^"]*"/psk "(masked)"/' "$CGW_CONF" > "$LAB_OUT/cgw/cgwd.conf"
	"$CGW_BIN" -n -f "$CGW_CONF" > "$LAB_OUT/cgw/cgwd-check.log" 2>&1 ||
		{ echo "cgw: cgwd -n rejects the configuration:"; cat "$LAB_OUT/cgw/cgwd-check.log"; return 1; }
}

cgw_pid() { cat "$CGW_D/cgwd.pid" 2>/dev/null; }
# ns_pid NS COMM: the pid of the process named COMM in namespace NS.
ns_pid() {
	local p
	for p in $(ip netns pids "$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && { echo "$p"; return 0; }
	done
	return 1
}
# cgw_alive [PID]: running (a zombie not yet reaped by our shell is not).
cgw_alive() {
	local p=${1:-$(cgw_pid)}
	[ -n "$p" ] && [ -r "/proc/$p/stat" ] && awk '{exit ($3 == "Z")}' "/proc/$p/stat" 2>/dev/null
}

# cgw_start_daemon: start cgwd, wait until it answers on its socket.
cgw_start_daemon() {
	local i
	# Not through nsx (a function: `&` would fork a shell around it):
	# ip netns exec execs cgwd, so $! is cgwd itself.
	ip netns exec cgw "$CGW_BIN" -vv -f "$CGW_CONF" -s "$CGW_SOCK" >>"$LAB_OUT/cgw/cgwd.log" 2>&1 &
	echo $! > "$CGW_D/cgwd.pid"
	for i in $(seq 150); do
		cgwctl_ status >/dev/null 2>&1 && return 0
		cgw_alive || break
		sleep 0.1
	done
	echo "cgw: cgwd does not answer on its control socket:"; tail -n 20 "$LAB_OUT/cgw/cgwd.log"
	return 1
}

cgw_start() {
	_cgw_conf || return 1
	cgw_start_daemon || return 1
	log "cgw (cgwd) up, pid $(cgw_pid)"
}

cgw_tunnel_json() {
	cgwctl_ --json show tunnels 2>/dev/null |
		jq -ec --arg n "$CGW_VPN/t$1" '.tunnels[] | select(.name == $n)'
}
# tj N FILTER: jq -r FILTER over tunnel N's object.
tj() { cgw_tunnel_json "$1" | jq -r "$2"; }
# _cgw_tunnel N FILTER: jq FILTER over tunnel N's object (SPEC 5) holds.
_cgw_tunnel() { cgw_tunnel_json "$1" | jq -e "$2" >/dev/null; }
cgw_ike_up() { _cgw_tunnel "$1" '.state == "up" and .ike.state == "established" and (.child_sas | length) > 0'; }
cgw_bgp_up() { _cgw_tunnel "$1" '.bgp.state == "established"'; }
cgw_status() {
	echo "--- cgwctl status"; cgwctl_ status 2>&1 | sed 's/^/  /'
	echo "--- cgwctl show sas"; cgwctl_ show sas 2>&1 | sed 's/^/  /'
	echo "--- cgwctl show bgp"; cgwctl_ show bgp 2>&1 | sed 's/^/  /'
	echo "--- cgwctl show routes"; cgwctl_ show routes 2>&1 | sed 's/^/  /'
	echo "--- ip route show proto 201"; nsx cgw ip route show proto 201 2>&1 | sed 's/^/  /'
}
# cgw_stop [SIGNAL]: signal cgwd (TERM: a clean stop, which removes its
# kernel state) and wait until it is gone (10 s).
cgw_stop() {
	local pid i
	pid=$(cgw_pid)
	[ -n "$pid" ] || return 0
	kill "-${1:-TERM}" "$pid" 2>/dev/null
	for i in $(seq 100); do
		cgw_alive "$pid" || break
		sleep 0.1
	done
	cgw_alive "$pid" && { echo "cgw: cgwd still running 10 s after SIG${1:-TERM}"; return 1; }
	wait "$pid" 2>/dev/null
	rm -f "$CGW_D/cgwd.pid"
	true
}

# xfrm_spi_bytes NS SPI: bytes counted by NS's SA with SPI (8 hex digits).
xfrm_spi_bytes() {
	nsx "$1" ip -s xfrm state | awk -v spi="0x$2(" '
		$1 == "proto" && $3 == "spi" { ok = (index($4, spi) == 1) }
		/lifetime current:/ { cur = 1; next }
		cur { if (ok) { sub(/\(bytes\).*/, ""); print $1 + 0; exit } cur = 0 }'
}
# xfrm_sa_count NS [PEER]: NS's SAs (to or from PEER).
xfrm_sa_count() {
	nsx "$1" ip xfrm state | awk -v p="${2:-}" '/^src / && (p == "" || $2 == p || $4 == p) {n++} END {print n + 0}'
}

# cgw_counters_check [TOLERANCE]: every CHILD SA's byte counters in
# `cgwctl --json show sas` match the kernel's (`ip -s xfrm state`, read
# just after) within TOLERANCE bytes (default 300: a keepalive or two).
cgw_counters_check() {
	local try
	# A rekey between the two reads replaces an SA: read both again.
	for try in 1 2 3; do
		cgw_counters_once "$@" && return 0
		sleep 2
	done
	return 1
}

cgw_counters_once() {
	local tol=${1:-300} bad=0 tun spi dir jb kb rows
	rows=$(cgwctl_ --json show sas | jq -r '.sas[] | .tunnel as $t | .child_sas[] |
		"\($t) \(.spi_in) in \(.bytes_in)", "\($t) \(.spi_out) out \(.bytes_out)"') || return 1
	[ -n "$rows" ] || { echo "  no CHILD SA in cgwctl show sas"; return 1; }
	while read -r tun spi dir jb; do
		kb=$(xfrm_spi_bytes cgw "$spi")
		echo "  $tun $dir $spi: cgwctl $jb bytes, kernel ${kb:-none}"
		[ -n "$kb" ] && [ $((kb - jb)) -ge 0 ] && [ $((kb - jb)) -le "$tol" ] || bad=1
	done <<< "$rows"
	return $bad
}

# xfrm_states NS [PEER]: "ALL FULL LARVAL" ESP states (to or from PEER);
# full = with an algorithm, larval = a reserved SPI (ALLOCSPI) only.
xfrm_states() {
	nsx "$1" ip xfrm state | awk -v p="${2:-}" '
		function flush() { if (rec && ok) { all++; if (alg) full++ } }
		/^src / { flush(); rec = 1; ok = (p == "" || $2 == p || $4 == p); alg = 0; next }
		/^[ \t]+(aead|enc|auth|auth-trunc) / { alg = 1 }
		END { flush(); print all + 0, full + 0, all - full }'
}
# full_sas PEER: cgw's ESP states with an algorithm to or from PEER.
full_sas() { set -- $(xfrm_states cgw "$1"); echo "$2"; }
