/*
 * xfrm/ internals: the context, object tracking, netlink transactions and
 * the message builders (kept apart from sending so unit tests can check
 * every byte without a kernel).
 */
#ifndef CGW_XFRM_XFRM_PRIV_H
#define CGW_XFRM_XFRM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <linux/netlink.h>

#include "xfrm/xfrm.h"

/* Big enough for the largest message we build: NEWSA with a 4096-bit
 * replay bitmap (512 bytes) and keys, or a route with 16 nexthops. */
#define XFRM_MSG_BUFSZ		4096
#define XFRM_MAX_REPLAY		4096	/* XFRMA_REPLAY_ESN_MAX, bits */

struct event;
struct mnl_socket;

/* One ESP SA as the message builder needs it (one direction). */
struct xfrm_sa_spec {
	uint32_t		 spi;		/* host order */
	struct cgw_addr		 src;		/* outer */
	struct cgw_addr		 dst;
	uint32_t		 if_id;
	uint32_t		 reqid;
	const struct esp_alg	*alg;
	const struct esp_keys	*keys;
	bool			 esn;
	uint32_t		 replay_window;
	bool			 encap;
	uint16_t		 encap_sport;	/* host order */
	uint16_t		 encap_dport;
	uint32_t		 soft_s;
	uint32_t		 hard_s;
	const struct esp_ts	*ts_src;	/* NULL = any */
	const struct esp_ts	*ts_dst;
};

enum xfrm_obj_kind {
	XFRM_OBJ_SA,
	XFRM_OBJ_POLICY,
	XFRM_OBJ_IFACE,
	XFRM_OBJ_ROUTE,
};

/* Something this context put into the kernel and removes at teardown. */
struct xfrm_obj {
	TAILQ_ENTRY(xfrm_obj)	 entry;
	struct xfrm_obj		*hnext;		/* route: its hash chain */
	enum xfrm_obj_kind	 kind;
	struct cgw_addr		 dst;		/* SA */
	uint32_t		 spi;		/* SA */
	uint32_t		 if_id;		/* policy */
	int			 af;		/* policy */
	char			 ifname[16];	/* interface */
	struct cgw_prefix	 prefix;	/* route */
	uint32_t		 table;		/* route */
};
TAILQ_HEAD(xfrm_objs, xfrm_obj);

struct xfrm_ctx {
	struct event_base	*base;
	struct xfrm_callbacks	 cb;
	void			*cb_arg;
	struct mnl_socket	*xfrm_nl;	/* commands */
	struct mnl_socket	*rt_nl;
	struct mnl_socket	*xfrm_ev;	/* events */
	struct mnl_socket	*rt_ev;
	struct event		*xfrm_ev_event;
	struct event		*rt_ev_event;
	uint32_t		 seq;
	struct xfrm_objs	 objs;
	/* Routes by prefix and table as well: a full table is tracked,
	 * and a search through the list per route was quadratic. */
	struct xfrm_obj		**rt_hash;
	size_t			 rt_nbuckets, rt_count;
	/* Set: another process does the work (xfrm_open_backend). */
	const struct xfrm_backend *be;
	void			*be_arg;
};

/* Who a log line about if_id is about: its tunnel's name, else "xfrm". */
const char	*xfrm_who(const struct xfrm_ctx *, uint32_t if_id);

/* ---- errors (xfrm_nl.c) ---- */
int		 xfrm_err_set(struct xfrm_err *, int code, const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));
/* Add a hint naming the kernel option behind a known failure. */
void		 xfrm_err_hint(struct xfrm_err *, const char *hint);

/* ---- netlink transactions (xfrm_nl.c) ---- */
typedef int	(*xfrm_msg_cb)(const struct nlmsghdr *, void *);
/*
 * Send one request on `nl` and read until the ack (or NLMSG_DONE for a
 * dump), handing data messages to `cb`. On a kernel error fills `err` with
 * "<what>: <strerror>: <extack message>" and returns -1.
 */
int		 xfrm_nl_talk(struct xfrm_ctx *, struct mnl_socket *nl,
		    struct nlmsghdr *, xfrm_msg_cb cb, void *data,
		    struct xfrm_err *, const char *what);

/*
 * One command: send the request and wait for its ack. `nlh` NULL means
 * its builder failed and filled `err` already. The kernel answering
 * `gone` (ESRCH, ENOENT, ENODEV: the object is not there) counts as done
 * for a delete; 0 for none.
 */
int		 xfrm_nl_cmd(struct xfrm_ctx *, struct mnl_socket *nl,
		    struct nlmsghdr *nlh, int gone, struct xfrm_err *,
		    const char *what);
/* A dump of `type` (hdrlen bytes of zeroed family header), every
 * message to `cb`. */
int		 xfrm_nl_dump(struct xfrm_ctx *, struct mnl_socket *nl,
		    uint16_t type, size_t hdrlen, xfrm_msg_cb cb, void *data,
		    struct xfrm_err *, const char *what);

