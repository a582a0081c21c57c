/*
 * libFuzzer target: one BGP message as received from a peer (header
 * included), through framing and the parser of its type. UPDATEs are
 * parsed as from a 4-octet and a 2-octet eBGP peer and from an iBGP peer,
 * and whatever parses is encoded again and re-parsed: the encoder must
 * accept anything the decoder produced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_priv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_update(const uint8_t *body, size_t len, bool as4, bool ebgp)
{
	struct bgp_parse_ctx pc;
	struct bgp_update u, u2;
	struct bgp_notify n;
	struct wbuf w;
	size_t i;

	memset(&pc, 0, sizeof(pc));
	pc.as4 = as4;
	pc.ebgp = ebgp;
	pc.peer_as = 64512;
	if (bgp_update_parse(body, len, &pc, &u, &n) == -1)
		return;
	for (i = 0; i < u.nnlri; i++)
		if (u.nlri[i].len > 32)
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
		if (bgp_attrs_encode(&w, &u.attrs, as4) && w.len - 4 <= 0xffff) {
			wbuf_set_u16(&w, 2, (uint16_t)(w.len - 4));
			pc.peer_as = bgp_aspath_first(u.attrs.aspath,
			    u.attrs.aspath_len);
			for (i = 0; i < u.nnlri; i++)
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
		fuzz_update(body, blen, true, true);
		fuzz_update(body, blen, false, true);
		fuzz_update(body, blen, true, false);
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
