/*
 * libFuzzer target for the engine's receive path: a datagram from the
 * configured peer reaches ike_recv() of a responder (IKE_SA_INIT handling:
 * proposal selection, KE, cookies, NAT detection; anything for an unknown
 * SA is dropped). Answers go to 127.0.0.2:500, where nothing listens.
 * A fresh peer per input keeps runs independent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ike/ike_local.h"
#include "lib/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct event_base *base;
static struct ike_ctx *ctx;
static struct ike_peer_conf pc;

static int
fz_alloc_spi(void *arg, struct ike_peer *p, uint32_t *spi)
{
	(void)arg;
	(void)p;
	*spi = 0x1000;
	return 0;
}

static const struct ike_callbacks cbs = { .alloc_spi = fz_alloc_spi };

static void
fz_proposal(struct conf_proposal *p, uint16_t encr, uint16_t keybits,
    uint16_t integ, uint16_t prf, uint16_t dh)
{
	p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_ENCR, encr, keybits };
	if (integ)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_INTEG, integ, 0 };
	if (prf)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_PRF, prf, 0 };
	p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_DH, dh, 0 };
}

static int
fz_init(void)
{
	struct cgw_addr lo;
	char err[128];

	log_init(-3, 0);
	base = event_base_new();
	ctx = ike_ctx_new(base, &cbs, NULL);
	if (ctx == NULL || !addr_parse("127.0.0.1", &lo) ||
	    ike_listen(ctx, &lo, 0, 0, err, sizeof(err)) < 0)
		return -1;
	snprintf(pc.name, sizeof(pc.name), "fuzz");
	addr_parse("127.0.0.2", &pc.remote);
	pc.psk = "fuzz";
	pc.psk_len = 4;
	pc.n_ike = 2;
	fz_proposal(&pc.ike[0], IKEV2_ENCR_AES_CBC, 128,
	    IKEV2_INTEG_HMAC_SHA1_96, IKEV2_PRF_HMAC_SHA1, IKEV2_DH_MODP1024);
	fz_proposal(&pc.ike[1], IKEV2_ENCR_AES_GCM_16, 128, 0,
	    IKEV2_PRF_HMAC_SHA2_256, IKEV2_DH_ECP256);
	pc.n_esp = 1;
	fz_proposal(&pc.esp[0], IKEV2_ENCR_AES_GCM_16, 256, 0, 0,
	    IKEV2_DH_ECP256);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ike_peer *peer;
	char err[128];

	if (ctx == NULL && fz_init() < 0)
		abort();
	if ((peer = ike_peer_add(ctx, &pc, err, sizeof(err))) == NULL)
		abort();
	ike_recv(&ctx->socks[0], data, len, &pc.remote, 500);
	/* Twice: the second one is a retransmission. */
	ike_recv(&ctx->socks[0], data, len, &pc.remote, 500);
	ike_peer_remove(peer);
	return 0;
}
