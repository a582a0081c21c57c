/* Tunnel objects: the state machine, reload comparison, interface names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/conf_text.h"

#include "daemon/cgwd.h"
#include "daemon/tunnel.h"

#define CONF_HEAD \
	"asn 65000\nrouter-id 192.0.2.10\nnetwork 10.224.0.0/12\n" \
	"vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64512\n"
#define T1 " tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 psk \"Secret_One_1\" }\n"
#define T2 " tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 psk \"Secret_Two_2\" }\n"

static struct conf *
load(const char *text)
{
	return unit_conf_load(text);
}

static struct conf_tunnel *
ct_of(struct conf *conf, const char *name)
{
	struct conf_tunnel *ct = conf_tunnel_find(conf, name);

	assert_non_null(ct);
	return ct;
}

static void
test_state_machine(void **state)
{
	struct conf *conf = load(CONF_HEAD T1 "}\n");
	struct tunnel *t;

	(void)state;
	t = tunnel_new(NULL, ct_of(conf, "aws-prod/t1"), "cgw0");
	assert_non_null(t);
	assert_int_equal(t->state, TUNNEL_S_DOWN);
	assert_string_equal(tunnel_state_name(t->state), "down");

	tunnel_event(t, TUNNEL_EV_START, "initiating");
	assert_int_equal(t->state, TUNNEL_S_CONNECTING);
	assert_string_equal(t->reason, "initiating");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD SA installed");
	assert_int_equal(t->state, TUNNEL_S_UP);
	/* An IKE SA rekey or a CHILD rekey keeps it up. */
	tunnel_event(t, TUNNEL_EV_START, "IKE rekey");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD rekey");
	assert_int_equal(t->state, TUNNEL_S_UP);
	assert_string_equal(t->reason, "CHILD SA installed");
	/* A failure while IKE keeps trying: connecting, with the why. */
	tunnel_event(t, TUNNEL_EV_LOST, "peer deleted the CHILD SA");
	assert_int_equal(t->state, TUNNEL_S_CONNECTING);
	assert_string_equal(t->reason, "peer deleted the CHILD SA");
	tunnel_event(t, TUNNEL_EV_LOST, "no-proposal: CHILD SA refused");
	assert_int_equal(t->state, TUNNEL_S_CONNECTING);
	assert_string_equal(t->reason, "no-proposal: CHILD SA refused");
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "CHILD SA installed");
	tunnel_event(t, TUNNEL_EV_DEAD, "DPD timeout");
	assert_int_equal(t->state, TUNNEL_S_DOWN);
	/* Peer-initiated: up straight from down. */
	tunnel_event(t, TUNNEL_EV_CHILD_UP, "responder");
	assert_int_equal(t->state, TUNNEL_S_UP);
	tunnel_event(t, TUNNEL_EV_RECONFIG, "reconfigured: remote");
	assert_int_equal(t->state, TUNNEL_S_DOWN);
	tunnel_event(t, TUNNEL_EV_START, NULL);
	assert_string_equal(t->reason, "start");
	tunnel_event(t, TUNNEL_EV_ADMIN_DOWN, "operator");
	assert_int_equal(t->state, TUNNEL_S_DOWN);
	/* Out-of-range events change nothing. */
	tunnel_event(t, TUNNEL_EV_MAX, "bogus");
	tunnel_event(t, (enum tunnel_ev)-1, "bogus");
	assert_int_equal(t->state, TUNNEL_S_DOWN);
	assert_string_equal(tunnel_state_name(TUNNEL_S_MAX), "?");
	assert_string_equal(tunnel_ev_name(TUNNEL_EV_DEAD), "dead");

	/* Until ike/ is attached, operator commands say so. */
	assert_string_equal(tunnel_up(t), TUNNEL_ERR_NO_IKE);
	assert_string_equal(tunnel_down(t), TUNNEL_ERR_NO_IKE);
	assert_string_equal(tunnel_rekey(t), TUNNEL_ERR_NO_IKE);
	tunnel_free(t);
	conf_free(conf);
}

