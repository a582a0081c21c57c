/*
 * ike_flood: IKE_SA_INIT requests as fast as asked, for hostile-input
 * tests. The engine builds one real request (its send hook captures the
 * first datagram, nothing else goes out); the tool then sends copies with
 * a random initiator SPI each, at --rate a second for --duration seconds,
 * over a plain UDP socket, and prints what it achieved:
 *
 *   FLOOD sent=N errors=N seconds=S rate=R target=T len=L
 *
 *   ike_flood --local A --remote B --ike P [--esp P] [--port N]
 *             [--remote-port N] [--rate N] [--duration S]
 *
 * --local is the address the request claims (NAT-D) and the socket binds
 * (port --port, default 0 = any: cgwd matches a peer by address alone).
 * The NAT-D hashes are those of the first SPI, so they do not match the
 * copies: cgwd sees a NAT, which changes nothing for a half-open SA.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "ike/ike.h"
#include "lib/log.h"

struct capture {
	uint8_t	p[4096];
	size_t	len;
};

static int
cap_send(void *arg, const struct ike_dgram *d)
{
	struct capture *c = arg;

	if (c->len == 0 && d->len <= sizeof(c->p)) {
		memcpy(c->p, d->p, d->len);
		c->len = d->len;
	}
	return 0;
}

static int
cb_alloc_spi(void *arg, struct ike_peer *p, uint32_t *spi)
{
	(void)arg;
	(void)p;
	*spi = 0x1000;
	return 0;
}

static int
cb_child_up(void *arg, struct ike_peer *p, const struct esp_child_sa *sa,
    unsigned dirs)
{
	(void)arg;
	(void)p;
	(void)sa;
	(void)dirs;
	return 0;
}

static void
cb_child_down(void *arg, struct ike_peer *p, uint32_t in, uint32_t out,
    const struct cgw_addr *r, unsigned dirs)
{
	(void)arg;
	(void)p;
	(void)in;
	(void)out;
	(void)r;
	(void)dirs;
}

static void
cb_peer_state(void *arg, struct ike_peer *p, enum ike_peer_event ev,
    const char *reason)
{
	(void)arg;
	(void)p;
	(void)ev;
	(void)reason;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: SPIs need to differ, not to be secret. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* The first IKE_SA_INIT the engine sends for this conf. */
