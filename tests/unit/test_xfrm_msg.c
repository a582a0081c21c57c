/* xfrm/ message builders, checked field by field without a kernel. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "xfrm/xfrm_priv.h"

#define MAXATTR	64

static _Alignas(8) uint8_t buf[XFRM_MSG_BUFSZ];

struct attrs {
	const struct nlattr	*tb[MAXATTR];
	int			 count;
};

static int
collect(const struct nlattr *a, void *data)
{
	struct attrs	*at = data;
	uint16_t	 t = mnl_attr_get_type(a);

	assert_true(t < MAXATTR);
	assert_null(at->tb[t]);		/* no attribute twice */
	at->tb[t] = a;
	at->count++;
	return MNL_CB_OK;
}

static void
parse(const struct nlmsghdr *nlh, size_t hdrlen, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	/* Attributes must fill the message exactly. */
	assert_int_equal(mnl_attr_parse(nlh, (unsigned)hdrlen, collect, at),
	    MNL_CB_OK);
}

static void
nested(const struct nlattr *a, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	assert_int_equal(mnl_attr_parse_nested(a, collect, at), MNL_CB_OK);
}

static struct cgw_addr
A(const char *s)
{
	struct cgw_addr a;

	assert_true(addr_parse(s, &a));
	return a;
}

/* The 4 bytes of an IPv4 address, for comparisons. */
static const uint8_t *
v4(const char *s)
{
	static struct cgw_addr	a[8];
	static unsigned		n;
	struct cgw_addr		*x = &a[n++ % 8];

	assert_true(addr_parse(s, x));
	return x->bytes;
}

static const struct esp_alg gcm256 = {
	.encr_id = 20, .encr_keybits = 256, .aead = true,
	.enc_kernel = "rfc4106(gcm(aes))", .enc_keylen = 36, .icv_bits = 128,
	.name = "aes256gcm16",
};
static const struct esp_alg cbc_sha256 = {
	.encr_id = 12, .encr_keybits = 128, .enc_kernel = "cbc(aes)",
	.enc_keylen = 16, .auth_kernel = "hmac(sha256)", .auth_keylen = 32,
	.auth_trunc_bits = 128, .name = "aes128-sha256",
};

static void
spec_init(struct xfrm_sa_spec *s, struct esp_keys *k, const struct esp_alg *a)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	memset(k, 0, sizeof(*k));
	for (i = 0; i < a->enc_keylen; i++)
		k->enc[i] = (uint8_t)(0x10 + i);
	k->enc_len = a->enc_keylen;
	for (i = 0; i < a->auth_keylen; i++)
		k->auth[i] = (uint8_t)(0x80 + i);
	k->auth_len = a->auth_keylen;
	s->spi = 0xc1234567;
	s->src = A("198.51.100.7");
	s->dst = A("203.0.113.1");
	s->if_id = XFRM_IFID(1);
	s->reqid = XFRM_IFID(1);
	s->alg = a;
	s->keys = k;
	s->replay_window = 1024;
	s->soft_s = 3000;
	s->hard_s = 3600;
}

