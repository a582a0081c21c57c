/*
 * bgp/: cgwd's BGP-4 speaker (RFC 4271), a library driven by the daemon's
 * libevent base. It owns its TCP sockets and timers; it never touches
 * netlink: route changes leave through the fib_change callback, which the
 * daemon maps onto xfrm/'s route API.
 *
 * Roles decide what is exported to a peer:
 * - BGP_ROLE_TUNNEL (a VGW over a tunnel's inside addresses): our
 *   `network`s plus the routes learned from LAN neighbors, with our ASN
 *   prepended `prepend` extra times (active/standby steering);
 * - BGP_ROLE_NEIGHBOR (a LAN router, eBGP or iBGP): the routes learned
 *   from tunnel peers.
 *
 * Every learned best route (both roles) goes to fib_change, which says
 * which of its next hops the kernel took (the daemon keeps a LAN
 * neighbor's out), and fib_commit follows each run of them (the daemon
 * sends them as one netlink batch); our own networks never go there.
 *
 * IPv4 and IPv6 unicast (RFC 4760): every OPEN offers both, and a session
 * carries the families its peer offered too (IPv4 alone for a peer with
 * no Multiprotocol capability). Sessions themselves run over IPv4; an
 * IPv6 route goes out with our end of the session as an IPv4-mapped next
 * hop (::ffff:a.b.c.d, RFC 4798), and one learned with such a next hop
 * reaches fib_change with its IPv4 address as the gateway.
 *
 * Built for a LAN neighbor's full table: attribute sets are interned and
 * shared by every prefix carrying them, a prefix costs 56 octets (IPv4)
 * from pools whose empty pages go back to the system, a session is read
 * a bounded number of messages and milliseconds per loop turn, and a
 * burst of UPDATEs is logged as one summary line per peer.
 *
 * Functions that can fail return 0 (or a pointer) on success and -1 (or
 * NULL) with errno set; nothing is logged on the caller's behalf except
 * session events, which are logged with the peer's name.
 */
#ifndef CGW_BGP_BGP_H
#define CGW_BGP_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "lib/addr.h"

struct event_base;
struct bgp_ctx;
struct bgp_peer;

#define BGP_PORT		179
#define BGP_NAME_MAX		64
#define BGP_ERR_MAX		128

#define BGP_DEF_HOLD_TIME	30	/* AWS */
#define BGP_DEF_CONNECT_RETRY	5
#define BGP_DEF_LOCAL_PREF	100
#define BGP_AWS_MAX_ADVERTISED	100	/* warned about above this */
#define BGP_AWS_MAX_RECEIVED	1000

/* RFC 4271 8.2.2 session states. */
enum bgp_state {
	BGP_ST_IDLE = 0,
	BGP_ST_CONNECT,
	BGP_ST_ACTIVE,
	BGP_ST_OPENSENT,
	BGP_ST_OPENCONFIRM,
	BGP_ST_ESTABLISHED,
};
/* "Idle", "Connect", ..., "Established" */
const char	*bgp_state_name(enum bgp_state);

enum bgp_role {
	BGP_ROLE_TUNNEL = 0,	/* AWS VGW over a tunnel */
	BGP_ROLE_NEIGHBOR,	/* LAN router */
	BGP_ROLE_STATIC,	/* a static-routing tunnel: no session */
};

struct bgp_peer_conf {
	char		 name[BGP_NAME_MAX];	/* "aws-prod/t1", "neighbor 10.224.0.1" */
	enum bgp_role	 role;
	struct cgw_addr	 local;		/* bind address (tunnel inside address);
					   AF_UNSPEC = the kernel chooses */
	struct cgw_addr	 remote;
	uint32_t	 remote_asn;	/* == local ASN: iBGP */
	uint16_t	 hold_time;	/* proposed; 0 or >= 3 (RFC 4271 4.2) */
	uint16_t	 connect_retry;	/* seconds, >= 1 */
	bool		 passive;	/* only accept, never connect */
	uint8_t		 prepend;	/* extra copies of our ASN on export (eBGP) */
	uint32_t	 local_pref;	/* given to every route learned from it */
	uint32_t	 max_prefixes;	/* above: Cease/Max Prefixes; 0 = no limit */
	void		*arg;		/* the daemon's (tunnel); bgp_peer_arg() */
};

/* Defaults: hold 30, connect retry 5, local-pref 100, not passive, no
 * prepend, no limit. Name, role, addresses and ASN are left empty. */
