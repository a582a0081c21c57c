/* bgp/ internals shared by msg.c, attrs.c, decide.c, rib.c, session.c. */
#ifndef CGW_BGP_PRIV_H
#define CGW_BGP_PRIV_H

#include <sys/queue.h>
#include <bsd/sys/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "bgp/bgp.h"
#include "lib/buf.h"

struct event;
struct bufferevent;
struct evconnlistener;

/* ---- Wire constants (RFC 4271, 4760, 2918, 6793, 4486) ---- */
#define BGP_HDR_LEN		19
#define BGP_MAX_MSG		4096
#define BGP_MARKER_LEN		16
#define BGP_VERSION		4
#define BGP_AS_TRANS		23456
#define BGP_OPEN_MIN		29
#define BGP_UPDATE_MIN		23
#define BGP_NOTIFY_MIN		21
#define BGP_RREFRESH_LEN	23
/* Messages handled per read callback before yielding to the loop. */
#define BGP_READ_BATCH		32
/* ... and at most about this long (checked every 4 messages). */
#define BGP_READ_BUDGET_NS	4000000L

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes and the subcodes we send. */
#define BGP_ERR_HEADER		1
#define  BGP_ERR_HDR_SYNC	 1
#define  BGP_ERR_HDR_LEN	 2
#define  BGP_ERR_HDR_TYPE	 3
#define BGP_ERR_OPEN		2
#define  BGP_ERR_OPEN_VERSION	 1
#define  BGP_ERR_OPEN_AS	 2
#define  BGP_ERR_OPEN_BGPID	 3
#define  BGP_ERR_OPEN_OPT	 4
#define  BGP_ERR_OPEN_HOLD	 6
#define BGP_ERR_UPDATE		3
#define  BGP_ERR_UPD_ATTRLIST	 1
#define  BGP_ERR_UPD_UNKWK	 2
#define  BGP_ERR_UPD_MISSWK	 3
#define  BGP_ERR_UPD_FLAGS	 4
#define  BGP_ERR_UPD_ATTRLEN	 5
#define  BGP_ERR_UPD_ORIGIN	 6
#define  BGP_ERR_UPD_NEXTHOP	 8
#define  BGP_ERR_UPD_OPTATTR	 9
#define  BGP_ERR_UPD_NETWORK	 10
#define  BGP_ERR_UPD_ASPATH	 11
#define BGP_ERR_HOLD		4
#define BGP_ERR_FSM		5
#define  BGP_FSM_UNEXP_OPENSENT	 1	/* RFC 6608 */
#define  BGP_FSM_UNEXP_OPENCONFIRM 2
#define  BGP_FSM_UNEXP_ESTABLISHED 3
#define BGP_ERR_CEASE		6
#define  BGP_CEASE_MAXPFX	 1
#define  BGP_CEASE_SHUTDOWN	 2
#define  BGP_CEASE_DECONF	 3
#define  BGP_CEASE_RESET	 4
#define  BGP_CEASE_REJECTED	 5
#define  BGP_CEASE_CONFCHANGE	 6
#define  BGP_CEASE_COLLISION	 7
#define  BGP_CEASE_RESOURCES	 8
#define BGP_ERR_RREFRESH	7

/* Capabilities */
#define BGP_OPT_CAPABILITIES	2
#define BGP_CAPA_MP		1
#define BGP_CAPA_RREFRESH	2
#define BGP_CAPA_AS4		65
#define BGP_AFI_IPV4		1
#define BGP_AFI_IPV6		2
#define BGP_SAFI_UNICAST	1

/* Address families a session may carry, as a bit set. */
#define BGP_AF_IPV4		0x1u	/* AFI 1, SAFI 1 */
#define BGP_AF_IPV6		0x2u	/* AFI 2, SAFI 1 */
#define BGP_AF_ALL		(BGP_AF_IPV4 | BGP_AF_IPV6)
/* The bit of a prefix's family: AF_INET6 or IPv4. */
#define BGP_AF_OF(af)		((af) == AF_INET6 ? BGP_AF_IPV6 : BGP_AF_IPV4)

