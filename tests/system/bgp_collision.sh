#!/bin/sh
# RFC 4271 6.8 connection collision, against a scripted peer (python3) in
# a network namespace: the peer accepts bgp_speaker's connection (X, the
# speaker's outgoing one), opens one of its own (Y, the speaker's
# incoming one), then sends OPEN on both. The side with the higher BGP
# Identifier keeps the connection it initiated: a peer id above the
# speaker's (169.254.21.2) must leave Y, a lower one X; the other gets
# NOTIFICATION Cease/Connection Collision Resolution. Both orders of the
# OPENs are tried (the second connection's OPEN first, and the first's).
set -u

B=${B:-build}
SPEAKER=$B/tests/tools/bgp_speaker
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
[ -x "$SPEAKER" ] || { echo "FAIL: $SPEAKER not built"; exit 1; }

T=$(mktemp -d /tmp/bgp_coll.XXXXXX)
S=$$
NC=bgcc$S; NP=bgcp$S
SPK_PID=""
fails=0
cleanup() {
	[ -n "$SPK_PID" ] && kill "$SPK_PID" 2>/dev/null
	ip netns del $NC 2>/dev/null; ip netns del $NP 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

ip netns add $NC; ip netns add $NP
ip link add c$S netns $NC type veth peer name p$S netns $NP
ip -n $NC addr add 169.254.21.2/30 dev c$S; ip -n $NC link set c$S up
ip -n $NP addr add 169.254.21.1/30 dev p$S; ip -n $NP link set p$S up

cat > "$T/peer.py" <<'EOF'
import socket, struct, sys, time
mode, first = sys.argv[1], sys.argv[2]
myid = "200.0.0.1" if mode == "high" else "10.0.0.1"

def msg(t, body=b""):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), t) + body

def open_msg():
    caps = bytes([1, 4, 0, 1, 0, 1, 65, 4]) + struct.pack("!I", 64512)
    opt = bytes([2, len(caps)]) + caps
    return msg(1, struct.pack("!BHH", 4, 64512, 30) + socket.inet_aton(myid)
               + bytes([len(opt)]) + opt)

def recvall(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b

def read(s):
    s.settimeout(10)
    h = recvall(s, 19)
    l, t = struct.unpack("!HB", h[16:])
    return t, recvall(s, l - 19)

l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("169.254.21.1", 179))
l.listen(1)
print("listening", flush=True)
l.settimeout(20)
X, _ = l.accept()
assert read(X)[0] == 1, "no OPEN on X"
Y = socket.create_connection(("169.254.21.2", 179), timeout=10,
                             source_address=("169.254.21.1", 0))
assert read(Y)[0] == 1, "no OPEN on Y"
conns = {"X": X, "Y": Y}
for n in ([first, "Y" if first == "X" else "X"]):
    try:
        conns[n].sendall(open_msg())
    except OSError:
        pass
    time.sleep(0.3)
winner = "Y" if mode == "high" else "X"
loser = "X" if winner == "Y" else "Y"
# The loser: a Cease/7 NOTIFICATION (after a KEEPALIVE, maybe), or reset.
try:
    while True:
        t, b = read(conns[loser])
        if t == 3:
            assert b[:2] == bytes([6, 7]), "loser NOTIFICATION %r" % b[:2]
            print("loser-cease", flush=True)
            break
except (EOFError, ConnectionResetError):
    print("loser-closed", flush=True)
t, b = read(conns[winner])
assert t == 4, "winner: type %d, not KEEPALIVE" % t
conns[winner].sendall(msg(4))
t, b = read(conns[winner])		# its routes (or End-of-RIB) or KEEPALIVE
print("winner-" + winner, flush=True)
time.sleep(0.5)
EOF

# case MODE FIRST: which OPEN is sent first (X or Y); expected closed side.
case_run() {
	mode=$1; first=$2; closed=$3
	: > "$T/peer.out"; : > "$T/spk.out"; : > "$T/spk.err"
	ip netns exec $NP python3 "$T/peer.py" $mode $first > "$T/peer.out" 2>&1 &
	ppid=$!
	n=0; until grep -q listening "$T/peer.out" || [ $n -ge 50 ]; do sleep 0.1; n=$((n+1)); done
	ip netns exec $NC "$SPEAKER" -a 65000 -i 169.254.21.2 -n 10.224.0.0/12 \
	    -P "name=coll,local=169.254.21.2,remote=169.254.21.1,as=64512" \
	    < /dev/null > "$T/spk.out" 2> "$T/spk.err" &
	SPK_PID=$!
	wait $ppid; prc=$?
	kill $SPK_PID 2>/dev/null; wait $SPK_PID 2>/dev/null; SPK_PID=""
	what="peer id $mode, $first's OPEN first"
	if [ $prc -eq 0 ] && grep -q "closing the $closed connection" "$T/spk.err" &&
	    grep -q "STATE coll OpenConfirm Established" "$T/spk.out"; then
		ok "$what: $closed connection closed, session Established ($(grep -E 'loser|winner' "$T/peer.out" | tr '\n' ' '))"
	else
		fail "$what (rc $prc)"
		sed 's/^/  peer: /' "$T/peer.out"; sed 's/^/  spk: /' "$T/spk.err" "$T/spk.out"
	fi
}
# Speaker's id 169.254.21.2. Peer id higher: the peer's connection (Y,
# incoming at the speaker) stays; lower: the speaker's own (X) stays.
case_run high Y outgoing
case_run high X outgoing
case_run low Y incoming
case_run low X incoming

[ $fails -eq 0 ] && echo "PASS: bgp_collision" && exit 0
echo "FAILED: $fails check(s)"
exit 1
