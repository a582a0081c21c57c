# The emulated AWS VGW, written once: vgw/render.sh turns these into the
# endpoints' strongSwan and BIRD configurations and into the AWS-format XML
# a user would download (vgw/render.sh xml). Sourced (sh).
#
# Switches (environment):
#   VGW_STARTUP=start   the VGW initiates too (AWS "startup action start");
#                       default "add": responder only, like AWS
#   VGW_SHORT=1         short lifetimes for rekey tests: IKE 300 s, CHILD 60 s
#   VGW_UNIQUE=no       strongSwan's uniqueness policy (default replace: a
#                       new IKE SA with the CGW's ID deletes the old one even
#                       without INITIAL_CONTACT; "no" keeps both unless the
#                       CGW sends INITIAL_CONTACT)
#   VGW_ESN="1 2"       the endpoints whose ESP proposals also accept
#                       extended sequence numbers (esn first, then noesn);
#                       default none: noesn only
#   VGW_STATIC=1        a static-routing VPN connection: no BGP with the
#                       CGW; each endpoint routes the CGW's network into
#                       its tunnel while its CHILD SA is up, and the XML
#                       has no <bgp> elements
#   VGW_NARROW=1        tunnel options narrowed to AES-256-GCM, SHA2-384
#                       and DH group 20 in both phases: the only proposals
#                       the endpoints accept, and what vgw_json's
#                       TunnelOptions say
#   VGW_IPV6=1          a Transit Gateway VPN with TunnelInsideIpVersion
#                       ipv6: each tunnel's inside /126 from fd00::/8
#                       (VGW host 1, CGW host 2), CHILD SAs for ::/0 only
#                       (AWS's IPv6 VPNs carry IPv6), BGP over the IPv6
#                       inside addresses with IPv6 unicast alone, the
#                       VPC's IPv6 prefix announced; vgw_json says ipv6
#                       with each tunnel's TunnelInsideIpv6Cidr

VPN_ID=vpn-0cafe0000000lab01
CGW_ID=cgw-0cafe0000000lab01
VGW_ID=vgw-0cafe0000000lab01

VGW_ASN=64512
CGW_ASN=65000
CGW_PUBLIC=192.0.2.10		# the CGW as AWS sees it (after NAT)
CGW_NETWORK=10.224.0.0/12	# what the CGW advertises
VPC_CIDR=172.31.0.0/16		# what the VGW advertises on both tunnels
BGP_HOLD=30
BGP_KEEPALIVE=10
VGWR_ADDR=172.31.0.1		# the VGW's router (iBGP to both endpoints)

# Per tunnel: VGW outside address, VGW/CGW inside addresses (/30), PSK
# (AWS's alphabet: [A-Za-z0-9._], 8-64 chars, no leading 0).
T1_VGW_OUTSIDE=198.51.100.1
T1_VGW_INSIDE=169.254.21.1
T1_CGW_INSIDE=169.254.21.2
T1_PSK=lab.tunnel1_Rk3vXq9ZpL2m
T2_VGW_OUTSIDE=198.51.100.2
T2_VGW_INSIDE=169.254.22.1
T2_CGW_INSIDE=169.254.22.2
T2_PSK=lab.tunnel2_Hw7cYt4NbJ8s
INSIDE_CIDR=30
# VGW_IPV6=1: the tunnels' IPv6 inside /126s, the VPC's IPv6 prefix (the
# VPC bridge's /64 in it: vgwr ::1, vgw1 ::2, vgw2 ::3, the host ::10) and
# the CGW's IPv6 network (its LAN a /64 in it: cgw ::1, the host ::10).
T1_VGW_INSIDE6=fd00:21::1
T1_CGW_INSIDE6=fd00:21::2
T2_VGW_INSIDE6=fd00:22::1
T2_CGW_INSIDE6=fd00:22::2
INSIDE6_CIDR=126
VPC_CIDR6=fd00:172:31::/48
VPC_NET6=fd00:172:31::		# the bridge's /64
VGWR_ADDR6=fd00:172:31::1
CGW_NETWORK6=fd00:10:224::/48
LAN_NET6=fd00:10:224:1::	# the LAN's /64

# AWS's default offer (IKEv2): every combination of these.
IKE_ENC="aes128 aes256 aes128gcm16 aes256gcm16"
IKE_INTEG="sha1 sha256 sha384 sha512"
IKE_DH="modp1024 modp2048 modp3072 modp4096 modp6144 modp8192 ecp256 ecp384 ecp521 modp1024s160 modp2048s224 modp2048s256"
ESP_DH="modp1024 modp1536 modp2048 modp3072 modp4096 modp6144 modp8192 ecp256 ecp384 ecp521 modp1024s160 modp2048s224 modp2048s256"

VGW_STARTUP=${VGW_STARTUP:-add}
VGW_UNIQUE=${VGW_UNIQUE:-replace}
VGW_ESN=${VGW_ESN:-}
VGW_STATIC=${VGW_STATIC:-0}
VGW_NARROW=${VGW_NARROW:-0}
VGW_IPV6=${VGW_IPV6:-0}
if [ "${VGW_SHORT:-0}" = 1 ]; then
	IKE_LIFETIME=300
	CHILD_LIFETIME=60
	REKEY_MARGIN=15
else
	IKE_LIFETIME=28800
	CHILD_LIFETIME=3600
	REKEY_MARGIN=270	# AWS: margin 270 s, fuzz 100 %
fi
REKEY_FUZZ=100
DPD_DELAY=10
DPD_TIMEOUT=30
DPD_ACTION=clear
REPLAY_WINDOW=1024

# What AWS writes into the XML's <ike>/<ipsec> blocks (its IKEv1-era
# defaults, whatever the tunnel options say).
XML_IKE_AUTH=sha1
XML_IKE_ENC=aes-128-cbc
XML_IKE_PFS=group2
XML_ESP_AUTH=hmac-sha1-96
XML_ESP_ENC=aes-128-cbc
XML_ESP_PFS=group2