/* Path attributes */
#define BGP_ATTR_OPTIONAL	0x80
#define BGP_ATTR_TRANSITIVE	0x40
#define BGP_ATTR_PARTIAL	0x20
#define BGP_ATTR_EXTLEN		0x10

enum bgp_attr_code {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGR = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
};

#define BGP_ASPATH_SET		1
#define BGP_ASPATH_SEQUENCE	2
#define BGP_ASPATH_CONFED_SEQ	3
#define BGP_ASPATH_CONFED_SET	4

#define BGP_ORIGIN_IGP		0
#define BGP_ORIGIN_EGP		1
#define BGP_ORIGIN_INCOMPLETE	2

/* A NOTIFICATION to send or one received. */
struct bgp_notify {
	uint8_t		code;
	uint8_t		subcode;
	size_t		datalen;
	uint8_t		data[64];
};

/* ---- msg.c: framing, OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH ---- */
struct bgp_open {
	uint8_t		version;
	uint16_t	my_as;		/* as on the wire */
	uint16_t	hold_time;
	struct in_addr	bgp_id;
	uint32_t	asn;		/* 4-octet AS capability or my_as */
	bool		as4;
	bool		mp_ipv4;	/* IPv4 unicast: an MP capability,
					   or none at all (RFC 4760 8) */
	bool		mp_ipv6;	/* IPv6 unicast MP capability */
	bool		rrefresh;
	bool		has_mp;		/* any MP capability at all */
};

const char	*bgp_msg_type_name(uint8_t);
/* "Hold Timer Expired", "Cease/Administrative Shutdown" */
const char	*bgp_notify_name(uint8_t code, uint8_t subcode, char *, size_t);
/*
 * Check a header at buf (len >= BGP_HDR_LEN): marker, length, type and
 * the type's length bounds. 0 with msglen and type set, or -1 with n set.
 */
int		 bgp_hdr_parse(const uint8_t *buf, size_t len, uint16_t *msglen,
		    uint8_t *type, struct bgp_notify *n);
/* Start a message: marker, length placeholder, type. */
void		 bgp_msg_begin(struct wbuf *, uint8_t type);
/* Patch the length; false if over BGP_MAX_MSG or the wbuf failed. */
bool		 bgp_msg_end(struct wbuf *);
/* afs: the BGP_AF_* offered as Multiprotocol capabilities. */
bool		 bgp_open_build(struct wbuf *, uint32_t asn, uint16_t hold,
		    struct in_addr id, unsigned afs);
/* body = after the header. -1 with n set on an error to send. */
int		 bgp_open_parse(const uint8_t *body, size_t len,
		    struct bgp_open *, struct bgp_notify *n);
bool		 bgp_notify_build(struct wbuf *, const struct bgp_notify *);
int		 bgp_notify_parse(const uint8_t *body, size_t len,
		    struct bgp_notify *);
bool		 bgp_keepalive_build(struct wbuf *);
bool		 bgp_rrefresh_build(struct wbuf *, uint16_t afi);
int		 bgp_rrefresh_parse(const uint8_t *body, size_t len,
		    uint16_t *afi, uint8_t *safi);
void		 bgp_notify_set(struct bgp_notify *, uint8_t code,
		    uint8_t subcode, const void *data, size_t datalen);

/* ---- attrs.c: path attributes and UPDATE (RFC 4271 4.3, RFC 7606) ---- */

/*
 * AS_PATH is kept in 4-octet wire form: segments of type, count, ASNs.
 * The next hop is the one of the prefixes' family: an IPv4 prefix's in
 * `nexthop` (NEXT_HOP, or MP_REACH_NLRI for AFI 1), an IPv6 prefix's in
 * nh6 (MP_REACH_NLRI, RFC 2545: a global address, possibly IPv4-mapped,
 * and in nh6[1] a link-local one when nh6_len is 32). nh6_len 0 means an
 * IPv4 route's set: every learned set belongs to one family (our own
 * networks share one set with no next hop, which nothing forwards to).
 */