static void
test_newsa_aead_encap_esn(void **state)
{
	struct xfrm_sa_spec		 s;
	struct esp_keys			 k;
	struct nlmsghdr			*nlh;
	const struct xfrm_usersa_info	*p;
	const struct xfrm_algo_aead	*ae;
	const struct xfrm_replay_state_esn *r;
	const struct xfrm_encap_tmpl	*e;
	struct attrs			 at;
	struct xfrm_err			 err;

	(void)state;
	spec_init(&s, &k, &gcm256);
	s.esn = true;
	s.encap = true;
	s.encap_sport = 4500;
	s.encap_dport = 4501;
	nlh = xfrm_msg_newsa(buf, &s, false, &err);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWSA);
	assert_int_equal(nlh->nlmsg_flags,
	    NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);

	p = mnl_nlmsg_get_payload(nlh);
	assert_memory_equal(&p->id.daddr, s.dst.bytes, 4);
	assert_memory_equal(&p->saddr, s.src.bytes, 4);
	assert_int_equal(p->id.spi, htonl(0xc1234567));
	assert_int_equal(p->id.proto, IPPROTO_ESP);
	assert_int_equal(p->family, AF_INET);
	assert_int_equal(p->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(p->reqid, 0x43470001);
	assert_int_equal(p->replay_window, 0);
	assert_int_equal(p->flags, XFRM_STATE_ESN | XFRM_STATE_AF_UNSPEC);
	/* any <-> any of both families: unspec selector */
	assert_int_equal(p->sel.family, AF_UNSPEC);
	assert_int_equal(p->sel.prefixlen_d, 0);
	assert_int_equal(p->lft.soft_add_expires_seconds, 3000);
	assert_int_equal(p->lft.hard_add_expires_seconds, 3600);
	assert_true(p->lft.hard_byte_limit == XFRM_INF);
	assert_true(p->lft.soft_packet_limit == XFRM_INF);

	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.count, 4);
	assert_null(at.tb[XFRMA_ALG_CRYPT]);
	assert_null(at.tb[XFRMA_ALG_AUTH_TRUNC]);

	assert_non_null(at.tb[XFRMA_ALG_AEAD]);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_AEAD]),
	    sizeof(*ae) + 36);
	ae = mnl_attr_get_payload(at.tb[XFRMA_ALG_AEAD]);
	assert_string_equal(ae->alg_name, "rfc4106(gcm(aes))");
	assert_int_equal(ae->alg_key_len, 288);		/* bits, salt included */
	assert_int_equal(ae->alg_icv_len, 128);
	assert_memory_equal(ae->alg_key, k.enc, 36);

	assert_non_null(at.tb[XFRMA_REPLAY_ESN_VAL]);
	r = mnl_attr_get_payload(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(r->replay_window, 1024);
	assert_int_equal(r->bmp_len, 32);
	assert_int_equal(r->seq, 0);
	assert_int_equal(r->oseq, 0);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_REPLAY_ESN_VAL]),
	    sizeof(*r) + 32 * 4);

	assert_non_null(at.tb[XFRMA_ENCAP]);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ENCAP]),
	    sizeof(*e));
	e = mnl_attr_get_payload(at.tb[XFRMA_ENCAP]);
	assert_int_equal(e->encap_type, UDP_ENCAP_ESPINUDP);
	assert_int_equal(e->encap_sport, htons(4500));
	assert_int_equal(e->encap_dport, htons(4501));

	assert_non_null(at.tb[XFRMA_IF_ID]);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 0x43470001);
}

