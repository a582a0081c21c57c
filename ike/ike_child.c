/*
 * CHILD SAs: key derivation into a struct esp_child_sa for the daemon,
 * traffic selector narrowing, and their rekey / hard-expiry timers.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ike/ike_local.h"
#include "lib/clock.h"
#include "lib/log.h"

struct ike_child *
ike_child_new(struct ike_sa *sa, uint32_t spi_in, uint32_t spi_out,
    const struct ike_suite *s, bool initiator)
{
	struct ike_child *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->sa = sa;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->suite = *s;
	c->initiator = initiator;
	c->created = ike_now(sa->peer->ctx);
	ike_suite_fmt(s, false, c->proposal, sizeof(c->proposal));
	TAILQ_INSERT_TAIL(&sa->children, c, entry);
	return c;
}

void
ike_child_free(struct ike_child *c, bool tell_daemon)
{
	struct ike_sa *sa = c->sa;
	struct ike_ctx *ctx = sa->peer->ctx;
	struct ike_child *o;

	if (tell_daemon && ctx->cb.child_down)
		ctx->cb.child_down(ctx->cbarg, sa->peer, c->spi_in, c->spi_out,
		    &sa->remote);
	TAILQ_FOREACH(o, &sa->children, entry)
		if (o->replaced_by_peer == c)
			o->replaced_by_peer = NULL;
	if (sa->req_child == c)
		sa->req_child = NULL;
	cgw_timer_free(c->rekey_ev);
	cgw_timer_free(c->expire_ev);
	TAILQ_REMOVE(&sa->children, c, entry);
	free(c);
}

struct ike_child *
ike_child_by_in(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, entry)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

struct ike_child *
ike_child_by_out(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	TAILQ_FOREACH(c, &sa->children, entry)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

static void
ike_child_rekey_fire(void *arg)
{
	struct ike_child *c = arg;

	if (c->state == CHILD_S_INSTALLED)
		ike_task_add(c->sa, IKE_REQ_REKEY_CHILD, c->spi_in);
}

static void
ike_child_expire_fire(void *arg)
{
	struct ike_child *c = arg;
	struct ike_sa *sa = c->sa;

	if (c->state == CHILD_S_REKEYED || c->state == CHILD_S_DELETING) {
		/* Replaced already; the DELETE got lost. */
		ike_child_free(c, true);
		return;
	}
	ike_info_delete_ike_nowait(sa);
	ike_sa_fail(sa, IKE_EV_EXPIRED, "CHILD SA %08x reached its hard "
	    "lifetime without a rekey", c->spi_in);
}

void
ike_child_arm(struct ike_child *c)
{
	struct ike_ctx *ctx = c->sa->peer->ctx;
	uint32_t life = c->sa->peer->conf.esp_lifetime_s;
	double soft = ike_jitter_s(life);

	c->rekey_at = ike_now(ctx) + (time_t)soft;
	cgw_timer_set(ctx->clock, &c->rekey_ev, ike_child_rekey_fire, c,
	    (uint64_t)(soft * 1000));
	cgw_timer_set(ctx->clock, &c->expire_ev, ike_child_expire_fire, c,
	    (uint64_t)life * 1000);
}

/* The source address the kernel would use towards `to`. */
static int
ike_route_source(const struct cgw_addr *to, struct cgw_addr *src)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sockaddr(to, 500, &ss);
	uint16_t port;
	int fd, rc = -1;

	if ((fd = socket(to->af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
		    addr_from_sockaddr(src, &port, (struct sockaddr *)&ss))
			rc = 0;
	}
	close(fd);
	return rc;
}