struct bgp_attrs {
	uint32_t	 seen;		/* bit per attribute code < 32 */
	uint8_t		 origin;
	uint8_t		 nh6_len;	/* 0, 16 or 32 */
	uint8_t		*aspath;
	size_t		 aspath_len;
	struct in_addr	 nexthop;
	uint32_t	 med;
	uint32_t	 local_pref;
	uint32_t	 agg_as;
	struct in_addr	 agg_id;
	uint8_t		*communities;
	size_t		 communities_len;
	uint8_t		*other;		/* unknown transitive attrs, encoded */
	size_t		 other_len;
	struct in6_addr	 nh6[2];	/* global (or ::ffff:a.b.c.d), link-local */
};
#define BGP_SEEN(a, code)	(((a)->seen >> (code)) & 1u)

struct bgp_parse_ctx {
	bool		 as4;		/* 4-octet ASNs on this session */
	bool		 ebgp;
	uint32_t	 peer_as;
	/* IPv6 unicast negotiated: MP_REACH/MP_UNREACH for AFI 2 are read
	 * (otherwise they are skipped as not ours). */
	bool		 ipv6;
	/* Out: why attributes were discarded or the update withdrawn. */
	char		 why[160];
};

/* Withdrawn routes and NLRI of both families (the classic fields and
 * MP_UNREACH/MP_REACH alike), told apart by their prefixes' af. */
struct bgp_update {
	struct cgw_prefix	*withdrawn;
	size_t			 nwithdrawn;
	struct cgw_prefix	*nlri;
	size_t			 nnlri;
	size_t			 nnlri6;	/* how many of nlri are IPv6 */
	struct bgp_attrs	 attrs;
	bool			 treat_as_withdraw;	/* RFC 7606 */
	/* End-of-RIB (RFC 4724 2): an UPDATE with nothing but an empty
	 * MP_UNREACH_NLRI for IPv6 unicast. */
	bool			 eor6;
};

/* -1: session reset, n says why (RFC 7606 leaves only a few cases). */
int		 bgp_update_parse(const uint8_t *body, size_t len,
		    struct bgp_parse_ctx *, struct bgp_update *,
		    struct bgp_notify *n);
void		 bgp_update_free(struct bgp_update *);

void		 bgp_attrs_clear(struct bgp_attrs *);
int		 bgp_attrs_copy(struct bgp_attrs *, const struct bgp_attrs *);
bool		 bgp_attrs_eq(const struct bgp_attrs *, const struct bgp_attrs *);
/* All but AS_PATH, COMMUNITIES and the unknown attributes. */
bool		 bgp_attrs_fixed_eq(const struct bgp_attrs *,
		    const struct bgp_attrs *);
/* Path attributes section for a peer (2- or 4-octet ASNs), but for
 * MP_REACH_NLRI, which holds the NLRI (bgp_mp_reach_begin): NEXT_HOP
 * only for an IPv4 route's set (nh6_len 0). */
bool		 bgp_attrs_encode(struct wbuf *, const struct bgp_attrs *,
		    bool as4);
/* Prefix in NLRI form (length + significant octets), either family. */
bool		 bgp_prefix_encode(struct wbuf *, const struct cgw_prefix *);
size_t		 bgp_prefix_wire_len(const struct cgw_prefix *);
/*
 * MP_REACH_NLRI / MP_UNREACH_NLRI for IPv6 unicast (RFC 4760 3, 4):
 * begin writes the attribute header (extended length, patched by end)
 * and, for MP_REACH, the next hop of `a` (nh6, nh6_len octets); the
 * caller appends prefixes with bgp_prefix_encode, then calls end. The
 * offset returned by begin is end's argument.
 */
