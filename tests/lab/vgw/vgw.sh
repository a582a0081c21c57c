# The emulated AWS VGW: one strongSwan (charon) + BIRD 2 pair per tunnel
# endpoint, each in its own namespace (vgw1, vgw2), and the VGW's router
# (namespace vgwr, BIRD only) that chooses the return path over both
# tunnels. Sourced by scenarios after lib/topo.sh; also a command:
# vgw/vgw.sh xml  prints the AWS XML. Every value comes from vgw/params.sh.
#
# How it chooses, like AWS: each endpoint passes what its tunnel's BGP
# session learned from the CGW to vgwr over iBGP (next hop self); vgwr's
# BIRD keeps one best path per prefix (the shorter AS_PATH; on a tie the
# lower router id, vgw1) and its kernel forwards by longest prefix. An
# endpoint drops a tunnel's routes only when its own BGP hold timer
# expires or its charon's DPD clears the CHILD SA (updown.sh disables the
# BGP session then); vgwr drops an endpoint's routes when that endpoint
# withdraws them or vgwr's own iBGP hold timer (30 s) expires.

VGW_DIR=${VGW_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)}
. "$VGW_DIR/params.sh"
VGW_REMOTE_ID=${VGW_REMOTE_ID:-$CGW_PUBLIC}

# _vgw_combine "A B" "C D" ... -> A-B-C-D (one strongSwan proposal)
_vgw_join() { echo "$*" | tr -s ' ' '-'; }

# Narrowed tunnel options, different per tunnel as AWS allows: tunnel 1
# AES256-GCM-16 / SHA2-384 (the PRF) / group 20, tunnel 2 AES128-GCM-16 /
# SHA2-256 / group 19 (vgw_narrow N FIELD: enc, enc_aws, integ_aws, prf,
# dh, dh_aws).
vgw_narrow() {
	case "$1.$2" in
	1.enc) echo aes256gcm16 ;; 1.enc_aws) echo AES256-GCM-16 ;;
	1.integ_aws) echo SHA2-384 ;; 1.prf) echo prfsha384 ;;
	1.dh) echo ecp384 ;; 1.dh_aws) echo 20 ;;
	2.enc) echo aes128gcm16 ;; 2.enc_aws) echo AES128-GCM-16 ;;
	2.integ_aws) echo SHA2-256 ;; 2.prf) echo prfsha256 ;;
	2.dh) echo ecp256 ;; 2.dh_aws) echo 19 ;;
	esac
}
# vgw_ike_proposals [N]: endpoint N's IKE offer.
vgw_ike_proposals() {
	local cbc="aes128 aes256" gcm="aes128gcm16 aes256gcm16" prf="" i
	[ "$VGW_NARROW" = 1 ] && {
		_vgw_join "$(vgw_narrow "$1" enc)" "$(vgw_narrow "$1" prf)" "$(vgw_narrow "$1" dh)"
		return; }
	for i in $IKE_INTEG; do prf="$prf prf$i"; done
	echo "$(_vgw_join $cbc $IKE_INTEG $IKE_DH), $(_vgw_join $gcm $prf $IKE_DH)"
}
# vgw_esp_proposals [N]: endpoint N's ESP offer (ESN too if N is in VGW_ESN).
vgw_esp_proposals() {
	local esn=""
	case " $VGW_ESN " in *" ${1:-none} "*) esn="esn noesn" ;; esac
	[ "$VGW_NARROW" = 1 ] && { _vgw_join "$(vgw_narrow "$1" enc)" "$(vgw_narrow "$1" dh)" $esn; return; }
	echo "$(_vgw_join aes128 aes256 $IKE_INTEG $ESP_DH $esn), $(_vgw_join aes128gcm16 aes256gcm16 $ESP_DH $esn)"
}

# _vgw_t N VAR: tunnel N's value of VAR (T1_PSK, ...)
_vgw_t() { eval "echo \"\${T$1_$2}\""; }

