/*
 * Static routes as a peer without a session (bgp.h, BGP_ROLE_STATIC): a
 * static-routing VPN's prefixes enter the same RIB as BGP-learned ones,
 * so the decision (active/standby by local preference, ECMP), the
 * kernel's answer (fib_change), the reconcile and the failover path
 * (bgp_peer_down, then bgp_flush) are the ones BGP routes take.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_priv.h"
#include "lib/log.h"

/* One path's attributes: empty AS_PATH, IGP, the tunnel's peer as next hop. */
static int
bgp_static_announce(struct bgp_peer *p, const struct cgw_prefix *prefix)
{
	struct bgp_attrs a;

	memset(&a, 0, sizeof(a));
	a.origin = BGP_ORIGIN_IGP;
	a.nexthop = p->conf.remote.v4;
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH |
	    1u << BGP_ATTR_NEXT_HOP;
	return bgp_rib_update(p->ctx, p, prefix, &a);
}

void
bgp_static_start(struct bgp_peer *p)
{
	char s[CGW_PREFIXSTRLEN];
	size_t i;

	p->enabled = true;
	p->last_error[0] = '\0';
	for (i = 0; i < p->nstatics; i++)
		if (bgp_static_announce(p, &p->statics[i]) != 0)
			log_err(p->conf.name, "static route %s: %s",
			    prefix_fmt(&p->statics[i], s, sizeof(s)),
			    strerror(errno));
}

void
bgp_static_stop(struct bgp_peer *p, const char *reason)
{
	p->enabled = false;
	snprintf(p->last_error, sizeof(p->last_error), "%s",
	    reason ? reason : "");
	bgp_rib_peer_flush(p->ctx, p);
}

void
bgp_static_free(struct bgp_peer *p)
{
	free(p->statics);
	p->statics = NULL;
	p->nstatics = 0;
}

static bool
bgp_static_has(const struct cgw_prefix *v, size_t n,
    const struct cgw_prefix *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bgp_prefix_cmp(&v[i], x) == 0)
			return true;
	return false;
}

int
bgp_static_set(struct bgp_peer *p, const struct cgw_prefix *prefixes,
    size_t n)
{
	struct cgw_prefix *nv = NULL;
	size_t i, k = 0;

	if (p->conf.role != BGP_ROLE_STATIC) {
		errno = EINVAL;
		return -1;
	}
	if (n > 0 && (nv = calloc(n, sizeof(*nv))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (prefixes[i].addr.af != AF_INET || prefixes[i].len > 32) {
			free(nv);
			errno = prefixes[i].addr.af == AF_INET6 ?
			    EAFNOSUPPORT : EINVAL;
			return -1;
		}
		prefix_network(&prefixes[i], &nv[k]);
		if (!bgp_static_has(nv, k, &nv[k]))
			k++;
	}
	/* The difference only: paths that stay keep their place. */
	if (p->enabled) {
		for (i = 0; i < p->nstatics; i++)
			if (!bgp_static_has(nv, k, &p->statics[i]))
				(void)bgp_rib_withdraw(p->ctx, p,
				    &p->statics[i]);
		for (i = 0; i < k; i++)
			if (!bgp_static_has(p->statics, p->nstatics, &nv[i]) &&
			    bgp_static_announce(p, &nv[i]) != 0) {
				int e = errno;

				free(p->statics);
				p->statics = nv;
				p->nstatics = k;
				errno = e;
				return -1;
			}
	}
	free(p->statics);
	p->statics = nv;
	p->nstatics = k;
	return 0;
}
