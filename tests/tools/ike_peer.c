/*
 * ike_peer: the IKEv2 engine alone, for interop tests. Initiates to or
 * answers a peer, prints one line per event on stdout (SPIs and algorithm
 * names, never keys), exits after --run seconds or on SIGTERM/SIGINT.
 *
 *   ike_peer --local 10.9.0.1 --remote 10.9.0.2 --psk-file F
 *            --ike aes128-sha1-modp1024 --esp aes128-sha1-modp1024
 *            [--respond] [--port 500] [--natt-port 4500] [--remote-port 500]
 *            [--ike-life S] [--esp-life S] [--dpd INTERVAL,TIMEOUT]
 *            [--run S] [--terminate-at S] [--rekey-child-at S]
 *            [--rekey-ike-at S] [--fast] [-v]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "ike/crypto.h"
#include "ike/ike.h"
#include "lib/ikev2_const.h"
#include "lib/log.h"

struct tool {
	struct event_base	*base;
	struct ike_ctx		*ctx;
	struct ike_peer		*peer;
	unsigned		 ups, child_ups, child_downs;
	uint32_t		 sa_in[16];
	size_t			 nsa;
};

static int
cb_alloc_spi(void *arg, struct ike_peer *p, uint32_t *spi)
{
	(void)arg;
	(void)p;
	do {
		if (ike_random(spi, sizeof(*spi)) < 0)
			return -1;
	} while (*spi < 256);
	return 0;
}

/* The tool's "kernel": which inbound SPIs are installed, to tell a
 * rekey (another pair already in) from a first CHILD SA. */
#define TOOL_MAX_SA	16

static int
cb_child_up(void *arg, struct ike_peer *p, const struct esp_child_sa *sa,
    unsigned dirs)
{
	struct tool *t = arg;
	char l[CGW_ADDRSTRLEN], r[CGW_ADDRSTRLEN];
	bool rekey = t->nsa > 0;

	if (!(dirs & IKE_DIR_IN)) {
		printf("CHILD_OUT %s spi_in=%08x spi_out=%08x\n",
		    ike_peer_name(p), sa->spi_in, sa->spi_out);
		fflush(stdout);
		return 0;
	}
	if (t->nsa < TOOL_MAX_SA)
		t->sa_in[t->nsa++] = sa->spi_in;
	t->child_ups++;
	printf("CHILD_UP %s spi_in=%08x spi_out=%08x alg=%s local=%s remote=%s "
	    "encap=%d ports=%u/%u initiator=%d%s%s",
	    ike_peer_name(p), sa->spi_in, sa->spi_out,
	    sa->alg ? sa->alg->name : "?", addr_fmt(&sa->local, l, sizeof(l)),
	    addr_fmt(&sa->remote, r, sizeof(r)), sa->encap, sa->local_port,
	    sa->remote_port, sa->initiator, rekey ? " rekey" : "",
	    dirs == IKE_DIR_IN ? " inbound-only" : "");
	printf(" enc_len=%zu auth_len=%zu\n", sa->keys_in.enc_len,
	    sa->keys_in.auth_len);
	fflush(stdout);
	return 0;
}

static void
cb_child_down(void *arg, struct ike_peer *p, uint32_t spi_in, uint32_t spi_out,
    const struct cgw_addr *remote, unsigned dirs)
{
	struct tool *t = arg;

	(void)remote;
	if (!(dirs & IKE_DIR_IN))
		return;
	for (size_t i = 0; i < t->nsa; i++)
		if (t->sa_in[i] == spi_in) {
			t->sa_in[i] = t->sa_in[--t->nsa];
			break;
		}
	t->child_downs++;
	printf("CHILD_DOWN %s spi_in=%08x spi_out=%08x\n", ike_peer_name(p),
	    spi_in, spi_out);
	fflush(stdout);
}

static void
cb_peer_state(void *arg, struct ike_peer *p, enum ike_peer_event ev,
    const char *reason)
{
	struct tool *t = arg;

	if (ev == IKE_EV_UP)
		t->ups++;
	printf("EVENT %s %s: %s\n", ike_peer_name(p), ike_peer_event_name(ev),
	    reason ? reason : "");
	fflush(stdout);
}

