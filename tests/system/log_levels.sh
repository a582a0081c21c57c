#!/bin/sh
# Losing a tunnel (leaving "up" by DPD, DELETE, expiry) and losing a BGP
# session (leaving Established) are logged at warning, so that
# `journalctl -u cgwd -p warning` shows them; an operator's own
# `tunnel down` or a reload stays at info, as do the ordinary transitions.
#   - the tunnel state machine (daemon/tunnel.c), driven by a small program
#     built here against build/libcgw.a, logging with journald priorities;
#   - a real BGP session between two bgp/ speakers (tests/tools/bgp_speaker)
#     in two network namespaces, one of which is then killed.
# Runs as root. Exit 0 = pass.
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
B=${B:-build}
SPEAKER=$B/tests/tools/bgp_speaker
need ip cc pkg-config
[ -f "$B/libcgw.a" ] || { echo "FAIL: build $B/libcgw.a first (make all)"; exit 1; }
[ -x "$SPEAKER" ] || { echo "FAIL: $SPEAKER not built (make tools)"; exit 1; }

tmp=$(mktemp -d /tmp/cgw-loglvl.XXXXXX)
trap cleanup EXIT INT TERM

# --- the tunnel state machine ---------------------------------------------
cat >"$tmp/drive.c" <<'EOC'
#include <stdio.h>
#include "daemon/cgwd.h"
#include "daemon/tunnel.h"
#include "lib/log.h"

int
main(int argc, char *argv[])
{
	struct conf_problems problems;
	struct conf *conf;
	struct tunnel *t;

	(void)argc;
	TAILQ_INIT(&problems);
	if ((conf = conf_load(argv[1], &problems)) == NULL) {
		conf_problems_print(stderr, &problems);
		return 1;
	}
	log_init(0, 1);		/* journald: <priority> prefixes */
	t = tunnel_new(NULL, conf_tunnel_find(conf, "v/t1"), "cgw0");
	tunnel_event(t, TUNNEL_EV_START, "initiating");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD SA installed");
	tunnel_event(t, TUNNEL_EV_LOST, "DPD timeout");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD SA installed");
	tunnel_event(t, TUNNEL_EV_DEAD, "peer deleted the IKE SA");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD SA installed");
	tunnel_event(t, TUNNEL_EV_ADMIN_DOWN, "tunnel down");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD SA installed");
	tunnel_event(t, TUNNEL_EV_RECONFIG, "configuration changed");
	return 0;
}
EOC
# shellcheck disable=SC2046
if cc -std=c11 -D_GNU_SOURCE -I. -I"$B" $(pkg-config --cflags libxml-2.0) \
    -o "$tmp/drive" "$tmp/drive.c" "$B/libcgw.a" \
    $(pkg-config --libs libcrypto libevent libmnl libnftnl jansson libsystemd libxml-2.0 libseccomp) \
    >"$tmp/cc.log" 2>&1; then
	conf_one_tunnel "$tmp/t.conf"
	chmod 600 "$tmp/t.conf"
	"$tmp/drive" "$tmp/t.conf" >"$tmp/drive.out" 2>&1
	check "tunnel driver runs" test $? = 0
	echo "tunnel log:"; sed 's/^/    /' "$tmp/drive.out"
	has() { grep -qxF "$1" "$tmp/drive.out"; }
	check "up -> connecting (DPD timeout) at warning" \
	    has "<4>v/t1: up -> connecting (DPD timeout)"
	check "up -> down (peer deleted the IKE SA) at warning" \
	    has "<4>v/t1: up -> down (peer deleted the IKE SA)"
	check "down -> up at info" has "<6>v/t1: down -> up (CHILD SA installed)"
	check "up -> down by the operator (tunnel down) at info" \
	    has "<6>v/t1: up -> down (tunnel down)"
	check "up -> down on a reload (configuration changed) at info" \
	    has "<6>v/t1: up -> down (configuration changed)"
	check "down -> connecting and connecting -> up at info" sh -c \
	    'grep -qxF "<6>v/t1: down -> connecting (initiating)" "$1" &&
	     grep -qxF "<6>v/t1: connecting -> up (CHILD SA installed)" "$1"' \
	    sh "$tmp/drive.out"
else
	bad "build the tunnel driver:"; sed 's/^/    /' "$tmp/cc.log"
fi

# --- a BGP session between two speakers -----------------------------------
na=cgwla$$; nb=cgwlb$$
netns_add "$na"
netns_add "$nb"
ip link add "la$$" netns "$na" type veth peer name "lb$$" netns "$nb"
ip -n "$na" addr add 169.254.21.2/30 dev "la$$"
ip -n "$nb" addr add 169.254.21.1/30 dev "lb$$"
ip -n "$na" link set "la$$" up
ip -n "$nb" link set "lb$$" up
mkfifo "$tmp/cmd_a" "$tmp/cmd_b"
exec 7<>"$tmp/cmd_a" 8<>"$tmp/cmd_b"	# stdin that stays open
ip netns exec "$na" "$SPEAKER" -a 65000 -i 169.254.21.2 -n 10.224.0.0/12 \
    -P name=t1,remote=169.254.21.1,as=64512,local=169.254.21.2,hold=9,retry=1 \
    <"$tmp/cmd_a" >"$tmp/a.out" 2>"$tmp/a.err" &
pids="$pids $!"
ip netns exec "$nb" "$SPEAKER" -a 64512 -i 169.254.21.1 -n 172.31.0.0/16 \
    -P name=vgw,remote=169.254.21.2,as=65000,local=169.254.21.1,hold=9,retry=1 \
    <"$tmp/cmd_b" >"$tmp/b.out" 2>"$tmp/b.err" &
pid_b=$!
pids="$pids $pid_b"
if until_true 200 grep -q "^STATE t1 .* Established$" "$tmp/a.out"; then
	ok "BGP session t1 Established"
	check "entering Established is logged at info" \
	    grep -q " info *t1: OpenConfirm -> Established" "$tmp/a.err"
	kill "$pid_b"; wait "$pid_b" 2>/dev/null
	if until_true 150 grep -q "t1: Established -> " "$tmp/a.err"; then
		line=$(grep "t1: Established -> " "$tmp/a.err" | head -n 1)
		check "leaving Established (peer gone) at warning ($line)" sh -c \
		    'echo "$1" | grep -q "^[0-9:.]* warning t1: Established -> "' \
		    sh "$line"
	else
		bad "t1 left Established after the peer was killed"
		sed 's/^/    /' "$tmp/a.err" | tail -n 20
	fi
else
	bad "BGP session t1 Established:"
	sed 's/^/    /' "$tmp/a.out" "$tmp/a.err" | tail -n 20
fi
exec 7>&- 8>&-

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "log_levels: $failed check(s) failed"
	exit 1
fi
echo "log_levels: all checks passed"
