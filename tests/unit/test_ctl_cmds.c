/* Control commands against a daemon context without a loop; cgwctl tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/cgwctl.h"
#include "daemon/cgwd.h"
#include "daemon/ctl.h"
#include "daemon/ipsec.h"
#include "daemon/tunnel.h"
#include "ike/ike.h"

#include <event2/event.h>

#define CONF_HEAD \
	"asn 65000\nrouter-id 192.0.2.10\nnetwork 10.224.0.0/12\n" \
	"vpn \"aws-prod\" {\n local 192.0.2.10\n peer-asn 64512\n"
#define T1 " tunnel \"t1\" { remote 198.51.100.1 inside 169.254.21.2/30 psk \"Secret_One_1\" }\n"
#define T2 " tunnel \"t2\" { remote 198.51.100.2 inside 169.254.22.2/30 psk \"Secret_Two_2\" }\n"

struct fixture {
	char		 path[64];
	struct cgwd	 cgwd;
};

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
reload_ok(struct fixture *f)
{
	char err[512];

	if (cgwd_reload(&f->cgwd, err, sizeof(err)) != 0)
		fail_msg("reload: %s", err);
}

/* A daemon context as cgwd_start leaves it, minus loop and socket. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct conf_problems problems;
	int fd;

	assert_non_null(f);
	strcpy(f->path, "/tmp/cgw-test-cmds.XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	f->cgwd.conf_path = f->path;
	TAILQ_INIT(&f->cgwd.tunnels);
	/* An empty configuration first; the reload builds the tunnels. */
	write_file(f->path, "asn 65000\nrouter-id 192.0.2.10\n");
	TAILQ_INIT(&problems);
	f->cgwd.conf = conf_load(f->path, &problems);
	conf_problems_free(&problems);
	assert_non_null(f->cgwd.conf);
	write_file(f->path, CONF_HEAD T1 T2 "}\n");
	reload_ok(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct tunnel *t;

	while ((t = TAILQ_FIRST(&f->cgwd.tunnels)) != NULL) {
		TAILQ_REMOVE(&f->cgwd.tunnels, t, entry);
		tunnel_free(t);
	}
	conf_free(f->cgwd.conf);
	unlink(f->path);
	free(f);
	return 0;
}

/* Run one command; the result, or NULL with the error in err. */
static json_t *
run(struct fixture *f, char *err, size_t errlen, const char *cmd, ...)
{
	struct ctl_request req = { .argc = 0 };
	va_list ap;
	const char *a;

	snprintf(req.command, sizeof(req.command), "%s", cmd);
	va_start(ap, cmd);
	while ((a = va_arg(ap, const char *)) != NULL)
		req.argv[req.argc++] = (char *)a;
	va_end(ap);
	err[0] = '\0';
	return ctl_dispatch(&f->cgwd, &req, err, errlen);
}

static void
test_show_tunnels_shape(void **state)
{
	struct fixture *f = *state;
	json_t *res, *t, *bgp;
	char err[512], *dump;
	static const char *const keys[] = { "name", "state", "local", "remote",
	    "interface", "inside", "peer_inside", "ike", "child_sas", "bgp" };
	size_t i;

	res = run(f, err, sizeof(err), "show", "tunnels", NULL);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "tunnels")), 2);
	t = json_array_get(json_object_get(res, "tunnels"), 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(t, keys[i]) == NULL)
			fail_msg("key %s missing", keys[i]);
	assert_string_equal(json_string_value(json_object_get(t, "name")), "aws-prod/t1");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "down");
	assert_string_equal(json_string_value(json_object_get(t, "local")), "192.0.2.10");
	assert_string_equal(json_string_value(json_object_get(t, "remote")), "198.51.100.1");
	/* No IPsec, so no interface: its configured name would be a lie. */
	assert_true(json_is_null(json_object_get(t, "interface")));
	assert_string_equal(json_string_value(json_object_get(t, "inside")), "169.254.21.2/30");
	assert_string_equal(json_string_value(json_object_get(t, "peer_inside")), "169.254.21.1");
	assert_true(json_is_null(json_object_get(t, "ike")));
	assert_int_equal(json_array_size(json_object_get(t, "child_sas")), 0);
	assert_true(json_is_array(json_object_get(t, "child_sas")));
	bgp = json_object_get(t, "bgp");
	assert_string_equal(json_string_value(json_object_get(bgp, "state")), "idle");
	assert_int_equal(json_integer_value(json_object_get(bgp, "peer_asn")), 64512);
	dump = json_dumps(res, 0);
	assert_null(strstr(dump, "Secret"));
	free(dump);
	json_decref(res);
}

