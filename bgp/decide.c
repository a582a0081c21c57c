/*
 * Best-path selection, RFC 4271 9.1.2.2, in the order OpenBSD bgpd's
 * rde_decide.c applies it. Our own networks win outright: cgwd is their
 * origin and must never prefer a copy learned back from a peer.
 *
 * Steps up to eBGP-over-iBGP decide whether two paths are equal enough to
 * share a multipath route; the router-id and peer-address steps only
 * break the tie for the single best path.
 */
#include <arpa/inet.h>
#include <string.h>

#include "bgp/bgp_priv.h"

static int
bgp_cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int
bgp_decide_cmp(const struct bgp_path *a, const struct bgp_path *b,
    bool mp_only)
{
	const struct bgp_attrs *aa = &a->aset->attrs, *ba = &b->aset->attrs;
	size_t la, lb;
	int c;

	/* Local networks first. */
	if ((a->peer == NULL) != (b->peer == NULL))
		return a->peer == NULL ? -1 : 1;
	/* a) highest LOCAL_PREF (the peer's import local-pref) */
	if ((c = bgp_cmp_u32(b->local_pref, a->local_pref)) != 0)
		return c;
	/* b) shortest AS_PATH, an AS_SET counting one */
	la = bgp_aspath_count(aa->aspath, aa->aspath_len);
	lb = bgp_aspath_count(ba->aspath, ba->aspath_len);
	if (la != lb)
		return la < lb ? -1 : 1;
	/* c) lowest ORIGIN */
	if ((c = bgp_cmp_u32(aa->origin, ba->origin)) != 0)
		return c;
	/* d) lowest MED among paths from the same neighbouring AS; a
	 * missing MED is the lowest (RFC 4271 9.1.2.2 d). */
	if (bgp_aspath_first(aa->aspath, aa->aspath_len) ==
	    bgp_aspath_first(ba->aspath, ba->aspath_len)) {
		uint32_t ma = BGP_SEEN(aa, BGP_ATTR_MED) ? aa->med : 0;
		uint32_t mb = BGP_SEEN(ba, BGP_ATTR_MED) ? ba->med : 0;

		if ((c = bgp_cmp_u32(ma, mb)) != 0)
			return c;
	}
	/* e) eBGP over iBGP */
	if (a->ebgp != b->ebgp)
		return a->ebgp ? -1 : 1;
	/* f) interior cost to the next hop: all next hops are connected */
	if (mp_only)
		return 0;
	/* g) lowest BGP identifier */
	if ((c = bgp_cmp_u32(ntohl(a->peer_id.s_addr),
	    ntohl(b->peer_id.s_addr))) != 0)
		return c;
	/* h) lowest peer address */
	if (a->peer_addr.af == AF_INET && b->peer_addr.af == AF_INET)
		return bgp_cmp_u32(ntohl(a->peer_addr.v4.s_addr),
		    ntohl(b->peer_addr.v4.s_addr));
	return memcmp(a->peer_addr.bytes, b->peer_addr.bytes,
	    sizeof(a->peer_addr.bytes));
}
