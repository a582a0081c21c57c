/* ESP SAs: SPI allocation, CHILD SA install, delete, counters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

#include "lib/log.h"
#include "xfrm/xfrm_priv.h"

static void
sa_hint(struct xfrm_err *err, const struct esp_alg *alg)
{
	char	hint[200];

	if (err == NULL)
		return;
	if (err->code == EPROTONOSUPPORT)
		xfrm_err_hint(err, "this kernel has no ESP: it needs "
		    "CONFIG_INET_ESP (IPv4) / CONFIG_INET6_ESP (IPv6)");
	else if (err->code == ENOSYS && alg != NULL) {
		/* A kernel without ESP usually lacks the ciphers as well, and
		 * the kernel checks the algorithms first. */
		snprintf(hint, sizeof(hint), "this kernel lacks the "
		    "algorithm %s%s%s: it needs CONFIG_CRYPTO_%s, and "
		    "CONFIG_INET_ESP", alg->enc_kernel,
		    alg->auth_kernel != NULL ? "/" : "",
		    alg->auth_kernel != NULL ? alg->auth_kernel : "",
		    alg->aead ? "GCM, CONFIG_CRYPTO_SEQIV" :
		    "CBC, CONFIG_CRYPTO_SHA256/SHA512");
		xfrm_err_hint(err, hint);
	}
}

static int
spi_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info	*p;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return MNL_CB_OK;
	p = mnl_nlmsg_get_payload(nlh);
	*(uint32_t *)data = ntohl(p->id.spi);
	return MNL_CB_OK;
}

