/*
 * BGP message framing and the small messages: OPEN with capabilities,
 * NOTIFICATION, KEEPALIVE, ROUTE-REFRESH (RFC 4271 4, RFC 5492, 6793,
 * 4760, 2918). UPDATE lives in attrs.c. OPEN offers IPv4 and IPv6 unicast
 * as the caller asks; a session carries what both sides offered.
 */
#include <stdio.h>
#include <string.h>

#include "bgp/bgp_priv.h"

static const char *const bgp_type_names[] = {
	[BGP_MSG_OPEN] = "OPEN",
	[BGP_MSG_UPDATE] = "UPDATE",
	[BGP_MSG_NOTIFICATION] = "NOTIFICATION",
	[BGP_MSG_KEEPALIVE] = "KEEPALIVE",
	[BGP_MSG_ROUTE_REFRESH] = "ROUTE-REFRESH",
};

const char *
bgp_msg_type_name(uint8_t t)
{
	if (t < sizeof(bgp_type_names) / sizeof(bgp_type_names[0]) &&
	    bgp_type_names[t] != NULL)
		return bgp_type_names[t];
	return "unknown";
}

static const char *const bgp_err_names[] = {
	[BGP_ERR_HEADER] = "Message Header Error",
	[BGP_ERR_OPEN] = "OPEN Message Error",
	[BGP_ERR_UPDATE] = "UPDATE Message Error",
	[BGP_ERR_HOLD] = "Hold Timer Expired",
	[BGP_ERR_FSM] = "Finite State Machine Error",
	[BGP_ERR_CEASE] = "Cease",
	[BGP_ERR_RREFRESH] = "ROUTE-REFRESH Message Error",
};