static void
on_quit(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

enum action { ACT_TERMINATE, ACT_REKEY_CHILD, ACT_REKEY_IKE, ACT_STATUS };

struct timed {
	struct tool	*t;
	enum action	 act;
};

static void
on_action(evutil_socket_t fd, short what, void *arg)
{
	struct timed *a = arg;
	struct ike_status st;

	(void)fd;
	(void)what;
	switch (a->act) {
	case ACT_TERMINATE:
		printf("ACTION terminate\n");
		ike_peer_terminate(a->t->peer);
		break;
	case ACT_REKEY_CHILD:
		printf("ACTION rekey-child\n");
		ike_peer_rekey_child(a->t->peer);
		break;
	case ACT_REKEY_IKE:
		printf("ACTION rekey-ike\n");
		ike_peer_rekey_ike(a->t->peer);
		break;
	case ACT_STATUS:
		ike_peer_status(a->t->peer, &st);
		printf("STATUS state=%s proposal=%s nat=%d/%d children=%zu",
		    st.state, st.proposal, st.nat_local, st.nat_remote,
		    st.n_child);
		for (size_t i = 0; i < st.n_child; i++)
			printf(" [%08x/%08x %s]", st.child[i].spi_in,
			    st.child[i].spi_out, st.child[i].proposal);
		printf("\n");
		break;
	}
	fflush(stdout);
}

static struct timed	 timed[16];
static struct event	*timed_ev[16];
static size_t		 ntimed;

static void
at(struct tool *t, double s, enum action act)
{
	struct timeval tv = { (time_t)s, (suseconds_t)((s - (long)s) * 1e6) };
	struct timed *a;

	if (ntimed >= sizeof(timed) / sizeof(timed[0])) {
		fprintf(stderr, "too many timed actions\n");
		exit(2);
	}
	a = &timed[ntimed];
	a->t = t;
	a->act = act;
	timed_ev[ntimed] = evtimer_new(t->base, on_action, a);
	evtimer_add(timed_ev[ntimed++], &tv);
}

static int
read_psk(const char *file, char *buf, size_t len)
{
	FILE *f = fopen(file, "r");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return (int)n;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", 1, NULL, 'l' }, { "remote", 1, NULL, 'r' },
		{ "psk-file", 1, NULL, 'k' }, { "ike", 1, NULL, 'i' },
		{ "esp", 1, NULL, 'e' }, { "respond", 0, NULL, 'R' },
		{ "port", 1, NULL, 'p' }, { "natt-port", 1, NULL, 'n' },
		{ "remote-port", 1, NULL, 'P' }, { "ike-life", 1, NULL, 'I' },
		{ "esp-life", 1, NULL, 'E' }, { "dpd", 1, NULL, 'd' },
		{ "run", 1, NULL, 't' }, { "terminate-at", 1, NULL, 'T' },
		{ "rekey-child-at", 1, NULL, 'C' }, { "rekey-ike-at", 1, NULL, 'K' },
		{ "status-at", 1, NULL, 'S' }, { "fast", 0, NULL, 'f' },
		{ "dual", 0, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct ike_peer_conf pc;
	char perr[512];
	struct ike_callbacks cb = {
		.alloc_spi = cb_alloc_spi, .child_up = cb_child_up,
		.child_down = cb_child_down, .peer_state = cb_peer_state,
	};
	struct ike_tunables tun;
	struct tool t;
	struct cgw_addr local;
	char psk[256], err[256];
	int c, verbose = 0, psklen = -1;
	uint16_t port = 500, natt = 4500;
	double run = 0;
	struct event *sig1, *sig2, *quit;

	memset(&pc, 0, sizeof(pc));
	pc.replay_window = ESP_DEFAULT_REPLAY;
	memset(&t, 0, sizeof(t));
	memset(&tun, 0, sizeof(tun));
	memset(&local, 0, sizeof(local));
	pc.initiate = true;
	snprintf(pc.name, sizeof(pc.name), "ike_peer");
	t.base = event_base_new();
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!addr_parse(optarg, &local))
				goto usage;
			pc.local = local;
			break;
		case 'r':
			if (!addr_parse(optarg, &pc.remote))
				goto usage;
			break;
		case 'k':
			if ((psklen = read_psk(optarg, psk, sizeof(psk))) <= 0) {
				fprintf(stderr, "cannot read psk file\n");
				return 2;
			}
			break;
		case 'i':
			if (pc.n_ike >= CONF_MAX_PROPOSALS ||
			    conf_proposal_parse(optarg, CONF_SA_IKE,
			    &pc.ike[pc.n_ike++], perr, sizeof(perr)) < 0) {
				fprintf(stderr, "ike_peer: %s\n", perr);
				return 2;
			}
			break;
		case 'e':
			if (pc.n_esp >= CONF_MAX_PROPOSALS ||
			    conf_proposal_parse(optarg, CONF_SA_ESP,
			    &pc.esp[pc.n_esp++], perr, sizeof(perr)) < 0) {
				fprintf(stderr, "ike_peer: %s\n", perr);
				return 2;
			}
			break;
		case 'R': pc.initiate = false; break;
		case 'D': pc.ts_dual = true; break;	/* 0.0.0.0/0 and ::/0 */
		case 'p': port = (uint16_t)atoi(optarg); break;
		case 'n': natt = (uint16_t)atoi(optarg); break;
		case 'P': pc.remote_port = (uint16_t)atoi(optarg); break;
		case 'I': pc.ike_lifetime_s = (uint32_t)atoi(optarg); break;
		case 'E': pc.esp_lifetime_s = (uint32_t)atoi(optarg); break;
		case 'd':
			if (sscanf(optarg, "%u,%u", &pc.dpd_interval_ms,
			    &pc.dpd_timeout_ms) != 2)
				goto usage;
			break;
		case 't': run = atof(optarg); break;
		case 'T': at(&t, atof(optarg), ACT_TERMINATE); break;
		case 'C': at(&t, atof(optarg), ACT_REKEY_CHILD); break;
		case 'K': at(&t, atof(optarg), ACT_REKEY_IKE); break;
		case 'S': at(&t, atof(optarg), ACT_STATUS); break;
		case 'f':
			tun.retransmit_base_ms = 200;
			tun.reinit_min_ms = 200;
			tun.reinit_max_ms = 2000;
			tun.halfopen_s = 5;
			break;
		case 'v': verbose++; break;
		default:
			goto usage;
		}
	}
	if (!addr_is_set(&pc.remote) || psklen <= 0 || !pc.n_ike || !pc.n_esp)
		goto usage;
	pc.psk = psk;
	pc.psk_len = (size_t)psklen;
	log_init(verbose + 2, 0);
	t.ctx = ike_ctx_new(t.base, &cb, &t);
	if (t.ctx == NULL)
		return 2;
	ike_ctx_set_tunables(t.ctx, &tun);
	if (ike_listen(t.ctx, &local, port, natt, err, sizeof(err)) < 0) {
		fprintf(stderr, "listen: %s\n", err);
		return 2;
	}
	if ((t.peer = ike_peer_add(t.ctx, &pc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "peer: %s\n", err);
		return 2;
	}
	explicit_bzero(psk, sizeof(psk));
	sig1 = evsignal_new(t.base, SIGTERM, on_quit, t.base);
	sig2 = evsignal_new(t.base, SIGINT, on_quit, t.base);
	evsignal_add(sig1, NULL);
	evsignal_add(sig2, NULL);
	quit = evtimer_new(t.base, on_quit, t.base);
	if (run > 0) {
		struct timeval tv = { (time_t)run, 0 };
		evtimer_add(quit, &tv);
	}
	event_base_dispatch(t.base);
	ike_ctx_free(t.ctx);
	printf("SUMMARY ups=%u child_ups=%u child_downs=%u\n", t.ups,
	    t.child_ups, t.child_downs);
	event_free(sig1);
	event_free(sig2);
	event_free(quit);
	for (size_t i = 0; i < ntimed; i++)
		event_free(timed_ev[i]);
	event_base_free(t.base);
	return 0;
usage:
	fprintf(stderr, "usage: ike_peer --local A --remote B --psk-file F "
	    "--ike P --esp P [--respond] [--port N] [--natt-port N] "
	    "[--remote-port N] [--ike-life S] [--esp-life S] [--dpd I,T] "
	    "[--run S] [--terminate-at S] [--rekey-child-at S] "
	    "[--rekey-ike-at S] [--status-at S] [--fast] [-v]\n");
	return 2;
}
