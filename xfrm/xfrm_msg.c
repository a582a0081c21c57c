/*
 * Netlink request builders: pure functions from cgwd's parameters to one
 * message in a buffer. Nothing here talks to the kernel, so unit tests can
 * check every field.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netinet/in.h>

#include "xfrm/xfrm_priv.h"

static void
addr_to_xfrm(const struct cgw_addr *a, xfrm_address_t *x)
{
	memset(x, 0, sizeof(*x));
	memcpy(x, a->bytes, addr_len(a));
}

static const struct esp_ts *
ts_or_any(const struct esp_ts *ts)
{
	return addr_is_set(&ts->start) ? ts : NULL;
}

/* The two SAs of a pair are mirror images: one function for both. */
void
xfrm_sa_spec_child(struct xfrm_sa_spec *s, const struct esp_child_sa *sa,
    uint32_t if_id, uint32_t reqid, bool inbound)
{
	memset(s, 0, sizeof(*s));
	s->if_id = if_id;
	s->reqid = reqid;
	s->alg = sa->alg;
	s->esn = sa->esn;
	s->replay_window = sa->replay_window;
	s->encap = sa->encap;
	s->soft_s = sa->soft_life_s;
	s->hard_s = sa->hard_life_s;
	s->spi = inbound ? sa->spi_in : sa->spi_out;
	s->src = inbound ? sa->remote : sa->local;
	s->dst = inbound ? sa->local : sa->remote;
	s->keys = inbound ? &sa->keys_in : &sa->keys_out;
	s->encap_sport = inbound ? sa->remote_port : sa->local_port;
	s->encap_dport = inbound ? sa->local_port : sa->remote_port;
	s->ts_src = ts_or_any(inbound ? &sa->ts_remote : &sa->ts_local);
	s->ts_dst = ts_or_any(inbound ? &sa->ts_local : &sa->ts_remote);
}

static struct nlmsghdr *
msg_start(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, XFRM_MSG_BUFSZ);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

/*
 * Length of the prefix that is exactly [start, end], or -1 if the range
 * is not a prefix (the kernel's selectors are prefixes).
 */
static int
range_prefix(const struct cgw_addr *start, const struct cgw_addr *end)
{
	size_t	 n = addr_len(start), i;
	int	 len = 0, bit;
	bool	 host = false;

	if (n == 0 || start->af != end->af)
		return -1;
	for (i = 0; i < n; i++) {
		for (bit = 7; bit >= 0; bit--) {
			int s = (start->bytes[i] >> bit) & 1;
			int e = (end->bytes[i] >> bit) & 1;

			if (!host && s == e) {
				len++;
				continue;
			}
			host = true;
			if (s != 0 || e != 1)
				return -1;
		}
	}
	return len;
}

/* Selector for one direction; any/any of both families when unset. */
static int
sel_from_ts(struct xfrm_selector *sel, const struct esp_ts *src,
    const struct esp_ts *dst, struct xfrm_err *err)
{
	int	 ls, ld;

	memset(sel, 0, sizeof(*sel));
	if (src == NULL || dst == NULL)
		return 0;
	ls = range_prefix(&src->start, &src->end);
	ld = range_prefix(&dst->start, &dst->end);
	if (ls < 0 || ld < 0 || src->start.af != dst->start.af)
		return xfrm_err_set(err, EINVAL,
		    "traffic selector is not an address prefix");
	/* 0/0 both ways, all protocols and ports: one SA for both families */
	if (ls == 0 && ld == 0 && src->proto == 0 && dst->proto == 0 &&
	    src->port_start == 0 && src->port_end == 0xffff &&
	    dst->port_start == 0 && dst->port_end == 0xffff)
		return 0;
	sel->family = src->start.af;
	addr_to_xfrm(&src->start, &sel->saddr);
	addr_to_xfrm(&dst->start, &sel->daddr);
	sel->prefixlen_s = (uint8_t)ls;
	sel->prefixlen_d = (uint8_t)ld;
	sel->proto = src->proto != 0 ? src->proto : dst->proto;
	if (src->port_start == src->port_end) {
		sel->sport = htons(src->port_start);
		sel->sport_mask = 0xffff;
	} else if (src->port_start != 0 || src->port_end != 0xffff)
		return xfrm_err_set(err, EINVAL, "port range is not one port");
	if (dst->port_start == dst->port_end) {
		sel->dport = htons(dst->port_start);
		sel->dport_mask = 0xffff;
	} else if (dst->port_start != 0 || dst->port_end != 0xffff)
		return xfrm_err_set(err, EINVAL, "port range is not one port");
	return 0;
}

