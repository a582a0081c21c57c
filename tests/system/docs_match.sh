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
	mandoc -T ascii "$1" | col -bx | sed 's/^[[:space:]]*//'
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
	# By the header's character columns: a cell may hold spaces
	# ("peer not answering").
	vals=$(awk -v col="$col" '
		NR == 1 {
			h = $0 " "
			if ((s = index(h, col " ")) == 0) exit
			rest = substr(h, s + length(col))
			match(rest, /^ +/)
			w = length(col) + RLENGTH
			if (RLENGTH == length(rest)) w = 0	# the last column
			next
		}
		s { v = w ? substr($0, s, w) : substr($0, s)
		    gsub(/^ +| +$/, "", v); gsub(/ /, "_", v); print v }' "$tmp/ex")
	for v in $vals; do
		check "cgwctl(8) 'cgwctl $cmd' example: $col '$v' is what cgwctl prints" \
		    sh -c 'for a in $2; do [ "$1" = "$a" ] && exit 0; done; exit 1' \
		    sh "$v" "$allowed"
	done
}
example status STATE "$tunnel_states"
# daemon/tunnel.c tunnel_reason_class; a space in a cell reads as "_".
reasons="- admin_down peer_not_answering auth_failed no_proposal_chosen
    ts_unacceptable kernel_error sa_deleted sa_expired child_sa_down ike_error
    reconfigured removed not_started connecting down"
example status REASON "$reasons"
example "show tunnels" REASON "$reasons"
example status BGP "$bgp_states"
example "show tunnels" STATE "$tunnel_states"
example "show tunnels" IKE "established connecting"
example "show tunnels" BGP "$bgp_states"
example "show bgp advertised" STATE "$bgp_states"
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

# --- options and commands: usage <-> man page --------------------------------
# mandoc's markdown keeps the structure: "# SECTION" lines, and a tag list
# item's head is a line of its own, starting with "**", between blank lines.
render_md() {
	mandoc -T markdown "$1" | sed 's/&nbsp;/ /g; s/\\//g'
}
section() {	# NAME: the lines of that section of the page on stdin
	awk -v s="# $1" '/^# / { on = ($0 == s); next } on'
}
heads() {	# the top-level tag list heads of the text on stdin
	awk '{ l[NR] = $0 } END {
		for (i = 2; i < NR; i++)
			if (l[i] ~ /^\*\*/ && l[i - 1] == "" && l[i + 1] == "")
				print l[i] }' | tr -d '*'
}
options() {	# every -x / --xx in the text on stdin; -abc is -a -b -c
	tr -d '*' | grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' |
	    sed 's/^[^-]*//' | while read -r o; do
		case $o in
		--*) echo "$o" ;;
		*) echo "${o#-}" | fold -w1 | sed 's/^/-/' ;;
		esac
	done | sort -u
}
compare() {	# what page usage-list page-list (one item a line)
	old_ifs=$IFS; IFS='
'
	for x in $3; do
		echo "$4" | grep -qxF -- "$x" && ok "$1 '$x' is in $2(8)" ||
		    bad "$1 '$x' of the usage is not in $2(8)"
	done
	for x in $4; do
		echo "$3" | grep -qxF -- "$x" && ok "$1 '$x' of $2(8) is in the usage" ||
		    bad "$1 '$x' of $2(8) is not in the usage ($2 -h)"
	done
	IFS=$old_ifs
}

for prog in cgwd cgwctl; do
	case $prog in cgwd) bin=$CGWD ;; cgwctl) bin=$CGWCTL ;; esac
	"$bin" -h >"$tmp/usage" 2>&1 || { bad "$prog -h"; continue; }
	render_md "contrib/man/$prog.8" >"$tmp/page.md"
	u_opts=$(options <"$tmp/usage")
	m_opts=$( { section SYNOPSIS <"$tmp/page.md"
		heads <"$tmp/page.md" | grep '^-'; } | options)
	check "$prog -h lists options" test -n "$u_opts"
	check "$prog(8) lists options" test -n "$m_opts"
	compare option "$prog" "$u_opts" "$m_opts"
done

# cgwctl's commands: the usage's "  word [a|b|c] ..." lines; the page's
# COMMANDS list heads and the commands named in its SYNOPSIS.
"$CGWCTL" -h >"$tmp/usage"
u_cmds=$(sed -n 's/^  \([a-z][a-z-]*\)\( [a-z|]*[a-z]\)\{0,1\}\( .*\)\{0,1\}$/\1\2/p' \
    "$tmp/usage" | while read -r c w; do
	if [ -n "$w" ]; then
		echo "$w" | tr '|' '\n' | sed "s/^/$c /"
	else
		echo "$c"
	fi
done | sort -u)
render_md contrib/man/cgwctl.8 >"$tmp/page.md"
m_cmds=$( { section COMMANDS <"$tmp/page.md" | heads |
	sed 's/ [A-Za-z]*[^a-z ].*//; s/ \[.*//' | awk '{ print $1, $2 }' |
	sed 's/ $//; s/ name$//; s/ file$//'
	section SYNOPSIS <"$tmp/page.md" | grep -E '^\*\*[a-z][a-z-]*\*\*$' |
	    tr -d '*' | grep -vx cgwctl; } | sort -u)
check "cgwctl -h lists commands" test -n "$u_cmds"
check "cgwctl(8) lists commands" test -n "$m_cmds"
compare command cgwctl "$u_cmds" "$m_cmds"

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "docs_match: $failed check(s) failed"
	exit 1
fi
echo "docs_match: all checks passed"
