/*
 * Parsing IKEv2 messages: the header and one function per payload type.
 * Every length is checked against what is left; nothing is trusted.
 */
#include <string.h>

#include "ike/ike_local.h"

int
ike_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h)
{
	struct rbuf r;

	rbuf_init(&r, p, len);
	rbuf_u64(&r, &h->spi_i);
	rbuf_u64(&r, &h->spi_r);
	rbuf_u8(&r, &h->next);
	rbuf_u8(&r, &h->version);
	rbuf_u8(&r, &h->exch);
	rbuf_u8(&r, &h->flags);
	rbuf_u32(&r, &h->mid);
	rbuf_u32(&r, &h->length);
	if (r.err)
		return -1;
	/* The length must be exactly what arrived (2.22 has no padding). */
	if (h->length != len || h->length < IKEV2_HDR_LEN)
		return -1;
	if ((h->version >> 4) != 2)
		return -1;
	return 0;
}

static int
ike_pld_attrs(struct rbuf *r, uint16_t *keybits)
{
	*keybits = 0;
	while (rbuf_left(r) > 0) {
		uint16_t type, val;

		if (!rbuf_u16(r, &type) || !rbuf_u16(r, &val))
			return -1;
		if (type & IKEV2_ATTR_AF) {
			if ((type & ~IKEV2_ATTR_AF) == IKEV2_ATTR_KEY_LENGTH)
				*keybits = val;
		} else if (!rbuf_skip(r, val)) {
			return -1;	/* TLV attribute longer than transform */
		}
	}
	return 0;
}

static int
ike_pld_prop(struct rbuf *r, struct ike_prop *pr)
{
	uint8_t nxf, res;

	if (!rbuf_u8(r, &pr->num) || !rbuf_u8(r, &pr->proto) ||
	    !rbuf_u8(r, &pr->spi_size) || !rbuf_u8(r, &nxf))
		return -1;
	pr->spi = 0;
	switch (pr->spi_size) {
	case 0:
		break;
	case 4: {
		uint32_t s;
		if (!rbuf_u32(r, &s))
			return -1;
		pr->spi = s;
		break;
	}
	case 8:
		if (!rbuf_u64(r, &pr->spi))
			return -1;
		break;
	default:
		return -1;
	}
	pr->nxf = 0;
	for (unsigned i = 0; i < nxf; i++) {
		uint8_t last, type;
		uint16_t tlen, id, keybits;
		struct rbuf t;

		if (!rbuf_u8(r, &last) || !rbuf_u8(r, &res) ||
		    !rbuf_u16(r, &tlen) || tlen < 8 ||
		    !rbuf_sub(r, &t, tlen - 4))
			return -1;
		if ((last != 0 && last != 3) || (last == 0) != (i + 1 == nxf))
			return -1;
		if (!rbuf_u8(&t, &type) || !rbuf_u8(&t, &res) ||
		    !rbuf_u16(&t, &id) || ike_pld_attrs(&t, &keybits) < 0)
			return -1;
		if (pr->nxf < CONF_MAX_XFORMS) {
			pr->xf[pr->nxf].type = type;
			pr->xf[pr->nxf].id = id;
			pr->xf[pr->nxf].keybits = keybits;
			pr->nxf++;
		}
	}
	return rbuf_left(r) == 0 ? 0 : -1;
}

int
ike_pld_parse_sa(const uint8_t *p, size_t len, struct ike_prop *props,
    size_t *nprops)
{
	struct rbuf r;
	uint8_t last = 2;

	*nprops = 0;
	rbuf_init(&r, p, len);
	while (rbuf_left(&r) > 0) {
		uint8_t res;
		uint16_t plen;
		struct rbuf sub;
		struct ike_prop tmp;

		if (last != 2)
			return -1;	/* data after the last proposal */
		if (!rbuf_u8(&r, &last) || !rbuf_u8(&r, &res) ||
		    !rbuf_u16(&r, &plen) || plen < 8 ||
		    !rbuf_sub(&r, &sub, plen - 4))
			return -1;
		if (last != 0 && last != 2)
			return -1;
		if (ike_pld_prop(&sub, &tmp) < 0)
			return -1;
		if (*nprops < IKE_MAX_PROPS)
			props[(*nprops)++] = tmp;
	}
	return (*nprops > 0 && last == 0) ? 0 : -1;
}

