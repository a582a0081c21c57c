#!/bin/sh
# `make install DESTDIR=... PREFIX=/usr` puts every file where an operator
# and systemd look for it: the programs, the unit (pointing at the
# installed cgwd), the example configs (which the installed cgwd accepts),
# the man pages (each rendering without a warning) and the bash completion;
# /etc/cgwd is 0700 and `make uninstall` takes it all away again. Needs
# `make all` first; does not rebuild (make -o), so it tests the install
# rules, not the compiler; but for PREFIX=/opt/cgw SYSCONFDIR=/opt/cgw/etc
# (the compiled-in default configuration path follows SYSCONFDIR) it
# builds a copy of the tree in a temporary directory (what SYSCONFDIR
# changes is rebuilt there). Exit 0 = pass.
set -u
cd "$(dirname "$0")/../.."

failed=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() {	# description command...
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}

[ -x cgwd ] && [ -x cgwctl ] || { echo "FAIL: run make all first"; exit 1; }
command -v man >/dev/null || { echo "FAIL: man not installed (man-db)"; exit 1; }

tmp=$(mktemp -d /tmp/cgw-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
D=$tmp/root

# -o: cgwd and cgwctl count as up to date; a half-edited source elsewhere
# in the tree must not turn this into a build test.
if ! make -s -o cgwd -o cgwctl install DESTDIR="$D" PREFIX=/usr \
    >"$tmp/make.log" 2>&1; then
	echo "FAIL make install:"; sed 's/^/    /' "$tmp/make.log"
	exit 1
fi
ok "make install DESTDIR=... PREFIX=/usr"
echo "installed:"; (cd "$D" && find . -type f | sort | sed 's/^\./    /')

mode_is() {	# file mode
	[ -f "$1" ] && [ "$(stat -c %a "$1")" = "$2" ]
}

# Programs
check "usr/sbin/cgwd, mode 755" mode_is "$D/usr/sbin/cgwd" 755
check "usr/bin/cgwctl, mode 755" mode_is "$D/usr/bin/cgwctl" 755
check "installed cgwd runs (-h)" sh -c "'$D/usr/sbin/cgwd' -h >/dev/null"
check "installed cgwctl runs (help)" sh -c "'$D/usr/bin/cgwctl' help >/dev/null"

# systemd unit
unit=$D/lib/systemd/system/cgwd.service
check "lib/systemd/system/cgwd.service, mode 644" mode_is "$unit" 644
if [ -f "$unit" ]; then
	for key in ExecStart ExecStartPre; do
		bin=$(sed -n "s/^$key=\([^ ]*\).*/\1/p" "$unit")
		check "unit $key runs the installed cgwd (/usr/sbin/cgwd, is '$bin')" \
		    test "$bin" = /usr/sbin/cgwd
		check "unit $key reads /etc/cgwd/cgwd.conf" \
		    grep -q "^$key=.* -f /etc/cgwd/cgwd.conf\( \|\$\)" "$unit"
	done
	check "unit is Type=notify" grep -q '^Type=notify' "$unit"
	check "unit reloads through the installed cgwctl" \
	    grep -qx 'ExecReload=/usr/bin/cgwctl reload' "$unit"
fi
check "etc/cgwd/ exists, mode 700 (it holds keys)" sh -c \
    '[ -d "$1" ] && [ "$(stat -c %a "$1")" = 700 ]' sh "$D/etc/cgwd"
check "installed cgwd -h names the default /etc/cgwd/cgwd.conf" sh -c \
    "'$D/usr/sbin/cgwd' -h | grep -q '^  -f FILE .*(default /etc/cgwd/cgwd.conf)'"
check "no empty man1 directory" test ! -e "$D/usr/share/man/man1"

# Example configurations
ex=$D/usr/share/doc/cgwd/examples
n=0
for f in contrib/examples/*.conf; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	b=$(basename "$f")
	check "examples/$b, mode 644, same as contrib/" \
	    sh -c "[ \"\$(stat -c %a '$ex/$b')\" = 644 ] && cmp -s '$f' '$ex/$b'"
	# Documentation is 0644; a copy in use holds keys, so 0600.
	install -m 0600 "$ex/$b" "$tmp/in-use.conf"
	check "installed cgwd -n accepts examples/$b (as a 0600 copy)" \
	    sh -c "'$D/usr/sbin/cgwd' -n -f '$tmp/in-use.conf' >/dev/null 2>&1"
done
check "at least one example config" test "$n" -gt 0

# Man pages: the three pages exist, land in their sections and render.
for p in cgwd.8 cgwctl.8 cgwd.conf.5; do
	check "contrib/man/$p exists" test -f "contrib/man/$p"
done
for src in contrib/man/*.[158]; do
	[ -f "$src" ] || continue
	p=$(basename "$src")
	s=${p##*.}
	page=$D/usr/share/man/man$s/$p
	if ! mode_is "$page" 644; then
		bad "usr/share/man/man$s/$p, mode 644"
		continue
	fi
	ok "usr/share/man/man$s/$p, mode 644"
	# --warnings=w: every groff warning; man -l renders as `man` would.
	MANWIDTH=80 man --warnings=w -l "$page" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		bad "man -l $p renders without warnings (rc $rc):"
		sed 's/^/    /' "$tmp/err"
	else
		ok "man -l $p renders without warnings"
	fi
	name=${p%.*}
	check "$p has NAME and DESCRIPTION naming $name" sh -c \
	    "grep -q '^NAME' '$tmp/out' && grep -q '^DESCRIPTION' '$tmp/out' &&
	     grep -q '$name' '$tmp/out'"
	if command -v mandoc >/dev/null; then
		if mandoc -T lint -W warning "$page" >"$tmp/lint" 2>&1; then
			ok "mandoc -T lint $p"
		else
			bad "mandoc -T lint $p:"; sed 's/^/    /' "$tmp/lint"
		fi
	fi
done

# bash completion
comp=$D/usr/share/bash-completion/completions/cgwctl
check "usr/share/bash-completion/completions/cgwctl, mode 644" mode_is "$comp" 644
if [ -f "$comp" ] && command -v bash >/dev/null; then
	check "completion parses and registers cgwctl" bash -c \
	    ". '$comp' && complete -p cgwctl | grep -q _cgwctl"
fi

# make uninstall takes away what make install put, nothing else.
if make -s -o cgwd -o cgwctl uninstall DESTDIR="$D" PREFIX=/usr \
    >"$tmp/make.log" 2>&1; then
	ok "make uninstall DESTDIR=... PREFIX=/usr"
	left=$(cd "$D" && find . ! -type d | sort | tr '\n' ' ')
	check "uninstall leaves no file (left: $left)" test -z "$left"
	for d in etc/cgwd usr/share/doc/cgwd; do
		check "uninstall removes $d/" test ! -e "$D/$d"
	done
else
	bad "make uninstall:"; sed 's/^/    /' "$tmp/make.log"
fi

# Another PREFIX and SYSCONFDIR, from a copy of the tree (built there,
# so the compiled-in default follows SYSCONFDIR): the unit, the default
# configuration path and the directories all follow. The copy takes the
# objects of the default build along: make must rebuild what depends on
# SYSCONFDIR (the `cgwd -h` check below fails otherwise) and may keep the
# rest, which saves compiling the whole tree once more (deb.sh builds it
# from a clean copy already).
D2=$tmp/root2
mkdir "$tmp/src"
tar -C . --exclude=./.git --exclude=./build --exclude=./cgwd \
    --exclude=./cgwctl -cf - . | tar -C "$tmp/src" -xf -
if [ "${B:-build}" = build ]; then
	mkdir "$tmp/src/build"
	for p in lib conf ike esp xfrm nft bgp daemon; do
		[ -d "build/$p" ] && cp -a "build/$p" "$tmp/src/build/"
	done
	cp -a build/*.h "$tmp/src/build/" 2>/dev/null
fi
if make -C "$tmp/src" -s -j2 install DESTDIR="$D2" PREFIX=/opt/cgw \
    SYSCONFDIR=/opt/cgw/etc >"$tmp/make.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/opt/cgw SYSCONFDIR=/opt/cgw/etc"
	echo "installed:"; (cd "$D2" && find . -type f | sort | sed 's/^\./    /')
	unit2=$D2/lib/systemd/system/cgwd.service
	check "opt/cgw/sbin/cgwd, mode 755" mode_is "$D2/opt/cgw/sbin/cgwd" 755
	check "opt/cgw/bin/cgwctl, mode 755" mode_is "$D2/opt/cgw/bin/cgwctl" 755
	check "opt/cgw/etc/cgwd/, mode 700" sh -c \
	    '[ -d "$1" ] && [ "$(stat -c %a "$1")" = 700 ]' sh "$D2/opt/cgw/etc/cgwd"
	check "installed cgwd -h names the default /opt/cgw/etc/cgwd/cgwd.conf" sh -c \
	    "'$D2/opt/cgw/sbin/cgwd' -h | grep -q '(default /opt/cgw/etc/cgwd/cgwd.conf)'"
	check "unit ExecStartPre is /opt/cgw/sbin/cgwd -n -f /opt/cgw/etc/cgwd/cgwd.conf" \
	    grep -qx 'ExecStartPre=/opt/cgw/sbin/cgwd -n -f /opt/cgw/etc/cgwd/cgwd.conf' "$unit2"
	check "unit ExecStart is /opt/cgw/sbin/cgwd -f /opt/cgw/etc/cgwd/cgwd.conf" \
	    grep -qx 'ExecStart=/opt/cgw/sbin/cgwd -f /opt/cgw/etc/cgwd/cgwd.conf' "$unit2"
	check "unit ExecReload is /opt/cgw/bin/cgwctl reload" \
	    grep -qx 'ExecReload=/opt/cgw/bin/cgwctl reload' "$unit2"
	check "unit names no /usr/local nor /etc/cgwd" sh -c \
	    '! grep -Eq "/usr/local|[ =]/etc/cgwd" "$1"' sh "$unit2"
	check "examples in opt/cgw/share/doc/cgwd/examples/" \
	    test -f "$D2/opt/cgw/share/doc/cgwd/examples/aws-two-tunnels.conf"
	check "man pages in opt/cgw/share/man/" test -f "$D2/opt/cgw/share/man/man8/cgwd.8"
	# An operator's configuration survives uninstall, and its directory.
	echo "asn 65000" >"$D2/opt/cgw/etc/cgwd/cgwd.conf"
	if make -C "$tmp/src" -s uninstall DESTDIR="$D2" PREFIX=/opt/cgw \
	    SYSCONFDIR=/opt/cgw/etc >"$tmp/make.log" 2>&1; then
		left=$(cd "$D2" && find . ! -type d | sort | tr '\n' ' ')
		check "uninstall keeps only the operator's cgwd.conf (left: $left)" \
		    test "$left" = "./opt/cgw/etc/cgwd/cgwd.conf "
	else
		bad "make uninstall PREFIX=/opt/cgw:"; sed 's/^/    /' "$tmp/make.log"
	fi
else
	bad "make install PREFIX=/opt/cgw SYSCONFDIR=/opt/cgw/etc:"
	tail -n 20 "$tmp/make.log" | sed 's/^/    /'
fi

if [ $failed -ne 0 ]; then
	echo "install: $failed check(s) failed"
	exit 1
fi
echo "install: all checks passed"