/*
 * Parsers of kernel messages (xfrm_nl.c; the callers have checked
 * nlmsg_len against what was received). parse_ack: 0 for an ack, 1 for an
 * error with *code = errno and ext = the extended ack text ("" if none),
 * -1 if malformed. parse_expire: false unless an ESP expire.
 */
int		 xfrm_nl_parse_ack(const struct nlmsghdr *, int *code,
		    char *ext, size_t extlen);
bool		 xfrm_nl_parse_expire(const struct nlmsghdr *,
		    struct xfrm_sa_event *);
/* RTM_NEWADDR/DELADDR: false unless an IPv4/IPv6 address; *added is
 * false for a deletion and for an address not usable yet (tentative). */
bool		 xfrm_nl_parse_addr(const struct nlmsghdr *, struct cgw_addr *,
		    int *ifindex, bool *added);
/* An RTM_NEWROUTE with protocol XFRM_RTPROT_CGWD (xfrm_route.c); false
 * for any other message or one that does not add up. The next hops go
 * to r->nh, which must have room for XFRM_MAX_NEXTHOPS. */
bool		 xfrm_nl_parse_route(const struct nlmsghdr *,
		    struct xfrm_route *);

/* ---- tracking (xfrm_clean.c) ---- */
struct xfrm_obj	*xfrm_obj_add(struct xfrm_ctx *, enum xfrm_obj_kind);
struct xfrm_obj	*xfrm_obj_find_sa(struct xfrm_ctx *, const struct cgw_addr *,
		    uint32_t spi);
struct xfrm_obj	*xfrm_obj_find_policy(struct xfrm_ctx *, uint32_t if_id, int af);
struct xfrm_obj	*xfrm_obj_find_iface(struct xfrm_ctx *, const char *);
struct xfrm_obj	*xfrm_obj_find_route(struct xfrm_ctx *,
		    const struct cgw_prefix *, uint32_t table);
/* Track a route unless it is already (table: never 0). */
void		 xfrm_obj_add_route(struct xfrm_ctx *,
		    const struct cgw_prefix *, uint32_t table);
void		 xfrm_obj_del(struct xfrm_ctx *, struct xfrm_obj *);
/* Forget everything tracked (at close, after the teardown). */
void		 xfrm_objs_free(struct xfrm_ctx *);

/* ---- message builders (xfrm_msg.c) ----
 * Each writes one request into buf (XFRM_MSG_BUFSZ bytes) and returns it,
 * or NULL with `err` filled if the parameters cannot be expressed. The
 * caller sets nlmsg_seq and NLM_F_ACK. */
/* The inbound (peer to us) or outbound SA of a negotiated pair. */
void		 xfrm_sa_spec_child(struct xfrm_sa_spec *,
		    const struct esp_child_sa *, uint32_t if_id, uint32_t reqid,
		    bool inbound);
struct nlmsghdr	*xfrm_msg_newsa(void *buf, const struct xfrm_sa_spec *,
		    bool update, struct xfrm_err *);
struct nlmsghdr	*xfrm_msg_allocspi(void *buf, const struct cgw_addr *src,
		    const struct cgw_addr *dst, uint32_t if_id, uint32_t reqid,
		    uint32_t min, uint32_t max, struct xfrm_err *);
/* type XFRM_MSG_DELSA or XFRM_MSG_GETSA */
struct nlmsghdr	*xfrm_msg_sa_id(void *buf, uint16_t type,
		    const struct cgw_addr *dst, uint32_t spi, uint8_t proto,
		    struct xfrm_err *);
/* dir XFRM_POLICY_IN/OUT/FWD; af the inner family */
struct nlmsghdr	*xfrm_msg_policy(void *buf, uint8_t dir, uint32_t if_id,
		    uint32_t reqid, const struct cgw_addr *local,
		    const struct cgw_addr *remote, int af, struct xfrm_err *);
struct nlmsghdr	*xfrm_msg_delpolicy(void *buf, uint8_t dir, uint32_t if_id,
		    int af, uint32_t index, struct xfrm_err *);
struct nlmsghdr	*xfrm_msg_newlink(void *buf, const char *name,
		    uint32_t if_id, int link_ifindex, uint32_t mtu,
		    struct xfrm_err *);
struct nlmsghdr	*xfrm_msg_dellink(void *buf, const char *name, int ifindex,
		    struct xfrm_err *);
struct nlmsghdr	*xfrm_msg_newaddr(void *buf, int ifindex,
		    const struct cgw_prefix *, struct xfrm_err *);
/* RTM_NEWROUTE (replace) with n nexthops, or RTM_DELROUTE with n = 0. */
struct nlmsghdr	*xfrm_msg_route(void *buf, uint16_t type,
		    const struct cgw_prefix *, const struct xfrm_nexthop *,
		    size_t n, uint32_t table, struct xfrm_err *);

#endif
