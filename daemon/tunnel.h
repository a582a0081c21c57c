/*
 * Tunnel objects: one per configured tunnel (conf_tunnel), each with the
 * orchestration state machine that IKE, kernel and BGP events drive.
 *
 *   down --START--> connecting --CHILD_UP--> up
 *     ^                 ^    |                |
 *     |                 +----+-------LOST-----+
 *     +------DEAD / ADMIN_DOWN / RECONFIG----+
 *
 * LOST is a failure while IKE keeps trying (it re-initiates, or retries
 * the CHILD SA): the tunnel says "connecting", with the failure as reason.
 *
 * Every transition is logged with the tunnel's name and a reason:
 *   "aws-prod/t1: down -> connecting (initiating)",
 * kept in the tunnel's history (the last TUNNEL_HISTORY_MAX) and published
 * to `cgwctl monitor` (daemon/events.h).
 */
#ifndef CGW_DAEMON_TUNNEL_H
#define CGW_DAEMON_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/queue.h>

#include "conf/conf.h"
#include "daemon/counters.h"
#include "daemon/failover.h"

struct cgwd;
struct ike_peer;	/* ike/ike.h */
struct bgp_peer;	/* bgp/bgp.h: the session over the inside addresses */

enum tunnel_state {
	TUNNEL_S_DOWN = 0,
	TUNNEL_S_CONNECTING,
	TUNNEL_S_UP,
	TUNNEL_S_MAX,
};

enum tunnel_ev {
	TUNNEL_EV_START = 0,	/* IKE negotiation begins (either side) */
	TUNNEL_EV_CHILD_UP,	/* a CHILD SA is installed (first or rekey) */
	TUNNEL_EV_DEAD,		/* DPD timeout, DELETE, expiry, failed setup */
	TUNNEL_EV_LOST,		/* the same, while IKE keeps trying */
	TUNNEL_EV_ADMIN_DOWN,	/* operator asked for it */
	TUNNEL_EV_RECONFIG,	/* its configuration changed on reload */
	TUNNEL_EV_MAX,
};

#define TUNNEL_NAME_MAX		(2 * CONF_NAME_MAX + 1)
#define TUNNEL_REASON_MAX	128
/* Transitions a tunnel remembers for `cgwctl show tunnel NAME`. */
#define TUNNEL_HISTORY_MAX	20

struct tunnel_transition {
	time_t			 when;		/* wall clock (epoch seconds) */
	enum tunnel_state	 from;
	enum tunnel_state	 to;
	char			 reason[TUNNEL_REASON_MAX];
};

/* A ring: the oldest entry is overwritten once it is full. */
struct tunnel_history {
	struct tunnel_transition ent[TUNNEL_HISTORY_MAX];
	unsigned		 next;		/* slot the next entry goes to */
	unsigned		 n;		/* entries held, <= MAX */
};

/* Automatic interface names: "cgw0", "cgw1", ... (see tunnel_ifname_pick) */
#define TUNNEL_IFPREFIX		"cgw"

struct tunnel {
	TAILQ_ENTRY(tunnel)	 entry;
	struct cgwd		*cgwd;
	/* Points into cgwd->conf; re-pointed when a reload keeps the tunnel. */
	const struct conf_tunnel *conf;
	char			 name[TUNNEL_NAME_MAX];	/* "vpn/tunnel" */
	char			 ifname[CONF_IFNAME_MAX];
	enum tunnel_state	 state;
	time_t			 state_since;		/* cgwd_now() */
	char			 reason[TUNNEL_REASON_MAX]; /* of the last transition */
	bool			 admin_down;
	struct tunnel_history	 history;	/* kept across reloads */
	bool			 rename;	/* reload: interface name to pick again */
	bool			 reattach;	/* reload: rebuild its IKE peer and kernel objects */

	/* Attached by the other parts; NULL until they exist. */
	struct ike_peer		*ike;
	struct ipsec_tunnel	*ipsec;	/* interface, policies, SAs; daemon/ipsec.c */
	uint32_t		 if_id;	/* XFRM_IFID(n), also the reqid: held from the
					   first attach until freed; 0 = none */
	struct bgp_peer		*bgp;
	struct failover_tunnel	 fo;	/* daemon/failover.c */
	/* What its SAs and IKE peers that are gone counted (counters.c). */
	struct tunnel_counters	 ctr;
};
TAILQ_HEAD(tunnels, tunnel);

/* Error of tunnel_up/down/rekey while no IKE engine is attached. */
#define TUNNEL_ERR_NO_IKE	"not yet available: tunnel control needs the IKE engine"

const char	*tunnel_state_name(enum tunnel_state);
const char	*tunnel_ev_name(enum tunnel_ev);

struct tunnel	*tunnel_new(struct cgwd *, const struct conf_tunnel *,
		    const char *ifname);
void		 tunnel_free(struct tunnel *);
struct tunnel	*tunnel_find(struct tunnels *, const char *name);

void		 tunnel_history_add(struct tunnel_history *, time_t when,
		    enum tunnel_state from, enum tunnel_state to,
		    const char *reason);
/* The i-th entry, 0 the oldest; NULL past the end. */
const struct tunnel_transition *tunnel_history_get(const struct tunnel_history *,
		    size_t i);

/*
 * Why a tunnel is not up, in a few words for tables: "admin down", "peer
 * not answering", "auth failed", "no proposal chosen", "kernel error",
 * "connecting", ... NULL while it is up. `reason` is the full text of the
 * last transition (or failure), `kernel_error` the kernel's last refusal
 * ("" or NULL for none).
 */
const char	*tunnel_reason_class(enum tunnel_state, bool admin_down,
		    const char *reason, const char *kernel_error);

/* The one transition function: every state change goes through here. */
void		 tunnel_event(struct tunnel *, enum tunnel_ev, const char *reason);

/* Operator commands: NULL on success, else a one-line reason. */
const char	*tunnel_up(struct tunnel *);
const char	*tunnel_down(struct tunnel *);
const char	*tunnel_rekey(struct tunnel *);

/*
 * Whether a reload must rebuild the tunnel: compares everything that
 * reaches IKE, the kernel or BGP (the PSK included, never printed). `what`
 * receives the changed fields ("remote, psk"); false when identical.
 */
bool		 tunnel_conf_changed(const struct conf *, const struct conf_tunnel *,
		    const struct conf *, const struct conf_tunnel *,
		    char *what, size_t whatlen);
/* Apply a new configuration to a kept tunnel (its conf may be identical). */
void		 tunnel_reconfigure(struct tunnel *, const struct conf_tunnel *,
		    const char *changed);

/*
 * Interface name for a tunnel: its configured `interface`, else the
 * lowest free "cgwN" among `tunnels` and the names the configuration
 * reserves. 0, or -1 when the configured name is taken.
 */
int		 tunnel_ifname_pick(const struct tunnels *, const struct conf *,
		    const struct conf_tunnel *, char *out, size_t outlen);

/* Peer's inside address: host 1 of our inside /30. */
bool		 tunnel_peer_inside(const struct tunnel *, struct cgw_addr *);

#endif
