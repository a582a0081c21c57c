#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "daemon/cgwd.h"
#include "daemon/ipsec.h"
#include "xfrm/xfrm.h"

/* A reload rebuilds tunnels in any order: an if_id is never handed out
 * twice while held, and a released one is the next handed out. */
static void
test_ifid_alloc_release(void **state)
{
	struct cgwd *cgwd = calloc(1, sizeof(*cgwd));
	uint32_t a, b, c, n;

	(void)state;
	assert_non_null(cgwd);
	a = ipsec_ifid_alloc(cgwd);
	b = ipsec_ifid_alloc(cgwd);
	c = ipsec_ifid_alloc(cgwd);
	assert_int_equal(a, XFRM_IFID(0));
	assert_int_equal(b, XFRM_IFID(1));
	assert_int_equal(c, XFRM_IFID(2));
	ipsec_ifid_release(cgwd, b);
	assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(1));
	assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(3));
	/* Not ours, or none: ignored. */
	ipsec_ifid_release(cgwd, 0);
	ipsec_ifid_release(cgwd, 0x12345678);
	assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(4));
	/* Exhaustion is an answer, not an overflow. */
	for (n = 5; n < CGWD_IFID_SLOTS; n++)
		assert_int_equal(ipsec_ifid_alloc(cgwd), XFRM_IFID(n));
	assert_int_equal(ipsec_ifid_alloc(cgwd), 0);
	free(cgwd);
}

/*
 * Only authenticated SAs make or break a tunnel: a failure reported while
 * the peer still has an authenticated IKE SA with a CHILD SA in the
 * kernel (a spoofed IKE_SA_INIT, a wrong PSK from anyone at the peer's
 * address, a half-open SA timing out) changes nothing.
 */
static void
test_tunnel_follows_authenticated_sas(void **state)
{
	static const enum ike_peer_event failures[] = {
		IKE_EV_DEAD, IKE_EV_DELETED, IKE_EV_AUTH_FAILED,
		IKE_EV_NO_PROPOSAL, IKE_EV_TS_UNACCEPTABLE, IKE_EV_EXPIRED,
		IKE_EV_ERROR, IKE_EV_CHILD_DOWN, IKE_EV_KERNEL,
	};
	enum tunnel_ev tev;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		/* Still usable: the failure belonged to another attempt. */
		assert_false(ipsec_tunnel_ev(failures[i], true, true, &tev));
		assert_false(ipsec_tunnel_ev(failures[i], true, false, &tev));
		/* Not usable: down, or connecting while IKE keeps trying. */
		assert_true(ipsec_tunnel_ev(failures[i], false, true, &tev));
		assert_int_equal(tev, TUNNEL_EV_LOST);
		assert_true(ipsec_tunnel_ev(failures[i], false, false, &tev));
		assert_int_equal(tev, TUNNEL_EV_DEAD);
	}
	/* Up only with a CHILD SA in the kernel. */
	assert_true(ipsec_tunnel_ev(IKE_EV_CHILD_UP, true, true, &tev));
	assert_int_equal(tev, TUNNEL_EV_CHILD_UP);
	assert_true(ipsec_tunnel_ev(IKE_EV_UP, false, false, &tev));
	assert_int_equal(tev, TUNNEL_EV_START);
	assert_true(ipsec_tunnel_ev(IKE_EV_CHILD_UP, false, true, &tev));
	assert_int_equal(tev, TUNNEL_EV_START);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ifid_alloc_release),
		cmocka_unit_test(test_tunnel_follows_authenticated_sas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
