#!/bin/sh
# Under the journal (JOURNAL_STREAM naming stderr), cgwd's lines are
# journal entries with fields: TUNNEL=vpn/tunnel, PEER=, SPI=, PRIORITY=,
# SYSLOG_IDENTIFIER=cgwd, so `journalctl TUNNEL=v/t1` finds a tunnel's
# lines. journald need not run: in a mount namespace of its own, a socat
# on /run/systemd/journal/socket receives the entries as journald would
# (its native protocol: FIELD=value lines). Kernel lines name the
# tunnel they concern. With JOURNAL_STREAM naming
# another stream, the lines stay on stderr. When journald does run here,
# `journalctl TUNNEL=...` is checked as well. Runs as root.
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need ip socat unshare

tmp=$(mktemp -d /tmp/cgw-journal.XXXXXX)
trap cleanup EXIT INT TERM
ns=cgwjr$$
netns_add "$ns"
conf_one_tunnel "$tmp/cgwd.conf"

: >"$tmp/stderr"
stream=$(stat -c %d:%i "$tmp/stderr")
# In a private mount namespace: a fresh /run/systemd with the socket.
unshare -m sh -c '
	set -e
	mount --make-rprivate /
	mkdir -p /run/systemd
	mount -t tmpfs tmpfs /run/systemd
	mkdir /run/systemd/journal
	socat -u UNIX-RECV:/run/systemd/journal/socket \
	    "OPEN:$1/journal.log,creat,append" &
	sp=$!
	i=0; while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1)); done
	JOURNAL_STREAM=$2 ip netns exec "$3" "$4" -f "$1/cgwd.conf" \
	    -s "$1/cgwd.sock" 2>>"$1/stderr" &
	cp=$!
	sleep 3
	kill $cp; wait $cp || true
	sleep 0.2
	kill $sp
' sh "$tmp" "$stream" "$ns" "$CGWD" >"$tmp/unshare.log" 2>&1
check "cgwd ran with a journal socket (private mount namespace)" test $? = 0
sed 's/^/    /' "$tmp/unshare.log"
J=$tmp/journal.log
echo "entries received: $(grep -c '^MESSAGE=' "$J" 2>/dev/null)"
grep -a '^MESSAGE=\|^TUNNEL=' "$J" 2>/dev/null | head -n 12 | sed 's/^/    /'
check "entries carry SYSLOG_IDENTIFIER=cgwd" grep -aqx 'SYSLOG_IDENTIFIER=cgwd' "$J"
check "a tunnel's lines carry TUNNEL=v/t1" grep -aqx 'TUNNEL=v/t1' "$J"
check "the tunnel's transition is an entry of its own" \
    grep -aqx 'MESSAGE=v/t1: down -> connecting (initiating)' "$J"
check "kernel lines name their tunnel (policies of v/t1)" \
    grep -aq '^MESSAGE=v/t1: installed out/in/fwd IPv4 policies' "$J"
check "priorities are fields (PRIORITY=6 for info)" grep -aqx 'PRIORITY=6' "$J"
check "the stream stays empty (all went to the journal)" \
    sh -c '! grep -q "v/t1" "$1"' sh "$tmp/stderr"
check "no PSK in the journal" sh -c '! grep -aq Tunnel1Secret "$1"' sh "$J"

# JOURNAL_STREAM of another stream: plain lines with <N> on stderr.
: >"$tmp/stderr2"
JOURNAL_STREAM=8:1234 ip netns exec "$ns" "$CGWD" -f "$tmp/cgwd.conf" \
    -s "$tmp/cgwd.sock" 2>"$tmp/stderr2" &
cp=$!
until_true 50 grep -q "v/t1: down -> connecting" "$tmp/stderr2"
kill "$cp"; wait "$cp" 2>/dev/null
check "another stream: lines on stderr with <N>" \
    grep -q '^<6>v/t1: down -> connecting' "$tmp/stderr2"

# The real journal, where journald runs.
if command -v journalctl >/dev/null && [ -S /run/systemd/journal/socket ] &&
    command -v systemd-run >/dev/null && [ "$(ps -o comm= -p 1)" = systemd ]; then
	unit=cgwd-jtest-$$
	systemd-run --quiet --unit "$unit" -p Type=simple \
	    ip netns exec "$ns" "$(realpath "$CGWD")" -f "$tmp/cgwd.conf" \
	    -s "$tmp/cgwd.sock"
	sleep 3
	systemctl stop "$unit" 2>/dev/null
	check "journalctl TUNNEL=v/t1 finds the tunnel's lines" sh -c \
	    "journalctl -q --no-pager _SYSTEMD_UNIT=$unit.service TUNNEL=v/t1 |
	     grep -q 'v/t1: down -> connecting'"
else
	echo "skip journalctl TUNNEL=...: journald does not run here"
fi

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "journal: $failed check(s) failed"
	exit 1
fi
echo "journal: all checks passed"