static void
test_newsa_cbc_hmac_update(void **state)
{
	struct xfrm_sa_spec		 s;
	struct esp_keys			 k;
	struct nlmsghdr			*nlh;
	const struct xfrm_usersa_info	*p;
	const struct xfrm_algo		*en;
	const struct xfrm_algo_auth	*au;
	const struct xfrm_replay_state_esn *r;
	struct attrs			 at;

	(void)state;
	spec_init(&s, &k, &cbc_sha256);
	s.replay_window = 32;
	nlh = xfrm_msg_newsa(buf, &s, true, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_UPDSA);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->flags, XFRM_STATE_AF_UNSPEC);	/* no ESN */

	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.count, 4);	/* crypt, auth, replay, if_id */
	assert_null(at.tb[XFRMA_ALG_AEAD]);
	assert_null(at.tb[XFRMA_ENCAP]);
	en = mnl_attr_get_payload(at.tb[XFRMA_ALG_CRYPT]);
	assert_string_equal(en->alg_name, "cbc(aes)");
	assert_int_equal(en->alg_key_len, 128);
	assert_memory_equal(en->alg_key, k.enc, 16);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_CRYPT]),
	    sizeof(*en) + 16);
	au = mnl_attr_get_payload(at.tb[XFRMA_ALG_AUTH_TRUNC]);
	assert_string_equal(au->alg_name, "hmac(sha256)");
	assert_int_equal(au->alg_key_len, 256);
	assert_int_equal(au->alg_trunc_len, 128);
	assert_memory_equal(au->alg_key, k.auth, 32);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_AUTH_TRUNC]),
	    sizeof(*au) + 32);
	r = mnl_attr_get_payload(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(r->bmp_len, 1);
	assert_int_equal(r->replay_window, 32);

	/* window 0 and no ESN: no replay attribute at all */
	s.replay_window = 0;
	nlh = xfrm_msg_newsa(buf, &s, false, NULL);
	parse(nlh, sizeof(*p), &at);
	assert_null(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(at.count, 3);
}

static void
test_newsa_narrow_ts_and_ipv6(void **state)
{
	struct xfrm_sa_spec		 s;
	struct esp_keys			 k;
	struct esp_ts			 ts_s, ts_d;
	struct nlmsghdr			*nlh;
	const struct xfrm_usersa_info	*p;
	struct xfrm_err			 err;

	(void)state;
	spec_init(&s, &k, &gcm256);
	memset(&ts_s, 0, sizeof(ts_s));
	memset(&ts_d, 0, sizeof(ts_d));
	ts_s.start = A("10.1.0.0");
	ts_s.end = A("10.1.255.255");
	ts_s.port_end = 0xffff;
	ts_d.start = A("172.16.5.5");
	ts_d.end = A("172.16.5.5");
	ts_d.proto = 6;
	ts_d.port_start = ts_d.port_end = 179;
	s.ts_src = &ts_s;
	s.ts_dst = &ts_d;
	nlh = xfrm_msg_newsa(buf, &s, false, &err);
	assert_non_null(nlh);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->sel.family, AF_INET);
	assert_int_equal(p->sel.prefixlen_s, 16);
	assert_int_equal(p->sel.prefixlen_d, 32);
	assert_memory_equal(&p->sel.saddr, ts_s.start.bytes, 4);
	assert_memory_equal(&p->sel.daddr, ts_d.start.bytes, 4);
	assert_int_equal(p->sel.proto, 6);
	assert_int_equal(p->sel.dport, htons(179));
	assert_int_equal(p->sel.dport_mask, 0xffff);
	assert_int_equal(p->sel.sport_mask, 0);
	assert_int_equal(p->flags & XFRM_STATE_AF_UNSPEC, 0);

	/* 0.0.0.0-255.255.255.255 both ways is "any": unspec selector */
	ts_s.start = A("0.0.0.0");
	ts_s.end = A("255.255.255.255");
	ts_d = ts_s;
	nlh = xfrm_msg_newsa(buf, &s, false, &err);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->sel.family, AF_UNSPEC);

	/* a range that is no prefix cannot be a kernel selector */
	ts_s.start = A("10.0.0.1");
	ts_s.end = A("10.0.0.6");
	assert_null(xfrm_msg_newsa(buf, &s, false, &err));
	assert_int_equal(err.code, EINVAL);

	/* IPv6 outer addresses */
	s.ts_src = s.ts_dst = NULL;
	s.src = A("2001:db8::7");
	s.dst = A("2001:db8::1");
	nlh = xfrm_msg_newsa(buf, &s, false, &err);
	assert_non_null(nlh);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->family, AF_INET6);
	assert_memory_equal(&p->id.daddr, s.dst.bytes, 16);
	assert_memory_equal(&p->saddr, s.src.bytes, 16);
}

/* A negotiated pair becomes two mirrored specs, keys not swapped. */
static void
test_spec_child_pair(void **state)
{
	struct esp_child_sa	 sa;
	struct xfrm_sa_spec	 in, out;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.spi_in = 0xc0000001;
	sa.spi_out = 0xc0000002;
	sa.local = A("192.0.2.10");
	sa.remote = A("198.51.100.1");
	sa.encap = true;
	sa.local_port = 4500;
	sa.remote_port = 4501;
	sa.alg = &cbc_sha256;
	sa.esn = true;
	sa.replay_window = 2048;
	sa.soft_life_s = 3000;
	sa.hard_life_s = 3600;
	sa.ts_local.start = A("10.0.0.0");
	sa.ts_local.end = A("10.0.0.255");
	/* ts_remote left unset: any */

	xfrm_sa_spec_child(&in, &sa, XFRM_IFID(3), 7, true);
	xfrm_sa_spec_child(&out, &sa, XFRM_IFID(3), 7, false);
	assert_int_equal(in.spi, 0xc0000001);
	assert_int_equal(out.spi, 0xc0000002);
	assert_true(addr_eq(&in.src, &sa.remote));
	assert_true(addr_eq(&in.dst, &sa.local));
	assert_true(addr_eq(&out.src, &sa.local));
	assert_true(addr_eq(&out.dst, &sa.remote));
	assert_ptr_equal(in.keys, &sa.keys_in);
	assert_ptr_equal(out.keys, &sa.keys_out);
	assert_int_equal(in.encap_sport, 4501);
	assert_int_equal(in.encap_dport, 4500);
	assert_int_equal(out.encap_sport, 4500);
	assert_int_equal(out.encap_dport, 4501);
	assert_null(in.ts_src);
	assert_ptr_equal(in.ts_dst, &sa.ts_local);
	assert_ptr_equal(out.ts_src, &sa.ts_local);
	assert_null(out.ts_dst);
	assert_int_equal(in.if_id, XFRM_IFID(3));
	assert_int_equal(out.reqid, 7);
	assert_ptr_equal(out.alg, &cbc_sha256);
	assert_true(in.esn && out.esn && in.encap && out.encap);
	assert_int_equal(in.replay_window, 2048);
	assert_int_equal(out.soft_s, 3000);
	assert_int_equal(in.hard_s, 3600);
}

