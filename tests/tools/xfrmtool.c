/*
 * xfrmtool: drive cgwd's xfrm/ code from the shell, for system and lab
 * tests. Commands run in order in one process, separated by "--"; what
 * they create is removed again when the process ends (xfrm_close), the
 * way cgwd does at a clean stop, so `hold` keeps it alive until SIGTERM.
 * kill -9 leaves it behind, for testing `cleanup`.
 *
 *   cleanup
 *   policy-add IFID REQID LOCAL REMOTE [4|6]
 *   policy-del IFID [4|6]
 *   iface-add NAME IFID LOCAL MTU INSIDE/LEN
 *   iface-del NAME
 *   route-add PREFIX GW DEV [GW DEV ...] [table N]   (GW "-" = none)
 *   route-del PREFIX [table N]
 *   route-flush
 *   spi-alloc LOCAL REMOTE IFID REQID
 *   sa-add IFID REQID LOCAL REMOTE SPI_IN|alloc SPI_OUT gcm|cbc-sha256|cbc-sha1
 *          ENCKEY_IN ENCKEY_OUT [AUTHKEY_IN AUTHKEY_OUT]
 *          [esn] [replay N] [encap LPORT RPORT] [life SOFT HARD]
 *          [dir in|out|both]
 *   sa-del DST SPI
 *   sa-stats DST SPI
 *   hold          run the event loop (prints kernel events) until SIGTERM
 *   wait-file PATH  wait (up to 60 s) until PATH exists: lets a test script
 *                 step a make-before-break rekey
 *
 * Numbers accept 0x prefixes; keys are hex. SPI_IN "alloc" is the SPI of
 * the last spi-alloc, so the inbound SA completes the kernel's larval SA.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "esp/esp.h"
#include "lib/log.h"
#include "xfrm/xfrm.h"

static struct event_base	*base;
static uint32_t			 last_spi;	/* of the last spi-alloc */

static void
usage(void)
{
	fprintf(stderr, "usage: xfrmtool [-v] CMD ARGS [-- CMD ARGS]...\n"
	    "see tests/tools/xfrmtool.c for the commands\n");
	exit(2);
}

static uint32_t
num(const char *s)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX) {
		fprintf(stderr, "xfrmtool: bad number \"%s\"\n", s);
		exit(2);
	}
	return (uint32_t)v;
}

static struct cgw_addr
addr(const char *s)
{
	struct cgw_addr	a;

	if (!addr_parse(s, &a)) {
		fprintf(stderr, "xfrmtool: bad address \"%s\"\n", s);
		exit(2);
	}
	return a;
}

static struct cgw_prefix
pfx(const char *s)
{
	struct cgw_prefix p;

	if (!prefix_parse(s, &p)) {
		fprintf(stderr, "xfrmtool: bad prefix \"%s\"\n", s);
		exit(2);
	}
	return p;
}

static size_t
hexkey(const char *s, uint8_t *out, size_t max)
{
	size_t	n = 0;

	if (strncmp(s, "0x", 2) == 0)
		s += 2;
	while (s[0] != '\0' && s[1] != '\0' && n < max) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	if (*s != '\0') {
		fprintf(stderr, "xfrmtool: bad or too long hex key\n");
		exit(2);
	}
	return n;
}

static void
ev_rekey(void *arg, const struct xfrm_sa_event *ev)
{
	(void)arg;
	printf("event rekey spi 0x%08x if_id 0x%x\n", ev->spi, ev->if_id);
	fflush(stdout);
}

static void
ev_gone(void *arg, const struct xfrm_sa_event *ev)
{
	(void)arg;
	printf("event gone spi 0x%08x if_id 0x%x\n", ev->spi, ev->if_id);
	fflush(stdout);
}

