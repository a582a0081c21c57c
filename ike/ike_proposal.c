/*
 * Proposals: our offers built from the configuration, the responder's
 * choice (2.7: the first initiator proposal acceptable to us, one
 * transform per type), and the initiator's check of that choice.
 */
#include <stdio.h>
#include <string.h>

#include "ike/ike_local.h"

static bool
ike_encr_aead(uint16_t id)
{
	switch (id) {
	case IKEV2_ENCR_AES_CCM_8: case IKEV2_ENCR_AES_CCM_12:
	case IKEV2_ENCR_AES_CCM_16: case IKEV2_ENCR_AES_GCM_8:
	case IKEV2_ENCR_AES_GCM_12: case IKEV2_ENCR_AES_GCM_16:
	case IKEV2_ENCR_CHACHA20_POLY1305:
		return true;
	default:
		return false;
	}
}

/* The PRF an "aes128-sha1-modp1024" IKE proposal implies (strongSwan's
 * and AWS's reading of a proposal without an explicit prf). */
static uint16_t
ike_prf_for_integ(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA1_96:		return IKEV2_PRF_HMAC_SHA1;
	case IKEV2_INTEG_HMAC_SHA2_256_128:	return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192:	return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256:	return IKEV2_PRF_HMAC_SHA2_512;
	case IKEV2_INTEG_HMAC_MD5_96:		return IKEV2_PRF_HMAC_MD5;
	case IKEV2_INTEG_AES_XCBC_96:		return IKEV2_PRF_AES128_XCBC;
	default:				return 0;
	}
}

static bool
ike_prop_has(const struct ike_prop *p, uint8_t type)
{
	for (size_t i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type)
			return true;
	return false;
}

static void
ike_prop_add(struct ike_prop *p, uint8_t type, uint16_t id, uint16_t keybits)
{
	if (p->nxf >= CONF_MAX_XFORMS)
		return;
	for (size_t i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    p->xf[i].keybits == keybits)
			return;
	p->xf[p->nxf].type = type;
	p->xf[p->nxf].id = id;
	p->xf[p->nxf].keybits = keybits;
	p->nxf++;
}

size_t
ike_prop_from_conf(const struct conf_proposal *cp, size_t n, uint8_t proto,
    uint64_t spi, uint8_t spi_size, bool with_dh, struct ike_prop *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n && i < CONF_MAX_PROPOSALS; i++) {
		struct ike_prop *p = &out[k];

		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(k + 1);
		p->proto = proto;
		p->spi = spi;
		p->spi_size = spi_size;
		for (size_t j = 0; j < cp[i].nxf; j++) {
			const struct conf_xform *x = &cp[i].xf[j];

			if (x->type == IKEV2_XFORM_DH && !with_dh)
				continue;
			if (x->type == IKEV2_XFORM_PRF && proto != IKEV2_PROTO_IKE)
				continue;
			if (x->type == IKEV2_XFORM_ESN && proto == IKEV2_PROTO_IKE)
				continue;
			if (x->type == IKEV2_XFORM_INTEG &&
			    x->id == IKEV2_INTEG_NONE)
				continue;
			ike_prop_add(p, x->type, x->id, x->keybits);
		}
		if (proto == IKEV2_PROTO_IKE && !ike_prop_has(p, IKEV2_XFORM_PRF)) {
			for (size_t j = 0; j < cp[i].nxf; j++)
				if (cp[i].xf[j].type == IKEV2_XFORM_INTEG &&
				    ike_prf_for_integ(cp[i].xf[j].id))
					ike_prop_add(p, IKEV2_XFORM_PRF,
					    ike_prf_for_integ(cp[i].xf[j].id), 0);
			if (!ike_prop_has(p, IKEV2_XFORM_PRF))
				ike_prop_add(p, IKEV2_XFORM_PRF,
				    IKEV2_PRF_HMAC_SHA2_256, 0);
		}
		if (proto != IKEV2_PROTO_IKE && !ike_prop_has(p, IKEV2_XFORM_ESN))
			ike_prop_add(p, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
		if (p->nxf > 0)
			k++;
	}
	return k;
}

