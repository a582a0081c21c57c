/*
 * xfrm/: everything cgwd puts into the kernel, through XFRM netlink and
 * rtnetlink (libmnl). The daemon never shells out to `ip`.
 *
 * The API speaks cgwd's terms (tunnels, CHILD SAs, prefixes); no netlink
 * type leaks out. Commands are synchronous request/ack on their own
 * sockets (netlink to the local kernel answers at once); kernel events
 * (SA expire/acquire, link up/down) come on a separate socket read from
 * the libevent base and are handed to the callbacks.
 *
 * Every function that can fail returns 0 on success, -1 on failure and
 * fills `err` (may be NULL) with the errno and a human message that
 * includes the kernel's extended ack text when it sent one and names the
 * missing kernel option (CONFIG_INET_ESP, CONFIG_XFRM_INTERFACE) when that
 * is the cause. The caller decides whether to log it and carry on.
 *
 * Conventions:
 * - One tunnel = one if_id = one XFRM interface = one reqid. Use
 *   XFRM_IFID(n) for the n-th tunnel and its if_id as its reqid too.
 *   Everything with an if_id in [XFRM_IFID_BASE, XFRM_IFID_BASE+0xffff]
 *   belongs to cgwd, so stale objects of a crashed run can be found.
 * - Routes cgwd installs carry protocol XFRM_RTPROT_CGWD (`ip route show
 *   proto 201`); nothing else on this host uses that number.
 * - SPIs are host order, as in struct esp_child_sa.
 */
#ifndef CGW_XFRM_XFRM_H
#define CGW_XFRM_XFRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"
#include "lib/addr.h"

struct event_base;
struct xfrm_ctx;

#define XFRM_IFID_BASE		0x43470000u	/* "CG" */
#define XFRM_IFID_MASK		0xffff0000u
#define XFRM_IFID(n)		(XFRM_IFID_BASE + (uint32_t)(n))
#define XFRM_IFID_OURS(id)	(((id) & XFRM_IFID_MASK) == XFRM_IFID_BASE)

/* rtnetlink route protocol of cgwd's routes (unassigned in rt_protos). */
#define XFRM_RTPROT_CGWD	201
#define XFRM_TABLE_MAIN		254	/* RT_TABLE_MAIN; 0 means this too */

/* Range the kernel picks inbound SPIs from. */
#define XFRM_SPI_MIN		0xc0000000u
#define XFRM_SPI_MAX		0xcfffffffu

#define XFRM_DEFAULT_MTU	1436

struct xfrm_err {
	int	code;		/* errno, 0 = no error */
	char	msg[512];
};

/* Which half of a CHILD SA pair to install. Make-before-break rekeying
 * installs the new inbound SA first, then the outbound one. */
enum xfrm_dir {
	XFRM_DIR_IN	= 1,
	XFRM_DIR_OUT	= 2,
	XFRM_DIR_BOTH	= 3,
};

/* An SA the kernel told us about in an expire event. */
struct xfrm_sa_event {
	uint32_t	spi;		/* host order */
	struct cgw_addr	src;
	struct cgw_addr	dst;
	uint32_t	if_id;		/* 0 if the SA has none */
	uint32_t	reqid;
	bool		hard;
};

struct xfrm_route_req;

struct xfrm_callbacks {
	/* Soft lifetime reached: the SA still works, rekey it now. */
	void	(*sa_rekey)(void *arg, const struct xfrm_sa_event *);
	/* Hard lifetime reached: the kernel deleted the SA. Also comes for
	 * a larval SA of xfrm_spi_alloc never completed (after the kernel's
	 * acq_expires, 30 s): ignore SPIs you no longer know. */
	void	(*sa_gone)(void *arg, const struct xfrm_sa_event *);
	/* An interface changed (any RTM_NEWLINK/DELLINK, so the same state
	 * may repeat): up = administratively up and running; false when it
	 * went down or disappeared. */
	void	(*link_change)(void *arg, int ifindex, const char *ifname,
		    bool up);
	/* A local address can be bound now (added; IPv6 once duplicate
	 * address detection passed), or went away. May repeat. */
	void	(*addr_change)(void *arg, const struct cgw_addr *addr,
		    int ifindex, bool added);
	/* Whom a kernel object with this if_id belongs to, for the log
	 * lines about it ("aws-prod/t1"); NULL, or no callback: "xfrm". */
	const char *(*if_id_name)(void *arg, uint32_t if_id);
	/* The outcome of route requests xfrm_route_batch_send handed over,
	 * in the order they were added (several calls for one batch). */
	void	(*routes_done)(void *arg, const struct xfrm_route_req *req,
		    size_t n);
};