size_t		 bgp_mp_reach_begin(struct wbuf *, const struct bgp_attrs *a);
size_t		 bgp_mp_unreach_begin(struct wbuf *);
bool		 bgp_mp_end(struct wbuf *, size_t off);
/* Octets begin writes: attribute header and, for MP_REACH, the rest up
 * to the first prefix. */
size_t		 bgp_mp_reach_overhead(const struct bgp_attrs *a);
#define BGP_MP_UNREACH_OVERHEAD	(4 + 3)
/*
 * Where a path's packets go, for the FIB and `show routes`: the IPv4
 * next hop, or for an IPv6 route the link-local next hop when there is
 * one, the IPv4 address of an IPv4-mapped one, else the global one.
 * Inline: the decision calls it for every prefix of a full table, and a
 * call there costs every IPv4 path a stack frame.
 */
static inline void
bgp_attrs_gateway(const struct bgp_attrs *a, struct cgw_addr *gw)
{
	memset(gw, 0, sizeof(*gw));
	if (a->nh6_len == 0) {
		gw->af = AF_INET;
		gw->v4 = a->nexthop;
	} else if (a->nh6_len == 32 && IN6_IS_ADDR_LINKLOCAL(&a->nh6[1])) {
		gw->af = AF_INET6;
		gw->v6 = a->nh6[1];
	} else if (IN6_IS_ADDR_V4MAPPED(&a->nh6[0])) {
		gw->af = AF_INET;
		memcpy(&gw->v4.s_addr, &a->nh6[0].s6_addr[12], 4);
	} else {
		gw->af = AF_INET6;
		gw->v6 = a->nh6[0];
	}
}

/* AS_PATH helpers on the 4-octet form. */
size_t		 bgp_aspath_count(const uint8_t *, size_t);	/* 9.1.2.2 a) */
bool		 bgp_aspath_contains(const uint8_t *, size_t, uint32_t);
uint32_t	 bgp_aspath_first(const uint8_t *, size_t);	/* 0 = none */
/* New path with `asn` prepended n times; caller frees *out. */
int		 bgp_aspath_prepend(const uint8_t *, size_t, uint32_t asn,
		    unsigned n, uint8_t **out, size_t *outlen);
/* Flatten into asns (malloc'd); *n entries. */
int		 bgp_aspath_flatten(const uint8_t *, size_t, uint32_t **, size_t *);

/* ---- aset.c: interned attribute sets and their AS_PATHs, communities ---- */

/* One interned byte string: an AS_PATH, a COMMUNITIES value or a set's
 * unknown transitive attributes, stored once however many sets hold it. */
struct bgp_blob {
	LIST_ENTRY(bgp_blob)	 entry;
	uint32_t		 hash;
	uint32_t		 refcnt;	/* sets holding it */
	uint32_t		 len;
	uint8_t			 data[];	/* what the sets point at */
};
LIST_HEAD(bgp_blob_list, bgp_blob);

struct bgp_blobs {
	struct bgp_blob_list	*buckets;
	size_t			 nbuckets;	/* a power of two, or 0 */
	size_t			 count;		/* distinct blobs */
	size_t			 bytes;		/* their lengths summed */
};

/*
 * A set's attrs never change once interned, and its aspath, communities
 * and other point into blobs of the table (one reference each; NULL when
 * empty), not into memory of its own: equal sets are one set and equal
 * blobs one blob, so pointers compare for bytes. Read it as any
 * bgp_attrs; never bgp_attrs_clear it (bgp_aset_put releases it).
 */
struct bgp_aset {
	LIST_ENTRY(bgp_aset)	 entry;
	uint32_t		 hash;
	uint32_t		 refcnt;	/* paths, out entries, callers */
	struct bgp_attrs	 attrs;
};
LIST_HEAD(bgp_aset_list, bgp_aset);