static bool
ike_xf_in(const struct ike_prop *p, const struct conf_xform *x)
{
	for (size_t i = 0; i < p->nxf; i++)
		if (p->xf[i].type == x->type && p->xf[i].id == x->id &&
		    p->xf[i].keybits == x->keybits)
			return true;
	return false;
}

/* First transform of `type` in `peer` that `ours` also has; -1 none. */
static int
ike_xf_pick(const struct ike_prop *peer, const struct ike_prop *ours,
    uint8_t type)
{
	for (size_t i = 0; i < peer->nxf; i++)
		if (peer->xf[i].type == type && ike_xf_in(ours, &peer->xf[i]))
			return (int)i;
	return -1;
}

static bool
ike_prop_match(const struct ike_prop *peer, const struct ike_prop *ours,
    uint8_t proto, bool need_dh, bool ignore_dh, struct ike_prop *sel,
    struct ike_suite *s)
{
	int e, pr = -1, in = -1, dh = -1, esn = -1;
	bool aead;

	memset(s, 0, sizeof(*s));
	memset(sel, 0, sizeof(*sel));
	if ((e = ike_xf_pick(peer, ours, IKEV2_XFORM_ENCR)) < 0)
		return false;
	aead = ike_encr_aead(peer->xf[e].id);
	if (proto == IKEV2_PROTO_IKE &&
	    (pr = ike_xf_pick(peer, ours, IKEV2_XFORM_PRF)) < 0)
		return false;
	if (!aead && (in = ike_xf_pick(peer, ours, IKEV2_XFORM_INTEG)) < 0)
		return false;
	if (!ignore_dh) {
		bool peer_dh = ike_prop_has(peer, IKEV2_XFORM_DH);
		bool our_dh = ike_prop_has(ours, IKEV2_XFORM_DH);

		dh = ike_xf_pick(peer, ours, IKEV2_XFORM_DH);
		if (need_dh && (dh < 0 || peer->xf[dh].id == IKEV2_DH_NONE))
			return false;
		/* Without required PFS both sides must still agree. */
		if (dh < 0 && peer_dh && our_dh)
			return false;
		if (dh < 0 && peer_dh) {
			/* The peer insists on PFS we did not configure. */
			bool none = false;
			for (size_t i = 0; i < peer->nxf; i++)
				if (peer->xf[i].type == IKEV2_XFORM_DH &&
				    peer->xf[i].id == IKEV2_DH_NONE)
					none = true;
			if (!none)
				return false;
		}
	}
	if (proto != IKEV2_PROTO_IKE) {
		struct ike_prop def;

		if (ike_prop_has(peer, IKEV2_XFORM_ESN)) {
			if ((esn = ike_xf_pick(peer, ours, IKEV2_XFORM_ESN)) < 0)
				return false;
		} else {
			memset(&def, 0, sizeof(def));
			ike_prop_add(&def, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
			if (!ike_xf_in(ours, &def.xf[0]))
				return false;
		}
	}
	sel->num = peer->num;
	sel->proto = peer->proto;
	sel->spi_size = peer->spi_size;
	sel->spi = peer->spi;
	ike_prop_add(sel, IKEV2_XFORM_ENCR, peer->xf[e].id, peer->xf[e].keybits);
	s->encr = peer->xf[e].id;
	s->keybits = peer->xf[e].keybits;
	if (pr >= 0) {
		ike_prop_add(sel, IKEV2_XFORM_PRF, peer->xf[pr].id, 0);
		s->prf = peer->xf[pr].id;
	}
	if (in >= 0) {
		ike_prop_add(sel, IKEV2_XFORM_INTEG, peer->xf[in].id, 0);
		s->integ = peer->xf[in].id;
	}
	if (dh >= 0 && peer->xf[dh].id != IKEV2_DH_NONE) {
		ike_prop_add(sel, IKEV2_XFORM_DH, peer->xf[dh].id, 0);
		s->dh = peer->xf[dh].id;
	}
	if (esn >= 0) {
		ike_prop_add(sel, IKEV2_XFORM_ESN, peer->xf[esn].id, 0);
		s->esn = peer->xf[esn].id == IKEV2_ESN_YES;
	}
	return true;
}

int
ike_prop_select(const struct ike_prop *peer, size_t npeer,
    const struct ike_prop *ours, size_t nours, uint8_t proto, bool need_dh,
    bool ignore_dh, struct ike_prop *sel, struct ike_suite *s)
{
	for (size_t i = 0; i < npeer; i++) {
		if (peer[i].proto != proto)
			continue;
		if (proto == IKEV2_PROTO_ESP && peer[i].spi_size != 4)
			continue;
		for (size_t j = 0; j < nours; j++)
			if (ike_prop_match(&peer[i], &ours[j], proto, need_dh,
			    ignore_dh, sel, s))
				return (int)i;
	}
	return -1;
}

int
ike_prop_check_reply(const struct ike_prop *reply, const struct ike_prop *ours,
    size_t nours, bool ignore_dh, struct ike_suite *s)
{
	struct ike_prop sel;
	size_t n = 0;
	uint8_t seen = 0;

	/* One transform per type, and each one must be something we sent. */
	for (size_t i = 0; i < reply->nxf; i++) {
		uint8_t t = reply->xf[i].type;

		if (t == 0 || t > 7 || (seen & (1u << t)))
			return -1;
		seen |= (uint8_t)(1u << t);
		if (t == IKEV2_XFORM_DH && ignore_dh)
			continue;
		if (t == IKEV2_XFORM_DH && reply->xf[i].id == IKEV2_DH_NONE)
			continue;
		if (t == IKEV2_XFORM_INTEG && reply->xf[i].id == IKEV2_INTEG_NONE)
			continue;
		n++;
	}
	for (size_t j = 0; j < nours; j++) {
		if (!ike_prop_match(reply, &ours[j], reply->proto,
		    reply->proto == IKEV2_PROTO_IKE, ignore_dh, &sel, s))
			continue;
		/* Everything in the reply was matched, nothing left over. */
		if (sel.nxf == n)
			return 0;
	}
	return -1;
}

bool
ike_prop_has_dh(const struct ike_prop *p, size_t n, uint16_t group)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < p[i].nxf; j++)
			if (p[i].xf[j].type == IKEV2_XFORM_DH &&
			    p[i].xf[j].id == group)
				return true;
	return false;
}

uint16_t
ike_prop_first_dh(const struct ike_prop *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < p[i].nxf; j++)
			if (p[i].xf[j].type == IKEV2_XFORM_DH &&
			    p[i].xf[j].id != IKEV2_DH_NONE)
				return p[i].xf[j].id;
	return 0;
}

void
ike_suite_fmt(const struct ike_suite *s, bool ike, char *buf, size_t len)
{
	char encr[32];
	const char *en = ike_xform_name(IKEV2_XFORM_ENCR, s->encr);

	if (strncmp(en, "aes", 3) == 0 && s->keybits)
		snprintf(encr, sizeof(encr), "aes%u%s", s->keybits, en + 3);
	else
		snprintf(encr, sizeof(encr), "%s", en);
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", encr,
	    s->integ ? "-" : "", s->integ ?
	    ike_xform_name(IKEV2_XFORM_INTEG, s->integ) : "",
	    ike && s->prf ? "-" : "", ike && s->prf ?
	    ike_xform_name(IKEV2_XFORM_PRF, s->prf) : "",
	    s->dh ? "-" : "", s->dh ? ike_xform_name(IKEV2_XFORM_DH, s->dh) : "",
	    !ike && s->esn ? "-esn" : "");
}