static void
lft_infinite(struct xfrm_lifetime_cfg *lft)
{
	lft->soft_byte_limit = XFRM_INF;
	lft->hard_byte_limit = XFRM_INF;
	lft->soft_packet_limit = XFRM_INF;
	lft->hard_packet_limit = XFRM_INF;
}

static int
sa_spec_check(const struct xfrm_sa_spec *s, struct xfrm_err *err)
{
	const struct esp_alg *a = s->alg;

	if (addr_len(&s->src) == 0 || s->src.af != s->dst.af)
		return xfrm_err_set(err, EINVAL, "SA outer addresses unset "
		    "or of different families");
	if (a == NULL || s->keys == NULL)
		return xfrm_err_set(err, EINVAL, "SA without algorithm");
	if (s->keys->enc_len != a->enc_keylen ||
	    s->keys->enc_len > ESP_MAX_ENC_KEY ||
	    (!a->aead && (s->keys->auth_len != a->auth_keylen ||
	    s->keys->auth_len > ESP_MAX_AUTH_KEY || a->auth_kernel == NULL)))
		return xfrm_err_set(err, EINVAL, "SA key lengths do not match "
		    "algorithm %s", a->name);
	if (s->replay_window > XFRM_MAX_REPLAY)
		return xfrm_err_set(err, EINVAL, "replay window %u > %u",
		    s->replay_window, XFRM_MAX_REPLAY);
	if (s->spi == 0)
		return xfrm_err_set(err, EINVAL, "SPI 0");
	return 0;
}

struct nlmsghdr *
xfrm_msg_newsa(void *buf, const struct xfrm_sa_spec *s, bool update,
    struct xfrm_err *err)
{
	struct nlmsghdr			*nlh;
	struct xfrm_usersa_info		*p;
	const struct esp_alg		*a = s->alg;
	_Alignas(8) uint8_t				 abuf[sizeof(struct xfrm_algo_aead) +
					    ESP_MAX_ENC_KEY + ESP_MAX_AUTH_KEY];
	_Alignas(8) uint8_t				 rbuf[sizeof(struct
					    xfrm_replay_state_esn) +
					    XFRM_MAX_REPLAY / 8];