/* The first tunnel of a "show tunnels" answer. */
static json_t *
first_tunnel(struct fixture *f)
{
	json_t *res, *t;
	char err[512];

	res = run(f, err, sizeof(err), "show", "tunnels", NULL);
	assert_non_null(res);
	t = json_incref(json_array_get(json_object_get(res, "tunnels"), 0));
	json_decref(res);
	assert_non_null(t);
	return t;
}

/*
 * Nothing is reported that does not exist: an interface the kernel never
 * made, an uptime of a session that is not established, the age and rekey
 * time of an IKE SA there is none of.
 */
static void
test_show_no_lies(void **state)
{
	struct fixture *f = *state;
	struct tunnel *t1 = TAILQ_FIRST(&f->cgwd.tunnels);
	struct ike_callbacks cb = { .alloc_spi = NULL };
	struct ike_peer_conf pc;
	struct event_base *base = event_base_new();
	json_t *t, *ike;
	char err[256];

	t = first_tunnel(f);
	assert_true(json_is_null(json_object_get(t, "interface")));
	assert_true(json_is_null(json_object_get(json_object_get(t, "bgp"),
	    "uptime_s")));
	json_decref(t);

	/* IPsec running, the interface refused (this host has none). */
	t1->ipsec = calloc(1, sizeof(*t1->ipsec));
	assert_non_null(t1->ipsec);
	t = first_tunnel(f);
	assert_true(json_is_null(json_object_get(t, "interface")));
	json_decref(t);
	t1->ipsec->ifindex = 7;
	t = first_tunnel(f);
	assert_string_equal(json_string_value(json_object_get(t, "interface")),
	    "cgw0");
	json_decref(t);

	/* An IKE peer that has no SA yet: no age, no rekey. */
	assert_non_null(base);
	f->cgwd.ike = ike_ctx_new(base, &cb, &f->cgwd);
	assert_non_null(f->cgwd.ike);
	ipsec_peer_conf(&pc, t1->conf);
	pc.initiate = false;
	t1->ike = ike_peer_add(f->cgwd.ike, &pc, err, sizeof(err));
	assert_non_null(t1->ike);
	t = first_tunnel(f);
	ike = json_object_get(t, "ike");
	assert_true(json_is_object(ike));
	assert_true(json_is_null(json_object_get(ike, "age_s")));
	assert_true(json_is_null(json_object_get(ike, "rekey_in_s")));
	json_decref(t);

	ipsec_tunnel_detach(t1);
	ike_ctx_free(f->cgwd.ike);
	f->cgwd.ike = NULL;
	event_base_free(base);
}