void		 bgp_peer_conf_defaults(struct bgp_peer_conf *);

struct bgp_nexthop {
	/* The NEXT_HOP attribute; for an IPv6 prefix the link-local next
	 * hop if the peer gave one, else the global one, an IPv4-mapped
	 * one as its IPv4 address (the kernel takes that as RTA_VIA). */
	struct cgw_addr	 gateway;
	struct bgp_peer	*peer;		/* learned from; the daemon maps it to
					   an interface via bgp_peer_arg() */
	const char	*peer_name;
	bool		 installed;	/* out: set by fib_change */
};

struct bgp_callbacks {
	/*
	 * The best path (or, with multipath on, the set of equal best paths)
	 * of a prefix changed: install nhs[0..n-1], replacing whatever was
	 * there; n == 0, or no next hop the daemon puts in the kernel:
	 * remove the prefix, but only if `in_kernel` (an earlier call, or a
	 * reconcile, may have left it there): a route never installed is
	 * not deleted. The callback sets nhs[i].installed for each next hop
	 * the kernel now holds; `installed` in bgp_rib_walk comes from that
	 * alone. Returns 0, or -1 when the kernel refused: nothing counts as
	 * installed and bgp_fib_sync tries again. Changes are batched and
	 * delivered once per event-loop turn, never from inside a bgp_*
	 * call other than bgp_fib_sync and bgp_flush. May be NULL: nothing
	 * is installed.
	 */
	int	(*fib_change)(void *cbarg, const struct cgw_prefix *,
		    struct bgp_nexthop *nhs, size_t n, bool in_kernel);
	/* Every FSM transition, after it is logged; also from inside
	 * bgp_peer_start/down, so it must not remove the peer. May be
	 * NULL. */
	void	(*peer_state)(void *cbarg, struct bgp_peer *,
		    enum bgp_state old, enum bgp_state new_state);
	/*
	 * After each run of fib_change calls (a flush, a bgp_fib_sync),
	 * before that bgp_* call returns: a daemon that queued the changes
	 * (one netlink batch rather than a request per prefix) sends them
	 * here, having said `installed` in fib_change, and reports each
	 * prefix the kernel refused with bgp_fib_failed. May be NULL.
	 */
	void	(*fib_commit)(void *cbarg);
};

/* From fib_commit: the kernel refused what fib_change queued for prefix.
 * None of its next hops counts as installed; bgp_fib_sync tries again. */
void		 bgp_fib_failed(struct bgp_ctx *, const struct cgw_prefix *);

/* Listens nowhere until the first peer is started. */
struct bgp_ctx	*bgp_new(struct event_base *, uint32_t local_asn,
		    struct in_addr router_id, const struct bgp_callbacks *,
		    void *cbarg);
/* Closes every session (Cease) and frees everything, without calling
 * fib_change: the daemon flushes its routes on its own (xfrm). */
void		 bgp_free(struct bgp_ctx *);
/* The cbarg given to bgp_new. */
void		*bgp_cbarg(const struct bgp_ctx *);

/*
 * Reconcile the kernel with the FIB (BIRD's krt scan): first the pending
 * batch is delivered, then `intact` is asked about every prefix the FIB
 * holds (each once, so the caller can tell strays from wanted routes);
 * where it says the kernel differs, or an earlier fib_change failed,
 * fib_change runs again at once (in_kernel true: whatever is
 * there is replaced or removed) and the installed flags follow it.
 */
void		 bgp_fib_sync(struct bgp_ctx *,
		    bool (*intact)(void *arg, const struct cgw_prefix *,
		    const struct bgp_nexthop *nhs, size_t n), void *arg);

/*
 * Run the batched work now rather than at the next event-loop turn:
 * fib_change for every changed prefix, exports into each Adj-RIB-Out
 * (covers included), UPDATEs queued on the sessions. The daemon calls it
 * right after bgp_peer_down on a tunnel's death, so the kernel's routes
 * move to the surviving tunnel before the dead one's SAs leave the
 * kernel later in the same turn.
 */
void		 bgp_flush(struct bgp_ctx *);
/*
 * Stop reading from every session (TCP then holds the peers back) while
 * the kernel is behind with the routes decided already; false reads on.
 * Timers and sending go on meanwhile.
 */
void		 bgp_hold_input(struct bgp_ctx *, bool hold);

/*
 * Install equal best paths from several peers together (RFC 4271 best path
 * up to, not including, the router-id step). Off by default. Harmless in
 * active/standby, where the standby tunnel's routes have a lower
 * local-pref and never tie.
 */
