/*
 * cgwd configuration as plain structs: what conf_load() makes of a file.
 * Knows nothing of sockets or the kernel.
 */
#ifndef CGW_CONF_CONF_H
#define CGW_CONF_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include "lib/addr.h"

#define CONF_NAME_MAX		32	/* vpn and tunnel names */
#define CONF_IFNAME_MAX		16	/* IFNAMSIZ */
#define CONF_MAX_PROPOSALS	8
#define CONF_MAX_XFORMS		24

/* Defaults, SPEC section 2 */
#define CONF_DEF_IKE_LIFETIME	28800
#define CONF_DEF_ESP_LIFETIME	3600
/* cgwd's own liveness probing (ms): dead after 2 s without an answer,
 * whatever the peer's DPD timers are (AWS: 10 s / 30 s on its side). */
#define CONF_DEF_DPD_INTERVAL_MS	200
#define CONF_DEF_DPD_TIMEOUT_MS		2000
/* A tunnel back from the dead is trusted again after this long. */
#define CONF_DEF_HOLDDOWN	30
#define CONF_DEF_MTU		1436
#define CONF_DEF_REPLAY		1024
#define CONF_DEF_PEER_ASN	64512
#define CONF_DEF_HOLD_TIME	30
/*
 * TCP MSS clamping on the tunnel interfaces: `mss-clamp auto` (the
 * default) clamps to the MTU less the margin AWS itself keeps (its
 * tcp_mss_adjustment 1379 under its 1436-byte tunnel MTU: 40 bytes of
 * IPv4 and TCP headers and 17 for options and ESP's padding).
 */
#define CONF_MSS_AUTO		UINT32_MAX
#define CONF_MSS_MARGIN		57
#define CONF_MSS_MIN		536	/* RFC 879's default MSS */

/* One transform of a proposal, IANA numbers (ike/ikev2_const.h). */
struct conf_xform {
	uint8_t		type;		/* IKEV2_XFORM_* */
	uint16_t	id;
	uint16_t	keybits;	/* 0 = no key length attribute */
};

/* "aes256gcm16-prfsha256-modp2048": several algorithms per type allowed. */
struct conf_proposal {
	/* As written, for printing. Room for AWS's whole default lists in
	 * one proposal (cgwctl import-aws): about 200 characters. */
	char		 text[256];
	int		 line;
	size_t		 nxf;
	struct conf_xform xf[CONF_MAX_XFORMS];
	/* ESP: `nopfs` written, no DH group: no new DH exchange on rekey.
	 * Only for non-AWS peers (peer-type generic). */
	bool		 nopfs;
};

struct conf_network {
	TAILQ_ENTRY(conf_network) entry;
	struct cgw_prefix	prefix;
	int			line;
};
TAILQ_HEAD(conf_networks, conf_network);

enum conf_steering {
	CONF_STEER_ACTIVE_STANDBY = 0,	/* t1 preferred, others prepended */
	CONF_STEER_ECMP,
};

/* What the vpn's tunnels talk to: AWS's rules apply unless generic. */
enum conf_peer_type {
	CONF_PEER_AWS = 0,
	CONF_PEER_GENERIC,
};

enum conf_startup {
	CONF_START_INITIATE = 0,	/* default: we initiate and keep it up */
	CONF_START_RESPOND,		/* wait for the peer */
};

/*
 * An IKE identity (RFC 7296 3.5) given instead of an address. Behind NAT
 * (a cloud VM) AWS knows the gateway by its public address while `local`
 * is the private one, so the ID we send must be set apart from `local`.
 */
#define CONF_ID_MAX		255	/* ID payload data, bytes */
#define CONF_IDSTRLEN		(4 * CONF_ID_MAX + 16)	/* conf_id_fmt, \xNN worst case */

struct conf_id {
	uint8_t		type;		/* IKEV2_ID_* (ike/ikev2_const.h); 0 = unset */
	size_t		len;
	uint8_t		data[CONF_ID_MAX];	/* address bytes, FQDN, key id */
};

struct conf_vpn;

/*
 * What a tunnel block may set for itself, AWS having options per tunnel;
 * the vpn's values are the defaults. Bits of conf_tunnel.own.
 */
