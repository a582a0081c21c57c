#!/bin/sh
# charon's updown hook on an emulated VGW endpoint (vgw/vgw.sh):
#   updown.sh BIRD_CTL
# A tunnel whose CHILD SA is gone (DPD clear, a DELETE, a terminate) takes
# the endpoint's BGP session to the CGW down with it, as on AWS: BIRD's
# `cgw` protocol is disabled, which withdraws the tunnel's routes from the
# VGW's router at once instead of at the hold timer's expiry. The next
# CHILD SA enables it again. A static connection's `cgw` is its static
# route of the CGW's network into the tunnel: the same on and off.
#
# A new IKE SA that replaces an old one (uniqueness "replace", or the CGW's
# INITIAL_CONTACT) comes up before the old one's CHILD SA goes down: so
# "down" only disables the session if, a second later, the endpoint's
# kernel holds no outbound ESP SA any more. Detached, with its output
# closed: charon waits for the hook's output to end.
ctl=$1
case ${PLUTO_VERB:-} in
up-*)
	birdc -s "$ctl" enable cgw >/dev/null 2>&1
	echo "updown: $PLUTO_VERB, BGP session to the CGW enabled"
	;;
down-*)
	me=$PLUTO_ME
	setsid sh -c '
		sleep 1
		n=$(ip xfrm state | awk -v me="$1" "\$1 == \"src\" && \$2 == me {n++} END {print n + 0}")
		[ "$n" = 0 ] && birdc -s "$2" disable cgw
	' updown "$me" "$ctl" </dev/null >/dev/null 2>&1 &
	echo "updown: $PLUTO_VERB, BGP session to the CGW disabled unless a new SA is up in 1 s"
	;;
esac
exit 0