# vgw_render_cgw N IN CGWIN: BIRD's protocol `cgw`, the CGW's routes over
# tunnel N: its BGP session to the CGW (with VGW_IPV6=1 over the IPv6
# inside addresses, IPv6 unicast alone), or with VGW_STATIC=1 a static
# route of the CGW's network into the tunnel, like AWS's static routes
# on a VPN connection. Either way updown.sh enables it with a CHILD SA and
# disables it when the last one goes, so the VGW's router uses a tunnel
# that is up (a static one starts disabled: no SA yet).
vgw_render_cgw() {
	if [ "$VGW_STATIC" = 1 ]; then
		cat <<-CONF
		protocol static cgw {
			disabled;
			ipv4;
			route $CGW_NETWORK via "xfrm$1";
		}
		CONF
		return
	fi
	cat <<-CONF
	protocol bgp cgw {
		local $2 as $VGW_ASN;
		neighbor $3 as $CGW_ASN;
		hold time $BGP_HOLD;
		keepalive time $BGP_KEEPALIVE;
		connect retry time 5;
		error wait time 5, 30;
		debug { states, events };
		$( [ "$VGW_IPV6" = 1 ] && echo 'ipv6 { import all; export where proto = "vpc6"; };' ||
		    echo 'ipv4 { import all; export where proto = "vpc"; };')
	}
	CONF
}

# vgw_render6 N: with VGW_IPV6=1, endpoint N's IPv6 part of bird.conf: the
# VPC's IPv6 prefix (a blackhole, as the IPv4 one), IPv6 routes learned
# from the CGW into the kernel, and an iBGP session to the VGW's router
# over the VPC bridge's IPv6 addresses (an IPv6 route needs an IPv6 next
# hop: a session of its own rather than IPv6 over the IPv4 one).
vgw_render6() {
	[ "$VGW_IPV6" = 1 ] || return 0
	cat <<-CONF
	protocol kernel { ipv6 { import none; export where source = RTS_BGP; }; }
	protocol static vpc6 { ipv6; route $VPC_CIDR6 blackhole; }
	protocol bgp vgwr6 {
		local $VPC_NET6$(($1 + 1)) as $VGW_ASN;
		neighbor $VGWR_ADDR6 as $VGW_ASN;
		direct;
		hold time $BGP_HOLD;
		keepalive time $BGP_KEEPALIVE;
		connect retry time 5;
		error wait time 5, 30;
		debug { states, events };
		ipv6 { import none; export where proto = "cgw"; next hop self; };
	}
	CONF
}