static int
ike_pld_ts(const uint8_t *p, size_t len, struct ike_ts_list *l)
{
	struct rbuf r;
	uint8_t n, res;

	rbuf_init(&r, p, len);
	if (!rbuf_u8(&r, &n) || !rbuf_skip(&r, 3) || n == 0)
		return -1;
	l->n = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t type;
		uint16_t tlen;
		struct esp_ts ts;
		size_t alen;

		memset(&ts, 0, sizeof(ts));
		if (!rbuf_u8(&r, &type) || !rbuf_u8(&r, &ts.proto) ||
		    !rbuf_u16(&r, &tlen) || !rbuf_u16(&r, &ts.port_start) ||
		    !rbuf_u16(&r, &ts.port_end))
			return -1;
		if (type == IKEV2_TS_IPV4_ADDR_RANGE) {
			alen = 4;
			ts.start.af = ts.end.af = AF_INET;
		} else if (type == IKEV2_TS_IPV6_ADDR_RANGE) {
			alen = 16;
			ts.start.af = ts.end.af = AF_INET6;
		} else {
			return -1;
		}
		if (tlen != 8 + 2 * alen ||
		    !rbuf_bytes(&r, ts.start.bytes, alen) ||
		    !rbuf_bytes(&r, ts.end.bytes, alen))
			return -1;
		if (l->n < IKE_MAX_TS)
			l->ts[l->n++] = ts;
	}
	(void)res;
	return rbuf_left(&r) == 0 ? 0 : -1;
}

static int
ike_pld_id(const uint8_t *p, size_t len, struct ike_id_pld *id)
{
	if (len < 4)
		return -1;
	id->type = p[0];
	id->body = p;
	id->body_len = len;
	id->data = p + 4;
	id->len = len - 4;
	switch (id->type) {
	case IKEV2_ID_IPV4_ADDR:
		return id->len == 4 ? 0 : -1;
	case IKEV2_ID_IPV6_ADDR:
		return id->len == 16 ? 0 : -1;
	default:
		return id->len > 0 ? 0 : -1;
	}
}

static int
ike_pld_notify_parse(const uint8_t *p, size_t len, struct ike_payloads *pl)
{
	struct rbuf r;
	struct ike_notify n;

	memset(&n, 0, sizeof(n));
	rbuf_init(&r, p, len);
	if (!rbuf_u8(&r, &n.proto) || !rbuf_u8(&r, &n.spi_size) ||
	    !rbuf_u16(&r, &n.type))
		return -1;
	switch (n.spi_size) {
	case 0:
		break;
	case 4: {
		uint32_t s;
		if (!rbuf_u32(&r, &s))
			return -1;
		n.spi = s;
		break;
	}
	case 8:
		if (!rbuf_u64(&r, &n.spi))
			return -1;
		break;
	default:
		return -1;
	}
	n.len = rbuf_left(&r);
	rbuf_ptr(&r, &n.data, n.len);
	if (pl->nnotify < IKE_MAX_NOTIFY)
		pl->notify[pl->nnotify++] = n;
	return 0;
}

static int
ike_pld_delete(const uint8_t *p, size_t len, struct ike_payloads *pl)
{
	struct rbuf r;
	struct ike_delete d;

	rbuf_init(&r, p, len);
	if (!rbuf_u8(&r, &d.proto) || !rbuf_u8(&r, &d.spi_size) ||
	    !rbuf_u16(&r, &d.num))
		return -1;
	if (d.proto == IKEV2_PROTO_IKE) {
		if (d.spi_size != 0 || d.num != 0)
			return -1;
	} else if (d.spi_size != 4) {
		return -1;
	}
	if (rbuf_left(&r) != (size_t)d.num * d.spi_size)
		return -1;
	rbuf_ptr(&r, &d.spis, rbuf_left(&r));
	if (pl->ndelete < IKE_MAX_DELETE)
		pl->del[pl->ndelete++] = d;
	return 0;
}

/* Payloads that may appear at most once per message. */
static bool
ike_pld_single(uint8_t t)
{
	switch (t) {
	case IKEV2_PLD_SA: case IKEV2_PLD_KE: case IKEV2_PLD_IDI:
	case IKEV2_PLD_IDR: case IKEV2_PLD_AUTH: case IKEV2_PLD_NONCE:
	case IKEV2_PLD_TSI: case IKEV2_PLD_TSR: case IKEV2_PLD_SK:
		return true;
	default:
		return false;
	}
}

