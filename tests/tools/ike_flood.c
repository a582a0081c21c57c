/*
 * ike_flood: IKE_SA_INIT requests as fast as asked, for hostile-input
 * tests. The engine builds one real request (its send hook captures the
 * first datagram, nothing else goes out); the tool then sends copies with
 * a random initiator SPI, nonce and (MODP) KE value each, so that every
 * one is new work for the responder, at --rate a second for --duration
 * seconds over a plain UDP socket, and prints what it achieved and what
 * came back:
 *
 *   FLOOD sent=N errors=N seconds=S rate=R target=T len=L new=N echoed=N
 *         resp_cookie=N resp_init=N resp_notify=N resp_none=N
 *
 *   ike_flood --local A --remote B --ike P [--esp P] [--port N]
 *             [--remote-port N] [--rate N] [--duration S] [--echo-cookie]
 *
 * --echo-cookie plays the attacker on the path, who sees the responder's
 * COOKIE notify and so can answer it: each COOKIE reply is sent back as
 * its request again (same SPI and nonce, the cookie first), ahead of new
 * requests, within the same --rate. The nonce and KE value derive from
 * the SPI, so no request needs remembering. resp_init counts IKE_SA_INIT
 * answers (the responder did a DH), resp_notify other notifies
 * (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, ...), resp_none the requests
 * nothing answered (dropped, or the answer came after the end).
 *
 * --local is the address the request claims (NAT-D) and the socket binds
 * (port --port, default 0 = any: cgwd matches a peer by address alone).
 * The NAT-D hashes are those of the first SPI, so they do not match the
 * copies: the responder sees a NAT, which changes nothing for a half-open
 * SA.
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
#include "lib/ikev2_const.h"
#include "lib/log.h"

#define COOKIE_MAX	64	/* RFC 7296 3.10.1: 1 to 64 octets */
#define ECHO_QUEUE	4096	/* COOKIE replies waiting to be echoed */
#define BATCH		32	/* datagrams a sendmmsg */

struct capture {
	uint8_t	p[4096];
	size_t	len;
};

/* Where the request's nonce and KE value sit, to vary them. */
struct layout {
	size_t	nonce_off, nonce_len;
	size_t	ke_off, ke_len;
	bool	ke_modp;	/* any value below the prime will do */
};

struct echo {
	uint64_t	spi;
	uint8_t		cookie[COOKIE_MAX];
	size_t		len;
};