struct bgp_asets {
	struct bgp_aset_list	*buckets;
	size_t			 nbuckets;	/* a power of two, or 0 */
	size_t			 count;		/* distinct sets */
	struct bgp_blobs	 aspaths;
	struct bgp_blobs	 communities;
	struct bgp_blobs	 others;
};

void		 bgp_asets_init(struct bgp_asets *);
void		 bgp_asets_free(struct bgp_asets *);
/* The shared set equal to *a, one reference taken; *a is only read (its
 * bytes are interned as copies). NULL with errno on ENOMEM. */
struct bgp_aset	*bgp_aset_intern(struct bgp_asets *, const struct bgp_attrs *a);
/* The same, *a consumed (cleared) either way: a parsed UPDATE's. */
struct bgp_aset	*bgp_aset_get(struct bgp_asets *, struct bgp_attrs *a);
struct bgp_aset	*bgp_aset_ref(struct bgp_aset *);
/* Drop a reference; the last one frees the set. NULL is ignored. */
void		 bgp_aset_put(struct bgp_asets *, struct bgp_aset *);

/* ---- slab.c: pools of fixed-size objects (RIB entries) ---- */
#define BGP_SLAB_PAGE		65536u	/* a power of two */

struct bgp_slab_page;
struct bgp_slab {
	size_t				 size;		/* per object */
	uint32_t			 per_page;
	LIST_HEAD(, bgp_slab_page)	 partial;	/* pages with room */
	struct bgp_slab_page		*spare;		/* one empty page */
	size_t				 npages;	/* mapped, spare too */
	size_t				 nobjs;		/* handed out */
};

void		 bgp_slab_init(struct bgp_slab *, size_t size);
/* A zeroed object; NULL with errno ENOMEM. */
void		*bgp_slab_alloc(struct bgp_slab *);
/* Back to its page; a page left empty is unmapped. NULL is ignored. */
void		 bgp_slab_free(struct bgp_slab *, void *);
/* Unmap the kept empty page too (every object must be freed first for
 * nothing to remain). */
void		 bgp_slab_trim(struct bgp_slab *);

/* ---- decide.c: RFC 4271 9.1.2.2 ---- */
struct bgp_path;
/* <0: a better, >0: b better. mp_only: stop before the router-id step. */
int		 bgp_decide_cmp(const struct bgp_path *, const struct bgp_path *,
		    bool mp_only);

/* ---- rib.c ---- */
#define BGP_MAX_MULTIPATH	8

/*
 * A path as the decision reads it (bgp_decide_cmp): built on the stack
 * from a stored bgp_rpath and its peer, so the RIB keeps no copies of the
 * peer's identifiers per prefix.
 */
struct bgp_path {
	struct bgp_peer		*peer;		/* NULL: our network */
	struct bgp_aset		*aset;
	uint32_t		 local_pref;
	bool			 ebgp;
	struct in_addr		 peer_id;
	struct cgw_addr		 peer_addr;
};

/* A stored path: which peer, which interned attribute set. 24 octets. */
struct bgp_rpath {
	struct bgp_rpath	*next;		/* the prefix's other paths */
	struct bgp_peer		*peer;		/* NULL: our network */
	struct bgp_aset		*aset;		/* one reference; NULL: none */
};

struct bgp_fib_nh {
	struct cgw_addr		 gateway;
	struct bgp_peer		*peer;
	bool			 installed;	/* as fib_change said */
};

#define BGP_NOBEST		0xff

/*
 * One prefix, 56 octets for IPv4 (68 for IPv6): a full table is a
 * million of these. The first path is inline (nearly every prefix has
 * one), others chain from it; the FIB set the daemon has is one next hop
 * as the attribute set it came from (a reference) and a peer, or an
 * array when multipath needs more. The address is stored once, at the
 * end, in 4 or 16 octets; entries live in a hash table (bgp_rib) and
 * are sorted only when shown.
 */
