#!/bin/sh
# Privilege separation on the host kernel, in a network namespace: cgwd
# runs as two processes. The main one (cgwd) ends with no capability in
# any set, no_new_privs and a seccomp filter, and holds no netlink
# socket; the kernel helper (cgwd-kernel) keeps CAP_NET_ADMIN, holds the
# netlink sockets and bound IKE's sockets for it. The policies and the
# nftables table it made on main's behalf are in the namespace; a reload
# adds a tunnel's policies through it. kill -9 of the main process: the
# helper removes cgwd's policies, table and control socket and exits;
# kill -9 of the helper: the main process exits non-zero. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip ss nft
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }

tmp=$(mktemp -d /tmp/cgw-privsep.XXXXXX)
ns=cgwps$$
S=$tmp/cgwd.sock
CONF=$tmp/cgwd.conf
trap cleanup EXIT INT TERM

write_conf() {	# extra tunnel lines
	cat >"$CONF" <<EOC
asn 65000
router-id 192.0.2.10
vpn "v" {
    local 192.0.2.10
    tunnel "t1" { remote 198.51.100.1 inside 169.254.21.2/30 psk "Tunnel1Secret_abc" interface cgwa }
    $1
}
EOC
	chmod 600 "$CONF"
}
status_field() {	# pid field: its value
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
# The helper: the main process's child named cgwd-kernel.
helper_of() {
	for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = cgwd-kernel ] &&
		    { echo "$c"; return 0; }
	done
	return 1
}
policies() { ip -n "$ns" xfrm policy | grep -c "^src"; }
# How many netlink sockets pid holds: its socket inodes that
# /proc/net/netlink (its namespace's) lists.
netlinks() {
	ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' |
	    while read -r ino; do
		awk -v i="$ino" 'NR > 1 && $NF == i { print }' "/proc/$1/net/netlink"
	    done | wc -l
}
start() {
	ip netns exec "$ns" "$CGWD" -f "$CONF" -s "$S" >>"$tmp/cgwd.log" 2>&1 &
	pid=$!
	pids="$pid"
	until_true 100 "$CGWCTL" -s "$S" status ||
	    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }
	until_true 50 grep -q "seccomp filter" "$tmp/cgwd.log"
	helper=$(helper_of "$pid") || { echo "FAIL: no kernel helper"; exit 1; }
}
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(status_field "$1" State)" = Z ]; }

netns_add "$ns"
ip -n "$ns" addr add 192.0.2.10/32 dev lo
write_conf ""
start

check "two processes: main $pid, kernel helper $helper" test -n "$helper"
# A sanitizer build runs without the filter (its runtime needs more).
if grep -q "seccomp filter off (sanitizer build)" "$tmp/cgwd.log"; then
	filter=off
	echo "note: a sanitizer build: no seccomp filter to check"
else
	filter=on
fi
check "the log names the helper and the sandbox" grep -q \
    "kernel helper pid $helper; main process: no capabilities, seccomp filter $filter" \
    "$tmp/cgwd.log"
for f in CapEff CapPrm CapInh CapBnd CapAmb; do
	check "main: $f 0" test "$(status_field "$pid" $f)" = 0000000000000000
done
check "main: NoNewPrivs 1" test "$(status_field "$pid" NoNewPrivs)" = 1
[ "$filter" = off ] ||
    check "main: Seccomp 2 (filter)" test "$(status_field "$pid" Seccomp)" = 2
eff=$(status_field "$helper" CapEff)
check "helper keeps CAP_NET_ADMIN (CapEff $eff)" \
    test $(( 0x$eff >> 12 & 1 )) = 1
check "helper: no seccomp" test "$(status_field "$helper" Seccomp)" = 0
check "helper: only the network capabilities (NET_ADMIN, NET_BIND_SERVICE, NET_RAW)" \
    test "$eff" = 0000000000003400
check "main holds no netlink socket" test "$(netlinks "$pid")" -eq 0
n=$(netlinks "$helper")
check "the helper holds the netlink sockets ($n)" test "$n" -ge 4
check "IKE on 500 and 4500, bound by the helper, held by main" sh -c \
    "ip netns exec $ns ss -lunp | grep ':4500 ' | grep -q 'pid=$pid,' &&
     ip netns exec $ns ss -lunp | grep ':500 ' | grep -q 'pid=$pid,'"
check "t1's policies are in the namespace" test "$(policies)" -eq 3
check "the MSS table is in the namespace" sh -c "ip netns exec $ns nft list table inet cgwd >/dev/null"

write_conf 'tunnel "t2" { remote 198.51.100.2 inside 169.254.22.2/30 psk "Tunnel2Secret_abc" }'
check "reload" "$CGWCTL" -s "$S" reload
check "a reload adds t2's policies through the helper" until_true 30 sh -c "test \$(ip -n $ns xfrm policy | grep -c '^src') -eq 6"
check "nothing refused" sh -c "! grep -q 'refused' $tmp/cgwd.log"

kill -9 "$pid"
check "kill -9 of main: the helper exits" until_true 50 gone "$helper"
check "... after removing every policy" test "$(policies)" -eq 0
check "... and the MSS table" sh -c "! ip netns exec $ns nft list table inet cgwd >/dev/null 2>&1"
check "... and the control socket" test ! -e "$S"
check "... and says why" grep -q "kernel: main process hung up" "$tmp/cgwd.log"
wait "$pid" 2>/dev/null
pids=""

write_conf ""
start
kill -9 "$helper"
check "kill -9 of the helper: main exits" until_true 50 gone "$pid"
wait "$pid"
rc=$?
check "... non-zero (systemd restarts it; status $rc)" test "$rc" -ne 0
check "... and logs why" grep -q "kernel helper (pid $helper) is gone" "$tmp/cgwd.log"
pids=""
# What the dead helper left, the next start removes (cleanup_stale).
start
check "a new start: t1's policies only" test "$(policies)" -eq 3
kill -TERM "$pid"
wait "$pid"
rc=$?
pids=""
check "SIGTERM: a clean stop, status 0" test "$rc" -eq 0
check "... the helper is gone too" gone "$helper"
check "... and every policy" test "$(policies)" -eq 0

check "no sanitizer report" sh -c "! grep -q 'Sanitizer\|runtime error' $tmp/cgwd.log"

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "privsep: $failed check(s) failed"
	exit 1
fi
echo "privsep: all checks passed"
