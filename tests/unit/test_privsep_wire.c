/*
 * privsep/ps_wire.c: every request, event and reply survives a round trip
 * field for field, and the decoder refuses what a hostile main process
 * (or a broken helper) could send: short, long, trailing bytes, unknown
 * types, counts beyond their bounds, strings without an end or with a
 * NUL inside, unknown address families, impossible prefix lengths, an
 * ESP algorithm that does not exist.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/ikev2_const.h"
#include "privsep/ps_wire.h"
#include "tests/unit/addr_text.h"

static uint8_t buf[PS_MSG_MAX];

static size_t
enc(const struct ps_msg *m)
{
	size_t n = ps_msg_encode(m, buf, sizeof(buf));

	assert_true(n > 0);
	return n;
}

static void
test_child_install_round_trip(void **state)
{
	struct ps_msg m = { .type = PS_CHILD_INSTALL, .if_id = XFRM_IFID(1),
	    .reqid = XFRM_IFID(1), .dir = XFRM_DIR_BOTH }, d;
	size_t n;

	(void)state;
	m.sa.spi_in = 0xc0000001;
	m.sa.spi_out = 0x12345678;
	m.sa.local = unit_addr("192.0.2.10");
	m.sa.remote = unit_addr("198.51.100.1");
	m.sa.encap = true;
	m.sa.local_port = 4500;
	m.sa.remote_port = 4501;
	m.sa.alg = esp_alg_find(IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE);
	assert_non_null(m.sa.alg);
	m.sa.esn = true;
	m.sa.keys_in.enc_len = 36;
	memset(m.sa.keys_in.enc, 0xa5, 36);
	m.sa.keys_out.enc_len = 36;
	memset(m.sa.keys_out.enc, 0x5a, 36);
	m.sa.replay_window = 1024;
	m.sa.soft_life_s = 3000;
	m.sa.hard_life_s = 3600;
	m.sa.ts_local.start = unit_addr("0.0.0.0");
	m.sa.ts_local.end = unit_addr("255.255.255.255");
	m.sa.ts_remote = m.sa.ts_local;
	m.sa.ts_remote.port_end = 65535;
	m.sa.initiator = true;
	n = enc(&m);
	assert_int_equal(ps_msg_decode(&d, buf, n), 0);
	assert_int_equal(d.type, PS_CHILD_INSTALL);
	assert_int_equal(d.if_id, XFRM_IFID(1));
	assert_int_equal(d.dir, XFRM_DIR_BOTH);
	assert_ptr_equal(d.sa.alg, m.sa.alg);
	assert_int_equal(d.sa.spi_out, 0x12345678);
	assert_true(addr_eq(&d.sa.remote, &m.sa.remote));
	assert_int_equal(d.sa.remote_port, 4501);
	assert_int_equal(d.sa.keys_in.enc_len, 36);
	assert_memory_equal(d.sa.keys_out.enc, m.sa.keys_out.enc, 36);
	assert_int_equal(d.sa.ts_remote.port_end, 65535);
	assert_true(d.sa.esn && d.sa.encap && d.sa.initiator);
	ps_msg_clear(&d);
	/* Every prefix of the message is refused, and one byte more. */
	for (size_t k = 0; k < n; k++)
		assert_int_equal(ps_msg_decode(&d, buf, k), -1);
	assert_int_equal(ps_msg_decode(&d, buf, n + 1), -1);
}