struct bgp_rib_entry {
	struct bgp_rib_entry	*hnext;		/* hash chain */
	struct bgp_rpath	 path1;
	union {
		struct {
			struct bgp_aset	*aset;	/* gateway: its next hop */
			struct bgp_peer	*peer;
		} one;				/* nfib == 1 */
		struct bgp_fib_nh	*many;	/* nfib > 1 */
	} fib;
	uint8_t			 nfib;
	uint8_t			 best;		/* path index, BGP_NOBEST */
	uint8_t			 plen;
	bool			 v6:1;
	bool			 fib_dirty:1;
	/* The kernel may hold the prefix: a removal must reach it. */
	bool			 in_kernel:1;
	bool			 fib_failed:1;	/* bgp_fib_sync retries */
	bool			 export_dirty:1;
	bool			 on_dirty:1;
	bool			 fib1_installed:1;	/* nfib == 1 */
	uint8_t			 addr[];	/* 4 or 16 octets */
};

/* The prefixes: a chained hash table, grown and shrunk by powers of
 * two, a step at a time (rib.c: bgp_rib_migrate). */
struct bgp_rib {
	struct bgp_rib_entry	**b;
	size_t			 nb;		/* 0 or a power of two */
	/* Resizing: the previous array, its buckets from mig on not moved
	 * yet; NULL otherwise. */
	struct bgp_rib_entry	**old;
	size_t			 nold, mig;
};

/* Adj-RIB-Out: what we told one peer. */
struct bgp_out {
	RB_ENTRY(bgp_out)	 node;
	struct cgw_prefix	 prefix;
	/* What it was told, interned (a peer's table shares a set per
	 * distinct export); one reference, NULL when not announced. */
	struct bgp_aset		*aset;
	bool			 announced;	/* sent (or to send) as reachable */
	bool			 pending;	/* differs from what the peer has */
	bool			 withdraw;	/* pending withdrawal */
	/* A half of a prefix told for real (bgp_peer_set_cover), with
	 * that prefix's attributes; no RIB entry stands behind it. */
	bool			 cover;
	bool			 mark;		/* still wanted, while recomputing */
};
RB_HEAD(bgp_outs, bgp_out);

int		 bgp_prefix_cmp(const struct cgw_prefix *, const struct cgw_prefix *);

/* ---- session.c ---- */

/* RFC 4271 8.1 events as this speaker meets them (numbers in the RFC). */
enum bgp_fsm_event {
	BGP_EV_START = 0,		/* 1 ManualStart, 3 AutomaticStart */
	BGP_EV_STOP,			/* 2 ManualStop: bgp_peer_down */
	BGP_EV_CONNECT_RETRY_EXPIRES,	/* 9 */
	BGP_EV_HOLD_EXPIRES,		/* 10 */
	BGP_EV_KEEPALIVE_EXPIRES,	/* 11 */
	BGP_EV_TCP_CONNECTED,		/* 16/17: ours connected, or accepted */
	BGP_EV_TCP_FAILS,		/* 18 */
	BGP_EV_OPEN,			/* 19 BGPOpen */
	BGP_EV_MSG_ERROR,		/* 21 BGPHeaderErr: fsm_in.notify */
	BGP_EV_OPEN_COLLISION_DUMP,	/* 23: the session moves to coll */
	BGP_EV_NOTIFICATION,		/* 24/25 NotifMsg(VerErr) */
	BGP_EV_KEEPALIVE,		/* 26 KeepAliveMsg */
	BGP_EV_UPDATE,			/* 27 UpdateMsg */
	BGP_EV_ROUTE_REFRESH,		/* RFC 2918 */
	BGP_EV_MAX
};

/* What an event came with; set just before bgp_fsm(), read once by it. */
struct bgp_fsm_in {
	const uint8_t		*body;	/* a message's, after the header */
	size_t			 len;
	const struct bgp_notify	*notify;	/* BGP_EV_MSG_ERROR */
	const char		*why;	/* logged with the transition */
};