# vgw_render N DIR: strongswan.conf, swanctl.conf, bird.conf for endpoint N.
vgw_render() {
	local n=$1 d=$2 out in cgwin psk my_vpc
	out=$(_vgw_t "$n" VGW_OUTSIDE); in=$(_vgw_t "$n" VGW_INSIDE)
	cgwin=$(_vgw_t "$n" CGW_INSIDE); psk=$(_vgw_t "$n" PSK)
	my_vpc=172.31.0.$((n + 1))
	# An AWS IPv6 VPN: BGP over the IPv6 inside addresses, CHILD SAs for
	# IPv6 alone (AWS narrows the CGW's 0.0.0.0/0 + ::/0 to ::/0).
	local ts=0.0.0.0/0
	if [ "$VGW_IPV6" = 1 ]; then
		in=$(_vgw_t "$n" VGW_INSIDE6); cgwin=$(_vgw_t "$n" CGW_INSIDE6); ts=::/0
	fi
	mkdir -p "$d"
	# DPD: a probe after DPD_DELAY s of silence; 4 sends over 2.5+3.75+
	# 5.6+8.4 s = ~20 s, so a dead peer is cleared ~DPD_TIMEOUT s after
	# its last packet.
	cat > "$d/strongswan.conf" <<-CONF
	swanctl {
		load = pem pkcs1 x509 revocation constraints pubkey openssl random
	}
	charon {
		load = random nonce openssl gmp pem pkcs1 x509 hmac kdf kernel-netlink socket-default vici updown
		install_routes = no
		threads = 6
		install_virtual_ip = no
		retransmit_tries = 3
		retransmit_timeout = 2.5
		retransmit_base = 1.5
		plugins {
			vici {
				socket = unix://$d/charon.vici
			}
		}
		filelog {
			charon {
				path = $LAB_OUT/$(basename "$d")/charon.log
				time_format = %F %T
				ike_name = yes
				flush_line = yes
				default = 1
				ike = 1
				knl = 1
				cfg = 1
			}
		}
	}
	CONF
	cat > "$d/swanctl.conf" <<-CONF
	connections {
		aws {
			version = 2
			local_addrs = $out
			remote_addrs = $CGW_PUBLIC
			proposals = $(vgw_ike_proposals "$n")
			rekey_time = $((IKE_LIFETIME - REKEY_MARGIN))s
			over_time = ${REKEY_MARGIN}s
			rand_time = $((REKEY_MARGIN * REKEY_FUZZ / 100))s
			dpd_delay = ${DPD_DELAY}s
			keyingtries = 0
			unique = $VGW_UNIQUE
			local {
				auth = psk
				id = $out
			}
			remote {
				auth = psk
				id = $VGW_REMOTE_ID
			}
			children {
				aws {
					mode = tunnel
					local_ts = $ts
					remote_ts = $ts
					esp_proposals = $(vgw_esp_proposals "$n")
					rekey_time = $((CHILD_LIFETIME - REKEY_MARGIN))s
					life_time = ${CHILD_LIFETIME}s
					rand_time = $((REKEY_MARGIN * REKEY_FUZZ / 100))s
					replay_window = $REPLAY_WINDOW
					dpd_action = $DPD_ACTION
					start_action = $( [ "$VGW_STARTUP" = start ] && echo start || echo none)
					if_id_in = $n
					if_id_out = $n
					updown = $VGW_DIR/updown.sh $d/bird.ctl
				}
			}
		}
	}
	secrets {
		ike-aws {
			secret = "$psk"
		}
	}
	CONF
	cat > "$d/bird.conf" <<-CONF
	log "$LAB_OUT/$(basename "$d")/bird.log" all;
	router id $out;
	timeformat protocol "%T";
	timeformat base "%T";
	timeformat route "%T";
	protocol device { scan time 2; }
	# Learned routes into the kernel; the VPC prefix itself is originated
	# from a blackhole that stays out of it.
	protocol kernel { ipv4 { import none; export where source = RTS_BGP || proto = "cgw"; }; }
	protocol static vpc { ipv4; route $VPC_CIDR blackhole; }
	$(vgw_render6 "$n")
	$(vgw_render_cgw "$n" "$in" "$cgwin")
	# What the tunnel learned goes to the VGW's router, which decides the
	# return path over both tunnels.
	protocol bgp vgwr {
		local $my_vpc as $VGW_ASN;
		neighbor $VGWR_ADDR as $VGW_ASN;
		direct;
		hold time $BGP_HOLD;
		keepalive time $BGP_KEEPALIVE;
		connect retry time 5;
		error wait time 5, 30;
		debug { states, events };
		ipv4 { import none; export where proto = "cgw"; next hop self; };
	}
	CONF
}

# vgwr_render DIR: the VGW router's bird.conf: iBGP to both endpoints, the
# best path per prefix into the kernel.
vgwr_render() {
	local d=$1 n
	mkdir -p "$d"
	{
		cat <<-CONF
		log "$LAB_OUT/vgwr/bird.log" all;
		router id $VGWR_ADDR;
		timeformat protocol "%T";
		timeformat base "%T";
		timeformat route "%T";
		protocol device { scan time 2; }
		protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }
		CONF
		for n in 1 2; do
			cat <<-CONF
			protocol bgp vgw$n {
				local $VGWR_ADDR as $VGW_ASN;
				neighbor 172.31.0.$((n + 1)) as $VGW_ASN;
				direct;
				hold time $BGP_HOLD;
				keepalive time $BGP_KEEPALIVE;
				connect retry time 5;
				error wait time 5, 30;
				debug { states, events };
				ipv4 { import all; export none; gateway direct; };
			}
			CONF
			[ "$VGW_IPV6" = 1 ] && cat <<-CONF
			protocol bgp vgw${n}_6 {
				local $VGWR_ADDR6 as $VGW_ASN;
				neighbor $VPC_NET6$((n + 1)) as $VGW_ASN;
				direct;
				hold time $BGP_HOLD;
				keepalive time $BGP_KEEPALIVE;
				connect retry time 5;
				error wait time 5, 30;
				debug { states, events };
				ipv6 { import all; export none; gateway direct; };
			}
			CONF
		done
		[ "$VGW_IPV6" = 1 ] &&
			echo 'protocol kernel { ipv6 { import none; export where source = RTS_BGP; }; }'
		true
	} > "$d/bird.conf"
}