static void
test_batch_and_mss_round_trip(void **state)
{
	struct ps_route rt[3];
	struct nft_mss_if mss[2] = { { "cgw0", 1379 }, { "cgwb", 1300 } };
	struct ps_msg m = { .type = PS_ROUTE_BATCH, .routes = rt, .nroutes = 3 };
	struct ps_msg d;
	size_t n;

	(void)state;
	memset(rt, 0, sizeof(rt));
	rt[0].prefix = unit_prefix("10.1.0.0/16");
	rt[0].n = 2;
	rt[0].nh[0].gw = unit_addr("169.254.21.1");
	rt[0].nh[0].ifindex = 7;
	rt[0].nh[1].ifindex = 8;
	rt[1].prefix = unit_prefix("10.2.0.0/16");	/* a delete */
	rt[2].prefix = unit_prefix("10.3.0.0/24");
	rt[2].table = 254;
	rt[2].n = 1;
	rt[2].nh[0].ifindex = 9;
	n = enc(&m);
	assert_int_equal(ps_msg_decode(&d, buf, n), 0);
	assert_int_equal(d.nroutes, 3);
	assert_int_equal(d.routes[0].n, 2);
	assert_int_equal(d.routes[0].nh[1].ifindex, 8);
	assert_true(addr_eq(&d.routes[0].nh[0].gw, &rt[0].nh[0].gw));
	assert_int_equal(d.routes[1].n, 0);
	assert_int_equal(d.routes[2].table, 254);
	ps_msg_clear(&d);

	memset(&m, 0, sizeof(m));
	m.type = PS_MSS_APPLY;
	m.mss = mss;
	m.nmss = 2;
	n = enc(&m);
	assert_int_equal(ps_msg_decode(&d, buf, n), 0);
	assert_int_equal(d.nmss, 2);
	assert_string_equal(d.mss[1].ifname, "cgwb");
	assert_int_equal(d.mss[1].mss, 1300);
	ps_msg_clear(&d);
}

