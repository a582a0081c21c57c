#!/bin/sh
# The bash completion (contrib/completion/cgwctl.bash) against the real
# program: at each position it offers exactly what `cgwctl -h` lists (the
# commands, the options before the command, show's and tunnel's words,
# import-aws's options), and `tunnel up <TAB>` offers every tunnel of a
# running cgwd once. Runs the completion function in bash with COMP_WORDS
# and COMP_CWORD set, as bash does. Runs as root (cgwd in a namespace).
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need bash ip

comp=contrib/completion/cgwctl.bash
tmp=$(mktemp -d /tmp/cgw-comp.XXXXXX)
ns=cgwcmp$$
S=$tmp/cgwd.sock
trap cleanup EXIT INT TERM

# The cgwctl under test, first on PATH, as the completion calls `cgwctl`.
mkdir "$tmp/bin"
ln -s "$(cd "$(dirname "$CGWCTL")" && pwd)/$(basename "$CGWCTL")" "$tmp/bin/cgwctl"

# complete WORD...: the words of the command line, the last one being
# completed; prints COMPREPLY sorted, one per line.
complete_words() {
	PATH="$tmp/bin:$PATH" bash -c '
		. "$1"; shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_cgwctl
		printf "%s\n" "${COMPREPLY[@]}"' bash "$comp" "$@" | sort
}
# same WORDS...: the completion at `cgwctl WORDS ""` is exactly the list
# in $want (one per line, sorted).
same() {
	got=$(complete_words cgwctl "$@" "")
	if [ "$got" = "$want" ]; then
		ok "cgwctl $* <TAB>: $(echo "$want" | tr '\n' ' ')"
	else
		bad "cgwctl $* <TAB>: want '$(echo "$want" | tr '\n' ' ')' got '$(echo "$got" | tr '\n' ' ')'"
	fi
}
words() { tr ' |' '\n\n' | sed '/^$/d' | sort -u; }

"$CGWCTL" -h >"$tmp/usage" || { echo "FAIL: cgwctl -h"; exit 1; }
# Commands: the usage's lines "  word ..." (options are "  -x ...").
cmds=$(sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' "$tmp/usage")
# Options before the command: every -x / --xx on the usage's option lines.
opts=$(grep '^  -' "$tmp/usage" | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z-]*' |
    tr -d ' ,')
sub() {	# command: its words in the usage, "show tunnels|sas|..." -> list
	sed -n "s/^  $1 \([a-z|]*\) .*/\1/p" "$tmp/usage" | words
}
check "usage lists commands ($(echo $cmds))" test -n "$cmds"
check "usage lists options ($(echo $opts))" test -n "$opts"

# The first word: every command and every option, nothing else.
want=$(echo "$cmds $opts" | words)
same
want=$(echo "$opts" | grep -- '^--' | words)
got=$(complete_words cgwctl --)
check "cgwctl --<TAB>: the long options only ($(echo $got))" test "$got" = "$want"
# After an option (and its argument), still the commands and options.
want=$(echo "$cmds $opts" | words)
same -j
same --json
same -s /run/x.sock
same --socket /run/x.sock
# show and tunnel: their words from the usage.
for c in show tunnel; do
	want=$(sub $c)
	check "usage has words for $c" test -n "$want"
	same $c
	same --json -s /run/x.sock $c
done
# import-aws's options, from its usage lines (the first and the indented
# ones continuing it).
want=$(awk '/^  import-aws / { on = 1; print; next }
	on && /^ +\[/ { print; next } { on = 0 }' "$tmp/usage" |
	grep -oE -- '--[a-z-]+' | words)
got=$(complete_words cgwctl import-aws vpn.xml --)
check "cgwctl import-aws FILE --<TAB>: $(echo $want)" test "$got" = "$want"
# A socket argument completes file names.
touch "$tmp/a-socket"
got=$(complete_words cgwctl -s "$tmp/a-s")
check "cgwctl -s PATH<TAB>: file names ($got)" test "$got" = "$tmp/a-socket"
got=$(complete_words cgwctl --socket "$tmp/a-s")
check "cgwctl --socket PATH<TAB>: file names ($got)" test "$got" = "$tmp/a-socket"

# Tunnel names from a running cgwd, on the socket given with -s/--socket.
netns_add "$ns"
cat >"$tmp/cgwd.conf" <<EOC
asn 65000
router-id 192.0.2.10
vpn "v" {
    local 192.0.2.10
    peer-asn 64512
    tunnel "t1" { remote 198.51.100.1 inside 169.254.21.2/30 psk "Tunnel1Secret_abc" }
    tunnel "t2" { remote 198.51.100.2 inside 169.254.22.2/30 psk "Tunnel2Secret_xyz" }
}
EOC
chmod 600 "$tmp/cgwd.conf"
ip netns exec "$ns" "$CGWD" -f "$tmp/cgwd.conf" -s "$S" >"$tmp/cgwd.log" 2>&1 &
pids="$!"
until_true 100 "$CGWCTL" -s "$S" status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }
want=$(printf 'v/t1\nv/t2')
for verb in $(sub tunnel); do
	same -s "$S" tunnel "$verb"
done
same --socket "$S" tunnel up
same --json --socket "$S" tunnel rekey
same -s "$S" show tunnel
want=advertised
same -s "$S" show bgp
want=$(printf 'v/t2')
got=$(complete_words cgwctl -s "$S" tunnel down v/t2)
check "cgwctl tunnel down v/t2<TAB>: v/t2 once ($got)" test "$got" = "$want"
want=""
same -s "$S" tunnel up v/t1

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "completion: $failed check(s) failed"
	exit 1
fi
echo "completion: all checks passed"
