#!/bin/sh
# `make deb` builds a Debian package (debhelper) into build/deb/, and the
# package installs into a fresh root (dpkg --root: an empty dpkg
# database, nothing else): the programs run, the unit names them and
# passes `systemd-analyze verify` in that root, keeps its hardening
# (`systemd-analyze security --offline`: exposure at most 2.8) and its
# watchdog; man pages, completion and examples are where Debian keeps
# them; /etc/cgwd is 0700; a purge leaves nothing but what the operator
# wrote. The package is rebuilt only when a tracked file is newer than
# it (CGW_DEB_REBUILD=1 always): a build takes a minute or more on two
# cores. Runs as root.
set -u
cd "$(dirname "$0")/../.."
. tests/system/checks.inc
B=${B:-build}
for t in dpkg-buildpackage dh fakeroot dpkg systemd-analyze; do
	command -v $t >/dev/null || { echo "FAIL: $t not installed (make deps)"; exit 1; }
done

tmp=$(mktemp -d /tmp/cgw-deb.XXXXXX)
trap cleanup EXIT INT TERM
V=$(sed -n 's/^VERSION[[:space:]]*?=[[:space:]]*//p' Makefile)
DEB=$B/deb/cgwd_${V}_$(dpkg --print-architecture).deb

stale=1
if [ -f "$DEB" ] && [ -z "${CGW_DEB_REBUILD:-}" ]; then
	stale=0
	if [ -e .git ]; then
		newer=$(git ls-files -z | xargs -0 -r -I{} find {} -prune -newer "$DEB" \
		    2>/dev/null | head -n 1)
		[ -z "$newer" ] || { echo "rebuilding: $newer is newer"; stale=1; }
	fi
fi
if [ $stale = 1 ]; then
	if make -s deb B="$B" >"$tmp/make.log" 2>&1; then
		ok "make deb"
	else
		bad "make deb:"; tail -n 30 "$tmp/make.log" | sed 's/^/    /'
		exit 1
	fi
else
	ok "make deb (reused $DEB)"
fi
check "the package is in $B/deb/" test -f "$DEB"
check "nothing of the build left in the tree" sh -c \
    '! ls ../cgwd_* ./*.deb ./*.changes ./*.buildinfo debian/cgwd \
	debian/files >/dev/null 2>&1'
echo "contents:"; dpkg-deb -c "$DEB" | awk '{print "    " $1 " " $6}'

has() {	# mode path (as dpkg-deb -c prints them)
	dpkg-deb -c "$DEB" | awk -v m="$1" -v p="./$2" \
	    '$1 == m && $6 == p { f = 1 } END { exit !f }'
}
check "usr/sbin/cgwd 0755" has -rwxr-xr-x usr/sbin/cgwd
check "usr/bin/cgwctl 0755" has -rwxr-xr-x usr/bin/cgwctl
check "lib/systemd/system/cgwd.service 0644" has -rw-r--r-- lib/systemd/system/cgwd.service
check "etc/cgwd/ 0700 (it holds keys)" has drwx------ etc/cgwd/
for m in man8/cgwd.8.gz man8/cgwctl.8.gz man5/cgwd.conf.5.gz; do
	check "usr/share/man/$m" has -rw-r--r-- "usr/share/man/$m"
done
check "bash completion" has -rw-r--r-- usr/share/bash-completion/completions/cgwctl
check "examples" sh -c "dpkg-deb -c '$DEB' |
    grep -q ' ./usr/share/doc/cgwd/examples/aws-two-tunnels.conf'"
check "copyright" has -rw-r--r-- usr/share/doc/cgwd/copyright
check "Depends names the shared libraries" sh -c \
    "dpkg-deb -f '$DEB' Depends | grep -q libevent"
check "no conffile to overwrite the operator's" sh -c \
    "! dpkg-deb -e '$DEB' '$tmp/ctrl' || [ ! -s '$tmp/ctrl/conffiles' ]"

# A fresh root: an empty dpkg database, nothing installed.
R=$tmp/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
: >"$R/var/lib/dpkg/status"
if dpkg --root="$R" --force-depends --force-script-chrootless \
    -i "$DEB" >"$tmp/dpkg.log" 2>&1; then
	ok "dpkg --root installs the package into a fresh root"
else
	bad "dpkg --root -i:"; sed 's/^/    /' "$tmp/dpkg.log"
fi
check "dpkg knows it installed" sh -c \
    "dpkg --root='$R' -s cgwd | grep -q '^Status: install ok installed'"
check "/etc/cgwd installed 0700" sh -c \
    "[ \"\$(stat -c %a '$R/etc/cgwd')\" = 700 ]"
check "installed cgwd runs and names its version" sh -c \
    "'$R/usr/sbin/cgwd' -V | grep -q '^cgwd $V '"
check "installed cgwctl runs" sh -c "'$R/usr/bin/cgwctl' -V >/dev/null"
check "installed cgwd -h defaults to /etc/cgwd/cgwd.conf" sh -c \
    "'$R/usr/sbin/cgwd' -h | grep -q '(default /etc/cgwd/cgwd.conf)'"
U=$R/lib/systemd/system/cgwd.service
check "unit: ExecStart=/usr/sbin/cgwd -f /etc/cgwd/cgwd.conf" \
    grep -qx 'ExecStart=/usr/sbin/cgwd -f /etc/cgwd/cgwd.conf' "$U"
check "unit: ExecReload=/usr/bin/cgwctl reload" \
    grep -qx 'ExecReload=/usr/bin/cgwctl reload' "$U"
check "unit: WatchdogSec=" grep -q '^WatchdogSec=[1-9]' "$U"
# The fresh root has no systemd of its own (no sysinit.target), so the
# installed unit is verified against the host's units, its programs
# pointing into the root.
sed "s|=\(-*\)/usr/|=\1$R/usr/|" "$U" >"$tmp/cgwd.service"
if systemd-analyze verify --man=no "$tmp/cgwd.service" >"$tmp/verify" 2>&1 &&
    ! grep -v '^$' "$tmp/verify" | grep -q .; then
	ok "systemd-analyze verify: the installed unit is clean"
else
	bad "systemd-analyze verify:"; sed 's/^/    /' "$tmp/verify"
fi
if systemd-analyze security --offline=yes --root="$R" cgwd.service \
    >"$tmp/security" 2>&1 ||
    grep -q 'Overall exposure level' "$tmp/security"; then
	x=$(sed -n 's/.*Overall exposure level for cgwd.service: \([0-9.]*\).*/\1/p' \
	    "$tmp/security")
	check "systemd-analyze security: exposure $x <= 2.8" \
	    awk -v x="${x:-99}" 'BEGIN { exit !(x <= 2.8) }'
else
	bad "systemd-analyze security --offline:"; tail -n 5 "$tmp/security"
fi

# Purge: the operator's configuration stays (and its directory).
echo "asn 65000" >"$R/etc/cgwd/cgwd.conf"
if dpkg --root="$R" --force-script-chrootless -P cgwd >"$tmp/dpkg.log" 2>&1; then
	ok "dpkg -P removes it"
	left=$(cd "$R" && find . ! -type d ! -path './var/lib/dpkg/*' | sort | tr '\n' ' ')
	check "only the operator's cgwd.conf is left (left: $left)" \
	    test "$left" = "./etc/cgwd/cgwd.conf "
else
	bad "dpkg -r:"; sed 's/^/    /' "$tmp/dpkg.log"
fi

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "deb: $failed check(s) failed"
	exit 1
fi
echo "deb: all checks passed"