static void
test_reply_round_trip(void **state)
{
	struct ps_reply r = { .rc = -1 }, d;
	struct ps_route rt = { .n = 1 };
	size_t n;

	(void)state;
	r.err.code = 1;
	strcpy(r.err.msg, "privilege separation: refused");
	r.spi = 0xc0000042;
	n = ps_reply_encode(&r, PS_SPI_ALLOC, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(ps_reply_decode(&d, PS_SPI_ALLOC, buf, n), 0);
	assert_int_equal(d.rc, -1);
	assert_int_equal(d.spi, 0xc0000042);
	assert_string_equal(d.err.msg, r.err.msg);
	/* Read as the reply to another request, the bytes do not add up. */
	assert_int_equal(ps_reply_decode(&d, PS_SA_STATS, buf, n), -1);

	memset(&r, 0, sizeof(r));
	rt.prefix = unit_prefix("10.9.0.0/16");
	rt.nh[0].ifindex = 3;
	r.routes = &rt;
	r.nroutes = 1;
	r.flags = PS_F_MORE;
	n = ps_reply_encode(&r, PS_ROUTE_LIST, buf, sizeof(buf));
	assert_int_equal(ps_reply_decode(&d, PS_ROUTE_LIST, buf, n), 0);
	assert_int_equal(d.nroutes, 1);
	assert_int_equal(d.flags, PS_F_MORE);
	assert_int_equal(d.routes[0].nh[0].ifindex, 3);
	ps_reply_clear(&d);
}

static void
test_event_round_trip(void **state)
{
	struct ps_msg m = { .type = PS_EV_LINK, .ifindex = 5, .up = true }, d;
	size_t n;

	(void)state;
	strcpy(m.name, "cgw0");
	n = enc(&m);
	assert_int_equal(ps_msg_decode(&d, buf, n), 0);
	assert_true(ps_type_is_event(d.type));
	assert_false(ps_type_is_request(d.type));
	assert_string_equal(d.name, "cgw0");
	assert_true(d.up);
	ps_msg_clear(&d);
}

/* A header and the bytes after it, as a hostile sender writes them. */
static size_t
raw(uint16_t type, const void *body, size_t blen)
{
	uint16_t flags = 0;

	memcpy(buf, &type, 2);
	memcpy(buf + 2, &flags, 2);
	memcpy(buf + 4, body, blen);
	return 4 + blen;
}

static void
test_malformed(void **state)
{
	struct ps_msg d, m = { .type = PS_IFACE_DELETE };
	uint8_t body[64];
	size_t n;
	uint32_t big;

	(void)state;
	/* Unknown and reply types are no request. */
	n = raw(999, NULL, 0);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	n = raw(PS_REPLY, NULL, 0);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	/* An interface name as long as its buffer has no room for its end. */
	big = PS_IFNAMSIZ;
	memcpy(body, &big, 4);
	memset(body + 4, 'x', PS_IFNAMSIZ);
	n = raw(PS_IFACE_DELETE, body, 4 + PS_IFNAMSIZ);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	/* A NUL inside a name. */
	big = 4;
	memcpy(body, &big, 4);
	memcpy(body + 4, "cg\0w", 4);
	n = raw(PS_IFACE_DELETE, body, 8);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	/* The encoder refuses such a name too. */
	memset(m.name, 'y', sizeof(m.name));
	assert_int_equal(ps_msg_encode(&m, buf, sizeof(buf)), 0);
	/* A batch claiming more routes than allowed, or than its bytes. */
	big = PS_BATCH_MAX + 1;
	memcpy(body, &big, 4);
	n = raw(PS_ROUTE_BATCH, body, 4);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	big = 100;
	memcpy(body, &big, 4);
	n = raw(PS_ROUTE_BATCH, body, 4);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	/* An unknown address family; a /33. */
	memset(body, 0, sizeof(body));
	body[0] = 99;
	n = raw(PS_IFINDEX_OF_ADDR, body, 17);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	body[0] = AF_INET;
	body[17] = 33;
	memset(body + 18, 0, 4);
	n = raw(PS_ROUTE_DELETE, body, 22);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	body[17] = 32;
	n = raw(PS_ROUTE_DELETE, body, 22);
	assert_int_equal(ps_msg_decode(&d, buf, n), 0);
	/* Bytes an IPv4 address does not use must be zero. */
	body[10] = 1;
	n = raw(PS_ROUTE_DELETE, body, 22);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	/* Larger than any message. */
	assert_int_equal(ps_msg_decode(&d, buf, PS_MSG_MAX + 1), -1);
}

static void
test_bad_child(void **state)
{
	struct ps_msg m = { .type = PS_CHILD_INSTALL, .dir = XFRM_DIR_IN }, d;
	size_t n, off;
	uint32_t big = ESP_MAX_ENC_KEY + 1;

	(void)state;
	m.sa.alg = esp_alg_find(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128);
	assert_non_null(m.sa.alg);
	n = enc(&m);
	assert_int_equal(ps_msg_decode(&d, buf, n), 0);
	ps_msg_clear(&d);
	/* The algorithm's ids sit after the header, if_id, an empty
	 * tunnel name, reqid, dir, two SPIs, two addresses, encap and two
	 * ports. */
	off = 4 + 4 + 4 + 4 + 4 + 8 + 34 + 1 + 4;
	buf[off] = 0x77;			/* no such ENCR id */
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	n = enc(&m);
	/* A key longer than any ESP key: its length follows esn. */
	memcpy(buf + off + 6 + 1, &big, 4);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
	/* A direction that is none of in, out, both. */
	n = enc(&m);
	big = 7;
	memcpy(buf + 4 + 4 + 4 + 4, &big, 4);
	assert_int_equal(ps_msg_decode(&d, buf, n), -1);
}

static void
test_transport(void **state)
{
	int sv[2], fd = -1, p[2];
	uint8_t big[PS_MSG_MAX + 16], small[8];
	ssize_t n;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ps_send(sv[0], "abc", 3, p[0], 0), 0);
	n = ps_recv(sv[1], small, sizeof(small), &fd, 0);
	assert_int_equal(n, 3);
	assert_true(fd >= 0);
	close(fd);
	/* Longer than the reader's buffer: refused whole, not cut. */
	memset(big, 1, sizeof(big));
	assert_int_equal(ps_send(sv[0], big, 100, -1, 0), 0);
	n = ps_recv(sv[1], small, sizeof(small), NULL, 0);
	assert_int_equal(n, -1);
	/* A descriptor nobody asked for is closed, not leaked. */
	assert_int_equal(ps_send(sv[0], "x", 1, p[1], 0), 0);
	n = ps_recv(sv[1], small, sizeof(small), NULL, 0);
	assert_int_equal(n, 1);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	n = ps_recv(sv[1], small, sizeof(small), NULL, 0);
	assert_int_equal(n, 0);	/* EOF */
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_install_round_trip),
		cmocka_unit_test(test_batch_and_mss_round_trip),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bad_child),
		cmocka_unit_test(test_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
