# The reference CGW: strongSwan + BIRD 2 in namespace cgw, set up the way
# cgwd behaves (SPEC section 6): it initiates both tunnels and never gives
# up (keyingtries 0, DPD action restart), one XFRM interface per tunnel,
# AWS-guide timers (DPD 10 s / ~30 s, BGP hold 30 s), active/standby with
# t1 preferred: t2's advertisement is prepended and t2's routes get a lower
# local preference. Sourced after lib/topo.sh and vgw/vgw.sh.
#
# Interface every cgw/<impl>.sh provides:
#   cgw_start            start the CGW for the VPN in vgw/params.sh
#   cgw_ike_up N         tunnel N has an established IKE SA and CHILD SA
#   cgw_bgp_up N         tunnel N's BGP session is established
#   cgw_status           human-readable status (SAs, BGP, routes)
#   cgw_stop

CGW_D=$LAB_RUN/cgw
CGW_IMPL_NAME="reference stand-in (strongSwan $(swanctl --version 2>/dev/null | awk '{print $2}') + $(bird --version 2>&1 | awk '{print "BIRD " $3}'))"

_cgw_render() {
	local d=$1 n
	mkdir -p "$d"
	# DPD as on the VGW: a probe after 10 s of silence, ~20 s of
	# retransmits: the SA is cleared ~30 s after the peer's last packet.
	cat > "$d/strongswan.conf" <<-CONF
	swanctl {
		load = pem pkcs1 x509 revocation constraints pubkey openssl random
	}
	charon {
		load = random nonce openssl gmp pem pkcs1 x509 hmac kdf kernel-netlink socket-default vici
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
				path = $LAB_OUT/cgw/charon.log
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
	{
		echo "connections {"
		for n in 1 2; do
			cat <<-CONF
			t$n {
				version = 2
				local_addrs = $CGW_LOCAL
				remote_addrs = $(_vgw_t $n VGW_OUTSIDE)
				proposals = aes256gcm16-prfsha256-modp2048
				rekey_time = 28000s
				dpd_delay = ${DPD_DELAY}s
				keyingtries = 0
				local {
					auth = psk
					id = $CGW_PUBLIC
				}
				remote {
					auth = psk
					id = $(_vgw_t $n VGW_OUTSIDE)
				}
				children {
					t$n {
						mode = tunnel
						local_ts = 0.0.0.0/0
						remote_ts = 0.0.0.0/0
						esp_proposals = aes256gcm16-modp2048
						rekey_time = 3000s
						replay_window = 1024
						dpd_action = restart
						close_action = start
						start_action = start
						if_id_in = $n
						if_id_out = $n
					}
				}
			}
			CONF
		done
		echo "}"
		echo "secrets {"
		for n in 1 2; do
			cat <<-CONF
			ike-t$n {
				id = $(_vgw_t $n VGW_OUTSIDE)
				secret = "$(_vgw_t $n PSK)"
			}
			CONF
		done
		echo "}"
	} > "$d/swanctl.conf"
	cat > "$d/bird.conf" <<-CONF
	log "$LAB_OUT/cgw/bird.log" all;
	router id $CGW_PUBLIC;
	timeformat protocol "%T";
	timeformat base "%T";
	timeformat route "%T";
	protocol device { scan time 2; }
	protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }
	protocol static lan { ipv4; route $CGW_NETWORK blackhole; }
	protocol bgp t1 {
		local $T1_CGW_INSIDE as $CGW_ASN;
		neighbor $T1_VGW_INSIDE as $VGW_ASN;
		hold time $BGP_HOLD;
		keepalive time $BGP_KEEPALIVE;
		connect retry time 5;
		error wait time 5, 30;
		debug { states, events };
		ipv4 { import filter { bgp_local_pref = 200; accept; }; export where proto = "lan"; };
	}
	protocol bgp t2 {
		local $T2_CGW_INSIDE as $CGW_ASN;
		neighbor $T2_VGW_INSIDE as $VGW_ASN;
		hold time $BGP_HOLD;
		keepalive time $BGP_KEEPALIVE;
		connect retry time 5;
		error wait time 5, 30;
		debug { states, events };
		ipv4 {
			import filter { bgp_local_pref = 100; accept; };
			export filter { if proto = "lan" then { bgp_path.prepend($CGW_ASN); accept; } reject; };
		};
	}
	CONF
}

cgw_start() {
	local n
	mkdir -p "$LAB_OUT/cgw"
	_cgw_render "$CGW_D"
	for n in 1 2; do
		ip -n cgw link add xfrm$n type xfrm dev out if_id $n
		ip -n cgw addr add "$(_vgw_t $n CGW_INSIDE)/$INSIDE_CIDR" dev xfrm$n
		ip -n cgw link set xfrm$n mtu 1436 up
	done
	lab_charon cgw "$CGW_D" || return 1
	nsx cgw bird -c "$CGW_D/bird.conf" -s "$CGW_D/bird.ctl" -P "$CGW_D/bird.pid" || return 1
	lab_swanctl "$CGW_D" --load-all --file "$CGW_D/swanctl.conf" >"$LAB_OUT/cgw/swanctl-load.log" 2>&1 ||
		{ echo "cgw: swanctl --load-all failed:"; cat "$LAB_OUT/cgw/swanctl-load.log"; return 1; }
	log "cgw (reference) up"
}

cgw_ike_up() {
	lab_swanctl "$CGW_D" --list-sas --ike "t$1" 2>/dev/null |
		awk '/ESTABLISHED/ {ike = 1} /INSTALLED/ {child = 1} END {exit !(ike && child)}'
}
cgw_bgp_up() {
	lab_birdc "$CGW_D" show protocols "t$1" 2>/dev/null | awk -v p="t$1" '$1 == p && / Established/ {ok = 1} END {exit !ok}'
}
cgw_status() {
	echo "--- swanctl --list-sas"
	lab_swanctl "$CGW_D" --list-sas 2>&1 | grep -E 'ESTABLISHED|INSTALLED|CONNECTING|REKEY|in  |out ' | sed 's/^/  /'
	echo "--- birdc show protocols"
	lab_birdc "$CGW_D" show protocols 2>&1 | sed 1d | sed 's/^/  /'
	echo "--- routes learned over BGP (kernel)"
	nsx cgw ip route show proto bird | sed 's/^/  /'
}
cgw_stop() {
	[ -f "$CGW_D/bird.pid" ] && kill "$(cat "$CGW_D/bird.pid")" 2>/dev/null
	[ -f "$CGW_D/charon.pid" ] && kill "$(cat "$CGW_D/charon.pid")" 2>/dev/null
	true
}