void		 bgp_set_multipath(struct bgp_ctx *, bool);
/* TCP port to listen on and connect to; default 179. Tests use others.
 * Must be called before the first peer is started. */
int		 bgp_set_port(struct bgp_ctx *, uint16_t);
/*
 * Where the listener's socket comes from when the process may not bind
 * port 179 itself (privsep/): a TCP socket listening on 0.0.0.0:port,
 * the fd or -1. NULL: bound here.
 */
typedef int	(*bgp_listen_fn)(void *arg, uint16_t port);
void		 bgp_set_listen_fn(struct bgp_ctx *, bgp_listen_fn, void *arg);

/* Our prefixes (config `network` lines, IPv4 or IPv6), advertised to
 * tunnel peers that negotiated their family. */
int		 bgp_network_add(struct bgp_ctx *, const struct cgw_prefix *);
int		 bgp_network_remove(struct bgp_ctx *, const struct cgw_prefix *);

/* Added down (Idle); nothing happens until bgp_peer_start. EEXIST if a
 * peer with that name or remote address exists, EINVAL on a bad conf. */
struct bgp_peer	*bgp_peer_add(struct bgp_ctx *, const struct bgp_peer_conf *);
/* Start connecting/accepting (the daemon: when the CHILD SA is up). */
int		 bgp_peer_start(struct bgp_peer *);
/*
 * Tear the session down at once (NOTIFICATION Cease/Administrative
 * Shutdown if the socket is open, no waiting), drop its Adj-RIB-In and
 * recompute: fib_change then moves its prefixes to the surviving peers or
 * deletes them. The peer stays Idle until bgp_peer_start. `reason` is
 * logged and kept as the last error.
 */
void		 bgp_peer_down(struct bgp_peer *, const char *reason);
/* bgp_peer_down + free. */
void		 bgp_peer_remove(struct bgp_peer *);
struct bgp_peer	*bgp_peer_find(struct bgp_ctx *, const char *name);

/*
 * Covers, for failover: while on, every prefix exported to this tunnel
 * peer is also exported as its two halves (10.224.0.0/12 as /13s, a /32
 * has none), with the covered prefix's attributes, AS_PATH and prepend
 * included. A VGW prefers the longer prefix before it looks at AS_PATH,
 * so the covers draw the VPC's return traffic onto this tunnel while
 * another tunnel of the VPN is dead but not yet timed out on the AWS
 * side. Covers exist in this peer's Adj-RIB-Out only: never in the RIB,
 * the FIB, `show routes` or another peer's exports. A half that is
 * exported for real (a route to it in the RIB) is advertised as that
 * route, never replaced by a cover, and stays when covers go off.
 * Covers follow the covered prefixes as they come and go.
 *
 * Originals plus halves never pass BGP_AWS_MAX_ADVERTISED: prefixes are
 * split in prefix order while their halves fit, the rest are not split.
 * Returns how many prefixes could not be split for that reason (also
 * `cover_skipped` in bgp_peer_status, which follows later changes), or
 * -1 with EINVAL for a peer that is not BGP_ROLE_TUNNEL. The UPDATEs
 * leave at the next flush (bgp_flush, or the event-loop turn).
 */
int		 bgp_peer_set_cover(struct bgp_peer *, bool on);
/*
 * The local preference given to every route learned from the peer, the
 * ones it already sent included (an iBGP route carrying LOCAL_PREF keeps
 * its own, as on import); their prefixes are decided again and
 * fib_change follows at the next flush. For hold-down: a tunnel that has
 * just come back gets less than the standby until it has been stable.
 */
int		 bgp_peer_set_local_pref(struct bgp_peer *, uint32_t);
void		*bgp_peer_arg(const struct bgp_peer *);
const char	*bgp_peer_name(const struct bgp_peer *);

#define BGP_MSG_TYPES	6	/* message types 1..5, by number */