struct bgp_conn {
	struct bgp_peer		*peer;
	struct bufferevent	*bev;
	bool			 outgoing;
	bool			 connected;
	bool			 got_open;
	struct bgp_open		 open;	/* theirs, once got_open */
	bool			 read_held;	/* bgp_hold_input stopped it */
};

struct bgp_peer {
	TAILQ_ENTRY(bgp_peer)	 entry;
	struct bgp_ctx		*ctx;
	struct bgp_peer_conf	 conf;
	enum bgp_state		 state;
	bool			 enabled;	/* started and not downed */
	bool			 ebgp;
	struct bgp_conn		*conn;		/* the FSM's connection */
	struct bgp_conn		*coll;		/* second one, RFC 4271 6.8 */
	struct event		*ev_retry;	/* ConnectRetry / idle hold */
	struct event		*ev_hold;
	struct event		*ev_keepalive;
	/* Negotiated on the current session: */
	uint16_t		 hold_time;
	bool			 as4;
	bool			 rrefresh;
	unsigned		 afs;		/* BGP_AF_* both sides offered */
	uint32_t		 peer_asn;
	struct in_addr		 peer_id;
	struct in_addr		 local_addr;	/* our end of the TCP session */
	/* Ours on a session over IPv6 (an IPv6 inside address); zero on
	 * IPv4 sessions. The next hop of IPv6 routes we send there. */
	struct in6_addr		 local_addr6;
	time_t			 established_at;
	uint32_t		 established_count;
	uint32_t		 n_received;
	uint32_t		 n_advertised;
	bool			 warned_advertised;
	struct bgp_outs		 out;
	bool			 out_pending;
	/* The last export computed (rib.c: bgp_export_aset): the best
	 * path's set and what came of it, a reference each, with what else
	 * it depended on. A table's prefixes come in runs sharing a set, so
	 * a run costs one computation; forgotten after every flush. */
	struct bgp_aset		*x_in, *x_out;
	uint32_t		 x_lp;
	bool			 x_v6, x_local;
	/* End-of-RIB to send after the first table (RFC 4724 2). */
	bool			 eor_due;
	/* Covers (bgp_peer_set_cover): on, to recompute at the next flush,
	 * how many are told (in n_advertised too), how many prefixes the
	 * AWS limit left unsplit. */
	bool			 cover;
	bool			 cover_dirty;
	uint32_t		 n_covers;
	uint32_t		 cover_skipped;
	char			 last_error[BGP_ERR_MAX];
	char			 prev_error[BGP_ERR_MAX];
	/* Logged as one summary line a second after a burst, not per
	 * prefix: prefixes announced and withdrawn, since when. */
	uint32_t		 sum_announced;
	uint32_t		 sum_withdrawn;
	struct timespec		 sum_start, sum_last;
	struct event		*ev_summary;
	struct bgp_fsm_in	 fsm_in;
	/* For bgp_peer_status; never reset while the peer exists. */
	uint64_t		 msgs_in[BGP_MSG_TYPES];
	uint64_t		 msgs_out[BGP_MSG_TYPES];
	uint32_t		 flaps;
	/* BGP_ROLE_STATIC: its prefixes (bgp_static_set), in the RIB
	 * while enabled. */
	struct cgw_prefix	*statics;
	size_t			 nstatics;
};
TAILQ_HEAD(bgp_peers, bgp_peer);

