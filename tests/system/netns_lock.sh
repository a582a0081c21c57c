#!/bin/sh
# One cgwd per network namespace: a second one in the same namespace is
# refused before it touches the kernel (the first one's policies survive,
# it names the first one's pid, exits non-zero); one in another namespace
# runs; the lock goes with its holder, even on SIGKILL. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
CGWD=${CGWD:-./cgwd}
CGWCTL=${CGWCTL:-./cgwctl}
command -v ip >/dev/null || { echo "FAIL: ip not installed"; exit 1; }
[ -x "$CGWD" ] && [ -x "$CGWCTL" ] || { echo "FAIL: build cgwd and cgwctl first"; exit 1; }

tmp=$(mktemp -d /tmp/cgw-lock.XXXXXX)
nsa=cgwlocka$$
nsb=cgwlockb$$
pids=""
failed=0

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() {	# description command...
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}

cat > "$tmp/cgwd.conf" <<EOC
asn 65000
router-id 192.0.2.10
vpn "v" {
    local 192.0.2.10
    peer-asn 64512
    tunnel "t1" { remote 198.51.100.1 inside 169.254.21.2/30 psk "Tunnel1Secret_abc" }
}
EOC

netns() {	# NAME: a namespace holding the local address
	ip netns add "$1" || { echo "FAIL: cannot create a network namespace"; exit 1; }
	ip -n "$1" link set lo up
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
	i=0
	while ! alive "$2" && [ $i -lt 100 ]; do
		kill -0 "$started" 2>/dev/null || return 1
		sleep 0.1; i=$((i + 1))
	done
	alive "$2"
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

# A crash frees the namespace at once: no stale lock to clean by hand.
kill -KILL "$first"; wait "$first" 2>/dev/null
check "after SIGKILL of the first, a new cgwd starts in namespace A" \
	start "$nsa" "$tmp/a3.sock" "$tmp/a3.log"

[ "$failed" = 0 ] || { echo "$failed failed"; for f in "$tmp"/*.log; do echo "== $f"; cat "$f"; done; exit 1; }
echo "all passed"