static int
build_init(struct ike_peer_conf *pc, struct capture *cap)
{
	struct ike_callbacks cb = {
		.alloc_spi = cb_alloc_spi, .child_up = cb_child_up,
		.child_down = cb_child_down, .peer_state = cb_peer_state,
	};
	struct ike_io io = { .send = cap_send, .arg = cap };
	struct event_base *base = event_base_new();
	struct ike_ctx *ctx;
	char err[256];
	int i;

	if (base == NULL ||
	    (ctx = ike_ctx_new_with(base, &cb, NULL, NULL, &io)) == NULL)
		return -1;
	if (ike_listen(ctx, &pc->local, 500, 0, err, sizeof(err)) < 0 ||
	    ike_peer_add(ctx, pc, err, sizeof(err)) == NULL) {
		fprintf(stderr, "ike_flood: %s\n", err);
		return -1;
	}
	for (i = 0; i < 100 && cap->len == 0; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ike_ctx_free(ctx);
	event_base_free(base);
	return cap->len ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", 1, NULL, 'l' }, { "remote", 1, NULL, 'r' },
		{ "ike", 1, NULL, 'i' }, { "esp", 1, NULL, 'e' },
		{ "port", 1, NULL, 'p' }, { "remote-port", 1, NULL, 'P' },
		{ "rate", 1, NULL, 'R' }, { "duration", 1, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static const char psk[] = "ike_flood: no IKE_AUTH ever follows";
	struct ike_peer_conf pc;
	struct capture cap;
	struct sockaddr_in sl, sr;
	char perr[512];
	double rate = 10000, dur = 20, t0, now, el;
	unsigned long long sent = 0, errors = 0;
	uint16_t port = 0, rport = 500;
	uint64_t seed;
	int c, fd;

	memset(&pc, 0, sizeof(pc));
	memset(&cap, 0, sizeof(cap));
	snprintf(pc.name, sizeof(pc.name), "ike_flood");
	pc.initiate = true;
	pc.replay_window = ESP_DEFAULT_REPLAY;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!addr_parse(optarg, &pc.local))
				goto usage;
			break;
		case 'r':
			if (!addr_parse(optarg, &pc.remote))
				goto usage;
			break;
		case 'i':
		case 'e':
			if ((c == 'i' ? pc.n_ike : pc.n_esp) >= CONF_MAX_PROPOSALS ||
			    conf_proposal_parse(optarg,
			    c == 'i' ? CONF_SA_IKE : CONF_SA_ESP,
			    c == 'i' ? &pc.ike[pc.n_ike++] : &pc.esp[pc.n_esp++],
			    perr, sizeof(perr)) < 0) {
				fprintf(stderr, "ike_flood: %s\n", perr);
				return 2;
			}
			break;
		case 'p': port = (uint16_t)atoi(optarg); break;
		case 'P': rport = (uint16_t)atoi(optarg); break;
		case 'R': rate = atof(optarg); break;
		case 'd': dur = atof(optarg); break;
		default:
			goto usage;
		}
	}
	if (!addr_is_set(&pc.local) || !addr_is_set(&pc.remote) ||
	    pc.local.af != AF_INET || pc.remote.af != AF_INET || !pc.n_ike ||
	    rate <= 0)
		goto usage;
	if (!pc.n_esp && conf_proposal_parse("aes128-sha1-modp1024",
	    CONF_SA_ESP, &pc.esp[pc.n_esp++], perr, sizeof(perr)) < 0)
		return 2;
	pc.psk = psk;
	pc.psk_len = sizeof(psk) - 1;
	log_init(0, 0);
	if (build_init(&pc, &cap) < 0) {
		fprintf(stderr, "ike_flood: the engine sent no IKE_SA_INIT\n");
		return 2;
	}

	memset(&sl, 0, sizeof(sl));
	sl.sin_family = AF_INET;
	sl.sin_port = htons(port);
	memcpy(&sl.sin_addr, &pc.local.v4, 4);
	memset(&sr, 0, sizeof(sr));
	sr.sin_family = AF_INET;
	sr.sin_port = htons(rport);
	memcpy(&sr.sin_addr, &pc.remote.v4, 4);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sl, sizeof(sl)) < 0 ||
	    connect(fd, (struct sockaddr *)&sr, sizeof(sr)) < 0) {
		perror("ike_flood: socket");
		return 2;
	}
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed) || seed == 0)
		seed = (uint64_t)time(NULL) | 1;

	t0 = mono();
	while ((el = (now = mono()) - t0) < dur) {
		/* Catch up with the schedule, then sleep a millisecond. */
		while ((double)sent < el * rate) {
			uint64_t spi;

			do {
				spi = rnd(&seed);
			} while (spi == 0);
			memcpy(cap.p, &spi, 8);
			if (send(fd, cap.p, cap.len, 0) < 0) {
				errors++;
				if (errno != ENOBUFS && errno != EAGAIN &&
				    errno != ECONNREFUSED)
					break;
			}
			sent++;
			if (mono() - t0 >= dur)
				break;
		}
		usleep(1000);
	}
	el = mono() - t0;
	printf("FLOOD sent=%llu errors=%llu seconds=%.1f rate=%.0f target=%.0f "
	    "len=%zu\n", sent, errors, el, (double)sent / el, rate, cap.len);
	close(fd);
	return 0;
usage:
	fprintf(stderr, "usage: ike_flood --local A --remote B --ike P [--esp P] "
	    "[--port N] [--remote-port N] [--rate N] [--duration S]\n");
	return 2;
}