	if (sa_spec_check(s, err) < 0)
		return NULL;
	nlh = msg_start(buf, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA,
	    update ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	if (sel_from_ts(&p->sel, s->ts_src, s->ts_dst, err) < 0)
		return NULL;
	addr_to_xfrm(&s->dst, &p->id.daddr);
	p->id.spi = htonl(s->spi);
	p->id.proto = IPPROTO_ESP;
	addr_to_xfrm(&s->src, &p->saddr);
	lft_infinite(&p->lft);
	p->lft.soft_add_expires_seconds = s->soft_s;
	p->lft.hard_add_expires_seconds = s->hard_s;
	p->reqid = s->reqid;
	p->family = s->src.af;
	p->mode = XFRM_MODE_TUNNEL;
	/* The legacy field holds at most 32; the ESN attribute carries it. */
	p->replay_window = 0;
	if (p->sel.family == AF_UNSPEC)
		p->flags |= XFRM_STATE_AF_UNSPEC;
	if (s->esn)
		p->flags |= XFRM_STATE_ESN;

	memset(abuf, 0, sizeof(abuf));
	if (a->aead) {
		struct xfrm_algo_aead *ae = (struct xfrm_algo_aead *)abuf;

		strncpy(ae->alg_name, a->enc_kernel, sizeof(ae->alg_name) - 1);
		ae->alg_key_len = (unsigned)(s->keys->enc_len * 8);
		ae->alg_icv_len = a->icv_bits;
		memcpy(abuf + sizeof(*ae), s->keys->enc, s->keys->enc_len);
		mnl_attr_put(nlh, XFRMA_ALG_AEAD,
		    sizeof(*ae) + s->keys->enc_len, abuf);
	} else {
		struct xfrm_algo	*en = (struct xfrm_algo *)abuf;
		struct xfrm_algo_auth	*au = (struct xfrm_algo_auth *)abuf;

		strncpy(en->alg_name, a->enc_kernel, sizeof(en->alg_name) - 1);
		en->alg_key_len = (unsigned)(s->keys->enc_len * 8);
		memcpy(abuf + sizeof(*en), s->keys->enc, s->keys->enc_len);
		mnl_attr_put(nlh, XFRMA_ALG_CRYPT,
		    sizeof(*en) + s->keys->enc_len, abuf);

		memset(abuf, 0, sizeof(abuf));
		strncpy(au->alg_name, a->auth_kernel, sizeof(au->alg_name) - 1);
		au->alg_key_len = (unsigned)(s->keys->auth_len * 8);
		au->alg_trunc_len = a->auth_trunc_bits;
		memcpy(abuf + sizeof(*au), s->keys->auth, s->keys->auth_len);
		mnl_attr_put(nlh, XFRMA_ALG_AUTH_TRUNC,
		    sizeof(*au) + s->keys->auth_len, abuf);
	}
	explicit_bzero(abuf, sizeof(abuf));

	if (s->esn || s->replay_window > 0) {
		struct xfrm_replay_state_esn *r =
		    (struct xfrm_replay_state_esn *)rbuf;

		memset(rbuf, 0, sizeof(rbuf));
		r->replay_window = s->replay_window;
		r->bmp_len = (s->replay_window + 31) / 32;
		mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL,
		    sizeof(*r) + r->bmp_len * sizeof(uint32_t), rbuf);
	}
	if (s->encap) {
		struct xfrm_encap_tmpl e;

		memset(&e, 0, sizeof(e));
		e.encap_type = UDP_ENCAP_ESPINUDP;
		e.encap_sport = htons(s->encap_sport);
		e.encap_dport = htons(s->encap_dport);
		mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(e), &e);
	}
	if (s->if_id != 0)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, s->if_id);
	return nlh;
}

struct nlmsghdr *
xfrm_msg_allocspi(void *buf, const struct cgw_addr *src,
    const struct cgw_addr *dst, uint32_t if_id, uint32_t reqid, uint32_t min,
    uint32_t max, struct xfrm_err *err)
{
	struct nlmsghdr		*nlh;
	struct xfrm_userspi_info *p;

	if (addr_len(src) == 0 || src->af != dst->af) {
		xfrm_err_set(err, EINVAL, "SPI allocation: bad addresses");
		return NULL;
	}
	if (min == 0 || min > max) {
		xfrm_err_set(err, EINVAL, "SPI allocation: bad range");
		return NULL;
	}
	nlh = msg_start(buf, XFRM_MSG_ALLOCSPI, 0);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	addr_to_xfrm(dst, &p->info.id.daddr);
	p->info.id.proto = IPPROTO_ESP;
	addr_to_xfrm(src, &p->info.saddr);
	p->info.family = src->af;
	p->info.mode = XFRM_MODE_TUNNEL;
	p->info.reqid = reqid;
	lft_infinite(&p->info.lft);
	p->min = min;
	p->max = max;
	if (if_id != 0)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
	return nlh;
}

struct nlmsghdr *
xfrm_msg_sa_id(void *buf, uint16_t type, const struct cgw_addr *dst,
    uint32_t spi, uint8_t proto, struct xfrm_err *err)
{
	struct nlmsghdr		*nlh;
	struct xfrm_usersa_id	*p;

	if (addr_len(dst) == 0) {
		xfrm_err_set(err, EINVAL, "SA destination unset");
		return NULL;
	}
	nlh = msg_start(buf, type, 0);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	addr_to_xfrm(dst, &p->daddr);
	p->spi = htonl(spi);
	p->family = dst->af;
	p->proto = proto;
	return nlh;
}