static void
test_newsa_rejects(void **state)
{
	struct xfrm_sa_spec	s;
	struct esp_keys		k;
	struct xfrm_err		err;

	(void)state;
	spec_init(&s, &k, &gcm256);
	s.replay_window = 4097;
	assert_null(xfrm_msg_newsa(buf, &s, false, &err));
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "replay window"));
	s.replay_window = 4096;
	assert_non_null(xfrm_msg_newsa(buf, &s, false, &err));

	spec_init(&s, &k, &gcm256);
	k.enc_len = 32;		/* salt missing */
	assert_null(xfrm_msg_newsa(buf, &s, false, &err));
	spec_init(&s, &k, &cbc_sha256);
	k.auth_len = 20;
	assert_null(xfrm_msg_newsa(buf, &s, false, &err));
	spec_init(&s, &k, &gcm256);
	s.dst = A("2001:db8::1");	/* mixed families */
	assert_null(xfrm_msg_newsa(buf, &s, false, &err));
	spec_init(&s, &k, &gcm256);
	s.spi = 0;
	assert_null(xfrm_msg_newsa(buf, &s, false, &err));
}

static void
test_allocspi(void **state)
{
	struct cgw_addr			 l = A("198.51.100.7"),
					 r = A("203.0.113.1");
	struct nlmsghdr			*nlh;
	const struct xfrm_userspi_info	*p;
	struct attrs			 at;

	(void)state;
	nlh = xfrm_msg_allocspi(buf, &r, &l, XFRM_IFID(2), 77, XFRM_SPI_MIN,
	    XFRM_SPI_MAX, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_ALLOCSPI);
	p = mnl_nlmsg_get_payload(nlh);
	assert_memory_equal(&p->info.id.daddr, l.bytes, 4);
	assert_memory_equal(&p->info.saddr, r.bytes, 4);
	assert_int_equal(p->info.id.proto, IPPROTO_ESP);
	assert_int_equal(p->info.mode, XFRM_MODE_TUNNEL);
	assert_int_equal(p->info.reqid, 77);
	assert_int_equal(p->min, 0xc0000000);
	assert_int_equal(p->max, 0xcfffffff);
	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.count, 1);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 0x43470002);
	assert_null(xfrm_msg_allocspi(buf, &r, &l, 1, 1, 5, 4, NULL));
}

