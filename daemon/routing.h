/*
 * The BGP side of the orchestrator: one BGP speaker for the daemon, one
 * session per tunnel (over its inside addresses) and per LAN neighbor.
 * A tunnel's session starts when its CHILD SA is up and is torn down the
 * moment the tunnel dies; best routes go into the kernel through xfrm/.
 */
#ifndef CGW_DAEMON_ROUTING_H
#define CGW_DAEMON_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct bgp_ctx;
struct bgp_nexthop;
struct cgw_prefix;
struct cgwd;
struct tunnel;
struct xfrm_ctx;
struct xfrm_route_req;
struct xfrm_route_batch;

/* Local preference of routes learned over the preferred (first) tunnel
 * and over the others, in active/standby steering. */
#define ROUTING_LPREF_ACTIVE	200
#define ROUTING_LPREF_STANDBY	100
/* A tunnel in failover hold-down (daemon/failover.h): below all others. */
#define ROUTING_LPREF_HOLDDOWN	50
/* What the route engine is given when nothing runs BGP (static vpns
 * alone, no asn/router-id configured): AS_TRANS and 0.0.0.1, never sent. */
#define ROUTING_NOBGP_ASN	23456
#define ROUTING_NOBGP_ID	1
/* Seconds between two reconciles of the kernel's routes with the FIB. */
#define ROUTING_RECONCILE_S	30

int	 routing_open(struct cgwd *, char *err, size_t errlen);
void	 routing_close(struct cgwd *);
/* A new configuration: networks and LAN neighbors are diffed. */
struct conf;
void	 routing_reconfigure(struct cgwd *, const struct conf *old,
	    const struct conf *nconf);
int	 routing_tunnel_attach(struct tunnel *, char *err, size_t errlen);
void	 routing_tunnel_detach(struct tunnel *);
/* The tunnel's CHILD SA is up: connect. */
void	 routing_tunnel_up(struct tunnel *);
/*
 * The tunnel left "up": close the session, withdraw its routes, let
 * failover put covers on the vpn's other tunnels, and deliver all of it
 * (kernel routes, UPDATEs) before returning, while the tunnel's SAs are
 * still in the kernel.
 */
void	 routing_tunnel_down(struct tunnel *, const char *reason);
/* A static-routing vpn's tunnel: its routing peer has no session. */
bool	 routing_tunnel_is_static(const struct tunnel *);
/* Hand the vpn's `static` prefixes to the tunnel's static peer (at
 * attach and reload); 0, or -1 with errno. */
int	 routing_tunnel_statics(struct tunnel *);
/* The local preference the configuration gives the tunnel's routes. */
uint32_t routing_tunnel_lpref(const struct tunnel *);

/*
 * Make the kernel's routes (protocol 201) match the FIB now: re-add what
 * is missing or different, remove what the FIB does not hold, and let
 * the RIB's `installed` flags follow. Runs every ROUTING_RECONCILE_S on
 * its own; the daemon calls it too when a tunnel's interface comes up
 * (the kernel drops routes through an interface that goes down).
 */
void	 routing_reconcile(struct cgwd *);

/*
 * The kernel side of fib_change and of reconciling, free of the daemon's
 * structures so test drivers run the same code. `oif` says which
 * interface a next hop of `prefix` leaves by, 0 to keep it out of the
 * kernel (a LAN neighbor's routes unless `install-routes on`: the LAN
 * reaches them without us); *gw comes in as the path's NEXT_HOP and is
 * the gateway the kernel gets (a LAN neighbor's address for its routes).
 */
typedef int	(*routing_oif_fn)(const struct cgw_prefix *prefix,
		    const struct bgp_nexthop *, void *arg, struct cgw_addr *gw);

/*
 * A path from a LAN neighbor with `install-routes on`: whether it may go
 * into the kernel, with *gw the neighbor's address. Not when the families
 * differ (Linux takes no IPv4 gateway for an IPv6 route), nor when the
 * prefix holds the neighbor's own address (a route to the gateway via
 * itself would replace the LAN's connected route).
 */
bool	 routing_lan_gateway(const struct cgw_prefix *,
	    const struct cgw_addr *neighbor, struct cgw_addr *gw);
int	 routing_kernel_change(struct xfrm_ctx *, routing_oif_fn, void *arg,
	    const struct cgw_prefix *, struct bgp_nexthop *nhs, size_t n,
	    bool in_kernel);
int	 routing_kernel_sync(struct bgp_ctx *, struct xfrm_ctx *,
	    routing_oif_fn, void *arg);
/*
 * The batched form: fib_change queues the change in `b` (installed is
 * said at once), fib_commit hands the batch over (xfrm_route_batch_send:
 * one sendmsg per XFRM_BATCH_MAX routes, answers later from the kernel
 * helper) and routing_kernel_done gives each refusal to bgp_fib_failed:
 * how many changes the kernel refused, how many of them were removals
 * in *removals. routing_kernel_commit does both at once (tools without
 * an event loop).
 */
int	 routing_kernel_queue(struct xfrm_ctx *, struct xfrm_route_batch *b,
	    routing_oif_fn, void *arg, const struct cgw_prefix *,
	    struct bgp_nexthop *nhs, size_t n, bool in_kernel);
int	 routing_kernel_commit(struct xfrm_ctx *, struct xfrm_route_batch *b,
	    struct bgp_ctx *, uint32_t *removals);
int	 routing_kernel_done(struct bgp_ctx *, const struct xfrm_route_req *,
	    size_t n, uint32_t *removals);
/* xfrm's routes_done: the kernel's answers to fib_commit's batches. */
void	 routing_routes_done(struct cgwd *, const struct xfrm_route_req *,
	    size_t n);

/* Control socket views. */
json_t	*routing_json_tunnel(const struct tunnel *);
json_t	*routing_json_peers(struct cgwd *);
json_t	*routing_json_routes(struct cgwd *);
/* A static tunnel's `static` object: {"prefixes": [configured],
 * "routes": [{"prefix", "best", "installed"}]}; null for a BGP one. */
json_t	*routing_json_statics(const struct tunnel *);
/* Installed routes through the tunnel, for `status`. */
size_t	 routing_tunnel_routes(const struct tunnel *);
/* Lower case, as SPEC section 5 writes states: "established". */
const char *routing_tunnel_state(const struct tunnel *, char *buf, size_t len);

#endif
