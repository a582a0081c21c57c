/* xfrm/ parsers of kernel messages: acks with extended ack text, expires. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

#include "xfrm/xfrm_priv.h"

static _Alignas(8) uint8_t buf[1024];

/* An NLMSG_ERROR for a request of `reqlen` payload bytes; the request is
 * echoed unless capped. */
static struct nlmsghdr *
error_msg(int error, bool capped, bool tlvs, size_t reqlen)
{
	struct nlmsghdr	*nlh;
	struct nlmsgerr	*e;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (tlvs)
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = (uint32_t)(sizeof(e->msg) + reqlen);
	e->msg.nlmsg_type = XFRM_MSG_NEWSA;
	if (!capped && reqlen > 0)
		memset(mnl_nlmsg_put_extra_header(nlh, reqlen), 0xee, reqlen);
	return nlh;
}

static void
test_ack_and_plain_error(void **state)
{
	struct nlmsghdr	*nlh;
	char		 ext[64];
	int		 code;

	(void)state;
	nlh = error_msg(0, true, false, 0);
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 0);
	assert_int_equal(code, 0);

	nlh = error_msg(-EEXIST, false, false, 24);
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_int_equal(code, EEXIST);
	assert_string_equal(ext, "");

	/* shorter than struct nlmsgerr: malformed */
	nlh = error_msg(-EEXIST, true, false, 0);
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), -1);
}

static void
test_extack_capped_and_uncapped(void **state)
{
	struct nlmsghdr	*nlh;
	char		 ext[64];
	int		 code;

	(void)state;
	nlh = error_msg(-EOPNOTSUPP, true, true, 40);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Unknown device type");
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_int_equal(code, EOPNOTSUPP);
	assert_string_equal(ext, "Unknown device type");

	/* uncapped: the TLVs come after the echoed request */
	nlh = error_msg(-EPROTONOSUPPORT, false, true, 36);
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Requested type not found");
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_int_equal(code, EPROTONOSUPPORT);
	assert_string_equal(ext, "Requested type not found");

	/* the text is cut to the caller's buffer */
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, 8), 1);
	assert_string_equal(ext, "Request");
}

static void
test_extack_hostile(void **state)
{
	struct nlmsghdr	*nlh;
	struct nlmsgerr	*e;
	struct nlattr	*a;
	char		 ext[64];
	int		 code;

	(void)state;
	/* echoed request claims to be longer than the message */
	nlh = error_msg(-EINVAL, false, true, 8);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "x");
	e = mnl_nlmsg_get_payload(nlh);
	e->msg.nlmsg_len = 4000;
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_int_equal(code, EINVAL);
	assert_string_equal(ext, "");
	/* ... or shorter than a header */
	e->msg.nlmsg_len = 3;
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_string_equal(ext, "");

	/* message text without its NUL */
	nlh = error_msg(-EINVAL, true, true, 0);
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
	assert_int_equal(mnl_attr_get_payload_len(a), 4);
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_string_equal(ext, "");

	/* an attribute longer than the message is not read */
	nlh = error_msg(-EINVAL, true, true, 0);
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "abc");
	a->nla_len = 200;
	assert_int_equal(xfrm_nl_parse_ack(nlh, &code, ext, sizeof(ext)), 1);
	assert_string_equal(ext, "");
}

static struct nlmsghdr *
expire_msg(uint8_t proto, uint8_t hard, bool with_if_id)
{
	struct nlmsghdr		*nlh;
	struct xfrm_user_expire	*ue;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_EXPIRE;
	ue = mnl_nlmsg_put_extra_header(nlh, sizeof(*ue));
	ue->state.id.proto = proto;
	ue->state.id.spi = htonl(0xc0ffee01);
	ue->state.family = AF_INET;
	memcpy(&ue->state.id.daddr, "\xcb\x00\x71\x01", 4);	/* 203.0.113.1 */
	memcpy(&ue->state.saddr, "\xc6\x33\x64\x07", 4);	/* 198.51.100.7 */
	ue->state.reqid = 77;
	ue->hard = hard;
	if (with_if_id)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, XFRM_IFID(4));
	return nlh;
}

static void
test_expire(void **state)
{
	struct xfrm_sa_event	 ev;
	struct cgw_addr		 d, s;
	struct nlmsghdr		*nlh;

	(void)state;
	assert_true(addr_parse("203.0.113.1", &d));
	assert_true(addr_parse("198.51.100.7", &s));
	assert_true(xfrm_nl_parse_expire(expire_msg(IPPROTO_ESP, 1, true),
	    &ev));
	assert_int_equal(ev.spi, 0xc0ffee01);
	assert_true(addr_eq(&ev.dst, &d));
	assert_true(addr_eq(&ev.src, &s));
	assert_int_equal(ev.reqid, 77);
	assert_true(ev.hard);
	assert_int_equal(ev.if_id, 0x43470004);

	assert_true(xfrm_nl_parse_expire(expire_msg(IPPROTO_ESP, 0, false),
	    &ev));
	assert_false(ev.hard);
	assert_int_equal(ev.if_id, 0);

	/* not ESP, wrong type, truncated, unknown family */
	assert_false(xfrm_nl_parse_expire(expire_msg(IPPROTO_AH, 1, true),
	    &ev));
	nlh = expire_msg(IPPROTO_ESP, 1, true);
	nlh->nlmsg_type = XFRM_MSG_ACQUIRE;
	assert_false(xfrm_nl_parse_expire(nlh, &ev));
	nlh = expire_msg(IPPROTO_ESP, 1, false);
	nlh->nlmsg_len -= 8;
	assert_false(xfrm_nl_parse_expire(nlh, &ev));
	nlh = expire_msg(IPPROTO_ESP, 1, false);
	((struct xfrm_user_expire *)mnl_nlmsg_get_payload(nlh))->state.family =
	    99;
	assert_false(xfrm_nl_parse_expire(nlh, &ev));
}