struct counts {
	unsigned long long	sent, errors, fresh, echoed;
	unsigned long long	cookie, init, notify;
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


/* Walks the captured request's payload chain for Ni and KE. */
static int
find_layout(const struct capture *c, struct layout *l)
{
	size_t off = IKEV2_HDR_LEN;
	uint8_t next = c->p[16];

	memset(l, 0, sizeof(*l));
	while (next != 0) {
		size_t plen;

		if (off + 4 > c->len)
			return -1;
		plen = (size_t)c->p[off + 2] << 8 | c->p[off + 3];
		if (plen < 4 || off + plen > c->len)
			return -1;
		if (next == IKEV2_PLD_NONCE) {
			l->nonce_off = off + 4;
			l->nonce_len = plen - 4;
		} else if (next == IKEV2_PLD_KE && plen > 8) {
			uint16_t g = (uint16_t)(c->p[off + 4] << 8 | c->p[off + 5]);

			l->ke_off = off + 8;
			l->ke_len = plen - 8;
			l->ke_modp = g == 1 || g == 2 || g == 5 ||
			    (g >= 14 && g <= 18);
		}
		next = c->p[off];
		off += plen;
	}
	return l->nonce_len ? 0 : -1;
}

/* n bytes from the generator, eight a step. */
static void
fill(uint8_t *p, size_t n, uint64_t *s)
{
	uint64_t v;

	while (n > 0) {
		size_t c = n < 8 ? n : 8;

		v = rnd(s);
		memcpy(p, &v, c);
		p += c;
		n -= c;
	}
}

/*
 * The request for SPI `spi` into `out`: the captured one with its nonce
 * and (MODP) KE value drawn from a generator seeded by the SPI, and
 * `cookie` as the first payload when given. Returns its length.
 */
static size_t
make_req(const struct capture *c, const struct layout *l, uint64_t spi,
    const uint8_t *cookie, size_t clen, uint8_t *out)
{
	size_t add = cookie ? 8 + clen : 0, len = c->len + add;
	uint64_t s = spi ^ 0x9e3779b97f4a7c15ULL;

	memcpy(out, c->p, IKEV2_HDR_LEN);
	memcpy(out, &spi, 8);
	if (cookie) {
		uint8_t *n = out + IKEV2_HDR_LEN;

		out[16] = IKEV2_PLD_NOTIFY;
		n[0] = c->p[16];
		n[1] = 0;
		n[2] = (uint8_t)((8 + clen) >> 8);
		n[3] = (uint8_t)(8 + clen);
		n[4] = 0;	/* protocol */
		n[5] = 0;	/* SPI size */
		n[6] = (uint8_t)(IKEV2_N_COOKIE >> 8);
		n[7] = (uint8_t)IKEV2_N_COOKIE;
		memcpy(n + 8, cookie, clen);
	}
	memcpy(out + IKEV2_HDR_LEN + add, c->p + IKEV2_HDR_LEN,
	    c->len - IKEV2_HDR_LEN);
	out[24] = (uint8_t)(len >> 24);
	out[25] = (uint8_t)(len >> 16);
	out[26] = (uint8_t)(len >> 8);
	out[27] = (uint8_t)len;
	fill(out + add + l->nonce_off, l->nonce_len, &s);
	if (l->ke_modp) {
		fill(out + add + l->ke_off, l->ke_len, &s);
		/* Below the prime (all MODP primes start with 64 one bits),
		 * above 1. */
		out[add + l->ke_off] &= 0x7f;
		out[add + l->ke_off] |= 0x40;
	}
	return len;
}

/*
 * Reads what came back, without waiting: counts each answer by kind and
 * queues the COOKIE replies for echoing (when `q` is given).
 */
static void
drain(int fd, struct counts *k, struct echo *q, size_t *qhead, size_t *qn)
{
	uint8_t b[4096];
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) >= 0) {
		size_t plen;

		if ((size_t)n < IKEV2_HDR_LEN + 8 || b[18] !=
		    IKEV2_EXCH_IKE_SA_INIT || !(b[19] & IKEV2_FLAG_RESPONSE))
			continue;
		if (b[16] != IKEV2_PLD_NOTIFY) {
			k->init++;
			continue;
		}
		plen = (size_t)b[IKEV2_HDR_LEN + 2] << 8 | b[IKEV2_HDR_LEN + 3];
		if ((b[IKEV2_HDR_LEN + 6] << 8 | b[IKEV2_HDR_LEN + 7]) !=
		    IKEV2_N_COOKIE) {
			k->notify++;
			continue;
		}
		k->cookie++;
		if (q == NULL || plen < 9 || plen - 8 > COOKIE_MAX ||
		    IKEV2_HDR_LEN + plen > (size_t)n || *qn == ECHO_QUEUE)
			continue;
		struct echo *e = &q[(*qhead + *qn) % ECHO_QUEUE];

		memcpy(&e->spi, b, 8);
		e->len = plen - 8;
		memcpy(e->cookie, b + IKEV2_HDR_LEN + 8, e->len);
		(*qn)++;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", 1, NULL, 'l' }, { "remote", 1, NULL, 'r' },
		{ "ike", 1, NULL, 'i' }, { "esp", 1, NULL, 'e' },
		{ "port", 1, NULL, 'p' }, { "remote-port", 1, NULL, 'P' },
		{ "rate", 1, NULL, 'R' }, { "duration", 1, NULL, 'd' },
		{ "echo-cookie", 0, NULL, 'E' }, { NULL, 0, NULL, 0 },
	};
	static const char psk[] = "ike_flood: no IKE_AUTH ever follows";
	struct ike_peer_conf pc;
	struct capture cap;
	struct sockaddr_in sl, sr;
	char perr[512];
	static struct echo q[ECHO_QUEUE];
	static uint8_t out[BATCH][4096 + 8 + COOKIE_MAX];
	static struct mmsghdr mm[BATCH];
	static struct iovec iov[BATCH];
	static unsigned long long errs[256];
	struct layout lay;
	struct counts k;
	double rate = 10000, dur = 20, t0, el;
	uint16_t port = 0, rport = 500;
	uint64_t seed;
	size_t qhead = 0, qn = 0, len;
	bool echo = false;
	int c, fd;

	memset(&k, 0, sizeof(k));

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
		case 'E': echo = true; break;
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
	if (find_layout(&cap, &lay) < 0) {
		fprintf(stderr, "ike_flood: no nonce in the engine's request\n");
		return 2;
	}

	t0 = mono();
	while ((el = mono() - t0) < dur) {
		/* Catch up with the schedule in batches of BATCH datagrams
		 * (one sendmmsg each: the guest's emulated CPUs make every
		 * system call dear), then sleep a millisecond. */
		while ((double)k.sent < el * rate) {
			double due = el * rate - (double)k.sent;
			unsigned nb = due < BATCH ? (unsigned)due + 1 : BATCH, i;
			int r;

			drain(fd, &k, echo ? q : NULL, &qhead, &qn);
			for (i = 0; i < nb; i++) {
				if (qn > 0) {
					struct echo *e = &q[qhead];

					len = make_req(&cap, &lay, e->spi,
					    e->cookie, e->len, out[i]);
					qhead = (qhead + 1) % ECHO_QUEUE;
					qn--;
					k.echoed++;
				} else {
					uint64_t spi;

					do {
						spi = rnd(&seed);
					} while (spi == 0);
					len = make_req(&cap, &lay, spi, NULL, 0,
					    out[i]);
					k.fresh++;
				}
				memset(&mm[i], 0, sizeof(mm[i]));
				iov[i].iov_base = out[i];
				iov[i].iov_len = len;
				mm[i].msg_hdr.msg_iov = &iov[i];
				mm[i].msg_hdr.msg_iovlen = 1;
			}
			/* A short count means the next one failed: go on from
			 * there, so that its error shows; what the kernel
			 * refused is counted, not retried. */
			for (i = 0; i < nb; ) {
				if ((r = sendmmsg(fd, mm + i, nb - i, 0)) > 0) {
					i += (unsigned)r;
					k.sent += (unsigned)r;
					continue;
				}
				k.errors++;
				if (errno < (int)(sizeof(errs) / sizeof(errs[0])))
					errs[errno]++;
				if (errno != ENOBUFS && errno != EAGAIN &&
				    errno != ECONNREFUSED)
					goto done;
				i++;
				k.sent++;
			}
			if ((el = mono() - t0) >= dur)
				break;
		}
		drain(fd, &k, echo ? q : NULL, &qhead, &qn);
		usleep(1000);
	}
done:
	el = mono() - t0;
	for (size_t e = 0; e < sizeof(errs) / sizeof(errs[0]); e++)
		if (errs[e])
			fprintf(stderr, "ike_flood: %llu x %s\n", errs[e],
			    strerror((int)e));
	/* Answers still on their way. */
	usleep(200000);
	drain(fd, &k, NULL, &qhead, &qn);
	printf("FLOOD sent=%llu errors=%llu seconds=%.1f rate=%.0f target=%.0f "
	    "len=%zu new=%llu echoed=%llu resp_cookie=%llu resp_init=%llu "
	    "resp_notify=%llu resp_none=%llu\n", k.sent, k.errors, el,
	    (double)k.sent / el, rate, cap.len, k.fresh, k.echoed, k.cookie,
	    k.init, k.notify, k.sent - (k.cookie + k.init + k.notify <= k.sent ?
	    k.cookie + k.init + k.notify : k.sent));
	close(fd);
	return 0;
usage:
	fprintf(stderr, "usage: ike_flood --local A --remote B --ike P [--esp P] "
	    "[--port N] [--remote-port N] [--rate N] [--duration S]\n"
	    "                 [--echo-cookie]\n");
	return 2;
}