static int
policy_check(int af, const struct cgw_addr *local,
    const struct cgw_addr *remote, struct xfrm_err *err)
{
	if (af != AF_INET && af != AF_INET6)
		return xfrm_err_set(err, EAFNOSUPPORT,
		    "policy family must be IPv4 or IPv6");
	if (local != NULL && (addr_len(local) == 0 || remote == NULL ||
	    local->af != remote->af))
		return xfrm_err_set(err, EINVAL, "policy outer addresses unset "
		    "or of different families");
	return 0;
}

struct nlmsghdr *
xfrm_msg_policy(void *buf, uint8_t dir, uint32_t if_id, uint32_t reqid,
    const struct cgw_addr *local, const struct cgw_addr *remote, int af,
    struct xfrm_err *err)
{
	struct nlmsghdr			*nlh;
	struct xfrm_userpolicy_info	*p;
	struct xfrm_user_tmpl		 t;
	const struct cgw_addr		*tsrc, *tdst;

	if (policy_check(af, local, remote, err) < 0)
		return NULL;
	/* Update creates or replaces: installing twice is harmless. */
	nlh = msg_start(buf, XFRM_MSG_UPDPOLICY, 0);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->sel.family = (uint16_t)af;
	lft_infinite(&p->lft);
	p->dir = dir;
	p->action = XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;

	tsrc = dir == XFRM_POLICY_OUT ? local : remote;
	tdst = dir == XFRM_POLICY_OUT ? remote : local;
	memset(&t, 0, sizeof(t));
	addr_to_xfrm(tdst, &t.id.daddr);
	t.id.proto = IPPROTO_ESP;	/* spi 0: any SA of this reqid */
	t.family = tsrc->af;
	addr_to_xfrm(tsrc, &t.saddr);
	t.reqid = reqid;
	t.mode = XFRM_MODE_TUNNEL;
	t.share = XFRM_SHARE_ANY;
	t.aalgos = t.ealgos = t.calgos = ~0u;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	if (if_id != 0)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
	return nlh;
}

struct nlmsghdr *
xfrm_msg_delpolicy(void *buf, uint8_t dir, uint32_t if_id, int af,
    uint32_t index, struct xfrm_err *err)
{
	struct nlmsghdr			*nlh;
	struct xfrm_userpolicy_id	*p;

	if (index == 0 && policy_check(af, NULL, NULL, err) < 0)
		return NULL;
	nlh = msg_start(buf, XFRM_MSG_DELPOLICY, 0);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->sel.family = (uint16_t)af;
	p->index = index;
	p->dir = dir;
	/* The kernel matches if_id by value, 0 included: always send it. */
	mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
	return nlh;
}

static int
ifname_check(const char *name, struct xfrm_err *err)
{
	size_t	n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n >= IFNAMSIZ || strchr(name, '/') != NULL)
		return xfrm_err_set(err, EINVAL, "bad interface name \"%s\"",
		    name != NULL ? name : "");
	return 0;
}

struct nlmsghdr *
xfrm_msg_newlink(void *buf, const char *name, uint32_t if_id,
    int link_ifindex, uint32_t mtu, struct xfrm_err *err)
{
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifi;
	struct nlattr		*info, *data;

	if (ifname_check(name, err) < 0)
		return NULL;
	if (if_id == 0) {
		xfrm_err_set(err, EINVAL, "XFRM interface needs an if_id");
		return NULL;
	}
	nlh = msg_start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu != 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "xfrm");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (link_ifindex > 0)
		mnl_attr_put_u32(nlh, IFLA_XFRM_LINK, (uint32_t)link_ifindex);
	mnl_attr_put_u32(nlh, IFLA_XFRM_IF_ID, if_id);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

struct nlmsghdr *
xfrm_msg_dellink(void *buf, const char *name, int ifindex,
    struct xfrm_err *err)
{
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifi;