int
xfrm_spi_alloc(struct xfrm_ctx *ctx, const struct cgw_addr *local,
    const struct cgw_addr *remote, uint32_t if_id, uint32_t reqid,
    uint32_t *spi, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->spi_alloc(ctx, local, remote, if_id, reqid, spi, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr	*nlh;
	struct xfrm_obj	*o;

	*spi = 0;
	if ((nlh = xfrm_msg_allocspi(buf, remote, local, if_id, reqid,
	    XFRM_SPI_MIN, XFRM_SPI_MAX, err)) == NULL)
		return -1;
	if (xfrm_nl_talk(ctx, ctx->xfrm_nl, nlh, spi_reply, spi, err,
	    "SPI allocation") < 0) {
		sa_hint(err, NULL);
		return -1;
	}
	if (*spi == 0)
		return xfrm_err_set(err, EPROTO, "SPI allocation: no SPI in "
		    "the kernel's reply");
	/* The larval SA lives until installed or acq_expires; track it so a
	 * teardown before the install removes it too. */
	if ((o = xfrm_obj_add(ctx, XFRM_OBJ_SA)) != NULL) {
		o->dst = *local;
		o->spi = *spi;
	}
	return 0;
}

static int
sa_send(struct xfrm_ctx *ctx, const struct xfrm_sa_spec *s, bool inbound,
    struct xfrm_err *err)
{
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr	*nlh;
	struct xfrm_obj	*o;
	char		 what[96], d[CGW_ADDRSTRLEN];
	int		 rc;

	snprintf(what, sizeof(what), "%s SA spi 0x%08x dst %s",
	    inbound ? "inbound" : "outbound", s->spi,
	    addr_fmt(&s->dst, d, sizeof(d)));
	/*
	 * An inbound SPI came from ALLOCSPI, whose larval SA only UPDSA can
	 * complete. It is gone if IKE took longer than the kernel's
	 * acq_expires, or if the SPI did not come from the kernel: then the
	 * SA is new.
	 */
	if (inbound) {
		if ((nlh = xfrm_msg_newsa(buf, s, true, err)) == NULL)
			return -1;
		rc = xfrm_nl_cmd(ctx, ctx->xfrm_nl, nlh, 0, err, what);
		explicit_bzero(buf, sizeof(buf));
		if (rc == 0 || err == NULL || err->code != ESRCH)
			goto done;
	}
	if ((nlh = xfrm_msg_newsa(buf, s, false, err)) == NULL)
		return -1;
	rc = xfrm_nl_cmd(ctx, ctx->xfrm_nl, nlh, 0, err, what);
	explicit_bzero(buf, sizeof(buf));
done:
	if (rc < 0) {
		sa_hint(err, s->alg);
		return -1;
	}
	log_info(xfrm_who(ctx, s->if_id), "installed %s if_id 0x%x reqid %u "
	    "%s%s%s", what,
	    s->if_id, s->reqid, s->alg->name, s->esn ? " esn" : "",
	    s->encap ? " udp-encap" : "");
	if (xfrm_obj_find_sa(ctx, &s->dst, s->spi) == NULL &&
	    (o = xfrm_obj_add(ctx, XFRM_OBJ_SA)) != NULL) {
		o->dst = s->dst;
		o->spi = s->spi;
	}
	return 0;
}

int
xfrm_child_install(struct xfrm_ctx *ctx, uint32_t if_id, uint32_t reqid,
    const struct esp_child_sa *sa, enum xfrm_dir dir, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->child_install(ctx, if_id, reqid, sa, dir, err);
	struct xfrm_sa_spec	s;
	int			rc;

	if ((dir & XFRM_DIR_BOTH) == 0)
		return xfrm_err_set(err, EINVAL, "no SA direction");

	if (dir & XFRM_DIR_IN) {
		xfrm_sa_spec_child(&s, sa, if_id, reqid, true);
		rc = sa_send(ctx, &s, true, err);
		if (rc < 0)
			return -1;
	}
	if (dir & XFRM_DIR_OUT) {
		xfrm_sa_spec_child(&s, sa, if_id, reqid, false);
		if (sa_send(ctx, &s, false, err) < 0) {
			struct xfrm_err e2;

			/* Half a pair is worse than none. */
			if (dir & XFRM_DIR_IN)
				xfrm_sa_delete(ctx, &sa->local, sa->spi_in,
				    &e2);
			return -1;
		}
	}
	return 0;
}

int
xfrm_sa_delete(struct xfrm_ctx *ctx, const struct cgw_addr *dst,
    uint32_t spi, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->sa_delete(ctx, dst, spi, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct xfrm_obj	*o;
	char		 what[80], d[CGW_ADDRSTRLEN];

	snprintf(what, sizeof(what), "delete SA spi 0x%08x dst %s", spi,
	    addr_fmt(dst, d, sizeof(d)));
	if (xfrm_nl_cmd(ctx, ctx->xfrm_nl, xfrm_msg_sa_id(buf, XFRM_MSG_DELSA,
	    dst, spi, IPPROTO_ESP, err), ESRCH, err, what) < 0)
		return -1;
	if ((o = xfrm_obj_find_sa(ctx, dst, spi)) != NULL)
		xfrm_obj_del(ctx, o);
	log_info("xfrm", "%s: done", what);
	return 0;
}

static int
stats_reply(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_sa_stats		*st = data;
	const struct xfrm_usersa_info	*p;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return MNL_CB_OK;
	p = mnl_nlmsg_get_payload(nlh);
	st->bytes = p->curlft.bytes;
	st->packets = p->curlft.packets;
	st->add_time = p->curlft.add_time;
	st->use_time = p->curlft.use_time;
	st->replay_fail = p->stats.replay;
	st->integrity_fail = p->stats.integrity_failed;
	return MNL_CB_OK;
}

int
xfrm_sa_stats(struct xfrm_ctx *ctx, const struct cgw_addr *dst, uint32_t spi,
    struct xfrm_sa_stats *st, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->sa_stats(ctx, dst, spi, st, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr	*nlh;
	char		 what[80], d[CGW_ADDRSTRLEN];

	memset(st, 0, sizeof(*st));
	snprintf(what, sizeof(what), "read SA spi 0x%08x dst %s", spi,
	    addr_fmt(dst, d, sizeof(d)));
	if ((nlh = xfrm_msg_sa_id(buf, XFRM_MSG_GETSA, dst, spi, IPPROTO_ESP,
	    err)) == NULL)
		return -1;
	return xfrm_nl_talk(ctx, ctx->xfrm_nl, nlh, stats_reply, st, err,
	    what);
}