static void
test_commands_and_errors(void **state)
{
	struct fixture *f = *state;
	json_t *res;
	char err[512];

	res = run(f, err, sizeof(err), "status", NULL);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "tunnels")), 2);
	assert_true(json_is_null(json_object_get(json_array_get(
	    json_object_get(res, "tunnels"), 1), "ike_age_s")));
	json_decref(res);

	res = run(f, err, sizeof(err), "show", "routes", NULL);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "routes")), 0);
	json_decref(res);

	assert_null(run(f, err, sizeof(err), "status", "extra", NULL));
	assert_string_equal(err, "usage: status");
	/* Without an IKE engine every tunnel is listed with no SAs. */
	res = run(f, err, sizeof(err), "show", "sas", NULL);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "sas")), 2);
	assert_true(json_is_null(json_object_get(json_array_get(
	    json_object_get(res, "sas"), 0), "ike")));
	assert_int_equal(json_array_size(json_object_get(json_array_get(
	    json_object_get(res, "sas"), 0), "child_sas")), 0);
	json_decref(res);
	/* Without a BGP speaker there are no sessions to list. */
	res = run(f, err, sizeof(err), "show", "bgp", NULL);
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "bgp")), 0);
	json_decref(res);
	assert_null(run(f, err, sizeof(err), "show", NULL));
	assert_string_equal(err, "usage: show tunnels|sas|bgp|routes, "
	    "show tunnel VPN/TUNNEL, show bgp advertised");
	assert_null(run(f, err, sizeof(err), "frob", NULL));
	assert_string_equal(err,
	    "unknown command 'frob' (known: status, show, tunnel, reload, monitor, metrics)");
	assert_null(run(f, err, sizeof(err), "tunnel", "up", "aws-prod/t7", NULL));
	assert_string_equal(err,
	    "unknown tunnel 'aws-prod/t7' (known: aws-prod/t1, aws-prod/t2)");
	assert_null(run(f, err, sizeof(err), "tunnel", "sideways", "aws-prod/t1", NULL));
	assert_string_equal(err, "usage: tunnel up|down|rekey VPN/TUNNEL");
	assert_null(run(f, err, sizeof(err), "tunnel", "down", "aws-prod/t1", NULL));
	assert_string_equal(err, TUNNEL_ERR_NO_IKE);
}

static void
test_reload(void **state)
{
	struct fixture *f = *state;
	struct tunnel *t1, *t2;
	json_t *res;
	char err[512];

	t1 = tunnel_find(&f->cgwd.tunnels, "aws-prod/t1");
	t2 = tunnel_find(&f->cgwd.tunnels, "aws-prod/t2");
	assert_non_null(t1);
	assert_non_null(t2);
	/* t1 pretends to be up: an untouched tunnel must stay so. */
	tunnel_event(t1, TUNNEL_EV_CHILD_UP, "test");
	tunnel_event(t2, TUNNEL_EV_CHILD_UP, "test");

	/* Broken: refused with file:line, nothing changes. */
	write_file(f->path, CONF_HEAD T1 T2 " bogus-keyword 1\n}\n");
	assert_null(run(f, err, sizeof(err), "reload", NULL));
	assert_true(strncmp(err, f->path, strlen(f->path)) == 0);
	assert_true(strncmp(err + strlen(f->path), ":9: ", 4) == 0);
	assert_ptr_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t1"), t1);
	assert_int_equal(f->cgwd.reloads, 1);

	/* t2 changes, t3 appears: t1 is the same object, still up. */
	write_file(f->path, CONF_HEAD T1
	    " tunnel \"t2\" { remote 198.51.100.9 inside 169.254.22.2/30 psk \"Secret_Two_2\" }\n"
	    " tunnel \"t3\" { remote 198.51.100.3 inside 169.254.23.2/30 psk \"Secret_Thr_3\" }\n"
	    "}\n");
	res = run(f, err, sizeof(err), "reload", NULL);
	assert_non_null(res);
	assert_int_equal(json_integer_value(json_object_get(res, "tunnels")), 3);
	json_decref(res);
	assert_ptr_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t1"), t1);
	assert_int_equal(t1->state, TUNNEL_S_UP);
	assert_ptr_equal(t1->conf, conf_tunnel_find(f->cgwd.conf, "aws-prod/t1"));
	assert_ptr_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t2"), t2);
	assert_int_equal(t2->state, TUNNEL_S_DOWN);
	assert_string_equal(t2->reason, "reconfigured: remote");
	assert_string_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t3")->ifname, "cgw2");
	assert_string_equal(TAILQ_LAST(&f->cgwd.tunnels, tunnels)->name, "aws-prod/t3");

	/* t1 removed: the others keep their interfaces. */
	write_file(f->path, CONF_HEAD
	    " tunnel \"t2\" { remote 198.51.100.9 inside 169.254.22.2/30 psk \"Secret_Two_2\" }\n"
	    " tunnel \"t3\" { remote 198.51.100.3 inside 169.254.23.2/30 psk \"Secret_Thr_3\" }\n"
	    "}\n");
	reload_ok(f);
	assert_null(tunnel_find(&f->cgwd.tunnels, "aws-prod/t1"));
	assert_string_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t2")->ifname, "cgw1");
	assert_string_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t3")->ifname, "cgw2");
	assert_int_equal(cgwd_ntunnels(&f->cgwd), 2);

	/* An explicit interface name, then back to automatic. */
	write_file(f->path, CONF_HEAD
	    " tunnel \"t2\" { remote 198.51.100.9 inside 169.254.22.2/30 psk \"Secret_Two_2\" interface \"vpn-a\" }\n"
	    " tunnel \"t3\" { remote 198.51.100.3 inside 169.254.23.2/30 psk \"Secret_Thr_3\" }\n"
	    "}\n");
	reload_ok(f);
	assert_string_equal(t2->ifname, "vpn-a");
	write_file(f->path, CONF_HEAD
	    " tunnel \"t2\" { remote 198.51.100.9 inside 169.254.22.2/30 psk \"Secret_Two_2\" }\n"
	    " tunnel \"t3\" { remote 198.51.100.3 inside 169.254.23.2/30 psk \"Secret_Thr_3\" }\n"
	    "}\n");
	reload_ok(f);
	assert_string_equal(t2->ifname, "cgw0");
	assert_string_equal(tunnel_find(&f->cgwd.tunnels, "aws-prod/t3")->ifname, "cgw2");
}