# vgwr_start: the VGW's router (BIRD in namespace vgwr).
vgwr_start() {
	local d=$LAB_RUN/vgwr
	mkdir -p "$LAB_OUT/vgwr"
	vgwr_render "$d"
	nsx vgwr bird -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid" ||
		{ echo "vgwr: bird failed"; return 1; }
	log "vgwr: bird started"
}

# vgwr_via PREFIX: the endpoint vgwr forwards PREFIX to (vgw1, vgw2) or
# "none", from its kernel's routing table (exact prefix).
vgwr_via() {
	nsx vgwr ip route show "$1" 2>/dev/null | awk '
		/via 172\.31\.0\.2 / {print "vgw1"; f = 1; exit}
		/via 172\.31\.0\.3 / {print "vgw2"; f = 1; exit}
		END {if (!f) print "none"}'
}
# vgwr_path DST: the endpoint vgwr forwards DST to (longest prefix), or "none".
vgwr_path() {
	nsx vgwr ip route get "$1" 2>/dev/null | awk '
		/via 172\.31\.0\.2 / {print "vgw1"; f = 1; exit}
		/via 172\.31\.0\.3 / {print "vgw2"; f = 1; exit}
		END {if (!f) print "none"}'
}

# vgw_start N: render and start endpoint N in namespace vgwN.
vgw_start() {
	local n=$1 ns=vgw$1 d=$LAB_RUN/vgw$1 ln
	mkdir -p "$LAB_OUT/$ns"
	vgw_render "$n" "$d"
	ln=$(_vgw_t "$n" VGW_OUTSIDE)
	ip -n "$ns" link add xfrm$n type xfrm dev out if_id "$n"
	ip -n "$ns" addr add "$(_vgw_t "$n" VGW_INSIDE)/$INSIDE_CIDR" dev xfrm$n
	[ "$VGW_IPV6" = 1 ] &&
		ip -n "$ns" addr add "$(_vgw_t "$n" VGW_INSIDE6)/$INSIDE6_CIDR" dev xfrm$n nodad
	ip -n "$ns" link set xfrm$n mtu 1436 up
	lab_charon "$ns" "$d" || return 1
	log "vgw$n: charon started"
	nsx "$ns" bird -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid" ||
		{ echo "vgw$n: bird failed"; return 1; }
	log "vgw$n: bird started"
	lab_swanctl "$d" --load-all --file "$d/swanctl.conf" >"$LAB_OUT/$ns/swanctl-load.log" 2>&1 ||
		{ echo "vgw$n: swanctl --load-all failed:"; cat "$LAB_OUT/$ns/swanctl-load.log"; return 1; }
	log "vgw$n up ($ln, startup $VGW_STARTUP)"
}

# vgw_reload N: render endpoint N again (with the switches as they are now)
# and load its connection into the running charon; existing SAs stay.
vgw_reload() {
	local n=$1 d=$LAB_RUN/vgw$1
	vgw_render "$n" "$d"
	lab_swanctl "$d" --load-conns --file "$d/swanctl.conf" >>"$LAB_OUT/vgw$n/swanctl-load.log" 2>&1 ||
		{ echo "vgw$n: swanctl --load-conns failed:"; tail -n 5 "$LAB_OUT/vgw$n/swanctl-load.log"; return 1; }
	log "vgw$n reloaded (startup $VGW_STARTUP, unique $VGW_UNIQUE, esn '${VGW_ESN}')"
}

# vgw_start_all: the router, then both endpoints side by side (charon
# takes seconds to start under TCG).
vgw_start_all() {
	vgwr_start || return 1
	vgw_start 1 & local p1=$!
	vgw_start 2 & local p2=$!
	wait $p1 && wait $p2
}

