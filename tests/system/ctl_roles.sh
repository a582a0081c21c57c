#!/bin/sh
# Control socket roles against a real cgwd in a network namespace:
# `control group` may run the read-only commands, `control admin-group`
# (and root) every command; refusals name the role missing; the socket
# and its directory belong to the read-only group; a reload applies new
# roles. Clients run as unprivileged uids (setpriv) in made-up groups,
# removed at the end. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need jq ip setpriv groupadd groupdel

tmp=$(mktemp -d /tmp/cgw-roles.XXXXXX)
ns=cgwrole$$
RO=cgwro$$
ADM=cgwadm$$
S=$tmp/run/cgwd.sock
CONF=$tmp/cgwd.conf
groups_made=""
cleanup_roles() {
	cleanup
	for g in $groups_made; do groupdel "$g" 2>/dev/null; done
}
trap cleanup_roles EXIT INT TERM

groupadd "$RO" && groups_made="$RO" || { echo "FAIL: groupadd"; exit 1; }
groupadd "$ADM" && groups_made="$groups_made $ADM" || { echo "FAIL: groupadd"; exit 1; }
ro_gid=$(getent group "$RO" | cut -d: -f3)
adm_gid=$(getent group "$ADM" | cut -d: -f3)
# The binaries and the socket's parent must be reachable by others.
chmod 755 "$tmp"
cp "$CGWCTL" "$tmp/cgwctl" && chmod 755 "$tmp/cgwctl"

as() {	# GROUPS (comma-separated, or "none") ARGS...: cgwctl as uid 40123
	g=$1; shift
	if [ "$g" = none ]; then opt=--clear-groups; else opt=--groups=$g; fi
	setpriv --reuid=40123 --regid=40123 "$opt" "$tmp/cgwctl" -s "$S" "$@"
}
ctl() { "$CGWCTL" -s "$S" "$@"; }

netns_add "$ns"
conf_one_tunnel "$CONF"
printf 'control group %s\ncontrol admin-group %s\n' "$RO" "$ADM" >>"$CONF"
out=$("$CGWD" -n -f "$CONF" 2>&1)
check "cgwd -n accepts control group / admin-group ($out)" test "$out" = "configuration OK"
ip netns exec "$ns" "$CGWD" -v -f "$CONF" -s "$S" >"$tmp/cgwd.log" 2>&1 &
pids="$!"
until_true 100 ctl status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }

check "socket: mode 0660, group $RO" \
	test "$(stat -c '%a %G' "$S")" = "660 $RO"
check "socket directory: 0750, group $RO" \
	test "$(stat -c '%a %G' "$tmp/run")" = "750 $RO"

# The read-only group.
out=$(as "$ro_gid" status); rc=$?
check "read-only group: status works (exit $rc)" sh -c \
	'[ "$1" = 0 ] && echo "$2" | grep -q "^v/t1 "' sh "$rc" "$out"
out=$(as "$ro_gid" --json show tunnel v/t1); rc=$?
check "read-only group: show tunnel NAME works" sh -c \
	'[ "$1" = 0 ] && echo "$2" | jq -e ".name == \"v/t1\"" >/dev/null' sh "$rc" "$out"
check "read-only group: show bgp, show routes, show sas work" sh -c '
	for w in bgp routes sas tunnels; do "$@" show $w >/dev/null || exit 1; done' \
	sh setpriv --reuid=40123 --regid=40123 --groups="$ro_gid" "$tmp/cgwctl" -s "$S"
out=$(as "$ro_gid" tunnel down v/t1 2>&1); rc=$?
check "read-only group: tunnel down refused, naming the role ($out)" sh -c \
	'[ "$1" = 1 ] && [ "$2" = "cgwctl: permission denied: '\''tunnel down'\'' needs the admin role (root or group $3)" ]' \
	sh "$rc" "$out" "$ADM"
out=$(as "$ro_gid" reload 2>&1); rc=$?
check "read-only group: reload refused ($out)" sh -c \
	'[ "$1" = 1 ] && echo "$2" | grep -q "needs the admin role"' sh "$rc" "$out"
check "the refused tunnel down changed nothing" sh -c \
	'"$1" -s "$2" --json show tunnel v/t1 | jq -e ".admin_down == false" >/dev/null' \
	sh "$CGWCTL" "$S"

# The read-only group may watch.
as "$ro_gid" --json monitor >"$tmp/mon" 2>&1 &
pids="$pids $!"
monitoring() { grep -q ': monitoring$' "$tmp/cgwd.log"; }
check "read-only group: monitor accepted" until_true 50 monitoring

# The admin group (it reaches the socket through the read-only group too).
out=$(as "$ro_gid,$adm_gid" tunnel down v/t1 2>&1); rc=$?
check "admin group: tunnel down works ($out)" test "$rc" = 0
check "admin group: the tunnel is admin down" sh -c \
	'"$1" -s "$2" --json show tunnel v/t1 | jq -e ".admin_down == true" >/dev/null' \
	sh "$CGWCTL" "$S"
seen() { grep -q '"reason":"operator: tunnel down"' "$tmp/mon"; }
check "read-only group: monitor sees the admin's tunnel down" until_true 30 seen
out=$(as "$ro_gid,$adm_gid" reload 2>&1); rc=$?
check "admin group: reload works ($out)" test "$rc" = 0

# Nobody's groups: the directory keeps them out.
out=$(as none status 2>&1); rc=$?
check "no group: cannot reach the socket ($out)" sh -c \
	'[ "$1" = 1 ] && echo "$2" | grep -q "Permission denied"' sh "$rc" "$out"

# Root is admin without any group.
out=$(ctl tunnel up v/t1 2>&1)
check "root: tunnel up is not refused for its role ($out)" sh -c \
	'! echo "$1" | grep -q "permission denied"' sh "$out"

# A reload without the roles: the old group keeps its file access but
# holds no role any more.
conf_one_tunnel "$CONF"
out=$(ctl reload); rc=$?
check "reload without control lines: exit 0" test "$rc" = 0
out=$(as "$ro_gid" status 2>&1); rc=$?
check "after it: the former read-only group is refused ($out)" sh -c \
	'[ "$1" = 1 ] && [ "$2" = "cgwctl: permission denied: '\''status'\'' needs the read-only role (root)" ]' \
	sh "$rc" "$out"

# Without CAP_CHOWN (a unit that forgot it): cgwd says so and runs on.
ns2=cgwrol2$$
netns_add "$ns2"
S2=$tmp/run2/cgwd.sock
printf 'control group %s\n' "$RO" >>"$CONF"
ip netns exec "$ns2" setpriv --bounding-set=-chown "$CGWD" -f "$CONF" -s "$S2" \
    >"$tmp/cgwd2.log" 2>&1 &
pids="$pids $!"
check "without CAP_CHOWN: cgwd starts all the same" \
	until_true 100 "$CGWCTL" -s "$S2" status
check "... and logs why the group cannot use the socket" \
	grep -q "control socket roles: cannot give .* to group $RO" "$tmp/cgwd2.log"

cleanup_roles
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "ctl_roles: $failed check(s) failed"
	exit 1
fi
echo "ctl_roles: all checks passed"
