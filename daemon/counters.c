/*
 * Per-tunnel counters: the totals of what is gone (kept in the tunnel)
 * plus what lives (read from the kernel and the engines when asked).
 * Nothing is sampled on a timer: a reader sees the kernel's own numbers.
 */
#include <string.h>

#include "daemon/cgwd.h"
#include "daemon/counters.h"
#include "daemon/ipsec.h"
#include "daemon/routing.h"
#include "daemon/tunnel.h"
#include "xfrm/xfrm.h"

void
counters_sa_gone(struct tunnel *t, unsigned dir, const struct xfrm_sa_stats *st)
{
	if (dir == IKE_DIR_IN) {
		t->ctr.bytes_in += st->bytes;
		t->ctr.packets_in += st->packets;
	} else {
		t->ctr.bytes_out += st->bytes;
		t->ctr.packets_out += st->packets;
	}
}

static void
counters_ike_add(struct ike_counters *to, const struct ike_counters *c)
{
	to->exchanges += c->exchanges;
	to->retransmissions += c->retransmissions;
	to->dpd_probes += c->dpd_probes;
	to->dpd_misses += c->dpd_misses;
	to->ike_rekeys += c->ike_rekeys;
	to->child_rekeys += c->child_rekeys;
	to->init_dropped += c->init_dropped;
}

void
counters_ike_gone(struct tunnel *t, const struct ike_counters *c)
{
	counters_ike_add(&t->ctr.ike, c);
}

/*
 * A half already removed is unknown to the kernel and counts 0 here: its
 * final numbers are in t->ctr since counters_sa_gone, never twice.
 */
void
counters_tunnel(const struct tunnel *t, struct tunnel_totals *tt)
{
	/* Unit tests build tunnels without a daemon: no kernel to ask. */
	struct xfrm_ctx *x = t->cgwd != NULL ? t->cgwd->xfrm : NULL;
	struct xfrm_sa_stats in, out;
	struct bgp_peer_status bs;
	struct ike_status st;
	size_t i;

	memset(tt, 0, sizeof(*tt));
	tt->bytes_in = t->ctr.bytes_in;
	tt->bytes_out = t->ctr.bytes_out;
	tt->packets_in = t->ctr.packets_in;
	tt->packets_out = t->ctr.packets_out;
	tt->ike = t->ctr.ike;
	if (t->ike != NULL) {
		ike_peer_status(t->ike, &st);
		counters_ike_add(&tt->ike, &st.ctr);
		for (i = 0; x != NULL && t->ipsec != NULL && i < st.n_child &&
		    i < IKE_STATUS_MAX_CHILD; i++) {
			if (xfrm_sa_stats(x, &t->conf->vpn->local,
			    st.child[i].spi_in, &in, NULL) == 0) {
				tt->bytes_in += in.bytes;
				tt->packets_in += in.packets;
			}
			if (xfrm_sa_stats(x, &t->conf->remote,
			    st.child[i].spi_out, &out, NULL) == 0) {
				tt->bytes_out += out.bytes;
				tt->packets_out += out.packets;
			}
		}
	}
	if (t->bgp != NULL && !routing_tunnel_is_static(t)) {
		bgp_peer_status(t->bgp, &bs);
		tt->bgp = true;
		memcpy(tt->bgp_msgs_in, bs.msgs_in, sizeof(tt->bgp_msgs_in));
		memcpy(tt->bgp_msgs_out, bs.msgs_out, sizeof(tt->bgp_msgs_out));
		tt->bgp_flaps = bs.flaps;
		tt->bgp_prefixes_received = bs.prefixes_received;
		tt->bgp_prefixes_advertised = bs.prefixes_advertised;
	}
}

const char *
counters_bgp_type(unsigned type)
{
	static const char *const names[BGP_MSG_TYPES] = {
		NULL, "open", "update", "notification", "keepalive",
		"route_refresh",
	};

	return type < BGP_MSG_TYPES ? names[type] : NULL;
}

static json_t *
counters_json_msgs(const uint64_t *n)
{
	json_t *o = json_object();
	unsigned i;

	for (i = 1; i < BGP_MSG_TYPES; i++)
		json_object_set_new(o, counters_bgp_type(i),
		    json_integer((json_int_t)n[i]));
	return o;
}

json_t *
counters_json(const struct tunnel *t)
{
	struct tunnel_totals tt;
	json_t *bgp;

	counters_tunnel(t, &tt);
	if (tt.bgp)
		bgp = json_pack("{s:o, s:o, s:I, s:I, s:I}",
		    "messages_in", counters_json_msgs(tt.bgp_msgs_in),
		    "messages_out", counters_json_msgs(tt.bgp_msgs_out),
		    "flaps", (json_int_t)tt.bgp_flaps,
		    "prefixes_received", (json_int_t)tt.bgp_prefixes_received,
		    "prefixes_advertised", (json_int_t)tt.bgp_prefixes_advertised);
	else
		bgp = json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I,"
	    " s:I}, s:o}",
	    "bytes_in", (json_int_t)tt.bytes_in,
	    "bytes_out", (json_int_t)tt.bytes_out,
	    "packets_in", (json_int_t)tt.packets_in,
	    "packets_out", (json_int_t)tt.packets_out,
	    "ike",
	    "exchanges", (json_int_t)tt.ike.exchanges,
	    "retransmissions", (json_int_t)tt.ike.retransmissions,
	    "dpd_probes", (json_int_t)tt.ike.dpd_probes,
	    "dpd_misses", (json_int_t)tt.ike.dpd_misses,
	    "ike_rekeys", (json_int_t)tt.ike.ike_rekeys,
	    "child_rekeys", (json_int_t)tt.ike.child_rekeys,
	    "init_dropped", (json_int_t)tt.ike.init_dropped,
	    "bgp", bgp);
}