/*
 * Open netlink sockets and subscribe to XFRM expire/acquire, link and
 * address events, read from `base`. `cb` (copied) may be NULL; any callback may
 * be NULL. NULL on failure with `err` filled.
 */
struct xfrm_ctx	*xfrm_open(struct event_base *base,
		    const struct xfrm_callbacks *cb, void *arg,
		    struct xfrm_err *err);
/* Remove every object this context created (see xfrm_teardown), free. */
void		 xfrm_close(struct xfrm_ctx *);
/* Remove every SA, policy, route and interface this context created and
 * still tracks. Keeps going past failures; returns -1 if any failed. */
int		 xfrm_teardown(struct xfrm_ctx *, struct xfrm_err *);
/* At start: remove what a previous cgwd left behind: SAs and policies
 * with an if_id of ours, routes with XFRM_RTPROT_CGWD, XFRM interfaces
 * with an if_id of ours. Logs each removal. */
int		 xfrm_cleanup_stale(struct xfrm_ctx *, struct xfrm_err *);

/* ---- SAs ---- */

/*
 * Reserve an inbound SPI (remote -> local) from the kernel; it creates a
 * larval SA that xfrm_child_install(XFRM_DIR_IN) later completes.
 */
int		 xfrm_spi_alloc(struct xfrm_ctx *, const struct cgw_addr *local,
		    const struct cgw_addr *remote, uint32_t if_id,
		    uint32_t reqid, uint32_t *spi, struct xfrm_err *);
/*
 * Install the inbound SA (remote -> local, spi_in), the outbound SA
 * (local -> remote, spi_out) or both of a CHILD SA: ESP tunnel mode,
 * XFRMA_IF_ID = if_id, reqid as given, ESN replay state, UDP encap when
 * sa->encap, kernel lifetimes from soft/hard_life_s, selector 0/0 unless
 * the traffic selectors are narrower.
 */
int		 xfrm_child_install(struct xfrm_ctx *, uint32_t if_id,
		    uint32_t reqid, const struct esp_child_sa *sa,
		    enum xfrm_dir, struct xfrm_err *);
/* Delete one ESP SA. ESRCH (already gone) counts as success. */
int		 xfrm_sa_delete(struct xfrm_ctx *, const struct cgw_addr *dst,
		    uint32_t spi, struct xfrm_err *);

struct xfrm_sa_stats {
	uint64_t	bytes;
	uint64_t	packets;
	uint64_t	add_time;	/* unix seconds */
	uint64_t	use_time;	/* unix seconds of last packet, 0 = never */
	uint32_t	replay_fail;
	uint32_t	integrity_fail;
};
int		 xfrm_sa_stats(struct xfrm_ctx *, const struct cgw_addr *dst,
		    uint32_t spi, struct xfrm_sa_stats *, struct xfrm_err *);

/* ---- Policies ---- */

/*
 * out/in/fwd policies any <-> any of family `af` (AF_INET or AF_INET6,
 * inner traffic) bound to if_id, template ESP tunnel local <-> remote
 * with `reqid` and no SPI, so rekeys never touch them. With an if_id they
 * only match packets routed through that tunnel's XFRM interface.
 */
int		 xfrm_policy_install(struct xfrm_ctx *, uint32_t if_id,
		    uint32_t reqid, const struct cgw_addr *local,
		    const struct cgw_addr *remote, int af, struct xfrm_err *);
int		 xfrm_policy_remove(struct xfrm_ctx *, uint32_t if_id, int af,
		    struct xfrm_err *);

/* ---- Interfaces ---- */

/*
 * Create XFRM interface `name` with `if_id`, its underlying link being the
 * interface that holds `local`, set `mtu` (0 = XFRM_DEFAULT_MTU), add the
 * inside address (ours, e.g. 169.254.21.2/30; NULL = none), set the
 * sysctls a route-based tunnel needs (rp_filter=2, loose: with two tunnels
 * the route back to a source may use the other one) and bring it up.
 * *ifindex gets the new interface's index. On a kernel without XFRM
 * interfaces the message names CONFIG_XFRM_INTERFACE.
 */
int		 xfrm_iface_create(struct xfrm_ctx *, const char *name,
		    uint32_t if_id, const struct cgw_addr *local, uint32_t mtu,
		    const struct cgw_prefix *inside, int *ifindex,
		    struct xfrm_err *);
int		 xfrm_iface_delete(struct xfrm_ctx *, const char *name,
		    struct xfrm_err *);
/* Index of an interface by name (0 if none), or of the one holding an
 * address (-1 with `err` if none). */
int		 xfrm_ifindex(struct xfrm_ctx *, const char *name);
int		 xfrm_ifindex_of_addr(struct xfrm_ctx *, const struct cgw_addr *,
		    struct xfrm_err *);