static void
test_delsa_bytes(void **state)
{
	struct cgw_addr	 d = A("203.0.113.1");
	struct nlmsghdr	*nlh;
	uint8_t		 want[16 + sizeof(struct xfrm_usersa_id)];
	struct xfrm_usersa_id *id;
	static const uint8_t spi_be[] = { 0xc0, 0x00, 0x00, 0x01 };

	(void)state;
	nlh = xfrm_msg_sa_id(buf, XFRM_MSG_DELSA, &d, 0xc0000001, IPPROTO_ESP,
	    NULL);
	assert_non_null(nlh);
	/* header: len, type, flags, seq 0, pid 0; then xfrm_usersa_id */
	memset(want, 0, sizeof(want));
	*(uint32_t *)want = sizeof(want);
	*(uint16_t *)(want + 4) = XFRM_MSG_DELSA;
	*(uint16_t *)(want + 6) = NLM_F_REQUEST;
	id = (struct xfrm_usersa_id *)(want + 16);
	memcpy(&id->daddr, v4("203.0.113.1"), 4);
	memcpy(&id->spi, spi_be, 4);
	id->family = AF_INET;
	id->proto = IPPROTO_ESP;
	assert_int_equal(nlh->nlmsg_len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void
test_policy_out_in(void **state)
{
	struct cgw_addr				 l = A("198.51.100.7"),
						 r = A("203.0.113.1");
	struct nlmsghdr				*nlh;
	const struct xfrm_userpolicy_info	*p;
	const struct xfrm_user_tmpl		*t;
	struct attrs				 at;
	struct xfrm_err				 err;

	(void)state;
	nlh = xfrm_msg_policy(buf, XFRM_POLICY_OUT, XFRM_IFID(1),
	    XFRM_IFID(1), &l, &r, AF_INET, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_UPDPOLICY);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->dir, XFRM_POLICY_OUT);
	assert_int_equal(p->action, XFRM_POLICY_ALLOW);
	assert_int_equal(p->sel.family, AF_INET);
	assert_int_equal(p->sel.prefixlen_s, 0);
	assert_int_equal(p->sel.prefixlen_d, 0);
	assert_true(p->lft.hard_byte_limit == XFRM_INF);
	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.count, 2);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 0x43470001);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_TMPL]),
	    sizeof(*t));
	t = mnl_attr_get_payload(at.tb[XFRMA_TMPL]);
	assert_memory_equal(&t->id.daddr, r.bytes, 4);
	assert_memory_equal(&t->saddr, l.bytes, 4);
	assert_int_equal(t->id.spi, 0);
	assert_int_equal(t->id.proto, IPPROTO_ESP);
	assert_int_equal(t->reqid, 0x43470001);
	assert_int_equal(t->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(t->family, AF_INET);
	assert_int_equal(t->optional, 0);
	assert_int_equal(t->ealgos, ~0u);

	/* in: the template runs the other way; IPv6 inner over IPv4 */
	nlh = xfrm_msg_policy(buf, XFRM_POLICY_IN, XFRM_IFID(1), 5, &l, &r,
	    AF_INET6, NULL);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->sel.family, AF_INET6);
	parse(nlh, sizeof(*p), &at);
	t = mnl_attr_get_payload(at.tb[XFRMA_TMPL]);
	assert_memory_equal(&t->id.daddr, l.bytes, 4);
	assert_memory_equal(&t->saddr, r.bytes, 4);
	assert_int_equal(t->family, AF_INET);
	assert_int_equal(t->reqid, 5);

	assert_null(xfrm_msg_policy(buf, XFRM_POLICY_IN, 1, 1, &l, &r, 99,
	    &err));
	assert_int_equal(err.code, EAFNOSUPPORT);
}

static void
test_delpolicy(void **state)
{
	struct nlmsghdr				*nlh;
	const struct xfrm_userpolicy_id		*p;
	struct attrs				 at;

	(void)state;
	nlh = xfrm_msg_delpolicy(buf, XFRM_POLICY_FWD, XFRM_IFID(3), AF_INET6,
	    0, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_DELPOLICY);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->dir, XFRM_POLICY_FWD);
	assert_int_equal(p->sel.family, AF_INET6);
	assert_int_equal(p->index, 0);
	parse(nlh, sizeof(*p), &at);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 0x43470003);
	/* by index (stale cleanup): if_id still sent, 0 included */
	nlh = xfrm_msg_delpolicy(buf, XFRM_POLICY_IN, 0, AF_UNSPEC, 42, NULL);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->index, 42);
	parse(nlh, sizeof(*p), &at);
	assert_non_null(at.tb[XFRMA_IF_ID]);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 0);
}