# lab_charon NS DIR: start charon in NS with DIR/strongswan.conf; waits for
# its vici socket.
lab_charon() {
	local ns=$1 d=$2 i
	nsx "$ns" env STRONGSWAN_CONF="$d/strongswan.conf" sh -c \
		'mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon' \
		>"$LAB_OUT/$ns/charon.stderr" 2>&1 &
	echo $! > "$d/charon.pid"
	for i in $(seq 100); do
		[ -S "$d/charon.vici" ] && return 0
		sleep 0.1
	done
	echo "$ns: charon did not start"; cat "$LAB_OUT/$ns/charon.stderr"
	return 1
}

# lab_swanctl DIR ARGS: swanctl against the charon of DIR.
lab_swanctl() { local d=$1; shift; STRONGSWAN_CONF=$d/strongswan.conf swanctl "$@" --uri "unix://$d/charon.vici"; }
# lab_birdc DIR ARGS: birdc against the BIRD of DIR.
lab_birdc() { local d=$1; shift; birdc -s "$d/bird.ctl" "$@"; }

# vgw_bgp_state N: BIRD's state of endpoint N's session to the CGW.
vgw_bgp_state() { lab_birdc "$LAB_RUN/vgw$1" show protocols cgw | awk '$1 == "cgw" {print $NF}'; }

# _vgw_xml_bgp ASN: a <bgp> element; none for a static connection.
_vgw_xml_bgp() {
	[ "$VGW_STATIC" = 1 ] || echo "<bgp><asn>$1</asn><hold_time>$BGP_HOLD</hold_time></bgp>"
}

# vgw_json: the connection as `aws ec2 describe-vpn-connections` prints it:
# the XML inside, Options (StaticRoutesOnly, TunnelInsideIpVersion, and
# with VGW_NARROW=1 each tunnel's narrowed TunnelOptions, with VGW_IPV6=1
# each tunnel's TunnelInsideIpv6Cidr) and, static, the Routes AWS has for
# the CGW's network. The XML keeps the IPv4 inside addresses with
# VGW_IPV6=1 (as tests/conf/aws/describe-ipv6.json): the JSON says ipv6.
vgw_json() {
	local opts="[]" n
	if [ "$VGW_IPV6" = 1 ] && [ "$VGW_NARROW" != 1 ]; then
		for n in 1 2; do
			opts=$(jq -c --arg o "$(_vgw_t $n VGW_OUTSIDE)" \
			    --arg c6 "$(_vgw_t $n VGW_INSIDE6 | sed 's/1$//')/$INSIDE6_CIDR" '. + [{
				OutsideIpAddress: $o, TunnelInsideIpv6Cidr: $c6}]' <<<"$opts") || return 1
		done
	fi
	if [ "$VGW_NARROW" = 1 ]; then
		for n in 1 2; do
			opts=$(jq -c --arg o "$(_vgw_t $n VGW_OUTSIDE)" \
			    --arg c "$(_vgw_t $n VGW_INSIDE | sed 's/\.[0-9]*$/.0/')/$INSIDE_CIDR" \
			    --arg k "$(_vgw_t $n PSK)" --arg e "$(vgw_narrow $n enc_aws)" \
			    --arg i "$(vgw_narrow $n integ_aws)" \
			    --argjson g "$(vgw_narrow $n dh_aws)" '. + [{
				OutsideIpAddress: $o, TunnelInsideCidr: $c,
				PreSharedKey: $k,
				Phase1EncryptionAlgorithms: [{Value: $e}],
				Phase2EncryptionAlgorithms: [{Value: $e}],
				Phase1IntegrityAlgorithms: [{Value: $i}],
				Phase2IntegrityAlgorithms: [{Value: $i}],
				Phase1DHGroupNumbers: [{Value: $g}],
				Phase2DHGroupNumbers: [{Value: $g}],
				IkeVersions: [{Value: "ikev2"}],
				StartupAction: "add"}
				+ (if $v6 == "1" then {TunnelInsideIpv6Cidr: $c6} else {} end)]' \
			    --arg v6 "$VGW_IPV6" \
			    --arg c6 "$(_vgw_t $n VGW_INSIDE6 | sed 's/1$//')/$INSIDE6_CIDR" <<<"$opts") || return 1
		done
	fi
	jq -n --arg xml "$(vgw_xml)" --arg id "$VPN_ID" --argjson opts "$opts" \
	    --argjson st "$( [ "$VGW_STATIC" = 1 ] && echo true || echo false)" \
	    --arg ipv "$( [ "$VGW_IPV6" = 1 ] && echo ipv6 || echo ipv4)" \
	    --arg net "$CGW_NETWORK" '{VpnConnections: [{
		VpnConnectionId: $id, CustomerGatewayConfiguration: $xml,
		Type: "ipsec.1", State: "available",
		Options: {StaticRoutesOnly: $st, TunnelInsideIpVersion: $ipv,
		    TunnelOptions: $opts},
		Routes: (if $st then [{DestinationCidrBlock: $net,
		    Source: "Static", State: "available"}] else [] end)}]}'
}