/* ---- Routes ---- */

#define XFRM_MAX_NEXTHOPS	16

struct xfrm_nexthop {
	struct cgw_addr	gw;		/* peer inside address; unset = onlink */
	int		ifindex;	/* tunnel interface */
	uint8_t		weight;		/* ECMP weight, 0 or 1 = equal */
};

/* One route of ours as the kernel holds it. */
struct xfrm_route {
	struct cgw_prefix	prefix;
	uint32_t		table;
	/* n of them: in the list's pool (a listed route costs its own
	 * next hops, not XFRM_MAX_NEXTHOPS of them), or the parser's. */
	struct xfrm_nexthop	*nh;
	size_t			n;
	bool			wanted;		/* the caller's, for reconciling */
};
struct xfrm_nh_block;
struct xfrm_routes {
	struct xfrm_route	*v;
	size_t			 n, cap;
	bool			 oom;
	bool			 sorted;	/* for xfrm_routes_find */
	struct xfrm_nh_block	*blocks;
};

/* Install or replace `prefix` via one nexthop or ECMP over several, in
 * `table` (0 = main), protocol XFRM_RTPROT_CGWD. */
int		 xfrm_route_replace(struct xfrm_ctx *,
		    const struct cgw_prefix *prefix,
		    const struct xfrm_nexthop *nh, size_t n, uint32_t table,
		    struct xfrm_err *);
/* ESRCH (no such route) counts as success. */
int		 xfrm_route_delete(struct xfrm_ctx *,
		    const struct cgw_prefix *prefix, uint32_t table,
		    struct xfrm_err *);
/* Every route with protocol XFRM_RTPROT_CGWD, all tables, both families. */
int		 xfrm_route_flush_ours(struct xfrm_ctx *, struct xfrm_err *);
/* Those routes with their next hops, into `out` (freed by the caller
 * with xfrm_routes_free, also on failure). */
int		 xfrm_route_list(struct xfrm_ctx *, struct xfrm_routes *out,
		    struct xfrm_err *);
void		 xfrm_routes_free(struct xfrm_routes *);
/* Append a route (its next hops copied into the list's pool); NULL and
 * l->oom set when memory ran out. */
struct xfrm_route *xfrm_routes_add(struct xfrm_routes *,
		    const struct cgw_prefix *, uint32_t table,
		    const struct xfrm_nexthop *, size_t n);
/* By binary search: the first call sorts the list (entries move). */
struct xfrm_route *xfrm_routes_find(struct xfrm_routes *,
		    const struct cgw_prefix *, uint32_t table);
/* The kernel's route has exactly these next hops (in any order). */
bool		 xfrm_route_same(const struct xfrm_route *,
		    const struct xfrm_nexthop *, size_t n);

/*
 * Many route changes at once: requests are appended to one buffer and
 * leave XFRM_BATCH_MAX to a sendmsg; the kernel applies each as it
 * reads it and answers only the failed ones, with an error carrying the
 * request's sequence number, which maps it back to the request (code).
 * Two system calls per XFRM_BATCH_MAX routes rather than two per route.
 */
#define XFRM_BATCH_BYTES	(128 * 1024)
#define XFRM_BATCH_MAX		128	/* requests per sendmsg */
struct xfrm_route_req {
	struct cgw_prefix prefix;
	uint32_t	 table;
	int		 code;		/* after commit: 0, or an errno */
	bool		 del;		/* ESRCH counts as done */
	bool		 answered;
};
struct xfrm_route_batch {
	uint8_t			*buf;
	size_t			 len, cap;
	struct xfrm_route_req	*req;
	size_t			 n, ncap;
	uint32_t		 seq0;		/* request i has seq0 + i */
};
void		 xfrm_route_batch_init(struct xfrm_route_batch *);
void		 xfrm_route_batch_free(struct xfrm_route_batch *);
/* Append a replace (nh[0..n-1]) or, n == 0, a delete. The request's
 * index, or -1 (bad route, ENOMEM) with err set. */
int		 xfrm_route_batch_add(struct xfrm_ctx *,
		    struct xfrm_route_batch *, const struct cgw_prefix *,
		    const struct xfrm_nexthop *nh, size_t n, uint32_t table,
		    struct xfrm_err *);
/* Send everything, collect the errors; how many requests failed, or -1
 * when the socket failed (unanswered requests then carry its errno). The
 * batch is emptied for reuse; req[] stays readable until the next add. */
int		 xfrm_route_batch_commit(struct xfrm_ctx *,
		    struct xfrm_route_batch *, struct xfrm_err *);