static void
test_newlink_xfrm(void **state)
{
	struct nlmsghdr		*nlh;
	const struct ifinfomsg	*ifi;
	struct attrs		 at, info, data;
	struct xfrm_err		 err;

	(void)state;
	nlh = xfrm_msg_newlink(buf, "xfrm-aws1", XFRM_IFID(1), 3, 1436, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags,
	    NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 0);
	assert_int_equal(ifi->ifi_flags & IFF_UP, IFF_UP);
	assert_int_equal(ifi->ifi_change & IFF_UP, IFF_UP);
	parse(nlh, sizeof(*ifi), &at);
	assert_int_equal(at.count, 3);
	assert_string_equal(mnl_attr_get_str(at.tb[IFLA_IFNAME]), "xfrm-aws1");
	assert_int_equal(mnl_attr_get_u32(at.tb[IFLA_MTU]), 1436);
	nested(at.tb[IFLA_LINKINFO], &info);
	assert_int_equal(info.count, 2);
	assert_string_equal(mnl_attr_get_str(info.tb[IFLA_INFO_KIND]), "xfrm");
	nested(info.tb[IFLA_INFO_DATA], &data);
	assert_int_equal(data.count, 2);
	assert_int_equal(mnl_attr_get_u32(data.tb[IFLA_XFRM_LINK]), 3);
	assert_int_equal(mnl_attr_get_u32(data.tb[IFLA_XFRM_IF_ID]),
	    0x43470001);

	assert_null(xfrm_msg_newlink(buf, "0123456789abcdef", 1, 3, 0, &err));
	assert_null(xfrm_msg_newlink(buf, "x", 0, 3, 0, &err));

	nlh = xfrm_msg_dellink(buf, NULL, 12, NULL);
	assert_int_equal(nlh->nlmsg_type, RTM_DELLINK);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 12);
}

static void
test_newaddr(void **state)
{
	struct cgw_prefix	 p;
	struct nlmsghdr		*nlh;
	const struct ifaddrmsg	*ifa;
	struct attrs		 at;

	(void)state;
	assert_true(prefix_parse("169.254.21.2/30", &p));
	nlh = xfrm_msg_newaddr(buf, 7, &p, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 30);
	assert_int_equal(ifa->ifa_index, 7);
	parse(nlh, sizeof(*ifa), &at);
	assert_memory_equal(mnl_attr_get_payload(at.tb[IFA_LOCAL]),
	    v4("169.254.21.2"), 4);
	assert_memory_equal(mnl_attr_get_payload(at.tb[IFA_ADDRESS]),
	    v4("169.254.21.2"), 4);
	assert_null(at.tb[IFA_FLAGS]);
	/* An IPv6 inside /126: no DAD, usable at once */
	assert_true(prefix_parse("fd00:44::2/126", &p));
	nlh = xfrm_msg_newaddr(buf, 7, &p, NULL);
	assert_non_null(nlh);
	ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 126);
	parse(nlh, sizeof(*ifa), &at);
	assert_memory_equal(mnl_attr_get_payload(at.tb[IFA_LOCAL]),
	    p.addr.bytes, 16);
	assert_non_null(at.tb[IFA_FLAGS]);
	assert_int_equal(mnl_attr_get_u32(at.tb[IFA_FLAGS]), IFA_F_NODAD);
}

static void
test_route_single(void **state)
{
	struct cgw_prefix	 p;
	struct xfrm_nexthop	 nh;
	struct nlmsghdr		*nlh;
	const struct rtmsg	*rtm;
	struct attrs		 at;

	(void)state;
	assert_true(prefix_parse("10.20.3.4/16", &p));	/* host bits set */
	memset(&nh, 0, sizeof(nh));
	nh.gw = A("169.254.21.1");
	nh.ifindex = 9;
	nlh = xfrm_msg_route(buf, RTM_NEWROUTE, &p, &nh, 1, 0, NULL);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_flags,
	    NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 16);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, XFRM_RTPROT_CGWD);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	parse(nlh, sizeof(*rtm), &at);
	assert_int_equal(at.count, 4);
	assert_memory_equal(mnl_attr_get_payload(at.tb[RTA_DST]),
	    v4("10.20.0.0"), 4);
	assert_memory_equal(mnl_attr_get_payload(at.tb[RTA_GATEWAY]),
	    v4("169.254.21.1"), 4);
	assert_int_equal(mnl_attr_get_u32(at.tb[RTA_OIF]), 9);
	assert_int_equal(mnl_attr_get_u32(at.tb[RTA_TABLE]), 254);

	/* big table number: only in RTA_TABLE */
	nlh = xfrm_msg_route(buf, RTM_NEWROUTE, &p, &nh, 1, 1000, NULL);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	parse(nlh, sizeof(*rtm), &at);
	assert_int_equal(mnl_attr_get_u32(at.tb[RTA_TABLE]), 1000);

	/* IPv6 prefix via the IPv4 inside address: RTA_VIA */
	assert_true(prefix_parse("2001:db8:5::/48", &p));
	nlh = xfrm_msg_route(buf, RTM_NEWROUTE, &p, &nh, 1, 0, NULL);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	parse(nlh, sizeof(*rtm), &at);
	assert_null(at.tb[RTA_GATEWAY]);
	assert_non_null(at.tb[RTA_VIA]);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[RTA_VIA]),
	    sizeof(struct rtvia) + 4);
	assert_int_equal(((const struct rtvia *)mnl_attr_get_payload(
	    at.tb[RTA_VIA]))->rtvia_family, AF_INET);

	/* delete: our protocol, no nexthop */
	assert_true(prefix_parse("10.20.0.0/16", &p));
	nlh = xfrm_msg_route(buf, RTM_DELROUTE, &p, NULL, 0, 0, NULL);
	assert_int_equal(nlh->nlmsg_type, RTM_DELROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_protocol, XFRM_RTPROT_CGWD);
	parse(nlh, sizeof(*rtm), &at);
	assert_int_equal(at.count, 2);

	assert_null(xfrm_msg_route(buf, RTM_NEWROUTE, &p, NULL, 0, 0, NULL));
	nh.ifindex = 0;
	assert_null(xfrm_msg_route(buf, RTM_NEWROUTE, &p, &nh, 1, 0, NULL));
}

