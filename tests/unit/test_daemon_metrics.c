/*
 * The Prometheus text: each family whole (HELP and TYPE once, then its
 * samples, never split), label values escaped, counters from the
 * tunnel's totals, the CloudWatch names there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/cgwd.h"
#include "daemon/metrics.h"
#include "daemon/tunnel.h"

/* The family a sample or comment line belongs to. */
static void
family_of(const char *line, char *out, size_t len)
{
	size_t n;

	if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0)
		line += 7;
	n = strcspn(line, "{ ");
	snprintf(out, len, "%.*s", (int)n, line);
	/* A counter's samples may not carry other suffixes: none here. */
}

static void
test_render(void **state)
{
	struct conf_vpn v;
	struct conf_tunnel ct1, ct2;
	struct tunnel t1, t2;
	struct cgwd cgwd;
	char *text, *line, *save, fam[128], seen[64][128];
	size_t len, nseen = 0, i;

	(void)state;
	memset(&cgwd, 0, sizeof(cgwd));
	memset(&v, 0, sizeof(v));
	memset(&ct1, 0, sizeof(ct1));
	memset(&ct2, 0, sizeof(ct2));
	memset(&t1, 0, sizeof(t1));
	memset(&t2, 0, sizeof(t2));
	TAILQ_INIT(&cgwd.tunnels);
	cgwd.version = "9.9.9";
	cgwd.revision = "abc\"def";
	snprintf(v.name, sizeof(v.name), "we\"ird\\vpn\nx");
	ct1.vpn = ct2.vpn = &v;
	snprintf(ct1.name, sizeof(ct1.name), "t1");
	snprintf(ct2.name, sizeof(ct2.name), "t2");
	t1.cgwd = t2.cgwd = &cgwd;
	t1.conf = &ct1;
	t2.conf = &ct2;
	t1.state = TUNNEL_S_UP;
	t2.state = TUNNEL_S_CONNECTING;
	t1.ctr.bytes_in = 1500;
	t1.ctr.bytes_out = 3000;
	t1.ctr.packets_in = 1;
	t1.ctr.ike.dpd_misses = 2;
	t1.ctr.ike.child_rekeys = 7;
	t1.ctr.ike.init_dropped = 9;
	TAILQ_INSERT_TAIL(&cgwd.tunnels, &t1, entry);
	TAILQ_INSERT_TAIL(&cgwd.tunnels, &t2, entry);

	assert_non_null(text = metrics_text(&cgwd, &len));
	assert_int_equal(strlen(text), len);
#define V "vpn=\"we\\\"ird\\\\vpn\\nx\""
	assert_non_null(strstr(text, "\ncgwd_tunnel_up{" V ",tunnel=\"t1\"} 1\n"));
	assert_non_null(strstr(text, "\ncgwd_tunnel_up{" V ",tunnel=\"t2\"} 0\n"));
	assert_non_null(strstr(text, "\ncgwd_tunnel_state{" V ",tunnel=\"t2\","
	    "state=\"connecting\"} 1\n"));
	assert_non_null(strstr(text, "\ncgwd_tunnel_state{" V ",tunnel=\"t2\","
	    "state=\"up\"} 0\n"));
	assert_non_null(strstr(text, "\ncgwd_tunnel_bytes_total{" V
	    ",tunnel=\"t1\",direction=\"in\"} 1500\n"));
	assert_non_null(strstr(text, "\ncgwd_tunnel_bytes_total{" V
	    ",tunnel=\"t1\",direction=\"out\"} 3000\n"));
	assert_non_null(strstr(text, "\ncgwd_tunnel_packets_total{" V
	    ",tunnel=\"t1\",direction=\"in\"} 1\n"));
	assert_non_null(strstr(text, "\ncgwd_ike_dpd_misses_total{" V
	    ",tunnel=\"t1\"} 2\n"));
	assert_non_null(strstr(text, "\ncgwd_ike_init_dropped_total{" V
	    ",tunnel=\"t1\"} 9\n"));
	assert_non_null(strstr(text, "\ncgwd_ike_rekeys_total{" V
	    ",tunnel=\"t1\",kind=\"child\"} 7\n"));
	assert_non_null(strstr(text, "cgwd_build_info{version=\"9.9.9\","
	    "revision=\"abc\\\"def\"} 1\n"));
	assert_non_null(strstr(text, "# TYPE cgwd_tunnel_bytes_total counter\n"));
	assert_non_null(strstr(text, "# TYPE cgwd_tunnel_up gauge\n"));
	assert_non_null(strstr(text, "# TYPE cgwd_bgp_session_up gauge\n"));
	assert_int_equal(text[len - 1], '\n');

	/* Every family once, whole: HELP, TYPE, samples, and never again. */
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		family_of(line, fam, sizeof(fam));
		if (nseen > 0 && strcmp(seen[nseen - 1], fam) == 0)
			continue;
		for (i = 0; i < nseen; i++)
			if (strcmp(seen[i], fam) == 0)
				fail_msg("family %s split: %s", fam, line);
		assert_true(strncmp(line, "# HELP ", 7) == 0);
		assert_true(nseen < 64);
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", fam);
	}
	assert_int_equal(nseen, 17);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
