#!/bin/sh
# The control socket and cgwctl against a real cgwd in a network namespace:
# commands, SPEC 5 JSON keys, abuse (garbage, 1 MB request, idle clients,
# too many clients), reload (good and broken), SIGHUP, a second daemon,
# a stale socket, SIGTERM cleanup, and `cgwd -n`. Runs as root.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need jq socat ip

tmp=$(mktemp -d /tmp/cgw-ctl.XXXXXX)
ns=cgwctl$$
S=$tmp/run/cgwd.sock
CONF=$tmp/cgwd.conf
LOG=$tmp/cgwd.log
NOTIFY=$tmp/notify
pid=""
idle_pids=""
notify_pid=""

cleanup() {
	for p in $idle_pids $notify_pid; do kill "$p" 2>/dev/null; done
	exec 9>&-
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ctl() { "$CGWCTL" -s "$S" "$@"; }
raw() {	# send stdin to the socket, print the replies; -t: wait after EOF
	socat -t 3 - "UNIX-CONNECT:$S" 2>/dev/null
}
alive() { ctl status >/dev/null 2>&1; }

write_conf() {	# remote of t2
	cat > "$CONF" <<EOC
asn 65000
router-id 192.0.2.10
network 10.224.0.0/12

vpn "aws-prod" {
    local 192.0.2.10
    peer-asn 64512
    ike proposal aes256gcm16-prfsha256-modp2048 lifetime 8h
    esp proposal aes256gcm16-modp2048 lifetime 1h
    dpd interval 10s timeout 30s
    tunnel "t1" {
        remote 198.51.100.1
        inside 169.254.21.2/30
        psk "Tunnel1Secret_abc"
    }
    tunnel "t2" {
        remote $1
        inside 169.254.22.2/30
        psk "Tunnel2Secret_xyz"
    }
}
EOC
	chmod 600 "$CONF"	# it holds keys
}

start_cgwd() {	# [VAR=value...] for the daemon's environment
	env "$@" ip netns exec "$ns" "$CGWD" -f "$CONF" -s "$S" -v >>"$LOG" 2>&1 &
	pid=$!
	i=0
	while ! alive && kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	alive
}

# Silent clients read from a FIFO nobody writes to (fd 9 holds it open).
mkfifo "$tmp/hold"
exec 9<>"$tmp/hold"
hold() {	# N: connect N clients that never write
	n=0
	while [ $n -lt "$1" ]; do
		socat - "UNIX-CONNECT:$S" <"$tmp/hold" >/dev/null 2>&1 &
		idle_pids="$idle_pids $!"
		n=$((n + 1))
	done
	sleep 0.5
}
unhold() {
	for p in $idle_pids; do kill "$p" 2>/dev/null; done
	for p in $idle_pids; do wait "$p" 2>/dev/null; done
	idle_pids=""
}

ip netns add "$ns" || { echo "FAIL: cannot create a network namespace"; exit 1; }
ip -n "$ns" link set lo up
write_conf 198.51.100.2
# systemd's side of sd_notify: one datagram per notification.
socat -u "UNIX-RECV:$NOTIFY" "OPEN:$tmp/notify.log,creat,append" 2>/dev/null &
notify_pid=$!

# --- cgwd -n ---------------------------------------------------------------
out=$("$CGWD" -n -f "$CONF" 2>&1); rc=$?
check "cgwd -n on a good config: exit 0, 'configuration OK'" \
	test "$rc" = 0 -a "$out" = "configuration OK"
sed 's/remote 198.51.100.1/remote 198.51.100.x/' "$CONF" > "$tmp/bad.conf"
out=$("$CGWD" -n -f "$tmp/bad.conf" 2>"$tmp/err"); rc=$?
check "cgwd -n on a bad config: exit 1, nothing on stdout" test "$rc" = 1 -a -z "$out"
check "cgwd -n names file:line ($(head -n1 "$tmp/err"))" \
	grep -q "^$tmp/bad.conf:12: " "$tmp/err"

out=$(ip netns exec "$ns" "$CGWD" -f "$tmp/bad.conf" -s "$S" 2>&1); rc=$?
check "cgwd on a bad config: exit 1, file:line logged, no socket" sh -c \
	'[ "$1" = 1 ] && echo "$2" | grep -q "bad.conf:12: remote" && [ ! -e "$3" ]' sh "$rc" "$out" "$S"
out=$("$CGWCTL" -h); rc=$?
check "cgwctl -h: usage on stdout, exit 0" sh -c \
	'[ "$1" = 0 ] && echo "$2" | grep -q "^usage: cgwctl \[-s SOCKET\] \[--json\] COMMAND"' sh "$rc" "$out"
"$CGWCTL" >/dev/null 2>&1; rc=$?
check "cgwctl without a command: usage error (exit $rc)" test "$rc" = 2

# --- import-aws (local, no daemon) ------------------------------------------
aws=tests/conf/aws/vpn-basic.xml
if [ -f "$aws" ]; then
	# It holds the keys inline: written 0600, as an operator must.
	(umask 077; "$CGWCTL" import-aws "$aws" --name aws-imp --local 192.0.2.10 \
		--network 10.224.0.0/12 >"$tmp/imp.conf" 2>"$tmp/imp.err"); rc=$?
	check "import-aws $aws: exit 0" test "$rc" = 0
	check "import-aws output passes cgwd -n" sh -c \
		'"$1" -n -f "$2" >/dev/null 2>&1' sh "$CGWD" "$tmp/imp.conf"
	check "import-aws output names the vpn" grep -q '^vpn "aws-imp"' "$tmp/imp.conf"
	err=$("$CGWCTL" import-aws tests/conf/aws/bad-missing-psk.xml 2>&1 >/dev/null); rc=$?
	check "import-aws of a bad file: non-zero, one line ($err)" sh -c \
		'[ "$1" != 0 ] && [ "$(echo "$2" | wc -l)" = 1 ] && echo "$2" | grep -q "^cgwctl: import-aws: "' sh "$rc" "$err"
else
	echo "skip import-aws: no $aws"
fi

# --- start -----------------------------------------------------------------
check "cgwd starts and listens on $S (as under systemd)" \
	start_cgwd NOTIFY_SOCKET="$NOTIFY" JOURNAL_STREAM=8:1234
check "sd_notify: READY=1 with a STATUS" sh -c \
	'tr -d "\n" < "$1" | grep -q "READY=1STATUS=2 tunnels: 0 up, [0-2] connecting, [0-2] down"' sh "$tmp/notify.log"
check "JOURNAL_STREAM: journald priority prefixes" sh -c \
	'grep -q "^<6>ctl: listening on " "$1" && grep -q "^<6>aws-prod/t1: configured" "$1"' sh "$LOG"
check "socket is mode 0660" test "$(stat -c %a "$S")" = 660
check "runtime directory created 0750" test "$(stat -c %a "$tmp/run")" = 750

out=$(ctl status); rc=$?
check "cgwctl status: exit 0" test "$rc" = 0
check "cgwctl status: header and one line per tunnel" sh -c '
	echo "$1" | head -n1 | grep -q "^NAME *STATE *REASON *IKE-AGE *CHILD-AGE *BGP *ROUTES$" &&
	echo "$1" | grep -Eq "^aws-prod/t1 *(down|connecting) " &&
	echo "$1" | grep -Eq "^aws-prod/t2 *(down|connecting) " &&
	[ "$(echo "$1" | wc -l)" = 3 ]' sh "$out"

json=$(ctl --json show tunnels); rc=$?
check "cgwctl --json show tunnels: exit 0, one line" \
	test "$rc" = 0 -a "$(echo "$json" | wc -l)" = 1
check "show tunnels: SPEC 5 keys on every tunnel" sh -c 'echo "$1" | jq -e "
	(.tunnels | length) == 2 and
	all(.tunnels[]; has(\"name\") and has(\"state\") and has(\"local\") and
	    has(\"remote\") and has(\"interface\") and has(\"inside\") and
	    has(\"peer_inside\") and has(\"ike\") and has(\"child_sas\") and has(\"bgp\"))" >/dev/null' sh "$json"
check "show tunnels: values of aws-prod/t1" sh -c 'echo "$1" | jq -e "
	.tunnels[0] | .name == \"aws-prod/t1\" and
	(.state == \"down\" or .state == \"connecting\") and
	.local == \"192.0.2.10\" and .remote == \"198.51.100.1\" and
	.inside == \"169.254.21.2/30\" and .peer_inside == \"169.254.21.1\" and
	.interface_name == \"cgw0\" and .ike.state != \"established\" and .child_sas == [] and
	.bgp.state == \"idle\" and .bgp.peer_asn == 64512" >/dev/null' sh "$json"
check "show tunnels: t2 gets interface cgw1" sh -c \
	'echo "$1" | jq -e ".tunnels[1].interface_name == \"cgw1\"" >/dev/null' sh "$json"
# This host has no XFRM interfaces: a name that is not in the kernel is null.
check "show tunnels: interface only while it exists" sh -c 'echo "$1" | jq -e "
	all(.tunnels[]; .interface == null or .interface == .interface_name)" >/dev/null' sh "$json"
check "show tunnels: no PSK in the output" sh -c \
	'! echo "$1" | grep -q -e Tunnel1Secret -e Tunnel2Secret' sh "$json"
check "cgwctl --json show routes: only our own networks, none installed" sh -c \
	'echo "$1" | jq -e "(.routes | length) >= 1 and
	    all(.routes[]; .from == \"local\" and .installed == false)" >/dev/null' \
	sh "$(ctl --json show routes)"
check "cgwctl show tunnels (table) lists both tunnels" sh -c \
	'"$1" -s "$2" show tunnels | grep -Eq "^aws-prod/t2 *(down|connecting) .* (cgw1|-) +192\.0\.2\.10 "' sh "$CGWCTL" "$S"

err=$(ctl frobnicate 2>&1); rc=$?
check "unknown command: non-zero exit ($err)" test "$rc" != 0
check "unknown command: names the known ones" test \
	"$err" = "cgwctl: unknown command 'frobnicate' (known: status, show, tunnel, reload, monitor, metrics)"
err=$(ctl tunnel up aws-prod/t9 2>&1); rc=$?
check "unknown tunnel: error naming the known ones ($err)" sh -c \
	'[ "$1" != 0 ] && echo "$2" | grep -q "known: aws-prod/t1, aws-prod/t2"' sh "$rc" "$err"
err=$(ctl tunnel rekey aws-prod/t1 2>&1); rc=$?
check "tunnel rekey while not up: clear error ($err)" sh -c \
	'[ "$1" != 0 ] && echo "$2" | grep -q "tunnel is not up"' sh "$rc" "$err"
err=$(ctl show nonsense 2>&1); rc=$?
check "show with a bad argument: usage error" sh -c \
	'[ "$1" != 0 ] && echo "$2" | grep -q "usage: show tunnels|sas|bgp|routes, show tunnel VPN/TUNNEL, show bgp advertised"' sh "$rc" "$err"

# --- abuse -----------------------------------------------------------------
out=$(printf 'this is not json\n{"command": "status"}\n' | raw)
check "malformed JSON: error reply, then the same connection answers" sh -c '
	[ "$(echo "$1" | wc -l)" = 2 ] &&
	echo "$1" | head -n1 | jq -e ".ok == false and (.error | test(\"malformed\"))" >/dev/null &&
	echo "$1" | tail -n1 | jq -e ".ok == true and (.result.tunnels | length) == 2" >/dev/null' sh "$out"
out=$(printf '{"command":"show","args":["tunnels"]}\n{"command":"status"}\n{"command":"nope"}\n' | raw)
check "three requests on one connection answered in order" sh -c '
	echo "$1" | jq -s -e "length == 3 and (.[0].result | has(\"tunnels\")) and
	    (.[1].result | has(\"uptime_s\")) and .[2].ok == false" >/dev/null' sh "$out"
head -c 4096 /dev/urandom | raw >/dev/null
check "4 KiB of random bytes: daemon still answers" alive
out=$(head -c 1048576 /dev/zero | tr '\0' a | raw)
check "1 MB request: 'request too large' ($out)" test \
	"$out" = '{"ok":false,"error":"request too large"}'
check "1 MB request: daemon still answers" alive
out=$( (printf '{"command":"status"}\n'; head -c 200000 /dev/zero | tr '\0' ' ') | raw)
check "oversized second request: first answered, then too large" sh -c '
	echo "$1" | jq -s -e "length == 2 and .[0].ok == true and .[1].error == \"request too large\"" >/dev/null' sh "$out"
check "after the oversized request: daemon still answers" alive

# Clients that connect and never write must not stall anyone.
hold 5
t0=$(date +%s%N)
check "5 silent clients connected: status answers" alive
t1=$(date +%s%N)
check "... in under 2 s ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 2000
unhold

# 64 clients at most: the 65th is told and closed; the others unaffected.
hold 64
out=$(printf '{"command":"status"}\n' | raw)
check "65th client: 'too many control clients'" sh -c \
	'echo "$1" | jq -e ".ok == false and (.error | test(\"too many\"))" >/dev/null' sh "$out"
unhold
sleep 0.3
check "clients gone: status answers again" alive

# Group members (uid 65534, group root) holding every slot they may, idle:
# root's cgwctl still gets an answer.
chmod 711 "$tmp"; chmod 750 "$tmp/run"
hold_nonroot() {	# N
	n=0
	while [ $n -lt "$1" ]; do
		setpriv --reuid=65534 --regid=0 --clear-groups \
			socat - "UNIX-CONNECT:$S" <"$tmp/hold" >/dev/null 2>&1 &
		idle_pids="$idle_pids $!"
		n=$((n + 1))
	done
	sleep 1
}
hold_nonroot 64
out=$(printf '{"command":"status"}\n' | raw)
check "64 idle non-root clients: root still answered" sh -c \
	'echo "$1" | jq -e ".ok == true" >/dev/null' sh "$out"
out=$(printf '{"command":"status"}\n' | setpriv --reuid=65534 --regid=0 --clear-groups \
	socat -t 3 - "UNIX-CONNECT:$S" 2>/dev/null)
check "... a 64th non-root client: 'too many control clients'" sh -c \
	'echo "$1" | jq -e ".ok == false and (.error | test(\"too many\"))" >/dev/null' sh "$out"
unhold
sleep 0.3
out=$(i=0; while [ $i -lt 60 ]; do printf '{"command":"status"}\n'; i=$((i + 1)); done | raw)
check "60 requests at once on one connection: the excess told the rate" sh -c '
	echo "$1" | jq -s -e "length == 60 and .[0].ok == true and
	    .[59].error == \"too many requests: at most 20 per second\"" >/dev/null' sh "$out"
# Sent and shut at once: the EOF may be read before the reply is written.
edge=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	out=$(head -c 65537 /dev/zero | tr '\0' a | raw)
	[ "$out" = '{"ok":false,"error":"request too large"}' ] || edge=$((edge + 1))
	out=$( (head -c 65537 /dev/zero | tr '\0' a; echo) | raw)
	[ "$out" = '{"ok":false,"error":"request too large"}' ] || edge=$((edge + 1))
done
check "requests of exactly 65,537 bytes (20, with and without newline): 'request too large' ($edge missing)" \
	test "$edge" = 0
check "no core dumps: core size limit 0" sh -c \
	'grep -q "^Max core file size *0 *0 " "/proc/$1/limits"' sh "$pid"

# --- reload ----------------------------------------------------------------
cp "$CONF" "$tmp/good.conf"
sed 's/remote 198.51.100.1/remote 198.51.100.x/' "$tmp/good.conf" > "$CONF"
err=$(ctl reload 2>&1); rc=$?
check "reload of a broken config: non-zero exit" test "$rc" != 0
check "reload error names file:line ($err)" sh -c \
	'echo "$1" | grep -q "^cgwctl: $2:12: "' sh "$err" "$CONF"
check "after the failed reload: still 2 tunnels, old remote" sh -c \
	'"$1" -s "$2" --json show tunnels | jq -e ".tunnels | length == 2 and .[0].remote == \"198.51.100.1\"" >/dev/null' \
	sh "$CGWCTL" "$S"
kill -HUP "$pid"
sleep 0.3
check "SIGHUP with the broken config: logged, daemon alive" sh -c \
	'grep -q "reload failed, keeping the running configuration" "$1" && kill -0 "$2"' sh "$LOG" "$pid"
check "sd_notify: STATUS says why the reload failed" sh -c \
	'tr -d "\n" < "$1" | grep -q "READY=1STATUS=reload failed: $2:12: remote"' sh "$tmp/notify.log" "$CONF"

write_conf 198.51.100.22
kill -HUP "$pid"
sleep 0.3
json=$(ctl --json show tunnels)
check "SIGHUP with t2's remote changed: applied" sh -c \
	'echo "$1" | jq -e ".tunnels[1].remote == \"198.51.100.22\" and .tunnels[0].remote == \"198.51.100.1\"" >/dev/null' sh "$json"
check "reload touched t2 only (log)" sh -c '
	grep -q "aws-prod/t2: configuration changed: remote" "$1" &&
	! grep -q "aws-prod/t1: configuration changed" "$1" &&
	grep -q "reloaded: 1 unchanged, 1 changed, 0 added, 0 removed" "$1"' sh "$LOG"

sed -i 's/psk "Tunnel2Secret_xyz"/psk "Tunnel2Secret_new"/' "$CONF"
out=$(ctl reload); rc=$?
check "cgwctl reload (PSK changed): exit 0 ($out)" test "$rc" = 0
check "PSK change detected as 'psk' for t2" grep -q "aws-prod/t2: configuration changed: psk" "$LOG"

cat >> "$CONF" <<'EOC'
vpn "aws-dev" {
    local 192.0.2.10
    tunnel "t1" { remote 203.0.113.1 inside 169.254.30.2/30 psk "DevSecret_12345" }
}
EOC
ctl reload >/dev/null
check "reload adding a vpn: 3 tunnels, new one on cgw2" sh -c \
	'"$1" -s "$2" --json show tunnels | jq -e "(.tunnels | length) == 3 and .tunnels[2].name == \"aws-dev/t1\" and .tunnels[2].interface_name == \"cgw2\"" >/dev/null' \
	sh "$CGWCTL" "$S"
write_conf 198.51.100.22
ctl reload >/dev/null
check "reload removing it: 2 tunnels" sh -c \
	'"$1" -s "$2" --json show tunnels | jq -e "(.tunnels | length) == 2" >/dev/null' sh "$CGWCTL" "$S"
check "sd_notify: RELOADING=1 then READY=1 around reloads" sh -c \
	'tr -d "\n" < "$1" | grep -q "RELOADING=1MONOTONIC_USEC=[0-9]*READY=1STATUS="' sh "$tmp/notify.log"

# --- one daemon per socket ---------------------------------------------------
# From another network namespace: in this one the instance lock would
# refuse it before the socket is tried (tests/system/netns_lock.sh).
out=$(unshare -n "$CGWD" -f "$CONF" -s "$S" 2>&1); rc=$?
check "second cgwd on the same socket refused (exit $rc)" sh -c \
	'[ "$1" != 0 ] && echo "$2" | grep -q "another cgwd is running on $3"' sh "$rc" "$out" "$S"
check "first cgwd still answers" alive

# Both processes: the kernel helper alone would remove the socket of a
# main process that died (privsep.sh).
helper=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)
kill -KILL $helper "$pid"; wait "$pid" 2>/dev/null; pid=""
check "after SIGKILL the socket is left behind (stale)" test -S "$S"
err=$(ctl status 2>&1); rc=$?
check "cgwctl without a daemon: non-zero, one line ($err)" sh -c \
	'[ "$1" != 0 ] && [ "$(echo "$2" | wc -l)" = 1 ] && echo "$2" | grep -q "cannot connect to .*(is cgwd running?)"' sh "$rc" "$err"
check "cgwd replaces the stale socket" start_cgwd NOTIFY_SOCKET="$NOTIFY"
check "... and answers" alive
check "stale socket removal logged" grep -q "removing stale socket" "$LOG"

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait "$pid"; rc=$?
pid=""
check "SIGTERM: cgwd exits 0" test "$rc" = 0
check "SIGTERM: socket removed" test ! -e "$S"
check "sd_notify: STOPPING=1 on SIGTERM" sh -c \
	'tr -d "\n" < "$1" | grep -q "STOPPING=1\$"' sh "$tmp/notify.log"
check "plain stderr logs without JOURNAL_STREAM" grep -q "^[0-9:.]* info    stopping (SIGTERM)" "$LOG"
check "cgwd starts again on the same path" start_cgwd
kill -INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait "$pid"; rc=$?
pid=""
check "SIGINT: cgwd exits 0 and removes the socket" test "$rc" = 0 -a ! -e "$S"
rm -rf "$tmp/run"
err=$(ctl status 2>&1)
check "cgwctl message when the socket is gone" test \
	"$err" = "cgwctl: cannot connect to $S: No such file or directory (is cgwd running?)"

# --- the shipped example -------------------------------------------------------
ex=contrib/examples/aws-two-tunnels.conf
if [ -f "$ex" ]; then
	S=$tmp/ex/cgwd.sock
	# Shipped 0644 as documentation; in use it holds keys, so 0600.
	install -m 0600 "$ex" "$tmp/example.conf"
	CONF=$tmp/example.conf
	check "cgwd -n $ex" sh -c '[ "$("$1" -n -f "$2")" = "configuration OK" ]' sh "$CGWD" "$CONF"
	check "cgwd runs $ex" start_cgwd
	json=$(ctl --json show tunnels)
	check "$ex: aws-prod/t1 and t2 on cgw0 and cgw1, no PSK" sh -c '
		echo "$1" | jq -e "[.tunnels[] | .name + \" \" + .interface_name] ==
		    [\"aws-prod/t1 cgw0\", \"aws-prod/t2 cgw1\"]" >/dev/null &&
		! echo "$1" | grep -q "Example.key"' sh "$json"
	kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
	check "$ex: clean stop" test "$rc" = 0 -a ! -e "$S"
else
	echo "skip the example: no $ex"
fi

check "no PSK in the daemon log" sh -c \
	'! grep -q -e Tunnel1Secret -e Tunnel2Secret -e DevSecret -e Example.key "$1"' sh "$LOG"
check "every state line names its tunnel" sh -c \
	'! grep -E "(down|connecting|up) -> " "$1" | grep -v -q "aws-[a-z]*/t[0-9]: "' sh "$LOG"

if [ $failed -gt 0 ]; then
	echo "--- cgwd log"; cat "$LOG"
	echo "ctl_socket: $failed checks failed"
	exit 1
fi
echo "ctl_socket: all checks passed"
