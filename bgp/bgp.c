/* The speaker's context: creation, our networks, options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bgp/bgp_priv.h"

struct bgp_ctx *
bgp_new(struct event_base *base, uint32_t local_asn, struct in_addr router_id,
    const struct bgp_callbacks *cb, void *cbarg)
{
	struct bgp_ctx *ctx;

	if (base == NULL || local_asn == 0 || router_id.s_addr == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->base = base;
	ctx->asn = local_asn;
	ctx->router_id = router_id;
	if (cb != NULL)
		ctx->cb = *cb;
	ctx->cbarg = cbarg;
	ctx->port = BGP_PORT;
	TAILQ_INIT(&ctx->peers);
	bgp_rib_init(ctx);
	if (ctx->ev_flush == NULL) {
		free(ctx);
		errno = ENOMEM;
		return NULL;
	}
	return ctx;
}

void
bgp_free(struct bgp_ctx *ctx)
{
	struct bgp_peer *p;

	if (ctx == NULL)
		return;
	while ((p = TAILQ_FIRST(&ctx->peers)) != NULL)
		bgp_peer_remove(p);
	bgp_listen_close(ctx);
	bgp_rib_free(ctx);
	free(ctx);
}

void *
bgp_cbarg(const struct bgp_ctx *ctx)
{
	return ctx->cbarg;
}

void
bgp_set_multipath(struct bgp_ctx *ctx, bool on)
{
	if (ctx->multipath == on)
		return;
	ctx->multipath = on;
	bgp_rib_redecide_all(ctx);
}

int
bgp_set_port(struct bgp_ctx *ctx, uint16_t port)
{
	if (port == 0 || ctx->listener != NULL) {
		errno = port == 0 ? EINVAL : EBUSY;
		return -1;
	}
	ctx->port = port;
	return 0;
}

void
bgp_set_listen_fn(struct bgp_ctx *ctx, bgp_listen_fn fn, void *arg)
{
	ctx->listen_fn = fn;
	ctx->listen_fn_arg = arg;
}

static int
bgp_network_check(const struct cgw_prefix *in, struct cgw_prefix *out)
{
	if ((in->addr.af != AF_INET && in->addr.af != AF_INET6) ||
	    in->len > addr_len(&in->addr) * 8) {
		errno = EINVAL;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	prefix_network(in, out);
	return 0;
}

int
bgp_network_add(struct bgp_ctx *ctx, const struct cgw_prefix *prefix)
{
	struct cgw_prefix p;
	struct bgp_attrs a;

	if (bgp_network_check(prefix, &p) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	a.origin = BGP_ORIGIN_IGP;
	a.seen = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	return bgp_rib_update(ctx, NULL, &p, &a);
}

int
bgp_network_remove(struct bgp_ctx *ctx, const struct cgw_prefix *prefix)
{
	struct cgw_prefix p;

	if (bgp_network_check(prefix, &p) == -1)
		return -1;
	if (!bgp_rib_withdraw(ctx, NULL, &p)) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}
