/*
 * Per-vpn failover decisions (cgwd.conf(5) `failover`): which tunnels
 * advertise covers, the halves of every prefix they advertise, and which
 * tunnel's routes are held down.
 *
 * When a tunnel that was up leaves "up", AWS keeps sending return
 * traffic into it until its own timers (30 s) expire; it prefers the
 * longest prefix, so the vpn's other stable tunnels advertise covers
 * (bgp_peer_set_cover) and draw it over at once. The dead tunnel, once
 * up again, stays in hold-down for `failover hold-down`: its BGP routes
 * get a local-pref below every other tunnel's (LAN -> VPC stays where it
 * is) and the covers stay (VPC -> LAN too). At expiry both go back: a
 * tunnel that flaps moves routes at most once per hold-down.
 *
 * The decisions are pure functions (failover_next, failover_decide); the
 * rest applies them to the tunnels' BGP peers and keeps the timers.
 */
#ifndef CGW_DAEMON_FAILOVER_H
#define CGW_DAEMON_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cgwd;
struct event;
struct tunnel;

/* Where a tunnel stands, as failover sees it. */
enum failover_phase {
	FO_NEVER_UP = 0,	/* not up since start or re-attach: nothing to
				   cover for, nothing to hold down */
	FO_UP,			/* up and stable */
	FO_DOWN,		/* was up, is not: covered for */
	FO_HOLDDOWN,		/* up again, not yet stable: covered for and
				   its routes not preferred */
	FO_PHASE_MAX,
};

enum failover_ev {
	FO_EV_UP = 0,		/* the tunnel entered "up" */
	FO_EV_LEFT_UP,		/* it left "up" (death, loss, admin down) */
	FO_EV_STABLE,		/* its hold-down expired */
	FO_EV_MAX,
};

/* What one tunnel of a vpn should do now. */
struct failover_decision {
	bool	cover;		/* advertise covers over it */
	bool	holddown;	/* its routes get ROUTING_LPREF_HOLDDOWN */
};

const char	*failover_phase_name(enum failover_phase);

/*
 * The next phase; holddown_s 0 means none: a tunnel that comes back is
 * stable at once. A tunnel leaving "up" during its hold-down is down
 * again and starts the cycle anew when it returns.
 */
enum failover_phase failover_next(enum failover_phase, enum failover_ev,
		    uint32_t holddown_s);
/*
 * Decisions for the n tunnels of one vpn, from their phases: while any of
 * them is down after having been up, or in hold-down, every other one
 * that is up and stable advertises covers (if split); a tunnel in
 * hold-down is not preferred.
 */
void		 failover_decide(const enum failover_phase *, size_t n,
		    bool split, struct failover_decision *out);

/* A tunnel's failover state, kept in struct tunnel. */
struct failover_tunnel {
	enum failover_phase	 phase;
	struct event		*ev_holddown;
	time_t			 holddown_end;	/* cgwd_now() */
	uint32_t		 holddown_s;	/* as it was started */
	bool			 cover;		/* applied: covers on */
	bool			 holddown_lp;	/* applied: local-pref lowered */
	bool			 warned_limit;	/* AWS limit warned about */
};

/*
 * Transitions, from daemon/routing.c (where BGP is running): failover
 * then applies the vpn's decisions to the BGP peers at once, so the
 * caller's bgp_flush sends them.
 */
void		 failover_tunnel_up(struct tunnel *);
void		 failover_tunnel_left_up(struct tunnel *);
/* Forget the tunnel (its BGP peer is gone) and decide its vpn again. */
void		 failover_tunnel_detach(struct tunnel *);
/* A reload may have changed `failover split`: decide every vpn again. */
void		 failover_reconfigure(struct cgwd *);
/* Seconds of hold-down left, or -1 when the tunnel is not in one. */
long long	 failover_holddown_left(const struct tunnel *);

#endif
