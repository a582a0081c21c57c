#!/bin/sh
# Install every Debian package listed in packages.txt that is not yet
# installed. Idempotent and quiet when nothing is missing.
set -eu
here=$(dirname "$0")
missing=""
for p in $(grep -v '^#' "$here/packages.txt" | sed 's/#.*//'); do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Daemons in these packages (charon, bird) must not start on the host.
prc=/usr/sbin/policy-rc.d
made_prc=0
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod +x "$prc"; made_prc=1
fi
trap '[ $made_prc = 1 ] && rm -f "$prc"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