static int
ike_pld_one(uint8_t type, const uint8_t *b, size_t blen,
    struct ike_payloads *pl)
{
	switch (type) {
	case IKEV2_PLD_SA:
		return ike_pld_parse_sa(b, blen, pl->props, &pl->nprops);
	case IKEV2_PLD_KE:
		if (blen < 4 || blen == 4)
			return -1;
		pl->ke_group = (uint16_t)(b[0] << 8 | b[1]);
		pl->ke = b + 4;
		pl->ke_len = blen - 4;
		return 0;
	case IKEV2_PLD_NONCE:
		if (blen < 16 || blen > 256)
			return -1;
		pl->nonce = b;
		pl->nonce_len = blen;
		return 0;
	case IKEV2_PLD_IDI:
		return ike_pld_id(b, blen, &pl->idi);
	case IKEV2_PLD_IDR:
		return ike_pld_id(b, blen, &pl->idr);
	case IKEV2_PLD_AUTH:
		if (blen < 5)
			return -1;
		pl->auth_method = b[0];
		pl->auth = b + 4;
		pl->auth_len = blen - 4;
		return 0;
	case IKEV2_PLD_NOTIFY:
		return ike_pld_notify_parse(b, blen, pl);
	case IKEV2_PLD_DELETE:
		return ike_pld_delete(b, blen, pl);
	case IKEV2_PLD_TSI:
		return ike_pld_ts(b, blen, &pl->tsi);
	case IKEV2_PLD_TSR:
		return ike_pld_ts(b, blen, &pl->tsr);
	default:
		return 0;	/* V, CP, CERTREQ...: known, ignored */
	}
}

static bool
ike_pld_known(uint8_t t)
{
	return (t >= IKEV2_PLD_SA && t <= IKEV2_PLD_EAP) || t == IKEV2_PLD_SKF;
}

enum ike_parse_result
ike_pld_parse(uint8_t next, const uint8_t *p, size_t len, size_t base_off,
    struct ike_payloads *pl)
{
	struct rbuf r;

	rbuf_init(&r, p, len);
	while (next != IKEV2_PLD_NONE) {
		uint8_t type = next, flags;
		uint16_t plen;
		const uint8_t *body;
		size_t off = r.off;

		if (!rbuf_u8(&r, &next) || !rbuf_u8(&r, &flags) ||
		    !rbuf_u16(&r, &plen) || plen < IKEV2_PLD_HDR_LEN ||
		    !rbuf_ptr(&r, &body, plen - IKEV2_PLD_HDR_LEN))
			return IKE_PARSE_SYNTAX;
		if (!ike_pld_known(type)) {
			if (flags & IKEV2_PLD_CRITICAL) {
				pl->unsupported_critical = type;
				return IKE_PARSE_CRITICAL;
			}
			continue;
		}
		if (type == IKEV2_PLD_SK) {
			/* The SK payload is the last one and runs to the end. */
			if (rbuf_left(&r) != 0 || pl->has_sk)
				return IKE_PARSE_SYNTAX;
			pl->has_sk = true;
			pl->sk_next = next;
			pl->sk_off = base_off + off;
			return IKE_PARSE_OK;
		}
		if (ike_pld_single(type) && IKE_SEEN(pl, type))
			return IKE_PARSE_SYNTAX;
		if (ike_pld_one(type, body, plen - IKEV2_PLD_HDR_LEN, pl) < 0)
			return IKE_PARSE_SYNTAX;
		if (type >= 32 && type < 64)
			pl->seen |= 1u << (type - 32);
	}
	return rbuf_left(&r) == 0 ? IKE_PARSE_OK : IKE_PARSE_SYNTAX;
}

const struct ike_notify *
ike_pld_notify(const struct ike_payloads *pl, uint16_t type)
{
	for (size_t i = 0; i < pl->nnotify; i++)
		if (pl->notify[i].type == type)
			return &pl->notify[i];
	return NULL;
}

const struct ike_notify *
ike_pld_error(const struct ike_payloads *pl)
{
	for (size_t i = 0; i < pl->nnotify; i++)
		if (pl->notify[i].type < 16384)
			return &pl->notify[i];
	return NULL;
}
