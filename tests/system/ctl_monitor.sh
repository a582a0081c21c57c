#!/bin/sh
# cgwctl monitor against a real cgwd in a network namespace: text and
# --json lines for a tunnel taken down by the operator and for a reload
# that changes it; a monitor client that never reads does not hold the
# daemon up; the monitor ends with a reason when cgwd stops. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need jq ip socat

tmp=$(mktemp -d /tmp/cgw-mon.XXXXXX)
ns=cgwmon$$
S=$tmp/cgwd.sock
CONF=$tmp/cgwd.conf
trap 'exec 9>&-; cleanup' EXIT INT TERM
ctl() { "$CGWCTL" -s "$S" "$@"; }

netns_add "$ns"
conf_one_tunnel "$CONF"
# -v: the daemon logs each client that starts monitoring.
ip netns exec "$ns" "$CGWD" -v -f "$CONF" -s "$S" >"$tmp/cgwd.log" 2>&1 &
cgwd_pid=$!
pids="$cgwd_pid"
until_true 100 ctl status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }

ctl monitor >"$tmp/text" 2>"$tmp/text.err" &
mon_text=$!
ctl --json monitor >"$tmp/json" 2>&1 &
mon_json=$!
ctl monitor --json >"$tmp/json2" 2>&1 &
mon_json2=$!
# One that never reads what it asked for (socat -u: socket writes only),
# its input held open on fd 9 until the end.
mkfifo "$tmp/mute"
exec 9<>"$tmp/mute"
socat -u - "UNIX-CONNECT:$S" <"$tmp/mute" &
mute=$!
printf '{"command":"monitor"}\n' >&9
pids="$pids $mon_text $mon_json $mon_json2 $mute"
monitoring() { [ "$(grep -c ': monitoring$' "$tmp/cgwd.log")" -ge 4 ]; }
check "four monitor clients registered" until_true 50 monitoring

out=$(ctl tunnel down v/t1); rc=$?
check "tunnel down: exit 0 ($out)" test "$rc" = 0
has_text() { grep -Eq "$1" "$tmp/text"; }
check "monitor (text): the transition, with time and reason" until_true 30 has_text \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} tunnel +v/t1: (connecting|down) -> down \(operator: tunnel down\)$'
has_json() {
	jq -e -s "any(.[]; $2)" "$1" >/dev/null 2>&1
}
check "monitor --json (before the command): the transition as an object" \
	until_true 30 has_json "$tmp/json" '.event == "tunnel" and .name == "v/t1" and
	    .to == "down" and .reason == "operator: tunnel down" and
	    (.time | type) == "number" and (.text | test("-> down"))'
check "monitor --json (after the command): the same" \
	until_true 30 has_json "$tmp/json2" '.event == "tunnel" and .to == "down"'
check "monitor --json: every line is one JSON object" sh -c \
	'jq -e -s "all(.[]; type == \"object\" and has(\"event\") and has(\"time\"))" "$1" >/dev/null' \
	sh "$tmp/json"

# A reload that changes the tunnel: reconfigured.
sed -i 's/inside 169.254.21.2\/30/inside 169.254.21.2\/30 mtu 1400/' "$CONF"
out=$(ctl reload); rc=$?
check "reload with a new mtu: exit 0 ($out)" test "$rc" = 0
check "monitor --json: the reload's event (reconfigured: mtu)" \
	until_true 30 has_json "$tmp/json" '.event == "tunnel" and
	    .reason == "reconfigured: mtu"'

# The client that never reads holds nothing up.
out=$(ctl status); rc=$?
check "status answers while a monitor client does not read" test "$rc" = 0
check "no PSK in any event" sh -c \
	'! grep -q Tunnel1Secret "$1/text" "$1/json" "$1/json2"' sh "$tmp"

kill "$cgwd_pid"
wait "$cgwd_pid" 2>/dev/null
gone() { ! kill -0 "$mon_text" 2>/dev/null; }
check "monitor ends when cgwd stops" until_true 30 gone
wait "$mon_text"; rc=$?
check "... exit 1, saying why ($(cat "$tmp/text.err"))" sh -c \
	'[ "$1" = 1 ] && grep -q "^cgwctl: monitor: cgwd closed the connection$" "$2"' \
	sh "$rc" "$tmp/text.err"

exec 9>&-
cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "ctl_monitor: $failed check(s) failed"
	exit 1
fi
echo "ctl_monitor: all checks passed"