	if (ifindex <= 0 && ifname_check(name, err) < 0)
		return NULL;
	nlh = msg_start(buf, RTM_DELLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (ifindex > 0)
		ifi->ifi_index = ifindex;
	else
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct nlmsghdr *
xfrm_msg_newaddr(void *buf, int ifindex, const struct cgw_prefix *pfx,
    struct xfrm_err *err)
{
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	size_t			 alen = addr_len(&pfx->addr);

	if (alen == 0 || pfx->len > alen * 8 || ifindex <= 0) {
		xfrm_err_set(err, EINVAL, "bad interface address");
		return NULL;
	}
	nlh = msg_start(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = pfx->addr.af;
	ifa->ifa_prefixlen = pfx->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, pfx->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, pfx->addr.bytes);
	/* An IPv6 inside address: no duplicate detection on a link with
	 * one peer, so BGP can bind it at once instead of in a second. */
	if (pfx->addr.af == AF_INET6) {
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	return nlh;
}

/* Gateway of a nexthop: RTA_GATEWAY, or RTA_VIA when the families differ
 * (an IPv6 prefix via the IPv4 inside address of the peer). */
static void
put_gateway(struct nlmsghdr *nlh, int af, const struct cgw_addr *gw)
{
	if (!addr_is_set(gw))
		return;
	if (gw->af == af)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(gw), gw->bytes);
	else {
		_Alignas(8) uint8_t		 v[sizeof(struct rtvia) + 16];
		struct rtvia	*via = (struct rtvia *)v;

		memset(v, 0, sizeof(v));
		via->rtvia_family = gw->af;
		memcpy(v + sizeof(*via), gw->bytes, addr_len(gw));
		mnl_attr_put(nlh, RTA_VIA, sizeof(*via) + addr_len(gw), v);
	}
}

struct nlmsghdr *
xfrm_msg_route(void *buf, uint16_t type, const struct cgw_prefix *pfx,
    const struct xfrm_nexthop *nh, size_t n, uint32_t table,
    struct xfrm_err *err)
{
	struct nlmsghdr	*nlh;
	struct rtmsg	*rtm;
	struct cgw_prefix net;
	size_t		 alen = addr_len(&pfx->addr), i;

	if (alen == 0 || pfx->len > alen * 8) {
		xfrm_err_set(err, EINVAL, "bad route prefix");
		return NULL;
	}
	if (type == RTM_NEWROUTE && (n == 0 || n > XFRM_MAX_NEXTHOPS)) {
		xfrm_err_set(err, EINVAL, "route needs 1 to %d nexthops",
		    XFRM_MAX_NEXTHOPS);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (nh[i].ifindex <= 0) {
			xfrm_err_set(err, EINVAL, "nexthop without interface");
			return NULL;
		}
	if (table == 0)
		table = XFRM_TABLE_MAIN;
	prefix_network(pfx, &net);

	nlh = msg_start(buf, type, type == RTM_NEWROUTE ?
	    NLM_F_CREATE | NLM_F_REPLACE : 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = pfx->addr.af;
	rtm->rtm_dst_len = pfx->len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	/* Deleting with our protocol never removes someone else's route. */
	rtm->rtm_protocol = XFRM_RTPROT_CGWD;
	rtm->rtm_scope = type == RTM_NEWROUTE ? RT_SCOPE_UNIVERSE :
	    RT_SCOPE_NOWHERE;
	rtm->rtm_type = type == RTM_NEWROUTE ? RTN_UNICAST : RTN_UNSPEC;
	mnl_attr_put(nlh, RTA_DST, alen, net.addr.bytes);
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (n == 1) {
		put_gateway(nlh, pfx->addr.af, &nh[0].gw);
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)nh[0].ifindex);
	} else if (n > 1) {
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

		for (i = 0; i < n; i++) {
			struct rtnexthop *rtnh;
			size_t		  start;

			start = nlh->nlmsg_len;
			rtnh = mnl_nlmsg_get_payload_tail(nlh);
			nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
			memset(rtnh, 0, sizeof(*rtnh));
			rtnh->rtnh_ifindex = nh[i].ifindex;
			rtnh->rtnh_hops = nh[i].weight > 1 ?
			    (uint8_t)(nh[i].weight - 1) : 0;
			put_gateway(nlh, pfx->addr.af, &nh[i].gw);
			rtnh->rtnh_len = (unsigned short)(nlh->nlmsg_len -
			    start);
		}
		mnl_attr_nest_end(nlh, mp);
	}
	return nlh;
}
