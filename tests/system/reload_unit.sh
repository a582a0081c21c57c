#!/bin/sh
# `systemctl reload cgwd` runs the unit's ExecReload: it must go through
# `cgwctl reload`, so that a configuration the daemon refuses fails the
# reload visibly (non-zero, the daemon's reason on stderr) instead of a
# signal that always "succeeds". Runs the unit's own ExecReload line, as
# systemd would ($MAINPID substituted), against a real cgwd in a network
# namespace; the control socket is the test's own (-s). Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip

unit=contrib/systemd/cgwd.service
tmp=$(mktemp -d /tmp/cgw-reload.XXXXXX)
ns=cgwrl$$
S=$tmp/run/cgwd.sock
CONF=$tmp/cgwd.conf
LOG=$tmp/cgwd.log
trap cleanup EXIT INT TERM

# The unit's command line for KEY, without systemd's prefixes (-, @, +, !).
unit_cmd() {
	sed -n "s/^$1=[-@+!:]*//p" "$unit" | tail -n 1
}
# The socket a unit command uses: its -s / --socket argument, or the default.
cmd_socket() {	# command line
	# shellcheck disable=SC2086
	set -- $1
	while [ $# -gt 0 ]; do
		case $1 in
		-s|--socket) echo "$2"; return ;;
		--socket=*) echo "${1#--socket=}"; return ;;
		esac
		shift
	done
	echo default
}

reload=$(unit_cmd ExecReload)
start=$(unit_cmd ExecStart)
check "unit has an ExecReload ($reload)" test -n "$reload"
# shellcheck disable=SC2086
set -- $reload
prog=${1:-}
check "ExecReload runs cgwctl ($prog)" test "$(basename "$prog")" = cgwctl
check "ExecReload's command is 'reload'" sh -c \
    'echo " $1 " | grep -q " reload "' sh "$reload"
check "ExecReload uses the socket ExecStart's cgwd listens on" \
    test "$(cmd_socket "$reload")" = "$(cmd_socket "$start")"

# The hardening stays: what cgwctl needs (AF_UNIX) is allowed, the rest not.
for line in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
    'PrivateTmp=yes' 'PrivateDevices=yes' 'MemoryDenyWriteExecute=yes' \
    'SystemCallFilter=@system-service seccomp' \
    'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW'; do
	check "unit keeps $line" grep -qx "$line" "$unit"
done
check "unit allows AF_UNIX (cgwctl's control socket)" \
    grep -q '^RestrictAddressFamilies=.*AF_UNIX' "$unit"

# Run the unit's ExecReload as systemd would: $MAINPID is the daemon's
# pid; cgwctl is the one under test, on the test's socket.
run_reload() {
	# shellcheck disable=SC2086
	set -- $(echo "$reload" | sed "s/\${MAINPID}/$pid/g; s/\$MAINPID/$pid/g")
	if [ "$(basename "$1")" = cgwctl ]; then
		shift
		"$CGWCTL" -s "$S" "$@"
	else
		"$@"
	fi
}

netns_add "$ns"
conf_one_tunnel "$CONF"
chmod 600 "$CONF"
ip netns exec "$ns" "$CGWD" -f "$CONF" -s "$S" >"$LOG" 2>&1 &
pid=$!
pids="$pid"
until_true 100 "$CGWCTL" -s "$S" status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$LOG"; exit 1; }
ok "cgwd runs (pid $pid)"

# A good configuration (t1's remote changed): applied, exit 0.
sed -i 's/remote 198.51.100.1/remote 198.51.100.9/' "$CONF"
out=$(run_reload 2>"$tmp/err"); rc=$?
check "ExecReload with a good configuration: exit 0 ($out)" test "$rc" = 0
check "ExecReload with a good configuration: applied (log)" until_true 30 \
    grep -q "reloaded: 0 unchanged, 1 changed, 0 added, 0 removed" "$LOG"

# A configuration with an error: refused, and the reload says so.
sed -i 's/remote 198.51.100.9/remote 198.51.100.x/' "$CONF"
line=$(grep -n 'remote 198.51.100.x' "$CONF" | cut -d: -f1)
out=$(run_reload 2>"$tmp/err"); rc=$?
err=$(cat "$tmp/err")
check "ExecReload with a broken configuration: non-zero exit (rc $rc)" \
    test "$rc" != 0
check "ExecReload's reason names file:line on stderr ($err)" sh -c \
    'echo "$1" | grep -q "^cgwctl: $2:$3: "' sh "$err" "$CONF" "$line"
check "after the refused reload cgwd still runs, old config kept" sh -c \
    '"$1" -s "$2" --json show tunnels | grep -q "\"remote\":\"198.51.100.9\""' \
    sh "$CGWCTL" "$S"

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "reload_unit: $failed check(s) failed"
	exit 1
fi
echo "reload_unit: all checks passed"