#define CONF_TOWN_IKE_PROPOSAL	0x01
#define CONF_TOWN_IKE_LIFETIME	0x02
#define CONF_TOWN_ESP_PROPOSAL	0x04
#define CONF_TOWN_ESP_LIFETIME	0x08
#define CONF_TOWN_DPD_INTERVAL	0x10
#define CONF_TOWN_DPD_TIMEOUT	0x20
#define CONF_TOWN_REPLAY	0x40
#define CONF_TOWN_STARTUP	0x80
#define CONF_TOWN_TS		0x100
#define CONF_TOWN_MSS		0x200

struct conf_tunnel {
	TAILQ_ENTRY(conf_tunnel) entry;
	struct conf_vpn		*vpn;
	char			 name[CONF_NAME_MAX];
	char			 fullname[2 * CONF_NAME_MAX + 1];	/* "vpn/tunnel" */
	int			 line;
	struct cgw_addr		 remote;
	struct cgw_prefix	 inside;	/* ours, host bits set: 169.254.21.2/30 */
	char			*psk;		/* secret: never print; wiped by conf_free */
	size_t			 psk_len;
	char			*psk_file;	/* where psk came from, if a file */
	char			 ifname[CONF_IFNAME_MAX];	/* "" = default */
	uint32_t		 mtu;
	uint32_t		 index;		/* 0 for the first tunnel of its vpn */
	/*
	 * Effective settings: the tunnel's own where `own` says so, else
	 * the vpn's (filled in when the vpn block ends). The daemon reads
	 * these, never the vpn's copies.
	 */
	uint32_t		 own;		/* CONF_TOWN_* */
	int			 dpd_line;	/* its own dpd statement, 0 = none */
	size_t			 n_ike;
	struct conf_proposal	 ike[CONF_MAX_PROPOSALS];
	size_t			 n_esp;
	struct conf_proposal	 esp[CONF_MAX_PROPOSALS];
	uint32_t		 ike_lifetime_s;
	uint32_t		 esp_lifetime_s;
	uint32_t		 dpd_interval_ms;
	uint32_t		 dpd_timeout_ms;
	uint32_t		 replay_window;
	enum conf_startup	 startup;
	/* Traffic selectors of the CHILD SA: address family 0 = all
	 * (0.0.0.0/0, route-based); narrower for policy-based peers. */
	struct cgw_prefix	 ts_local;
	struct cgw_prefix	 ts_remote;
	uint32_t		 mss_clamp;	/* CONF_MSS_AUTO, 0 = off, or bytes */
};
TAILQ_HEAD(conf_tunnels, conf_tunnel);

struct conf_vpn {
	TAILQ_ENTRY(conf_vpn)	 entry;
	char			 name[CONF_NAME_MAX];
	int			 line;
	struct cgw_addr		 local;
	struct conf_id		 local_id;	/* unset: `local` is the ID */
	struct conf_id		 remote_id;	/* unset: not checked (the PSK is) */
	uint32_t		 peer_asn;
	size_t			 n_ike;
	struct conf_proposal	 ike[CONF_MAX_PROPOSALS];
	size_t			 n_esp;
	struct conf_proposal	 esp[CONF_MAX_PROPOSALS];
	uint32_t		 ike_lifetime_s;
	uint32_t		 esp_lifetime_s;
	uint32_t		 dpd_interval_ms;
	uint32_t		 dpd_timeout_ms;
	/* On a tunnel's death, advertise each prefix's halves over the
	 * others so the peer's longest-prefix choice moves return traffic. */
	bool			 failover_split;
	uint32_t		 failover_holddown_s;
	uint32_t		 replay_window;
	uint32_t		 hold_time_s;
	enum conf_steering	 steering;
	enum conf_startup	 startup;
	enum conf_peer_type	 peer_type;
	struct cgw_prefix	 ts_local;	/* defaults for the tunnels */
	struct cgw_prefix	 ts_remote;
	int			 nopfs_line;	/* first ESP proposal with nopfs */
	uint32_t		 mss_clamp;	/* default for the tunnels */
	/*
	 * `static PREFIX`: the peer's networks, routed over the vpn's live
	 * tunnels without BGP (a static-routing VPN connection); empty:
	 * BGP over each tunnel learns them.
	 */
	struct conf_networks	 statics;
	struct conf_tunnels	 tunnels;
};
TAILQ_HEAD(conf_vpns, conf_vpn);

