/*
 * The IPsec side of the orchestrator: the glue between the IKE engine
 * (ike/) and the kernel (xfrm/) for every tunnel. IKE callbacks arrive
 * here and become kernel objects and tunnel events; kernel events arrive
 * here and become IKE actions.
 */
#ifndef CGW_DAEMON_IPSEC_H
#define CGW_DAEMON_IPSEC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/queue.h>

#include "daemon/tunnel.h"
#include "ike/ike.h"
#include "lib/addr.h"

struct cgwd;
struct tunnel;
struct esp_alg;
struct esp_child_sa;
struct ike_peer_conf;
struct conf_tunnel;

/* Per tunnel: its kernel identity. Its SAs belong to the IKE engine. */
struct ipsec_tunnel {
	int			 ifindex;	/* 0 while the interface is missing */
	char			 kernel_error[640];	/* last, for show tunnels */
	bool			 dual;		/* IPv6 policies and ::/0 too */
};

/* Open the kernel handle, remove leftovers of a previous run, start the
 * IKE engine and listen on every vpn's local address. */
int	 ipsec_open(struct cgwd *, char *err, size_t errlen);
/* Stop IKE (DELETEs sent), then remove every kernel object cgwd made. */
void	 ipsec_close(struct cgwd *);
/* Create the tunnel's interface and policies and its IKE peer (which
 * initiates when configured to). Kernel failures are logged and kept in
 * kernel_error; the tunnel still negotiates so the operator sees why. */
int	 ipsec_tunnel_attach(struct tunnel *, const struct conf *,
	    char *err, size_t errlen);
/* Tear the IKE peer down and remove the tunnel's kernel objects; the
 * tunnel keeps its if_id for the attach that follows (reload). */
void	 ipsec_tunnel_detach(struct tunnel *);
/* Detach for good: the tunnel is being freed, its if_id is free again. */
void	 ipsec_tunnel_release(struct tunnel *);
/* The IKE engine's view of a configured tunnel (daemon/ipsec_conf.c). */
void	 ipsec_peer_conf(struct ike_peer_conf *, const struct conf_tunnel *);
/* Whether a route-based tunnel carries IPv6 beside IPv4: an IPv6 inside
 * address, an IPv6 `network` or an IPv6 `static` of its vpn. */
bool	 ipsec_tunnel_dual(const struct conf *, const struct conf_tunnel *);
/* `ike limits` of the configuration into the engine (start, reload). */
void	 ipsec_limits_apply(struct ike_ctx *, const struct conf *);
/*
 * The tunnel event an IKE peer event means, judged by whether the peer
 * has an authenticated IKE SA with a CHILD SA in the kernel (`usable`)
 * and keeps trying: false when the tunnel must not change.
 */
bool	 ipsec_tunnel_ev(enum ike_peer_event, bool usable, bool keeps_up,
	    enum tunnel_ev *);
/* XFRM_IFID(n) of the lowest free n, 0 if none; and back. */
uint32_t ipsec_ifid_alloc(struct cgwd *);
void	 ipsec_ifid_release(struct cgwd *, uint32_t if_id);

#endif