static void
test_route_multipath(void **state)
{
	struct cgw_prefix	 p;
	struct xfrm_nexthop	 nh[2];
	struct nlmsghdr		*nlh;
	const struct rtmsg	*rtm;
	const struct rtnexthop	*rtnh;
	const struct nlattr	*mp, *gw;
	struct attrs		 at;
	size_t			 left;

	(void)state;
	assert_true(prefix_parse("10.30.0.0/16", &p));
	memset(nh, 0, sizeof(nh));
	nh[0].gw = A("169.254.21.1");
	nh[0].ifindex = 9;
	nh[1].gw = A("169.254.22.1");
	nh[1].ifindex = 10;
	nh[1].weight = 3;
	nlh = xfrm_msg_route(buf, RTM_NEWROUTE, &p, nh, 2, 100, NULL);
	assert_non_null(nlh);
	rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_table, 100);
	parse(nlh, sizeof(*rtm), &at);
	assert_int_equal(at.count, 3);	/* dst, table, multipath */
	assert_null(at.tb[RTA_OIF]);
	mp = at.tb[RTA_MULTIPATH];
	assert_non_null(mp);
	rtnh = mnl_attr_get_payload(mp);
	left = mnl_attr_get_payload_len(mp);

	assert_true(left >= sizeof(*rtnh));
	assert_int_equal(rtnh->rtnh_len, RTNH_ALIGN(sizeof(*rtnh)) + 8);
	assert_int_equal(rtnh->rtnh_ifindex, 9);
	assert_int_equal(rtnh->rtnh_hops, 0);
	gw = (const struct nlattr *)RTNH_DATA(rtnh);
	assert_int_equal(mnl_attr_get_type(gw), RTA_GATEWAY);
	assert_memory_equal(mnl_attr_get_payload(gw),
	    v4("169.254.21.1"), 4);
	left -= rtnh->rtnh_len;
	rtnh = RTNH_NEXT(rtnh);

	assert_int_equal(left, RTNH_ALIGN(sizeof(*rtnh)) + 8);
	assert_int_equal(rtnh->rtnh_len, left);
	assert_int_equal(rtnh->rtnh_ifindex, 10);
	assert_int_equal(rtnh->rtnh_hops, 2);		/* weight 3 */
	gw = (const struct nlattr *)RTNH_DATA(rtnh);
	assert_int_equal(mnl_attr_get_type(gw), RTA_GATEWAY);
	assert_memory_equal(mnl_attr_get_payload(gw),
	    v4("169.254.22.1"), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newsa_aead_encap_esn),
		cmocka_unit_test(test_newsa_cbc_hmac_update),
		cmocka_unit_test(test_newsa_narrow_ts_and_ipv6),
		cmocka_unit_test(test_spec_child_pair),
		cmocka_unit_test(test_newsa_rejects),
		cmocka_unit_test(test_allocspi),
		cmocka_unit_test(test_delsa_bytes),
		cmocka_unit_test(test_policy_out_in),
		cmocka_unit_test(test_delpolicy),
		cmocka_unit_test(test_newlink_xfrm),
		cmocka_unit_test(test_newaddr),
		cmocka_unit_test(test_route_single),
		cmocka_unit_test(test_route_multipath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
