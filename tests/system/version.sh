#!/bin/sh
# `cgwd --version` and `cgwctl --version` (and -V) print the Makefile's
# VERSION and the git revision the binaries were built from; a build from
# a tarball (no .git) works and says "unknown". Exit 0 = pass.
#   CGWD=/path/cgwd CGWCTL=/path/cgwctl   test other binaries
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
need make cc

tmp=$(mktemp -d /tmp/cgw-version.XXXXXX)
trap cleanup EXIT INT TERM

version=$(sed -n 's/^VERSION[[:space:]]*?*=[[:space:]]*\([^[:space:]]*\).*/\1/p' Makefile)
check "Makefile has a VERSION ('$version')" test -n "$version"

# The revision a binary names is a commit of this repository (it may be
# older than HEAD: the binary was built before the last commit).
known_rev() {	# revision
	r=${1%-dirty}
	[ -n "$r" ] && [ "$r" != unknown ] &&
	    git rev-parse -q --verify "$r^{commit}" >/dev/null 2>&1
}

for prog in "$CGWD" "$CGWCTL"; do
	name=$(basename "$prog")
	for opt in --version -V; do
		out=$("$prog" $opt 2>"$tmp/err"); rc=$?
		check "$name $opt: exit 0, nothing on stderr (rc $rc)" \
		    sh -c '[ "$1" = 0 ] && [ ! -s "$2" ]' sh "$rc" "$tmp/err"
		check "$name $opt: one line '$name $version (revision ...)' ($out)" \
		    sh -c 'echo "$1" | grep -qx "$2 $3 (revision [^ ]*)"' sh \
		    "$out" "$name" "$version"
		rev=$(echo "$out" | sed -n 's/.*(revision \([^ ]*\))$/\1/p')
		if [ -e .git ]; then
			check "$name $opt: revision '$rev' is a commit here" known_rev "$rev"
		fi
	done
done

# A release tarball: the tree without .git and without build products.
mkdir "$tmp/src"
tar -C . --exclude=./.git --exclude=./build --exclude=./cgwd \
    --exclude=./cgwctl -cf - . | tar -C "$tmp/src" -xf -
if make -C "$tmp/src" -s -j2 cgwd cgwctl >"$tmp/make.log" 2>&1; then
	ok "a tree without .git builds"
	check "no git complaint in the tarball build" \
	    sh -c '! grep -qi "fatal\|not a git repository" "$1"' sh "$tmp/make.log"
	out=$("$tmp/src/cgwd" --version 2>&1)
	check "tarball cgwd --version says revision unknown ($out)" \
	    test "$out" = "cgwd $version (revision unknown)"
	out=$("$tmp/src/cgwctl" --version 2>&1)
	check "tarball cgwctl --version says revision unknown ($out)" \
	    test "$out" = "cgwctl $version (revision unknown)"
else
	bad "a tree without .git builds:"; tail -n 20 "$tmp/make.log" | sed 's/^/    /'
fi

if [ "$failed" -ne 0 ]; then
	echo "version: $failed check(s) failed"
	exit 1
fi
echo "version: all checks passed"
