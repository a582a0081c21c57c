/*
 * bgp_feed: a fast BGP feeder for tests/bench/bgp-scale.sh. It stands for
 * an on-premises router handing a full table to a LAN neighbor: every
 * UPDATE is built before the session opens, so the feeder itself costs
 * next to nothing while the speaker under test works.
 *
 *   bgp_feed -r REMOTE -a ASN -i ROUTER-ID -n N [-g PER-UPDATE]
 *       [-p PORT] [-k PATHS]
 *
 * Connects to REMOTE:PORT (default 179), opens a session (hold time 90,
 * 4-octet ASNs), then reads commands on stdin, one per line:
 *   announce   N /24s from 1.0.0.0 on, PER-UPDATE (default 500) in each
 *              UPDATE; PATHS (default N/50) distinct AS_PATHs
 *   withdraw   the same prefixes withdrawn, as many per UPDATE
 *   quit
 * and prints "OPEN", "SENT announce N SECONDS CPU", "SENT withdraw N
 * SECONDS CPU" on stdout (CPU: the seconds the feeder itself spent, to
 * show it is not what the receiver waits for). What the speaker sends is read and dropped; a KEEPALIVE
 * leaves every 10 s (a third of the
 * smallest hold time we meet, 30 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HDR	19
#define MAXMSG	4096

struct msgs {
	uint8_t	*p;
	size_t	 len, cap;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bgp_feed -r REMOTE -a ASN -i ROUTER-ID -n N "
	    "[-g PER-UPDATE] [-p PORT] [-k PATHS]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* This process's CPU seconds, user and system. */
static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static uint8_t *
msgs_room(struct msgs *m, size_t n)
{
	uint8_t *np;

	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		if ((np = realloc(m->p, m->cap)) == NULL) {
			perror("bgp_feed: realloc");
			exit(1);
		}
		m->p = np;
	}
	return m->p + m->len;
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* A message of type with body[len], appended. */
static void
msg_add(struct msgs *m, uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t *p = msgs_room(m, HDR + len);

	memset(p, 0xff, 16);
	put16(p + 16, HDR + len);
	p[18] = type;
	memcpy(p + HDR, body, len);
	m->len += HDR + len;
}

static void
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			perror("bgp_feed: write");
			exit(1);
		}
		p += n;
		len -= (size_t)n;
	}
}

/* The nth /24 from 1.0.0.0, as NLRI (length + 3 octets). */
static void
nlri(uint8_t *p, uint32_t i)
{
	uint32_t a = 0x01000000u + (i << 8);

	p[0] = 24;
	p[1] = (uint8_t)(a >> 24);
	p[2] = (uint8_t)(a >> 16);
	p[3] = (uint8_t)(a >> 8);
}