struct conf_neighbor {
	TAILQ_ENTRY(conf_neighbor) entry;
	struct cgw_addr		 addr;
	uint32_t		 remote_as;
	char			 description[64];
	/* `install-routes on`: its best paths go into the kernel, next hop
	 * its address on the LAN (off: advertised to AWS only). */
	bool			 install_routes;
	int			 line;
};
TAILQ_HEAD(conf_neighbors, conf_neighbor);

/*
 * Who may use the control socket besides root (`control group NAME`,
 * `control admin-group NAME`): the group is resolved when the file is
 * loaded, so a typo is an error with its line, not a locked-out operator.
 */
#define CONF_GROUP_MAX		33	/* a group name, NUL included */
struct conf_ctl_group {
	bool			 set;
	uint32_t		 gid;
	char			 name[CONF_GROUP_MAX];
};

struct conf {
	char			*file;
	uint32_t		 asn;
	struct cgw_addr		 router_id;
	struct conf_ctl_group	 ctl_group;	/* read-only commands */
	struct conf_ctl_group	 ctl_admin;	/* every command */
	struct conf_networks	 networks;
	struct conf_vpns	 vpns;
	struct conf_neighbors	 neighbors;
	/* `metrics listen ADDRESS:PORT`: the Prometheus endpoint; 0 = off */
	struct cgw_addr		 metrics_addr;
	uint16_t		 metrics_port;
	/* `ike limits { ... }`: what an unauthenticated IKE_SA_INIT may
	 * cost (see struct ike_tunables); 0 = the engine's default. */
	struct conf_ike_limits {
		uint32_t	 cookies;		/* half-open in all */
		uint32_t	 cookies_per_peer;	/* of one address */
		uint32_t	 half_open;		/* table size */
		uint32_t	 half_open_per_peer;
		uint32_t	 dh_per_second;		/* per peer */
	}			 ike_limits;
};

/* A problem found while loading: "file:line: error: what; allowed: ..." */
struct conf_problem {
	TAILQ_ENTRY(conf_problem) entry;
	bool			 error;		/* else a warning */
	char			*file;
	int			 line;
	char			*msg;
};
TAILQ_HEAD(conf_problems, conf_problem);

/*
 * Parse and validate. Every problem (errors and warnings) is appended to
 * `problems` (initialised by the caller with TAILQ_INIT). Returns NULL if
 * there was at least one error.
 */
struct conf	*conf_load(const char *path, struct conf_problems *problems);
void		 conf_free(struct conf *);
void		 conf_problems_print(FILE *, const struct conf_problems *);
void		 conf_problems_free(struct conf_problems *);
/* Print back in the configuration language; PSKs are never printed. */
void		 conf_print(FILE *, const struct conf *);

/*
 * An ID as the configuration spells it (192.0.2.10, @cgw.example.com,
 * keyid:0a1b); bytes that cannot be printed (an ID off the wire) as
 * \xNN. Returns buf.
 */
const char	*conf_id_fmt(const struct conf_id *, char *buf, size_t len);

struct conf_tunnel *conf_tunnel_find(const struct conf *, const char *fullname);
/* The vpn routes by its `static` prefixes: no BGP over its tunnels. */
bool		 conf_vpn_static(const struct conf_vpn *);
/* Some vpn runs BGP, or a LAN neighbor is configured. */
bool		 conf_uses_bgp(const struct conf *);
/* The MSS a tunnel's TCP traffic is clamped to; 0: not clamped. */
uint32_t	 conf_tunnel_mss(const struct conf_tunnel *);

enum conf_sa_kind {
	CONF_SA_IKE,
	CONF_SA_ESP,
};
/*
 * One proposal as the language writes it ("aes256gcm16-prfsha256-modp2048")
 * into IANA transforms. 0, or -1 with a message naming the known
 * algorithms in err.
 */
int	conf_proposal_parse(const char *text, enum conf_sa_kind,
	    struct conf_proposal *, char *err, size_t errlen);

#endif
