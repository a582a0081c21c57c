#!/bin/bash
# `make demo`: boot the lab VM, bring up both tunnels of the emulated AWS
# VGW with a CGW, show their state and a LAN -> VPC ping.
#   CGW_IMPL=cgwd       cgwd as the CGW, configured from AWS's XML via
#                       import-aws (the default)
#   CGW_IMPL=reference  the strongSwan + BIRD stand-in, for comparison
set -u
here=$(cd "$(dirname "$0")" && pwd)
impl=${CGW_IMPL:-cgwd}
if [ "$impl" = reference ]; then
	cat <<-'BANNER'
	******************************************************************
	* showing the reference stand-in (strongSwan+BIRD), not cgwd;     *
	* plain `make demo` runs cgwd itself.                             *
	******************************************************************
	BANNER
fi
[ -f "$here/cgw/$impl.sh" ] || { echo "demo: no CGW implementation $impl (tests/lab/cgw/$impl.sh)"; exit 2; }
out=$here/out/demo
rm -rf "$out"; mkdir -p "$out"
echo "demo: booting the lab VM (logs in $out/)"
"$here/vm.sh" --prepare 2>/dev/null || { "$here/vm.sh" --prepare; exit 1; }
# The guest's output is shown as it runs (its console), minus boot noise.
"$here/vm.sh" --live "$here/demo-guest.sh" "$out" CGW_IMPL="$impl" 2>&1 |
	grep --line-buffered -v '^lab-init:\|^stage2:\|^\[ *[0-9.]*\] \|^vm: '
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && echo "demo: done" || echo "demo: failed (exit $rc); logs in $out/"
exit "$rc"
