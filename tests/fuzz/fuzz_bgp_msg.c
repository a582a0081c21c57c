/*
 * libFuzzer target: one BGP message as received from a peer (header
 * included), through framing and the parser of its type. UPDATEs are
 * parsed as from a 4-octet and a 2-octet eBGP peer and from an iBGP peer,
 * and as from a 4-octet eBGP peer with IPv6 unicast negotiated (MP_REACH
 * and MP_UNREACH for AFI 2 read); whatever parses is encoded again (the
 * IPv6 prefixes in MP_REACH_NLRI, as cgwd sends them) and re-parsed: the
 * encoder must accept anything the decoder produced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_priv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The IPv6 prefixes of u in one MP_REACH_NLRI, with attrs' next hop. */
static void
fuzz_mp_reach(struct wbuf *w, const struct bgp_update *u,
    const struct bgp_attrs *attrs)
{
	size_t off, i;

	if (u->nnlri6 == 0 || attrs->nh6_len == 0)
		return;
	off = bgp_mp_reach_begin(w, attrs);
	for (i = 0; i < u->nnlri; i++)
		if (u->nlri[i].addr.af == AF_INET6)
			bgp_prefix_encode(w, &u->nlri[i]);
	if (!bgp_mp_end(w, off))
		w->err = true;
}

static void
fuzz_update(const uint8_t *body, size_t len, bool as4, bool ebgp, bool ipv6)
{
	struct bgp_parse_ctx pc;
	struct bgp_update u, u2;
	struct bgp_notify n;
	struct bgp_attrs enc;
	struct cgw_addr gw;
	struct wbuf w;
	size_t i, n6 = 0;

	memset(&pc, 0, sizeof(pc));
	pc.as4 = as4;
	pc.ebgp = ebgp;
	pc.peer_as = 64512;
	pc.ipv6 = ipv6;
	if (bgp_update_parse(body, len, &pc, &u, &n) == -1)
		return;
	for (i = 0; i < u.nnlri; i++) {
		if (u.nlri[i].len > addr_len(&u.nlri[i].addr) * 8)
			abort();
		n6 += u.nlri[i].addr.af == AF_INET6;
	}
	for (i = 0; i < u.nwithdrawn; i++)
		if (u.withdrawn[i].len > addr_len(&u.withdrawn[i].addr) * 8)
			abort();
	if (n6 != u.nnlri6 || (!ipv6 && n6 > 0) ||
	    (u.eor6 && u.nnlri + u.nwithdrawn > 0))
		abort();
	if (u.attrs.nh6_len != 0 && u.attrs.nh6_len != 16 &&
	    u.attrs.nh6_len != 32)
		abort();
	bgp_attrs_gateway(&u.attrs, &gw);
	if (gw.af != AF_INET && gw.af != AF_INET6)
		abort();
	if (u.nnlri > 0 && !u.treat_as_withdraw) {
		uint32_t *flat;
		size_t nf;

		(void)bgp_aspath_count(u.attrs.aspath, u.attrs.aspath_len);
		if (bgp_aspath_flatten(u.attrs.aspath, u.attrs.aspath_len,
		    &flat, &nf) == 0)
			free(flat);
		wbuf_init(&w);
		wbuf_u16(&w, 0);
		wbuf_u16(&w, 0);
		/* As cgwd sends them: NEXT_HOP for IPv4 NLRI alone. */
		enc = u.attrs;
		if (u.nnlri6 < u.nnlri)
			enc.nh6_len = 0;
		fuzz_mp_reach(&w, &u, &u.attrs);
		if (bgp_attrs_encode(&w, &enc, as4) && w.len - 4 <= 0xffff) {
			wbuf_set_u16(&w, 2, (uint16_t)(w.len - 4));
			pc.peer_as = bgp_aspath_first(u.attrs.aspath,
			    u.attrs.aspath_len);
			for (i = 0; i < u.nnlri; i++)
				if (u.nlri[i].addr.af == AF_INET)
					bgp_prefix_encode(&w, &u.nlri[i]);
			if (!w.err && bgp_update_parse(w.p, w.len, &pc, &u2,
			    &n) == 0)
				bgp_update_free(&u2);
		}
		wbuf_free(&w);
	}
	bgp_update_free(&u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_notify n;
	struct bgp_open o;
	uint16_t len, afi;
	uint8_t type, safi;
	const uint8_t *body;
	size_t blen;
	char name[96];

	if (size < BGP_HDR_LEN ||
	    bgp_hdr_parse(data, size, &len, &type, &n) == -1) {
		bgp_notify_name(n.code, n.subcode, name, sizeof(name));
		return 0;
	}
	if (len > size)
		return 0;
	body = data + BGP_HDR_LEN;
	blen = len - BGP_HDR_LEN;
	switch (type) {
	case BGP_MSG_OPEN:
		(void)bgp_open_parse(body, blen, &o, &n);
		break;
	case BGP_MSG_UPDATE:
		fuzz_update(body, blen, true, true, false);
		fuzz_update(body, blen, false, true, false);
		fuzz_update(body, blen, true, false, false);
		fuzz_update(body, blen, true, true, true);
		break;
	case BGP_MSG_NOTIFICATION:
		if (bgp_notify_parse(body, blen, &n) == 0)
			bgp_notify_name(n.code, n.subcode, name, sizeof(name));
		break;
	case BGP_MSG_ROUTE_REFRESH:
		(void)bgp_rrefresh_parse(body, blen, &afi, &safi);
		break;
	}
	return 0;
}