struct bgp_ctx {
	struct event_base	*base;
	uint32_t		 asn;
	struct in_addr		 router_id;
	struct bgp_callbacks	 cb;
	void			*cbarg;
	bool			 multipath;
	uint16_t		 port;
	struct evconnlistener	*listener;
	bgp_listen_fn		 listen_fn;	/* privsep: who binds (bgp.h) */
	void			*listen_fn_arg;
	struct bgp_peers	 peers;
	struct bgp_rib		 rib;
	struct bgp_asets	 asets;
	/* RIB entries by address size: IPv4, IPv6. */
	struct bgp_slab		 slab4, slab6;
	/* Entries freed since the last malloc_trim (mass withdrawals). */
	size_t			 freed;
	size_t			 nentries;	/* prefixes in the RIB */
	size_t			 fib_queued;	/* fib_change calls to commit */
	/* Entries changed since the last flush, in order. dirty_all: the
	 * array could not grow; the flush walks the table for them. */
	struct bgp_rib_entry	**dirty;
	size_t			 ndirty, cdirty;
	bool			 dirty_all;
	struct event		*ev_flush;
	bool			 flush_scheduled;
	bool			 input_held;	/* bgp_hold_input */
};

/* rib.c */
void		 bgp_rib_init(struct bgp_ctx *);
void		 bgp_rib_free(struct bgp_ctx *);
/* Replace/insert peer's path for prefix (takes over *attrs). */
int		 bgp_rib_update(struct bgp_ctx *, struct bgp_peer *,
		    const struct cgw_prefix *, struct bgp_attrs *);
/* The same with an interned set; takes over one reference either way. */
int		 bgp_rib_update_aset(struct bgp_ctx *, struct bgp_peer *,
		    const struct cgw_prefix *, struct bgp_aset *);
struct bgp_rib_entry *bgp_rib_find(struct bgp_ctx *, const struct cgw_prefix *);
/* The entry's prefix, and whether its best path is in the kernel. */
void		 bgp_rib_entry_prefix(const struct bgp_rib_entry *,
		    struct cgw_prefix *);
bool		 bgp_rib_best_installed(const struct bgp_rib_entry *);
/* Remove peer's path (peer NULL: our network). true if one existed. */
bool		 bgp_rib_withdraw(struct bgp_ctx *, struct bgp_peer *,
		    const struct cgw_prefix *);
void		 bgp_rib_peer_flush(struct bgp_ctx *, struct bgp_peer *);
/* Fill the peer's Adj-RIB-Out from the whole Loc-RIB (Established). */
void		 bgp_rib_peer_export_all(struct bgp_ctx *, struct bgp_peer *);
void		 bgp_rib_peer_out_clear(struct bgp_peer *);
/* Mark every announced Adj-RIB-Out entry of the families afs (BGP_AF_*)
 * to be sent again (ROUTE-REFRESH); how many. */
uint32_t	 bgp_rib_peer_resend(struct bgp_ctx *, struct bgp_peer *,
		    unsigned afs);
/* Run the batched work: FIB callbacks, exports, UPDATE sending. */
void		 bgp_rib_flush(struct bgp_ctx *);
/* Re-run the decision everywhere (multipath switched). */
void		 bgp_rib_redecide_all(struct bgp_ctx *);
/* What the peer was told about prefix (NULL: nothing announced): its
 * interned set's attributes, shared with every prefix told alike. */
const struct bgp_attrs *bgp_rib_out_lookup(struct bgp_peer *,
		    const struct cgw_prefix *);
void		 bgp_schedule_flush(struct bgp_ctx *);

/* static.c: a static peer's start and stop (no FSM), its free. */
void		 bgp_static_start(struct bgp_peer *);
void		 bgp_static_stop(struct bgp_peer *, const char *reason);
void		 bgp_static_free(struct bgp_peer *);

/* session.c */
/*
 * The FSM: every state change happens here, from one switch over the
 * state and the event; an event a state does not expect is an FSM error
 * (RFC 6608 subcodes for messages). Returns -1 when the connection the
 * event came on is gone (the session closed, or lost a collision).
 */
int		 bgp_fsm(struct bgp_peer *, enum bgp_fsm_event);
const char	*bgp_fsm_event_name(enum bgp_fsm_event);
/* Queue a message on the peer's session; false if no session. */
bool		 bgp_peer_send(struct bgp_peer *, const struct wbuf *);
void		 bgp_listen_close(struct bgp_ctx *);

#endif