struct bgp_peer_status {
	char		 name[BGP_NAME_MAX];
	enum bgp_role	 role;
	enum bgp_state	 state;
	const char	*state_name;	/* static string */
	struct cgw_addr	 local, remote;
	/* Our end of the TCP session (getsockname) once one connected, in
	 * the remote's family; unset before. */
	struct cgw_addr	 session_local;
	uint32_t	 peer_asn;	/* configured; the peer's once it said */
	struct in_addr	 peer_id;	/* 0.0.0.0 until an OPEN came */
	uint16_t	 hold_time;	/* negotiated, 0 unless Established */
	/* Families both sides offered (RFC 4760), from OpenConfirm on:
	 * what the session carries. */
	bool		 ipv4, ipv6;
	uint64_t	 uptime_s;	/* time in Established; meaningless
					   (0) in any other state */
	uint32_t	 prefixes_received;	/* accepted in Adj-RIB-In */
	uint32_t	 prefixes_advertised;	/* in Adj-RIB-Out, covers
						   included */
	uint32_t	 covers_advertised;	/* halves (bgp_peer_set_cover) */
	uint32_t	 cover_skipped;	/* prefixes the AWS limit left unsplit */
	bool		 cover;		/* bgp_peer_set_cover on */
	uint32_t	 established_count;
	/* Why the last session failed; "" once Established again. */
	char		 last_error[BGP_ERR_MAX];
	/* What last_error said before the session came up ("" = none). */
	char		 prev_error[BGP_ERR_MAX];
	/* Counters since the peer was added: messages by BGP type (index
	 * 1 OPEN .. 5 ROUTE-REFRESH; 0 unused), sessions lost. */
	uint64_t	 msgs_in[BGP_MSG_TYPES];
	uint64_t	 msgs_out[BGP_MSG_TYPES];
	uint32_t	 flaps;		/* times Established was left */
};
void		 bgp_peer_status(const struct bgp_peer *, struct bgp_peer_status *);

/*
 * Static routes (a static-routing VPN's tunnel, bgp/static.c). A peer of
 * role BGP_ROLE_STATIC has no session: it never listens, connects or
 * sends, and bgp_peer_foreach skips it. While started (bgp_peer_start)
 * its prefixes are paths in the RIB as if learned from it: NEXT_HOP its
 * `remote` (the tunnel's peer inside address), empty AS_PATH, ORIGIN
 * IGP, its local_pref, external; they compete with BGP-learned paths
 * and go to fib_change like them, and to LAN neighbors like
 * tunnel-learned routes (never to tunnel peers). bgp_peer_down takes
 * them out at once, as a session's routes; bgp_peer_set_local_pref
 * applies too. remote_asn is not used and may be 0.
 *
 * Sets the peer's prefixes (IPv4, host bits cleared), replacing the
 * previous set; while started, the RIB follows at once (the kernel at
 * the next flush). -1 with EINVAL (not a static peer, a bad prefix),
 * EAFNOSUPPORT (IPv6) or ENOMEM.
 */
int		 bgp_static_set(struct bgp_peer *, const struct cgw_prefix *,
		    size_t n);

/* Walk every peer in the order they were added (static sources, which
 * are not sessions, are skipped). */
void		 bgp_peer_foreach(struct bgp_ctx *,
		    void (*cb)(struct bgp_peer *, void *), void *arg);

/* One path of one prefix, for `cgwctl show routes`. Pointers are valid
 * during the callback only. */
struct bgp_route_info {
	const struct cgw_prefix	*prefix;
	struct cgw_addr		 nexthop;	/* unset for our networks; as
						   bgp_nexthop's gateway */
	const struct bgp_peer	*peer;		/* NULL: our network */
	const char		*peer_name;	/* "local" for our networks */
	const uint32_t		*as_path;	/* flattened, sets included */
	size_t			 as_path_len;
	uint8_t			 origin;	/* 0 IGP, 1 EGP, 2 INCOMPLETE */
	uint32_t		 local_pref;
	uint32_t		 med;
	bool			 best;
	bool			 installed;	/* fib_change says the kernel
						   holds this next hop */
};
/* Prefixes in order; our network first, then each peer's path. */
void		 bgp_rib_walk(struct bgp_ctx *,
		    void (*cb)(const struct bgp_route_info *, void *), void *arg);

/* One prefix of a peer's Adj-RIB-Out, for `cgwctl show bgp advertised`.
 * Pointers are valid during the callback only. */
struct bgp_out_info {
	const struct cgw_prefix	*prefix;
	const uint32_t		*as_path;	/* as sent, flattened */
	size_t			 as_path_len;
	struct cgw_addr		 nexthop;	/* as sent: IPv6 routes'
						   ::ffff:a.b.c.d */
	uint8_t			 origin;
	uint32_t		 med;
	bool			 pending;	/* not yet sent to the peer */
};
/* Every prefix announced to (or about to be announced to) the peer. */
void		 bgp_peer_out_walk(struct bgp_peer *,
		    void (*cb)(const struct bgp_out_info *, void *), void *arg);

#endif