# vgw_xml: the VPN connection as AWS's CustomerGatewayConfiguration XML.
vgw_xml() {
	local n
	cat <<-XML
	<?xml version="1.0" encoding="UTF-8"?>
	<vpn_connection id="$VPN_ID">
	  <customer_gateway_id>$CGW_ID</customer_gateway_id>
	  <vpn_gateway_id>$VGW_ID</vpn_gateway_id>
	  <vpn_connection_type>ipsec.1</vpn_connection_type>
	XML
	for n in 1 2; do
		cat <<-XML
		  <ipsec_tunnel>
		    <customer_gateway>
		      <tunnel_outside_address><ip_address>$CGW_PUBLIC</ip_address></tunnel_outside_address>
		      <tunnel_inside_address>
		        <ip_address>$(_vgw_t $n CGW_INSIDE)</ip_address>
		        <network_mask>255.255.255.252</network_mask>
		        <network_cidr>$INSIDE_CIDR</network_cidr>
		      </tunnel_inside_address>
		      $(_vgw_xml_bgp $CGW_ASN)
		    </customer_gateway>
		    <vpn_gateway>
		      <tunnel_outside_address><ip_address>$(_vgw_t $n VGW_OUTSIDE)</ip_address></tunnel_outside_address>
		      <tunnel_inside_address>
		        <ip_address>$(_vgw_t $n VGW_INSIDE)</ip_address>
		        <network_mask>255.255.255.252</network_mask>
		        <network_cidr>$INSIDE_CIDR</network_cidr>
		      </tunnel_inside_address>
		      $(_vgw_xml_bgp $VGW_ASN)
		    </vpn_gateway>
		    <ike>
		      <authentication_protocol>$XML_IKE_AUTH</authentication_protocol>
		      <encryption_protocol>$XML_IKE_ENC</encryption_protocol>
		      <lifetime>$IKE_LIFETIME</lifetime>
		      <perfect_forward_secrecy>$XML_IKE_PFS</perfect_forward_secrecy>
		      <mode>main</mode>
		      <pre_shared_key>$(_vgw_t $n PSK)</pre_shared_key>
		    </ike>
		    <ipsec>
		      <protocol>esp</protocol>
		      <authentication_protocol>$XML_ESP_AUTH</authentication_protocol>
		      <encryption_protocol>$XML_ESP_ENC</encryption_protocol>
		      <lifetime>$CHILD_LIFETIME</lifetime>
		      <perfect_forward_secrecy>$XML_ESP_PFS</perfect_forward_secrecy>
		      <mode>tunnel</mode>
		      <clear_df_bit>true</clear_df_bit>
		      <fragmentation_before_encryption>true</fragmentation_before_encryption>
		      <tcp_mss_adjustment>1379</tcp_mss_adjustment>
		      <dead_peer_detection><interval>$DPD_DELAY</interval><retries>3</retries></dead_peer_detection>
		    </ipsec>
		  </ipsec_tunnel>
		XML
	done
	echo "</vpn_connection>"
}

if [ "${0##*/}" = vgw.sh ] && [ "${1:-}" = xml ]; then
	vgw_xml
elif [ "${0##*/}" = vgw.sh ] && [ "${1:-}" = json ]; then
	vgw_json
fi