static void
ev_link(void *arg, int ifindex, const char *name, bool up)
{
	(void)arg;
	printf("event link %s %d %s\n", name, ifindex, up ? "up" : "down");
	fflush(stdout);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

static int
cmd_sa_add(struct xfrm_ctx *ctx, int argc, char **argv, struct xfrm_err *err)
{
	static struct esp_alg	 alg;
	struct esp_child_sa	 sa;
	enum xfrm_dir		 dir = XFRM_DIR_BOTH;
	uint32_t		 if_id, reqid;
	int			 i, rc;

	if (argc < 10)
		usage();
	memset(&sa, 0, sizeof(sa));
	memset(&alg, 0, sizeof(alg));
	if_id = num(argv[1]);
	reqid = num(argv[2]);
	sa.local = addr(argv[3]);
	sa.remote = addr(argv[4]);
	sa.spi_in = strcmp(argv[5], "alloc") == 0 ? last_spi : num(argv[5]);
	sa.spi_out = num(argv[6]);
	sa.keys_in.enc_len = hexkey(argv[8], sa.keys_in.enc, ESP_MAX_ENC_KEY);
	sa.keys_out.enc_len = hexkey(argv[9], sa.keys_out.enc,
	    ESP_MAX_ENC_KEY);
	alg.enc_keylen = sa.keys_in.enc_len;
	i = 10;
	if (strcmp(argv[7], "gcm") == 0) {
		alg.aead = true;
		alg.enc_kernel = "rfc4106(gcm(aes))";
		alg.icv_bits = 128;
		alg.name = "aes-gcm16";
	} else if (strncmp(argv[7], "cbc-", 4) == 0) {
		if (argc < 12)
			usage();
		alg.enc_kernel = "cbc(aes)";
		if (strcmp(argv[7], "cbc-sha256") == 0) {
			alg.auth_kernel = "hmac(sha256)";
			alg.auth_trunc_bits = 128;
		} else if (strcmp(argv[7], "cbc-sha1") == 0) {
			alg.auth_kernel = "hmac(sha1)";
			alg.auth_trunc_bits = 96;
		} else
			usage();
		alg.name = argv[7];
		sa.keys_in.auth_len = hexkey(argv[10], sa.keys_in.auth,
		    ESP_MAX_AUTH_KEY);
		sa.keys_out.auth_len = hexkey(argv[11], sa.keys_out.auth,
		    ESP_MAX_AUTH_KEY);
		alg.auth_keylen = sa.keys_in.auth_len;
		i = 12;
	} else
		usage();
	sa.alg = &alg;
	sa.replay_window = ESP_DEFAULT_REPLAY;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "esn") == 0)
			sa.esn = true;
		else if (strcmp(argv[i], "replay") == 0 && i + 1 < argc)
			sa.replay_window = num(argv[++i]);
		else if (strcmp(argv[i], "encap") == 0 && i + 2 < argc) {
			sa.encap = true;
			sa.local_port = (uint16_t)num(argv[++i]);
			sa.remote_port = (uint16_t)num(argv[++i]);
		} else if (strcmp(argv[i], "life") == 0 && i + 2 < argc) {
			sa.soft_life_s = num(argv[++i]);
			sa.hard_life_s = num(argv[++i]);
		} else if (strcmp(argv[i], "dir") == 0 && i + 1 < argc) {
			i++;
			dir = strcmp(argv[i], "in") == 0 ? XFRM_DIR_IN :
			    strcmp(argv[i], "out") == 0 ? XFRM_DIR_OUT :
			    XFRM_DIR_BOTH;
		} else
			usage();
	}
	rc = xfrm_child_install(ctx, if_id, reqid, &sa, dir, err);
	explicit_bzero(&sa, sizeof(sa));
	return rc;
}