static char *
printed(int (*fn)(FILE *, const json_t *), const char *json, int *rc)
{
	json_t *res = json_loads(json, 0, NULL);
	char *out = NULL;
	size_t len;
	FILE *f;

	assert_non_null(res);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	*rc = fn(f, res);
	fclose(f);
	json_decref(res);
	return out;
}

static void
test_tables(void **state)
{
	char *out, buf[32];
	json_t *v;
	int rc;

	(void)state;
	out = printed(ctl_print_status,
	    "{\"tunnels\":[{\"name\":\"aws-prod/t1\",\"state\":\"up\",\"ike_age_s\":3725,"
	    "\"child_age_s\":59,\"bgp\":\"established\",\"routes\":2},"
	    "{\"name\":\"aws-prod/t2\",\"state\":\"down\",\"ike_age_s\":null,"
	    "\"reason_class\":\"admin down\","
	    "\"child_age_s\":null,\"bgp\":\"idle\",\"routes\":0}]}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "NAME         STATE  REASON      IKE-AGE  CHILD-AGE  BGP          ROUTES\n"
	    "aws-prod/t1  up     -           1h02m    59s        established  2\n"
	    "aws-prod/t2  down   admin down  -        -          idle         0\n");
	free(out);

	out = printed(ctl_print_routes,
	    "{\"routes\":[{\"prefix\":\"10.0.0.0/16\",\"next_hop\":\"169.254.21.1\","
	    "\"interface\":\"cgw0\",\"tunnel\":\"aws-prod/t1\",\"as_path\":[64512],"
	    "\"best\":true,\"installed\":true}]}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "PREFIX       NEXT-HOP      INTERFACE  TUNNEL       AS-PATH  BEST  INSTALLED\n"
	    "10.0.0.0/16  169.254.21.1  cgw0       aws-prod/t1  64512    yes   yes\n");
	free(out);

	out = printed(ctl_print_bgp,
	    "{\"bgp\":[{\"name\":\"aws-prod/t1\",\"peer\":\"169.254.21.1\",\"peer_asn\":64512,"
	    "\"state\":\"established\",\"uptime_s\":10,\"prefixes_received\":1,"
	    "\"prefixes_advertised\":1}]}", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "aws-prod/t1  169.254.21.1  64512  established  10s"));
	free(out);

	out = printed(ctl_print_sas,
	    "{\"sas\":[{\"tunnel\":\"aws-prod/t1\",\"ike\":{\"state\":\"established\","
	    "\"proposal\":\"aes256gcm16-prfsha256-modp2048\",\"age_s\":12,\"rekey_in_s\":28000},"
	    "\"child_sas\":[{\"spi_in\":\"c0ffee01\",\"spi_out\":\"0badf00d\","
	    "\"proposal\":\"aes256gcm16\",\"bytes_in\":5,\"bytes_out\":7,\"age_s\":12,"
	    "\"rekey_in_s\":3400}]}]}", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "c0ffee01"));
	assert_non_null(strstr(out, "7h46m"));
	free(out);

	/* What does not exist is "-": no rekey of an IKE SA not established,
	 * no uptime of a session not established, no interface. */
	out = printed(ctl_print_sas,
	    "{\"sas\":[{\"tunnel\":\"aws-prod/t1\",\"ike\":{\"state\":\"connecting\","
	    "\"proposal\":\"\",\"age_s\":3,\"rekey_in_s\":0},\"child_sas\":[]}]}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "TUNNEL       SA   STATE       SPI-IN  SPI-OUT  PROPOSAL  AGE  REKEY-IN  BYTES-IN  BYTES-OUT\n"
	    "aws-prod/t1  ike  connecting  -       -        -         3s   -         -         -\n");
	free(out);
	out = printed(ctl_print_bgp,
	    "{\"bgp\":[{\"name\":\"aws-prod/t1\",\"peer\":\"169.254.21.1\",\"peer_asn\":64512,"
	    "\"state\":\"active\",\"uptime_s\":0,\"prefixes_received\":0,"
	    "\"prefixes_advertised\":0}]}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "NAME         PEER          ASN    STATE   UPTIME  RECEIVED  ADVERTISED\n"
	    "aws-prod/t1  169.254.21.1  64512  active  -       0         0\n");
	free(out);
	out = printed(ctl_print_tunnels,
	    "{\"tunnels\":[{\"name\":\"aws-prod/t1\",\"state\":\"down\",\"interface\":null,"
	    "\"local\":\"192.0.2.10\",\"remote\":\"198.51.100.1\",\"inside\":\"169.254.21.2/30\","
	    "\"peer_inside\":\"169.254.21.1\",\"ike\":null,\"child_sas\":[],"
	    "\"bgp\":{\"state\":\"idle\"},\"reason_class\":\"auth failed\"}]}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
	    "NAME         STATE  REASON       INTERFACE  LOCAL       REMOTE        INSIDE           PEER-INSIDE   IKE  CHILD-SAS  BGP\n"
	    "aws-prod/t1  down   auth failed  -          192.0.2.10  198.51.100.1  169.254.21.2/30  169.254.21.1  -    0          idle\n");
	free(out);

	/* Wrong shape: refused, so cgwctl falls back to raw JSON. */
	out = printed(ctl_print_tunnels, "{\"something\":[]}", &rc);
	assert_int_equal(rc, -1);
	free(out);

	v = json_integer(90061);
	ctl_fmt_age(v, buf, sizeof(buf));
	assert_string_equal(buf, "1d01h");
	json_decref(v);
	v = json_integer(61);
	ctl_fmt_age(v, buf, sizeof(buf));
	assert_string_equal(buf, "1m01s");
	json_decref(v);
	ctl_fmt_age(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "-");
}

/* An argument the shell passed in Latin-1 is named as such. */
static void
test_client_non_utf8(void **state)
{
	char *argv[] = { "up", "caf\xe9/t1" };
	json_t *res;
	char err[256];

	(void)state;
	assert_int_equal(ctl_client_call("/nonexistent/cgwd.sock", "tunnel", 2,
	    argv, 100, &res, err, sizeof(err)), -1);
	assert_null(res);
	assert_string_equal(err, "argument 2 is not UTF-8 text");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_show_tunnels_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show_no_lies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_client_non_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