/*
 * Hand the batch over and go on: each request's outcome reaches
 * cb.routes_done, and the batch is emptied. This context's own netlink
 * has nothing to wait for (rtnetlink does each request within sendmsg)
 * and reports before returning; a kernel helper's context (privsep/)
 * reports from the event loop once the helper has answered, so a full
 * table programs the kernel while the daemon keeps reading its peers.
 * -1 with err set when the requests could not all be handed over: they
 * are reported failed all the same.
 */
int		 xfrm_route_batch_send(struct xfrm_ctx *,
		    struct xfrm_route_batch *, struct xfrm_err *);
/* Routes handed over whose outcome has not reached routes_done yet
 * (always 0 for a context of its own netlink). */
size_t		 xfrm_route_backlog(struct xfrm_ctx *);
/* Apply the acks in buf[len] to the batch's requests (commit's own
 * reading, apart for tests). How many were answered. */
size_t		 xfrm_route_batch_acks(struct xfrm_route_batch *,
		    const void *buf, size_t len);

/* ---- Another process's kernel (privsep/) ----
 *
 * A context whose every operation above is done by `be` instead of
 * netlink of its own: cgwd's network-facing process holds one, and the
 * kernel helper, which holds the netlink sockets, does the work. Each
 * function has the signature of the call it stands for; `close` frees
 * what `arg` holds (the context itself is freed by xfrm_close). The
 * pure helpers (routes_find, route_same, batch_init/free/acks) stay
 * local. Kernel events reach the callbacks through whoever owns `be`.
 */
struct xfrm_backend {
	void	(*close)(struct xfrm_ctx *);
	int	(*teardown)(struct xfrm_ctx *, struct xfrm_err *);
	int	(*cleanup_stale)(struct xfrm_ctx *, struct xfrm_err *);
	int	(*spi_alloc)(struct xfrm_ctx *, const struct cgw_addr *,
		    const struct cgw_addr *, uint32_t, uint32_t, uint32_t *,
		    struct xfrm_err *);
	int	(*child_install)(struct xfrm_ctx *, uint32_t, uint32_t,
		    const struct esp_child_sa *, enum xfrm_dir,
		    struct xfrm_err *);
	int	(*sa_delete)(struct xfrm_ctx *, const struct cgw_addr *,
		    uint32_t, struct xfrm_err *);
	int	(*sa_stats)(struct xfrm_ctx *, const struct cgw_addr *,
		    uint32_t, struct xfrm_sa_stats *, struct xfrm_err *);
	int	(*policy_install)(struct xfrm_ctx *, uint32_t, uint32_t,
		    const struct cgw_addr *, const struct cgw_addr *, int,
		    struct xfrm_err *);
	int	(*policy_remove)(struct xfrm_ctx *, uint32_t, int,
		    struct xfrm_err *);
	int	(*iface_create)(struct xfrm_ctx *, const char *, uint32_t,
		    const struct cgw_addr *, uint32_t,
		    const struct cgw_prefix *, int *, struct xfrm_err *);
	int	(*iface_delete)(struct xfrm_ctx *, const char *,
		    struct xfrm_err *);
	int	(*ifindex)(struct xfrm_ctx *, const char *);
	int	(*ifindex_of_addr)(struct xfrm_ctx *, const struct cgw_addr *,
		    struct xfrm_err *);
	int	(*route_replace)(struct xfrm_ctx *, const struct cgw_prefix *,
		    const struct xfrm_nexthop *, size_t, uint32_t,
		    struct xfrm_err *);
	int	(*route_delete)(struct xfrm_ctx *, const struct cgw_prefix *,
		    uint32_t, struct xfrm_err *);
	int	(*route_flush_ours)(struct xfrm_ctx *, struct xfrm_err *);
	int	(*route_list)(struct xfrm_ctx *, struct xfrm_routes *,
		    struct xfrm_err *);
	int	(*route_batch_add)(struct xfrm_ctx *, struct xfrm_route_batch *,
		    const struct cgw_prefix *, const struct xfrm_nexthop *,
		    size_t, uint32_t, struct xfrm_err *);
	int	(*route_batch_commit)(struct xfrm_ctx *,
		    struct xfrm_route_batch *, struct xfrm_err *);
	int	(*route_batch_send)(struct xfrm_ctx *,
		    struct xfrm_route_batch *, struct xfrm_err *);
	size_t	(*route_backlog)(struct xfrm_ctx *);
};
/* NULL (ENOMEM) on failure. `be` is not copied: static storage. */
struct xfrm_ctx	*xfrm_open_backend(const struct xfrm_backend *be, void *arg);
void		*xfrm_backend_arg(const struct xfrm_ctx *);

#endif