static const char *const bgp_hdr_sub[] = {
	[1] = "Connection Not Synchronized", [2] = "Bad Message Length",
	[3] = "Bad Message Type",
};
static const char *const bgp_open_sub[] = {
	[1] = "Unsupported Version Number", [2] = "Bad Peer AS",
	[3] = "Bad BGP Identifier", [4] = "Unsupported Optional Parameter",
	[6] = "Unacceptable Hold Time", [7] = "Unsupported Capability",
};
static const char *const bgp_update_sub[] = {
	[1] = "Malformed Attribute List",
	[2] = "Unrecognized Well-known Attribute",
	[3] = "Missing Well-known Attribute", [4] = "Attribute Flags Error",
	[5] = "Attribute Length Error", [6] = "Invalid ORIGIN Attribute",
	[8] = "Invalid NEXT_HOP Attribute", [9] = "Optional Attribute Error",
	[10] = "Invalid Network Field", [11] = "Malformed AS_PATH",
};
static const char *const bgp_fsm_sub[] = {
	[1] = "Receive Unexpected Message in OpenSent State",
	[2] = "Receive Unexpected Message in OpenConfirm State",
	[3] = "Receive Unexpected Message in Established State",
};
static const char *const bgp_cease_sub[] = {
	[1] = "Maximum Number of Prefixes Reached",
	[2] = "Administrative Shutdown", [3] = "Peer De-configured",
	[4] = "Administrative Reset", [5] = "Connection Rejected",
	[6] = "Other Configuration Change",
	[7] = "Connection Collision Resolution", [8] = "Out of Resources",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
bgp_sub_name(const char *const *tab, size_t n, uint8_t sub)
{
	return sub < n ? tab[sub] : NULL;
}

const char *
bgp_notify_name(uint8_t code, uint8_t sub, char *buf, size_t len)
{
	const char *c = NULL, *s = NULL;

	if (code < NELEM(bgp_err_names))
		c = bgp_err_names[code];
	switch (code) {
	case BGP_ERR_HEADER:
		s = bgp_sub_name(bgp_hdr_sub, NELEM(bgp_hdr_sub), sub);
		break;
	case BGP_ERR_OPEN:
		s = bgp_sub_name(bgp_open_sub, NELEM(bgp_open_sub), sub);
		break;
	case BGP_ERR_UPDATE:
		s = bgp_sub_name(bgp_update_sub, NELEM(bgp_update_sub), sub);
		break;
	case BGP_ERR_FSM:
		s = bgp_sub_name(bgp_fsm_sub, NELEM(bgp_fsm_sub), sub);
		break;
	case BGP_ERR_CEASE:
		s = bgp_sub_name(bgp_cease_sub, NELEM(bgp_cease_sub), sub);
		break;
	}
	if (c == NULL)
		snprintf(buf, len, "error %u/%u", code, sub);
	else if (s != NULL)
		snprintf(buf, len, "%s/%s", c, s);
	else if (sub != 0)
		snprintf(buf, len, "%s/%u", c, sub);
	else
		snprintf(buf, len, "%s", c);
	return buf;
}

void
bgp_notify_set(struct bgp_notify *n, uint8_t code, uint8_t sub,
    const void *data, size_t datalen)
{
	n->code = code;
	n->subcode = sub;
	if (datalen > sizeof(n->data))
		datalen = sizeof(n->data);
	n->datalen = datalen;
	if (datalen > 0)
		memcpy(n->data, data, datalen);
}

int
bgp_hdr_parse(const uint8_t *buf, size_t len, uint16_t *msglen, uint8_t *type,
    struct bgp_notify *n)
{
	struct rbuf r;
	uint16_t ml;
	uint8_t t, lenbe[2];
	size_t i;
	bool bad;

	rbuf_init(&r, buf, len);
	for (i = 0; i < BGP_MARKER_LEN; i++) {
		uint8_t m;

		if (!rbuf_u8(&r, &m))
			goto short_hdr;
		if (m != 0xff) {
			bgp_notify_set(n, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC,
			    NULL, 0);
			return -1;
		}
	}
	if (!rbuf_u16(&r, &ml) || !rbuf_u8(&r, &t))
		goto short_hdr;
	lenbe[0] = ml >> 8;
	lenbe[1] = ml & 0xff;
	if (ml < BGP_HDR_LEN || ml > BGP_MAX_MSG) {
		bgp_notify_set(n, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, lenbe, 2);
		return -1;
	}
	switch (t) {
	case BGP_MSG_OPEN:
		bad = ml < BGP_OPEN_MIN;
		break;
	case BGP_MSG_UPDATE:
		bad = ml < BGP_UPDATE_MIN;
		break;
	case BGP_MSG_NOTIFICATION:
		bad = ml < BGP_NOTIFY_MIN;
		break;
	case BGP_MSG_KEEPALIVE:
		bad = ml != BGP_HDR_LEN;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		bad = ml != BGP_RREFRESH_LEN;
		break;
	default:
		bgp_notify_set(n, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &t, 1);
		return -1;
	}
	if (bad) {
		bgp_notify_set(n, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, lenbe, 2);
		return -1;
	}
	*msglen = ml;
	*type = t;
	return 0;
short_hdr:
	bgp_notify_set(n, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, NULL, 0);
	return -1;
}

void
bgp_msg_begin(struct wbuf *w, uint8_t type)
{
	uint8_t marker[BGP_MARKER_LEN];

	memset(marker, 0xff, sizeof(marker));
	wbuf_bytes(w, marker, sizeof(marker));
	wbuf_u16(w, 0);
	wbuf_u8(w, type);
}

bool
bgp_msg_end(struct wbuf *w)
{
	if (w->err || w->len < BGP_HDR_LEN || w->len > BGP_MAX_MSG)
		return false;
	return wbuf_set_u16(w, BGP_MARKER_LEN, (uint16_t)w->len);
}

/* One Multiprotocol Extensions capability (RFC 4760 8). */
static void
bgp_capa_mp(struct wbuf *w, uint16_t afi)
{
	wbuf_u8(w, BGP_CAPA_MP);
	wbuf_u8(w, 4);
	wbuf_u16(w, afi);
	wbuf_u8(w, 0);
	wbuf_u8(w, BGP_SAFI_UNICAST);
}

bool
bgp_open_build(struct wbuf *w, uint32_t asn, uint16_t hold, struct in_addr id,
    unsigned afs)
{
	size_t optlen_off, capa_off;

	bgp_msg_begin(w, BGP_MSG_OPEN);
	wbuf_u8(w, BGP_VERSION);
	wbuf_u16(w, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn);
	wbuf_u16(w, hold);
	wbuf_bytes(w, &id.s_addr, 4);
	optlen_off = w->len;
	wbuf_u8(w, 0);
	/* One Capabilities parameter holding all of them (RFC 5492). */
	wbuf_u8(w, BGP_OPT_CAPABILITIES);
	capa_off = w->len;
	wbuf_u8(w, 0);
	if (afs & BGP_AF_IPV4)
		bgp_capa_mp(w, BGP_AFI_IPV4);
	if (afs & BGP_AF_IPV6)
		bgp_capa_mp(w, BGP_AFI_IPV6);
	wbuf_u8(w, BGP_CAPA_RREFRESH);
	wbuf_u8(w, 0);
	wbuf_u8(w, BGP_CAPA_AS4);
	wbuf_u8(w, 4);
	wbuf_u32(w, asn);
	wbuf_set_u8(w, capa_off, (uint8_t)(w->len - capa_off - 1));
	wbuf_set_u8(w, optlen_off, (uint8_t)(w->len - optlen_off - 1));
	return bgp_msg_end(w);
}

/* Capabilities we don't know are ignored (RFC 5492 3). */
static int
bgp_open_capas(struct rbuf *r, struct bgp_open *o, struct bgp_notify *n)
{
	while (rbuf_left(r) > 0) {
		uint8_t code, len;
		struct rbuf v;

		if (!rbuf_u8(r, &code) || !rbuf_u8(r, &len) ||
		    !rbuf_sub(r, &v, len))
			goto bad;
		switch (code) {
		case BGP_CAPA_MP: {
			uint16_t afi;
			uint8_t res, safi;

			if (len != 4 || !rbuf_u16(&v, &afi) ||
			    !rbuf_u8(&v, &res) || !rbuf_u8(&v, &safi))
				goto bad;
			o->has_mp = true;
			if (afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST)
				o->mp_ipv4 = true;
			if (afi == BGP_AFI_IPV6 && safi == BGP_SAFI_UNICAST)
				o->mp_ipv6 = true;
			break;
		}
		case BGP_CAPA_RREFRESH:
			o->rrefresh = true;
			break;
		case BGP_CAPA_AS4:
			if (len != 4 || !rbuf_u32(&v, &o->asn))
				goto bad;
			o->as4 = true;
			break;
		default:
			break;
		}
	}
	return 0;
bad:
	bgp_notify_set(n, BGP_ERR_OPEN, 0, NULL, 0);
	return -1;
}

int
bgp_open_parse(const uint8_t *body, size_t len, struct bgp_open *o,
    struct bgp_notify *n)
{
	struct rbuf r, opts;
	uint8_t optlen;

	memset(o, 0, sizeof(*o));
	rbuf_init(&r, body, len);
	if (!rbuf_u8(&r, &o->version) || !rbuf_u16(&r, &o->my_as) ||
	    !rbuf_u16(&r, &o->hold_time) ||
	    !rbuf_bytes(&r, &o->bgp_id.s_addr, 4) || !rbuf_u8(&r, &optlen))
		goto bad_len;
	if (o->version != BGP_VERSION) {
		uint8_t v[2] = { 0, BGP_VERSION };

		bgp_notify_set(n, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, v, 2);
		return -1;
	}
	if (o->hold_time == 1 || o->hold_time == 2) {
		bgp_notify_set(n, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD, NULL, 0);
		return -1;
	}
	if (o->bgp_id.s_addr == 0) {
		bgp_notify_set(n, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL, 0);
		return -1;
	}
	if (!rbuf_sub(&r, &opts, optlen) || rbuf_left(&r) != 0)
		goto bad_len;
	o->asn = o->my_as;
	while (rbuf_left(&opts) > 0) {
		uint8_t ptype, plen;
		struct rbuf p;

		if (!rbuf_u8(&opts, &ptype) || !rbuf_u8(&opts, &plen) ||
		    !rbuf_sub(&opts, &p, plen))
			goto bad_len;
		if (ptype != BGP_OPT_CAPABILITIES) {
			bgp_notify_set(n, BGP_ERR_OPEN, BGP_ERR_OPEN_OPT,
			    NULL, 0);
			return -1;
		}
		if (bgp_open_capas(&p, o, n) == -1)
			return -1;
	}
	/* RFC 4760 8: without MP capabilities, IPv4 unicast is implied. */
	if (!o->has_mp)
		o->mp_ipv4 = true;
	return 0;
bad_len:
	/* RFC 4271 6.2 gives no subcode for a malformed OPEN body. */
	bgp_notify_set(n, BGP_ERR_OPEN, 0, NULL, 0);
	return -1;
}

bool
bgp_notify_build(struct wbuf *w, const struct bgp_notify *n)
{
	bgp_msg_begin(w, BGP_MSG_NOTIFICATION);
	wbuf_u8(w, n->code);
	wbuf_u8(w, n->subcode);
	if (n->datalen > 0)
		wbuf_bytes(w, n->data, n->datalen);
	return bgp_msg_end(w);
}

int
bgp_notify_parse(const uint8_t *body, size_t len, struct bgp_notify *n)
{
	struct rbuf r;

	rbuf_init(&r, body, len);
	memset(n, 0, sizeof(*n));
	if (!rbuf_u8(&r, &n->code) || !rbuf_u8(&r, &n->subcode))
		return -1;
	n->datalen = rbuf_left(&r);
	if (n->datalen > sizeof(n->data))
		n->datalen = sizeof(n->data);
	return rbuf_bytes(&r, n->data, n->datalen) ? 0 : -1;
}

bool
bgp_keepalive_build(struct wbuf *w)
{
	bgp_msg_begin(w, BGP_MSG_KEEPALIVE);
	return bgp_msg_end(w);
}

bool
bgp_rrefresh_build(struct wbuf *w, uint16_t afi)
{
	bgp_msg_begin(w, BGP_MSG_ROUTE_REFRESH);
	wbuf_u16(w, afi);
	wbuf_u8(w, 0);
	wbuf_u8(w, BGP_SAFI_UNICAST);
	return bgp_msg_end(w);
}

int
bgp_rrefresh_parse(const uint8_t *body, size_t len, uint16_t *afi,
    uint8_t *safi)
{
	struct rbuf r;
	uint8_t res;

	rbuf_init(&r, body, len);
	if (!rbuf_u16(&r, afi) || !rbuf_u8(&r, &res) || !rbuf_u8(&r, safi))
		return -1;
	return 0;
}
