#!/bin/sh
# One cgwd per network namespace: a second one in the same namespace is
# refused before it touches the kernel (the first one's policies survive,
# it names the first one's pid, exits non-zero); one in another namespace
# runs; the lock goes with its holder, even on SIGKILL. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip

tmp=$(mktemp -d /tmp/cgw-test.XXXXXX)
nsa=cgwlocka$$
nsb=cgwlockb$$
trap cleanup EXIT INT TERM
conf_one_tunnel "$tmp/cgwd.conf"

netns() {	# NAME: a namespace holding the local address
	netns_add "$1"
	ip -n "$1" link add e0 type veth peer name e1
	ip -n "$1" link set e0 up
	ip -n "$1" link set e1 up
	ip -n "$1" addr add 192.0.2.10/24 dev e0
}

started=""
start() {	# NS SOCKET LOG: a cgwd that answers, its pid in $started
	ip netns exec "$1" "$CGWD" -f "$tmp/cgwd.conf" -s "$2" -v >"$3" 2>&1 &
	started=$!
	pids="$pids $started"
	until_true 100 alive "$2"
}
alive() { "$CGWCTL" -s "$1" status >/dev/null 2>&1; }
policies() { ip -n "$1" xfrm policy | grep -c "if_id 0x4347"; }

netns "$nsa"
netns "$nsb"

check "first cgwd starts in namespace A" start "$nsa" "$tmp/a.sock" "$tmp/a.log"
first=$started
n_before=$(policies "$nsa")
check "its tunnel policies are in the kernel ($n_before)" test "$n_before" -gt 0

out=$(ip netns exec "$nsa" timeout 10 "$CGWD" -f "$tmp/cgwd.conf" \
    -s "$tmp/a2.sock" -v 2>&1); rc=$?
check "second cgwd in namespace A refused (exit $rc)" test "$rc" != 0 -a "$rc" != 124
check "... naming the first one's pid $first" sh -c \
	'echo "$1" | grep -q "another cgwd (pid $2) is running in this network namespace"' \
	sh "$out" "$first"
check "... before any kernel cleanup" sh -c \
	'! echo "$1" | grep -qi "stale\|leftover\|removed"' sh "$out"
check "the first one's policies survive ($(policies "$nsa") of $n_before)" \
	test "$(policies "$nsa")" = "$n_before"
check "the first one still answers" alive "$tmp/a.sock"

check "a cgwd in namespace B runs beside it" start "$nsb" "$tmp/b.sock" "$tmp/b.log"
check "namespace A keeps its policies" test "$(policies "$nsa")" = "$n_before"
check "namespace A's cgwd still answers" alive "$tmp/a.sock"

# A crash frees the namespace as soon as the kernel helper has removed
# the dead process's objects (it holds the lock until then, so that a new
# cgwd's objects are never swept by the old one's cleanup): no stale
# lock to clean by hand.
helper=$(cat "/proc/$first/task/$first/children" 2>/dev/null)
kill -KILL "$first"; wait "$first" 2>/dev/null
for h in $helper; do
	until_true 50 sh -c "! kill -0 $h 2>/dev/null || grep -q '^State:.*Z' /proc/$h/status"
done
check "after SIGKILL of the first, a new cgwd starts in namespace A" \
	start "$nsa" "$tmp/a3.sock" "$tmp/a3.log"

[ "$failed" = 0 ] || { echo "$failed failed"; for f in "$tmp"/*.log; do echo "== $f"; cat "$f"; done; exit 1; }
echo "all passed"