static void
build(struct msgs *ann, struct msgs *wd, uint32_t n, uint32_t per,
    uint32_t paths, uint32_t asn, struct in_addr nh)
{
	uint8_t body[MAXMSG];
	uint32_t i, j, k, u = 0;
	size_t o;

	for (i = 0; i < n; i += per, u++) {
		k = per < n - i ? per : n - i;
		/* ORIGIN, AS_PATH (one sequence of 3), NEXT_HOP */
		o = 0;
		put16(body, 0);
		o = 4;
		body[o++] = 0x40; body[o++] = 1; body[o++] = 1; body[o++] = 0;
		body[o++] = 0x40; body[o++] = 2; body[o++] = 14;
		body[o++] = 2; body[o++] = 3;
		put32(body + o, asn); o += 4;
		/* 64512-64911: never the ASN of the speaker under test */
		put32(body + o, 64512 + u % paths % 400); o += 4;
		put32(body + o, 4200000000u + u % paths); o += 4;
		body[o++] = 0x40; body[o++] = 3; body[o++] = 4;
		memcpy(body + o, &nh, 4); o += 4;
		put16(body + 2, o - 4);
		for (j = 0; j < k; j++, o += 4)
			nlri(body + o, i + j);
		msg_add(ann, 2, body, o);
		/* withdrawn routes, no attributes */
		for (j = 0; j < k; j++)
			nlri(body + 2 + 4 * j, i + j);
		put16(body, 4 * k);
		put16(body + 2 + 4 * k, 0);
		msg_add(wd, 2, body, 4 + 4 * k);
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(179) };
	struct msgs ann = { 0 }, wd = { 0 }, ctl = { 0 };
	struct in_addr id, local;
	socklen_t slen = sizeof(sin);
	struct pollfd pfd[2];
	uint32_t asn = 0, n = 0, per = 500, paths = 0;
	uint8_t open[64], rbuf[65536];
	char line[128];
	double t0, c0, last_ka;
	int ch, fd, one = 1;
	size_t o;

	id.s_addr = 0;
	while ((ch = getopt(argc, argv, "r:a:i:n:g:p:k:")) != -1) {
		switch (ch) {
		case 'r':
			if (inet_pton(AF_INET, optarg, &sin.sin_addr) != 1)
				usage();
			break;
		case 'a': asn = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'i':
			if (inet_pton(AF_INET, optarg, &id) != 1)
				usage();
			break;
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'g': per = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'p': sin.sin_port = htons((uint16_t)atoi(optarg)); break;
		case 'k': paths = (uint32_t)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	/* 4096-octet messages hold at most ~1000 /24s next to the attrs. */
	if (asn == 0 || n == 0 || id.s_addr == 0 || sin.sin_addr.s_addr == 0 ||
	    per == 0 || per > 1000 || n > (1u << 24))
		usage();
	if (paths == 0)
		paths = n / 50 > 0 ? n / 50 : 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("bgp_feed: connect");
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (getsockname(fd, (struct sockaddr *)&sin, &slen) == -1) {
		perror("bgp_feed: getsockname");
		return 1;
	}
	local = sin.sin_addr;
	build(&ann, &wd, n, per, paths, asn, local);

	/* OPEN: version, AS_TRANS or ASN, hold 90, id, capabilities. */
	o = 0;
	open[o++] = 4;
	put16(open + o, asn > 65535 ? 23456 : asn); o += 2;
	put16(open + o, 90); o += 2;
	memcpy(open + o, &id, 4); o += 4;
	open[o++] = 16;			/* optional parameters length */
	open[o++] = 2; open[o++] = 14;	/* capabilities */
	open[o++] = 1; open[o++] = 4;	/* MP IPv4 unicast */
	put16(open + o, 1); o += 2; open[o++] = 0; open[o++] = 1;
	open[o++] = 65; open[o++] = 4;	/* 4-octet AS */
	put32(open + o, asn); o += 4;
	open[o++] = 2; open[o++] = 0;	/* route refresh */
	open[9] = (uint8_t)(o - 10);
	open[11] = (uint8_t)(o - 12);
	msg_add(&ctl, 1, open, o);
	msg_add(&ctl, 4, NULL, 0);
	write_all(fd, ctl.p, ctl.len);
	printf("OPEN\n");
	fflush(stdout);

	last_ka = now();
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = STDIN_FILENO;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, 1000) == -1 && errno != EINTR) {
			perror("bgp_feed: poll");
			return 1;
		}
		if (now() - last_ka > 10) {
			ctl.len = 0;
			msg_add(&ctl, 4, NULL, 0);
			write_all(fd, ctl.p, ctl.len);
			last_ka = now();
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(fd, rbuf, sizeof(rbuf));

			if (r <= 0) {
				fprintf(stderr, "bgp_feed: session closed\n");
				return 1;
			}
		}
		if (!(pfd[1].revents & (POLLIN | POLLHUP)))
			continue;
		if (fgets(line, sizeof(line), stdin) == NULL)
			return 0;
		if (strncmp(line, "announce", 8) == 0) {
			t0 = now();
			c0 = cpu();
			write_all(fd, ann.p, ann.len);
			printf("SENT announce %u %.3f %.3f\n", n, now() - t0,
			    cpu() - c0);
		} else if (strncmp(line, "withdraw", 8) == 0) {
			t0 = now();
			c0 = cpu();
			write_all(fd, wd.p, wd.len);
			printf("SENT withdraw %u %.3f %.3f\n", n, now() - t0,
			    cpu() - c0);
		} else if (strncmp(line, "quit", 4) == 0)
			return 0;
		fflush(stdout);
	}
}
