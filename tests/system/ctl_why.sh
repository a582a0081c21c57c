#!/bin/sh
# Why a tunnel is down, against a real cgwd in a network namespace: the
# REASON column of `status` and `show tunnels`, `show tunnel NAME` (text
# and JSON, with the state-change history), `tunnel down` turning the
# reason into "admin down", and the history kept across a reload.
# Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need jq ip

tmp=$(mktemp -d /tmp/cgw-why.XXXXXX)
ns=cgwwhy$$
S=$tmp/cgwd.sock
trap cleanup EXIT INT TERM
ctl() { "$CGWCTL" -s "$S" "$@"; }

netns_add "$ns"
conf_one_tunnel "$tmp/cgwd.conf"
ip netns exec "$ns" "$CGWD" -f "$tmp/cgwd.conf" -s "$S" >"$tmp/cgwd.log" 2>&1 &
pids="$!"
until_true 100 ctl status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }

# The namespace has no 192.0.2.10: the kernel refuses the interface.
until_true 50 sh -c '"$1" -s "$2" --json status |
    jq -e ".tunnels[0].reason_class == \"kernel error\"" ' sh "$CGWCTL" "$S"
out=$(ctl status)
check "status: a REASON column" sh -c \
	'echo "$1" | head -n1 | grep -q "^NAME *STATE *REASON *IKE-AGE"' sh "$out"
check "status: the tunnel that is not up says why (kernel error)" sh -c \
	'echo "$1" | grep -Eq "^v/t1 +(down|connecting) +kernel error +"' sh "$out"
check "show tunnels: the same reason" sh -c \
	'"$1" -s "$2" show tunnels | grep -Eq "^v/t1 +(down|connecting) +kernel error +"' \
	sh "$CGWCTL" "$S"
json=$(ctl --json status)
check "status --json: reason_class and the full state_reason" sh -c 'echo "$1" |
	jq -e ".tunnels[0] | .reason_class == \"kernel error\" and
	    (.state_reason | length) > 0" >/dev/null' sh "$json"

out=$(ctl tunnel down v/t1); rc=$?
check "tunnel down: exit 0 ($out)" test "$rc" = 0
check "status: admin down" sh -c \
	'"$1" -s "$2" status | grep -Eq "^v/t1 +down +admin down +"' sh "$CGWCTL" "$S"

out=$(ctl show tunnel v/t1); rc=$?
check "show tunnel NAME: exit 0" test "$rc" = 0
check "show tunnel NAME: state with its class" sh -c \
	'echo "$1" | grep -q "^state  *down for .* (admin down)$"' sh "$out"
check "show tunnel NAME: the whole reason" sh -c \
	'echo "$1" | grep -q "^reason  *operator: tunnel down$"' sh "$out"
check "show tunnel NAME: the kernel's refusal in full" sh -c \
	'echo "$1" | grep -q "^kernel error  *cannot create the tunnel interface: .*192.0.2.10"' \
	sh "$out"
check "show tunnel NAME: the history, oldest first" sh -c '
	echo "$1" | sed -n "/^history:/,\$p" | grep -q "down -> connecting  initiating" &&
	echo "$1" | sed -n "/^history:/,\$p" | tail -n1 |
	    grep -Eq "^  [0-9-]+ [0-9:]+  connecting -> down  operator: tunnel down$"' sh "$out"
check "show tunnel NAME: no PSK" sh -c '! echo "$1" | grep -q Tunnel1Secret' sh "$out"

json=$(ctl --json show tunnel v/t1)
check "--json show tunnel NAME: the one tunnel object with its history" sh -c '
	echo "$1" | jq -e ".name == \"v/t1\" and .reason_class == \"admin down\" and
	    .admin_down == true and (.history | length) >= 2 and
	    (.history[-1] | .from == \"connecting\" and .to == \"down\" and
	     .reason == \"operator: tunnel down\" and (.time | type) == \"number\") and
	    (.history[-1].time - now | fabs) < 60" >/dev/null' sh "$json"
err=$(ctl show tunnel v/t9 2>&1); rc=$?
check "show tunnel of an unknown tunnel: the known ones ($err)" sh -c \
	'[ "$1" = 1 ] && [ "$2" = "cgwctl: unknown tunnel '\''v/t9'\'' (known: v/t1)" ]' \
	sh "$rc" "$err"

# What we advertise: the tunnel's session, idle, sends nothing yet (the
# prefixes and AS_PATHs themselves: tests/unit/test_bgp_out_walk.c).
json=$(ctl --json show bgp advertised); rc=$?
check "show bgp advertised --json: the tunnel's session, nothing sent" sh -c '
	[ "$1" = 0 ] && echo "$2" | jq -e ".advertised | length == 1 and
	    .[0].name == \"v/t1\" and .[0].peer == \"169.254.21.1\" and
	    .[0].state == \"idle\" and .[0].prefixes == []" >/dev/null' sh "$rc" "$json"
out=$(ctl show bgp advertised)
check "show bgp advertised: a table, a line per session" sh -c '
	echo "$1" | head -n1 | grep -q "^NAME *PEER *STATE *PREFIX *AS-PATH *NEXT-HOP$" &&
	echo "$1" | grep -Eq "^v/t1 +169.254.21.1 +idle +- +- +-$"' sh "$out"

n=$(ctl --json show tunnel v/t1 | jq '.history | length')
out=$(ctl reload); rc=$?
check "reload: exit 0" test "$rc" = 0
check "reload keeps the tunnel's history ($n entries)" sh -c \
	'"$1" -s "$2" --json show tunnel v/t1 | jq -e ".history | length == $3" >/dev/null' \
	sh "$CGWCTL" "$S" "$n"

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "ctl_why: $failed check(s) failed"
	exit 1
fi
echo "ctl_why: all checks passed"