static void
test_conf_changed(void **state)
{
	struct conf *a = load(CONF_HEAD T1 T2 "}\n");
	struct conf *same = load("# comment shifts lines\n" CONF_HEAD T1 T2 "}\n");
	struct conf *remote = load(CONF_HEAD T1
	    " tunnel \"t2\" { remote 198.51.100.9 inside 169.254.22.2/30 psk \"Secret_Two_2\" }\n}\n");
	struct conf *psk = load(CONF_HEAD T1
	    " tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 psk \"Secret_Two_3\" }\n}\n");
	struct conf *asn = load(
	    "asn 65001\nrouter-id 192.0.2.10\nnetwork 10.224.0.0/12\n"
	    "vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64512\n" T1 T2 "}\n");
	struct conf *peer = load(
	    "asn 65000\nrouter-id 192.0.2.10\nnetwork 10.224.0.0/12\n"
	    "vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64513\n" T1 T2 "}\n");
	struct conf *lid = load(
	    "asn 65000\nrouter-id 192.0.2.10\nnetwork 10.224.0.0/12\n"
	    "vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64512\n"
	    " local-id 203.0.113.7\n" T1 T2 "}\n");
	/* A tunnel's own proposal: that tunnel changes, the other does not. */
	struct conf *own = load(CONF_HEAD T1
	    " tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 psk \"Secret_Two_2\"\n"
	    "  esp proposal aes256gcm16-ecp384 lifetime 30m }\n}\n");
	char what[128];

	(void)state;
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t2"), own,
	    ct_of(own, "aws-prod/t2"), what, sizeof(what)));
	assert_string_equal(what, "esp proposal, lifetime");
	assert_false(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), own,
	    ct_of(own, "aws-prod/t1"), what, sizeof(what)));
	conf_free(own);
	/* Narrowed selectors for the vpn: every tunnel of it changes. */
	own = load(CONF_HEAD " traffic-selectors local 10.224.0.0/12 remote "
	    "172.31.0.0/16\n" T1 T2 "}\n");
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), own,
	    ct_of(own, "aws-prod/t1"), what, sizeof(what)));
	assert_string_equal(what, "traffic-selectors");
	conf_free(own);
	/* MSS clamping is not the tunnel's: applied without a restart. */
	own = load(CONF_HEAD " mss-clamp 1300\n" T1 T2 "}\n");
	assert_false(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), own,
	    ct_of(own, "aws-prod/t1"), what, sizeof(what)));
	conf_free(own);
	assert_false(tunnel_conf_changed(a, ct_of(a, "aws-prod/t2"), same,
	    ct_of(same, "aws-prod/t2"), what, sizeof(what)));
	assert_string_equal(what, "");
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t2"), remote,
	    ct_of(remote, "aws-prod/t2"), what, sizeof(what)));
	assert_string_equal(what, "remote");
	assert_false(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), remote,
	    ct_of(remote, "aws-prod/t1"), what, sizeof(what)));
	/* Same length, one character different: seen, and never shown. */
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t2"), psk,
	    ct_of(psk, "aws-prod/t2"), what, sizeof(what)));
	assert_string_equal(what, "psk");
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), asn,
	    ct_of(asn, "aws-prod/t1"), what, sizeof(what)));
	assert_string_equal(what, "asn");
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), peer,
	    ct_of(peer, "aws-prod/t1"), what, sizeof(what)));
	assert_string_equal(what, "peer-asn");
	/* Behind NAT the identity changes alone: the IKE peer must be rebuilt. */
	assert_true(tunnel_conf_changed(a, ct_of(a, "aws-prod/t1"), lid,
	    ct_of(lid, "aws-prod/t1"), what, sizeof(what)));
	assert_string_equal(what, "local-id");
	/* Several at once, listed together. */
	assert_true(tunnel_conf_changed(psk, ct_of(psk, "aws-prod/t2"), remote,
	    ct_of(remote, "aws-prod/t2"), what, sizeof(what)));
	assert_string_equal(what, "remote, psk");
	conf_free(a);
	conf_free(same);
	conf_free(remote);
	conf_free(psk);
	conf_free(asn);
	conf_free(peer);
	conf_free(lid);
}

static void
test_ifname_pick(void **state)
{
	struct conf *conf = load(CONF_HEAD T1 T2
	    " tunnel \"t3\" { remote 198.51.100.3 inside 169.254.23.2/30 psk \"Secret_Thr_3\" interface \"cgw1\" }\n"
	    "}\n");
	struct tunnels ts = TAILQ_HEAD_INITIALIZER(ts);
	struct tunnel *t1, *t2, *t3;
	char name[CONF_IFNAME_MAX];

	(void)state;
	/* t3 names cgw1 itself: the automatic names go around it. */
	assert_int_equal(tunnel_ifname_pick(&ts, conf, ct_of(conf, "aws-prod/t1"),
	    name, sizeof(name)), 0);
	assert_string_equal(name, "cgw0");
	t1 = tunnel_new(NULL, ct_of(conf, "aws-prod/t1"), name);
	TAILQ_INSERT_TAIL(&ts, t1, entry);
	assert_int_equal(tunnel_ifname_pick(&ts, conf, ct_of(conf, "aws-prod/t2"),
	    name, sizeof(name)), 0);
	assert_string_equal(name, "cgw2");
	t2 = tunnel_new(NULL, ct_of(conf, "aws-prod/t2"), name);
	TAILQ_INSERT_TAIL(&ts, t2, entry);
	assert_int_equal(tunnel_ifname_pick(&ts, conf, ct_of(conf, "aws-prod/t3"),
	    name, sizeof(name)), 0);
	assert_string_equal(name, "cgw1");
	t3 = tunnel_new(NULL, ct_of(conf, "aws-prod/t3"), name);
	TAILQ_INSERT_TAIL(&ts, t3, entry);
	/* Taken explicitly twice: refused. */
	assert_int_equal(tunnel_ifname_pick(&ts, conf, ct_of(conf, "aws-prod/t3"),
	    name, sizeof(name)), -1);
	/* A freed automatic name is reused. */
	TAILQ_REMOVE(&ts, t1, entry);
	tunnel_free(t1);
	assert_int_equal(tunnel_ifname_pick(&ts, conf, ct_of(conf, "aws-prod/t1"),
	    name, sizeof(name)), 0);
	assert_string_equal(name, "cgw0");
	assert_ptr_equal(tunnel_find(&ts, "aws-prod/t2"), t2);
	assert_null(tunnel_find(&ts, "aws-prod/t1"));
	TAILQ_REMOVE(&ts, t2, entry);
	TAILQ_REMOVE(&ts, t3, entry);
	tunnel_free(t2);
	tunnel_free(t3);
	conf_free(conf);
}

static void
test_peer_inside(void **state)
{
	struct conf *conf = load(CONF_HEAD T1 "}\n");
	struct tunnel *t = tunnel_new(NULL, ct_of(conf, "aws-prod/t1"), "cgw0");
	struct cgw_addr a;
	char buf[CGW_ADDRSTRLEN];

	(void)state;
	assert_true(tunnel_peer_inside(t, &a));
	assert_string_equal(addr_fmt(&a, buf, sizeof(buf)), "169.254.21.1");
	tunnel_free(t);
	conf_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_conf_changed),
		cmocka_unit_test(test_ifname_pick),
		cmocka_unit_test(test_peer_inside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