/* What the kernel answers a route dump with: our own request's form. */
static struct nlmsghdr *
route_msg(const char *prefix, const struct xfrm_nexthop *nh, size_t n)
{
	static _Alignas(8) uint8_t	 rbuf[XFRM_MSG_BUFSZ];
	struct cgw_prefix		 p;
	struct nlmsghdr			*nlh;

	assert_true(prefix_parse(prefix, &p));
	memset(rbuf, 0, sizeof(rbuf));
	nlh = xfrm_msg_route(rbuf, RTM_NEWROUTE, &p, nh, n, 0, NULL);
	assert_non_null(nlh);
	return nlh;
}

/* Over two tunnels, as ECMP would install them. */
static void
two_nexthops(struct xfrm_nexthop *nh)
{
	memset(nh, 0, 2 * sizeof(*nh));
	assert_true(addr_parse("169.254.21.1", &nh[0].gw));
	nh[0].ifindex = 7;
	assert_true(addr_parse("169.254.22.1", &nh[1].gw));
	nh[1].ifindex = 8;
}

static void
test_route_parse(void **state)
{
	struct xfrm_nexthop	 nh[2], swapped[2], got[XFRM_MAX_NEXTHOPS];
	struct xfrm_route	 r = { .nh = got };
	struct cgw_prefix	 want;
	struct nlmsghdr		*nlh;
	struct rtmsg		*rtm;

	(void)state;
	two_nexthops(nh);
	swapped[0] = nh[1];
	swapped[1] = nh[0];
	assert_true(prefix_parse("172.31.0.0/16", &want));

	assert_true(xfrm_nl_parse_route(route_msg("172.31.0.0/16", nh, 1), &r));
	assert_true(prefix_eq(&r.prefix, &want));
	assert_int_equal(r.table, XFRM_TABLE_MAIN);
	assert_int_equal(r.n, 1);
	assert_true(xfrm_route_same(&r, nh, 1));
	assert_false(xfrm_route_same(&r, &nh[1], 1));
	assert_false(xfrm_route_same(&r, nh, 2));

	/* ECMP: RTA_MULTIPATH; the order does not matter */
	assert_true(xfrm_nl_parse_route(route_msg("172.31.0.0/16", nh, 2), &r));
	assert_int_equal(r.n, 2);
	assert_true(xfrm_route_same(&r, swapped, 2));
	assert_false(xfrm_route_same(&r, nh, 1));

	/* not ours: another protocol */
	nlh = route_msg("172.31.0.0/16", nh, 1);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_protocol = RTPROT_STATIC;
	assert_false(xfrm_nl_parse_route(nlh, &r));
	/* a prefix length beyond the family */
	nlh = route_msg("172.31.0.0/16", nh, 1);
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_dst_len = 33;
	assert_false(xfrm_nl_parse_route(nlh, &r));
}

static void
test_route_parse_hostile(void **state)
{
	struct xfrm_nexthop	 nh[2], got[XFRM_MAX_NEXTHOPS];
	struct xfrm_route	 r = { .nh = got };
	struct nlmsghdr		*nlh;
	struct rtnexthop	*rtnh;
	struct nlattr		*a;
	size_t			 off;

	(void)state;
	two_nexthops(nh);

	/* a next hop claiming more than RTA_MULTIPATH holds */
	nlh = route_msg("172.31.0.0/16", nh, 2);
	off = sizeof(struct rtmsg);
	mnl_attr_for_each(a, nlh, off)
		if (mnl_attr_get_type(a) == RTA_MULTIPATH)
			break;
	assert_non_null(a);
	rtnh = mnl_attr_get_payload(a);
	rtnh->rtnh_len = 500;
	assert_false(xfrm_nl_parse_route(nlh, &r));
	/* ... or less than its own header */
	rtnh->rtnh_len = 4;
	assert_false(xfrm_nl_parse_route(nlh, &r));

	/* a gateway of the wrong size */
	nlh = route_msg("172.31.0.0/16", nh, 1);
	mnl_attr_for_each(a, nlh, off)
		if (mnl_attr_get_type(a) == RTA_GATEWAY)
			break;
	assert_non_null(a);
	a->nla_len = sizeof(*a) + 2;
	assert_false(xfrm_nl_parse_route(nlh, &r));

	/* cut short inside the rtmsg */
	nlh = route_msg("172.31.0.0/16", nh, 1);
	nlh->nlmsg_len = sizeof(*nlh) + 4;
	assert_false(xfrm_nl_parse_route(nlh, &r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ack_and_plain_error),
		cmocka_unit_test(test_extack_capped_and_uncapped),
		cmocka_unit_test(test_extack_hostile),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_route_parse),
		cmocka_unit_test(test_route_parse_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
