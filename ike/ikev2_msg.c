/*
 * Building IKEv2 messages: the header and each payload type. A builder
 * chains the Next Payload fields; lengths are filled in at the end of
 * each payload. Allocation failures stick in the wbuf's err flag.
 */
#include <string.h>

#include "ike/ike_local.h"

void
ike_bld_init(struct ike_bld *b, struct wbuf *w, bool has_hdr)
{
	memset(b, 0, sizeof(*b));
	b->w = w;
	/* Next Payload of the IKE header is byte 16. */
	b->next_off = has_hdr ? 16 : SIZE_MAX;
}

void
ike_bld_hdr(struct wbuf *w, uint64_t spi_i, uint64_t spi_r, uint8_t exch,
    uint8_t flags, uint32_t mid)
{
	wbuf_u64(w, spi_i);
	wbuf_u64(w, spi_r);
	wbuf_u8(w, IKEV2_PLD_NONE);
	wbuf_u8(w, IKEV2_VERSION);
	wbuf_u8(w, exch);
	wbuf_u8(w, flags);
	wbuf_u32(w, mid);
	wbuf_u32(w, IKEV2_HDR_LEN);	/* fixed by the sender */
}

void
ike_bld_begin(struct ike_bld *b, uint8_t type)
{
	if (b->next_off == SIZE_MAX) {
		if (!b->first_set) {
			b->first = type;
			b->first_set = true;
		}
	} else {
		wbuf_set_u8(b->w, b->next_off, type);
	}
	b->cur = b->w->len;
	b->next_off = b->w->len;
	wbuf_u8(b->w, IKEV2_PLD_NONE);
	wbuf_u8(b->w, 0);
	wbuf_u16(b->w, 0);
}

void
ike_bld_end(struct ike_bld *b)
{
	wbuf_set_u16(b->w, b->cur + 2, (uint16_t)(b->w->len - b->cur));
}

void
ike_bld_notify(struct ike_bld *b, uint8_t proto, uint8_t spi_size,
    uint64_t spi, uint16_t type, const void *data, size_t len)
{
	ike_bld_begin(b, IKEV2_PLD_NOTIFY);
	wbuf_u8(b->w, proto);
	wbuf_u8(b->w, spi_size);
	wbuf_u16(b->w, type);
	if (spi_size == 4)
		wbuf_u32(b->w, (uint32_t)spi);
	else if (spi_size == 8)
		wbuf_u64(b->w, spi);
	if (len)
		wbuf_bytes(b->w, data, len);
	ike_bld_end(b);
}

void
ike_bld_sa(struct ike_bld *b, const struct ike_prop *props, size_t n)
{
	struct wbuf *w = b->w;

	ike_bld_begin(b, IKEV2_PLD_SA);
	for (size_t i = 0; i < n; i++) {
		const struct ike_prop *p = &props[i];
		size_t poff = w->len;

		wbuf_u8(w, i + 1 == n ? 0 : 2);
		wbuf_u8(w, 0);
		wbuf_u16(w, 0);
		wbuf_u8(w, p->num);
		wbuf_u8(w, p->proto);
		wbuf_u8(w, p->spi_size);
		wbuf_u8(w, (uint8_t)p->nxf);
		if (p->spi_size == 4)
			wbuf_u32(w, (uint32_t)p->spi);
		else if (p->spi_size == 8)
			wbuf_u64(w, p->spi);
		for (size_t j = 0; j < p->nxf; j++) {
			const struct conf_xform *x = &p->xf[j];

			wbuf_u8(w, j + 1 == p->nxf ? 0 : 3);
			wbuf_u8(w, 0);
			wbuf_u16(w, x->keybits ? 12 : 8);
			wbuf_u8(w, x->type);
			wbuf_u8(w, 0);
			wbuf_u16(w, x->id);
			if (x->keybits) {
				wbuf_u16(w, IKEV2_ATTR_AF | IKEV2_ATTR_KEY_LENGTH);
				wbuf_u16(w, x->keybits);
			}
		}
		wbuf_set_u16(w, poff + 2, (uint16_t)(w->len - poff));
	}
	ike_bld_end(b);
}

void
ike_bld_ke(struct ike_bld *b, uint16_t group, const uint8_t *d, size_t len)
{
	ike_bld_begin(b, IKEV2_PLD_KE);
	wbuf_u16(b->w, group);
	wbuf_u16(b->w, 0);
	wbuf_bytes(b->w, d, len);
	ike_bld_end(b);
}

void
ike_bld_nonce(struct ike_bld *b, const uint8_t *n, size_t len)
{
	ike_bld_begin(b, IKEV2_PLD_NONCE);
	wbuf_bytes(b->w, n, len);
	ike_bld_end(b);
}

void
ike_bld_id(struct ike_bld *b, uint8_t pld, const uint8_t *body, size_t len)
{
	ike_bld_begin(b, pld);
	wbuf_bytes(b->w, body, len);
	ike_bld_end(b);
}

void
ike_bld_auth(struct ike_bld *b, uint8_t method, const uint8_t *d, size_t len)
{
	ike_bld_begin(b, IKEV2_PLD_AUTH);
	wbuf_u8(b->w, method);
	wbuf_zero(b->w, 3);
	wbuf_bytes(b->w, d, len);
	ike_bld_end(b);
}

static void
ike_bld_ts_one(struct ike_bld *b, const struct esp_ts *ts)
{
	size_t alen = addr_len(&ts->start);

	wbuf_u8(b->w, alen == 16 ? IKEV2_TS_IPV6_ADDR_RANGE :
	    IKEV2_TS_IPV4_ADDR_RANGE);
	wbuf_u8(b->w, ts->proto);
	wbuf_u16(b->w, (uint16_t)(8 + 2 * alen));
	wbuf_u16(b->w, ts->port_start);
	wbuf_u16(b->w, ts->port_end);
	wbuf_bytes(b->w, ts->start.bytes, alen);
	wbuf_bytes(b->w, ts->end.bytes, alen);
}

void
ike_bld_ts2(struct ike_bld *b, uint8_t pld, const struct esp_ts *ts,
    const struct esp_ts *extra)
{
	ike_bld_begin(b, pld);
	wbuf_u8(b->w, extra != NULL ? 2 : 1);
	wbuf_zero(b->w, 3);
	ike_bld_ts_one(b, ts);
	if (extra != NULL)
		ike_bld_ts_one(b, extra);
	ike_bld_end(b);
}

void
ike_bld_ts(struct ike_bld *b, uint8_t pld, const struct esp_ts *ts)
{
	ike_bld_ts2(b, pld, ts, NULL);
}

void
ike_bld_delete(struct ike_bld *b, uint8_t proto, const uint32_t *spis,
    size_t n)
{
	ike_bld_begin(b, IKEV2_PLD_DELETE);
	wbuf_u8(b->w, proto);
	wbuf_u8(b->w, proto == IKEV2_PROTO_IKE ? 0 : 4);
	wbuf_u16(b->w, (uint16_t)n);
	for (size_t i = 0; i < n; i++)
		wbuf_u32(b->w, spis[i]);
	ike_bld_end(b);
}