static int
run(struct xfrm_ctx *ctx, int argc, char **argv)
{
	struct xfrm_err	 err;
	const char	*c = argv[0];
	int		 rc = -1;

	memset(&err, 0, sizeof(err));
	if (strcmp(c, "cleanup") == 0)
		rc = xfrm_cleanup_stale(ctx, &err);
	else if (strcmp(c, "policy-add") == 0 && argc >= 5) {
		struct cgw_addr l = addr(argv[3]), r = addr(argv[4]);

		rc = xfrm_policy_install(ctx, num(argv[1]), num(argv[2]), &l,
		    &r, argc > 5 && strcmp(argv[5], "6") == 0 ? AF_INET6 :
		    AF_INET, &err);
	} else if (strcmp(c, "policy-del") == 0 && argc >= 2)
		rc = xfrm_policy_remove(ctx, num(argv[1]), argc > 2 &&
		    strcmp(argv[2], "6") == 0 ? AF_INET6 : AF_INET, &err);
	else if (strcmp(c, "iface-add") == 0 && argc == 6) {
		struct cgw_addr		l = addr(argv[3]);
		struct cgw_prefix	in = pfx(argv[5]);
		int			idx;

		rc = xfrm_iface_create(ctx, argv[1], num(argv[2]), &l,
		    num(argv[4]), &in, &idx, &err);
		if (rc == 0)
			printf("ifindex %d\n", idx);
	} else if (strcmp(c, "iface-del") == 0 && argc == 2)
		rc = xfrm_iface_delete(ctx, argv[1], &err);
	else if (strcmp(c, "route-add") == 0 && argc >= 4) {
		struct cgw_prefix	p = pfx(argv[1]);
		struct xfrm_nexthop	nh[16];
		size_t			n = 0;
		uint32_t		table = 0;
		int			i;

		memset(nh, 0, sizeof(nh));
		for (i = 2; i + 1 < argc && n < 16; i += 2) {
			if (strcmp(argv[i], "table") == 0) {
				table = num(argv[i + 1]);
				continue;
			}
			if (strcmp(argv[i], "-") != 0)
				nh[n].gw = addr(argv[i]);
			if ((nh[n].ifindex = xfrm_ifindex(ctx,
			    argv[i + 1])) <= 0) {
				fprintf(stderr, "xfrmtool: no interface %s\n",
				    argv[i + 1]);
				return -1;
			}
			n++;
		}
		rc = xfrm_route_replace(ctx, &p, nh, n, table, &err);
	} else if (strcmp(c, "route-del") == 0 && argc >= 2) {
		struct cgw_prefix p = pfx(argv[1]);

		rc = xfrm_route_delete(ctx, &p, argc == 4 &&
		    strcmp(argv[2], "table") == 0 ? num(argv[3]) : 0, &err);
	} else if (strcmp(c, "route-flush") == 0)
		rc = xfrm_route_flush_ours(ctx, &err);
	else if (strcmp(c, "spi-alloc") == 0 && argc == 5) {
		struct cgw_addr	l = addr(argv[1]), r = addr(argv[2]);
		uint32_t	spi;

		rc = xfrm_spi_alloc(ctx, &l, &r, num(argv[3]), num(argv[4]),
		    &spi, &err);
		if (rc == 0) {
			printf("spi 0x%08x\n", spi);
			last_spi = spi;
		}
	} else if (strcmp(c, "sa-add") == 0)
		rc = cmd_sa_add(ctx, argc, argv, &err);
	else if (strcmp(c, "sa-del") == 0 && argc == 3) {
		struct cgw_addr d = addr(argv[1]);

		rc = xfrm_sa_delete(ctx, &d, num(argv[2]), &err);
	} else if (strcmp(c, "sa-stats") == 0 && argc == 3) {
		struct cgw_addr		d = addr(argv[1]);
		struct xfrm_sa_stats	st;

		rc = xfrm_sa_stats(ctx, &d, num(argv[2]), &st, &err);
		if (rc == 0)
			printf("bytes %llu packets %llu add_time %llu "
			    "use_time %llu replay_fail %u integrity_fail %u\n",
			    (unsigned long long)st.bytes,
			    (unsigned long long)st.packets,
			    (unsigned long long)st.add_time,
			    (unsigned long long)st.use_time, st.replay_fail,
			    st.integrity_fail);
	} else if (strcmp(c, "wait-file") == 0 && argc == 2) {
		int i;

		printf("waiting for %s\n", argv[1]);
		fflush(stdout);
		for (i = 0; i < 600 && access(argv[1], F_OK) != 0; i++)
			usleep(100000);
		rc = access(argv[1], F_OK) == 0 ? 0 : -1;
		snprintf(err.msg, sizeof(err.msg), "%s did not appear", argv[1]);
	} else if (strcmp(c, "hold") == 0) {
		printf("holding\n");
		fflush(stdout);
		event_base_dispatch(base);
		rc = 0;
	} else
		usage();
	if (rc < 0)
		fprintf(stderr, "xfrmtool: %s: %s\n", c, err.msg);
	fflush(stdout);
	return rc;
}

int
main(int argc, char **argv)
{
	struct xfrm_callbacks	 cb = { .sa_rekey = ev_rekey, .sa_gone = ev_gone,
	    .link_change = ev_link };
	struct xfrm_ctx		*ctx;
	struct xfrm_err		 err;
	struct event		*sigterm, *sigint;
	int			 i, start, verbose = 0, rc = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 2;
		argv++;
		argc--;
	}
	if (argc < 2)
		usage();
	log_init(verbose, 0);
	if ((base = event_base_new()) == NULL)
		return 1;
	sigterm = evsignal_new(base, SIGTERM, on_signal, NULL);
	sigint = evsignal_new(base, SIGINT, on_signal, NULL);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	if ((ctx = xfrm_open(base, &cb, NULL, &err)) == NULL) {
		fprintf(stderr, "xfrmtool: %s\n", err.msg);
		return 1;
	}
	for (start = 1, i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "--") != 0)
			continue;
		if (i > start && run(ctx, i - start, argv + start) < 0) {
			rc = 1;
			break;
		}
		start = i + 1;
	}
	if (xfrm_teardown(ctx, &err) < 0) {
		fprintf(stderr, "xfrmtool: teardown: %s\n", err.msg);
		rc = 1;
	}
	xfrm_close(ctx);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	return rc;
}
