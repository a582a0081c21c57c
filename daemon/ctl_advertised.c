/*
 * `show bgp advertised`: what each BGP session tells its peer, from the
 * speaker's Adj-RIB-Out, with the AS_PATH as sent (our AS, and the
 * prepends that make a tunnel the standby one).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "bgp/bgp.h"
#include "daemon/cgwd.h"
#include "daemon/ctl.h"

static json_t *
ctl_json_out(const struct bgp_out_info *oi)
{
	char p[CGW_PREFIXSTRLEN], nh[CGW_ADDRSTRLEN];
	json_t *path = json_array();
	size_t i;

	for (i = 0; i < oi->as_path_len; i++)
		json_array_append_new(path, json_integer(oi->as_path[i]));
	return json_pack("{s:s, s:o, s:s, s:I, s:b}",
	    "prefix", prefix_fmt(oi->prefix, p, sizeof(p)),
	    "as_path", path,
	    "next_hop", addr_fmt(&oi->nexthop, nh, sizeof(nh)),
	    "med", (json_int_t)oi->med,
	    "pending", oi->pending);
}

static void
ctl_advertised_prefix(const struct bgp_out_info *oi, void *arg)
{
	json_array_append_new(arg, ctl_json_out(oi));
}

static void
ctl_advertised_peer(struct bgp_peer *peer, void *arg)
{
	struct bgp_peer_status st;
	char state[16], addr[CGW_ADDRSTRLEN];
	json_t *prefixes = json_array();
	size_t i;

	bgp_peer_status(peer, &st);
	/* States as SPEC 5 writes them: "established". */
	for (i = 0; st.state_name[i] != '\0' && i + 1 < sizeof(state); i++)
		state[i] = (char)tolower((unsigned char)st.state_name[i]);
	state[i] = '\0';
	bgp_peer_out_walk(peer, ctl_advertised_prefix, prefixes);
	json_array_append_new(arg, json_pack("{s:s, s:s, s:I, s:s, s:o}",
	    "name", st.name,
	    "peer", addr_fmt(&st.remote, addr, sizeof(addr)),
	    "peer_asn", (json_int_t)st.peer_asn,
	    "state", state,
	    "prefixes", prefixes));
}

json_t *
ctl_json_bgp_advertised(struct cgwd *cgwd)
{
	json_t *arr = json_array();

	if (arr == NULL)
		return NULL;
	if (cgwd->bgp != NULL)
		bgp_peer_foreach(cgwd->bgp, ctl_advertised_peer, arr);
	return json_pack("{s:o}", "advertised", arr);
}