int
ike_child_install(struct ike_child *c, const uint8_t *gir, size_t girlen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    struct ike_child *replaces)
{
	struct ike_sa *sa = c->sa;
	struct ike_peer *peer = sa->peer;
	struct ike_ctx *ctx = peer->ctx;
	struct esp_child_sa esa;
	uint8_t keymat[2 * (ESP_MAX_ENC_KEY + ESP_MAX_AUTH_KEY)];
	size_t klen;
	int rc = -1;

	memset(&esa, 0, sizeof(esa));
	esa.alg = esp_alg_find(c->suite.encr, c->suite.keybits, c->suite.integ);
	if (esa.alg == NULL) {
		log_warn(peer->conf.name, "ESP suite %s not supported by the "
		    "kernel side", c->proposal);
		return -1;
	}
	klen = esp_keymat_len(esa.alg);
	if (klen > sizeof(keymat) ||
	    ike_child_keymat(sa->suite.prf, sa->keys.sk_d, sa->keys.d_len,
	    gir, girlen, ni, nilen, nr, nrlen, keymat, klen) < 0 ||
	    esp_keymat_split(esa.alg, keymat, klen, c->initiator,
	    &esa.keys_in, &esa.keys_out) < 0)
		goto out;
	esa.spi_in = c->spi_in;
	esa.spi_out = c->spi_out;
	esa.remote = sa->remote;
	if (addr_is_set(&peer->conf.local))
		esa.local = peer->conf.local;
	else if (sa->sock && addr_is_set(&sa->sock->local) &&
	    memcmp(sa->sock->local.bytes, "\0\0\0\0", 4) != 0)
		esa.local = sa->sock->local;
	else if (ike_route_source(&sa->remote, &esa.local) < 0)
		goto out;
	/*
	 * Encapsulate only when a NAT was detected (RFC 7296 2.23): a peer
	 * may move IKE to port 4500 without one, and then sends plain ESP.
	 */
	if (sa->sock && sa->sock->natt && (sa->nat_local || sa->nat_remote)) {
		esa.encap = true;
		esa.local_port = sa->sock->port;
		esa.remote_port = sa->remote_port;
	}
	esa.esn = c->suite.esn;
	esa.replay_window = peer->conf.replay_window;
	/* The kernel's lifetimes only back up our own timers. */
	esa.soft_life_s = peer->conf.esp_lifetime_s + 30;
	esa.hard_life_s = peer->conf.esp_lifetime_s + 60;
	esa.ts_local = c->ts_local;
	esa.ts_remote = c->ts_remote;
	esa.initiator = c->initiator;
	if (replaces)
		log_info(peer->conf.name, "CHILD SA %08x/%08x %s up%s, "
		    "replacing %08x/%08x", c->spi_in, c->spi_out, c->proposal,
		    esa.encap ? " (UDP-encapsulated)" : "", replaces->spi_in,
		    replaces->spi_out);
	else
		log_info(peer->conf.name, "CHILD SA %08x/%08x %s up%s",
		    c->spi_in, c->spi_out, c->proposal,
		    esa.encap ? " (UDP-encapsulated)" : "");
	if (ctx->cb.child_up)
		ctx->cb.child_up(ctx->cbarg, peer, &esa, replaces != NULL,
		    replaces ? replaces->spi_in : 0);
	ike_child_arm(c);
	rc = 0;
out:
	OPENSSL_cleanse(keymat, sizeof(keymat));
	esp_child_sa_wipe(&esa);
	return rc;
}

static int
ike_addr_cmp(const struct cgw_addr *a, const struct cgw_addr *b)
{
	return memcmp(a->bytes, b->bytes, addr_len(a));
}

int
ike_ts_select(const struct ike_ts_list *l, const struct esp_ts *ours,
    struct esp_ts *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct esp_ts *p = &l->ts[i];

		if (p->start.af != ours->start.af)
			continue;
		if (p->proto && ours->proto && p->proto != ours->proto)
			continue;
		*out = *ours;
		out->proto = ours->proto ? ours->proto : p->proto;
		if (ike_addr_cmp(&p->start, &ours->start) > 0)
			out->start = p->start;
		if (ike_addr_cmp(&p->end, &ours->end) < 0)
			out->end = p->end;
		out->port_start = p->port_start > ours->port_start ?
		    p->port_start : ours->port_start;
		out->port_end = p->port_end < ours->port_end ?
		    p->port_end : ours->port_end;
		if (ike_addr_cmp(&out->start, &out->end) > 0 ||
		    out->port_start > out->port_end)
			continue;
		return 0;
	}
	return -1;
}

static int
ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

void
ike_nonce_min(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t *out, size_t *outlen)
{
	const uint8_t *m = ike_nonce_cmp(a, alen, b, blen) <= 0 ? a : b;
	size_t ml = m == a ? alen : blen;

	if (ml > IKE_NONCE_LEN)
		ml = IKE_NONCE_LEN;	/* a prefix decides nearly always */
	memcpy(out, m, ml);
	*outlen = ml;
}
