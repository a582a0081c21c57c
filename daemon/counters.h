/*
 * Cumulative counters per tunnel: ESP bytes and packets each way, IKE
 * exchanges, retransmissions, liveness probes and misses, rekeys, and the
 * tunnel's BGP session. They survive rekeys (an SA leaving the kernel
 * leaves its final counts to the tunnel) and a reload that rebuilds the
 * tunnel's IKE peer; they start at 0 with the daemon, as Prometheus
 * counters may.
 */
#ifndef CGW_DAEMON_COUNTERS_H
#define CGW_DAEMON_COUNTERS_H

#include <stdint.h>

#include <jansson.h>

#include "bgp/bgp.h"
#include "ike/ike.h"

struct tunnel;
struct xfrm_sa_stats;

/* What a tunnel keeps of the SAs and IKE peers it had. */
struct tunnel_counters {
	uint64_t		bytes_in, bytes_out;
	uint64_t		packets_in, packets_out;
	struct ike_counters	ike;
};

/* Everything at once, as `show tunnels` and the metrics report it. */
struct tunnel_totals {
	uint64_t		bytes_in, bytes_out;
	uint64_t		packets_in, packets_out;
	struct ike_counters	ike;
	bool			bgp;		/* a session exists: the rest is set */
	uint64_t		bgp_msgs_in[BGP_MSG_TYPES];
	uint64_t		bgp_msgs_out[BGP_MSG_TYPES];
	uint64_t		bgp_flaps;
	uint32_t		bgp_prefixes_received;
	uint32_t		bgp_prefixes_advertised;
};

/* The final counts of an SA half (IKE_DIR_IN or IKE_DIR_OUT) that left
 * the kernel. */
void		 counters_sa_gone(struct tunnel *, unsigned dir,
		    const struct xfrm_sa_stats *);
/* The counts of an IKE peer about to be removed. */
void		 counters_ike_gone(struct tunnel *, const struct ike_counters *);
/* What is gone plus what lives: the SAs in the kernel, the IKE peer,
 * the BGP session. */
void		 counters_tunnel(const struct tunnel *, struct tunnel_totals *);
/* "bgp_open", ... for index 1..5 of the message counters; NULL else. */
const char	*counters_bgp_type(unsigned);
/* The "counters" object of a tunnel in `show tunnels`. */
json_t		*counters_json(const struct tunnel *);

#endif
