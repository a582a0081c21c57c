/*
 * seqstream: a one-way sequenced UDP stream, for measuring outages in
 * each direction separately (the lab's failover scenarios).
 *
 *   seqstream send ADDR PORT [PPS] [SECONDS]
 *   seqstream recv [-s STATUSFILE] PORT [SECONDS]
 *
 * The sender sends PPS (default 50, at most 10000) datagrams a second to
 * ADDR:PORT, each carrying a magic, a stream id, a sequence number
 * (from 0) and its send time, until SIGTERM/SIGINT or SECONDS; a sender
 * that fell behind (a stalled VM) does not burst to catch up. At exit it
 * sends three end marks (carrying how many it sent) and prints one line
 * to stdout:
 *
 *   seqstream send: sent=N errors=N
 *
 * The receiver counts the first stream it hears (others are "foreign")
 * until SIGTERM/SIGINT or SECONDS and then prints one line to stdout:
 *
 *   seqstream recv: received=N lost=N sent=N|- dup=N reordered=N
 *     foreign=N max_seq=N gap_ms=X gap_start=T gap_end=T|open
 *     gaps_over_1s=N max_delay_ms=X first=T last=T
 *
 * (one line; T = epoch seconds with milliseconds). lost counts the
 * sequence numbers that never arrived: up to the sender's count if its end
 * mark arrived (sent=N), else up to the highest received. gap_ms is the
 * longest time between two arrivals of new packets; without an end mark,
 * the time from the last arrival to the receiver's end counts too (then
 * gap_end=open). max_delay_ms is the largest one-way delay (sender and
 * receiver share a clock in the lab VM).
 * With -s, STATUSFILE is rewritten every 200 ms: "received=N last=T".
 *
 * Exit status 0, 1 on errors, 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SS_MAGIC	0x53455153u	/* "SEQS" */
#define SS_LEN		64		/* datagram size */
#define SS_HDR		25		/* magic, id, seq, send time, flags */
#define SS_F_END	0x01		/* end mark: seq = packets sent */
#define SS_MAX_PPS	10000
#define SS_MAX_SEQ	(1u << 26)	/* 64 Mi packets: 7 days at 100/s */

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static _Noreturn void
usage(void)
{
	fprintf(stderr, "usage: seqstream send ADDR PORT [PPS] [SECONDS]\n"
	    "       seqstream recv [-s STATUSFILE] PORT [SECONDS]\n");
	exit(2);
}

static int
parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int64_t
ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int64_t
clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ns_of(&ts);
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)(v >> 32));
	put_u32(p + 4, (uint32_t)v);
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static void
ts_add_ns(struct timespec *ts, int64_t ns)
{
	int64_t t = ns_of(ts) + ns;

	ts->tv_sec = (time_t)(t / 1000000000);
	ts->tv_nsec = (long)(t % 1000000000);
}

static int
do_send(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct timespec next, now;
	uint8_t buf[SS_LEN];
	uint32_t id;
	uint64_t seq = 0, errors = 0;
	long port, pps = 50, secs = 0;
	int64_t period, end = 0;
	int fd;

	if (argc < 2 || argc > 4)
		usage();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1 ||
	    parse_num(argv[1], 1, 65535, &port) != 0 ||
	    (argc > 2 && parse_num(argv[2], 1, SS_MAX_PPS, &pps) != 0) ||
	    (argc > 3 && parse_num(argv[3], 1, 30 * 86400, &secs) != 0))
		usage();
	sin.sin_port = htons((uint16_t)port);
	if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
		id = (uint32_t)getpid() ^ (uint32_t)clock_ns(CLOCK_REALTIME);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		perror("seqstream: socket");
		return 1;
	}
	setup_signals();
	period = 1000000000 / pps;
	clock_gettime(CLOCK_MONOTONIC, &next);
	if (secs > 0)
		end = ns_of(&next) + (int64_t)secs * 1000000000;
	memset(buf, 0, sizeof(buf));
	put_u32(buf, SS_MAGIC);
	put_u32(buf + 4, id);
	while (!stop) {
		put_u64(buf + 8, seq);
		put_u64(buf + 16, (uint64_t)clock_ns(CLOCK_REALTIME));
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin,
		    sizeof(sin)) != (ssize_t)sizeof(buf))
			errors++;
		seq++;
		ts_add_ns(&next, period);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (end != 0 && ns_of(&now) >= end)
			break;
		/* Behind by more than a period: start again from now. */
		if (ns_of(&now) - ns_of(&next) > period)
			next = now;
		while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
		    &next, NULL) == EINTR)
			;
	}
	/* The end mark, three times: the receiver learns the count. */
	buf[24] = SS_F_END;
	put_u64(buf + 8, seq);
	for (int i = 0; i < 3; i++) {
		put_u64(buf + 16, (uint64_t)clock_ns(CLOCK_REALTIME));
		(void)sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin,
		    sizeof(sin));
		nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	}
	close(fd);
	printf("seqstream send: sent=%llu errors=%llu\n",
	    (unsigned long long)seq, (unsigned long long)errors);
	return 0;
}

struct recv_state {
	uint8_t		*seen;		/* bitmap of sequence numbers */
	size_t		 seen_len;	/* bytes */
	int		 have_id, ended;
	uint32_t	 id;
	uint64_t	 sent;		/* from the end mark */
	uint64_t	 received, dup, reordered, foreign, unique;
	int64_t		 max_seq;	/* -1: none yet */
	int64_t		 last_mono, last_real, first_real;
	int64_t		 gap_ns, gap_start, gap_end;	/* real times */
	uint64_t	 gaps_over_1s;
	int64_t		 max_delay_ns;
};

/* seen_mark: mark SEQ; 1 if it was new, 0 if a duplicate, -1 on error. */
static int
seen_mark(struct recv_state *st, uint64_t seq)
{
	size_t byte = (size_t)(seq / 8), n;
	uint8_t bit = (uint8_t)(1u << (seq % 8)), *p;

	if (seq >= SS_MAX_SEQ)
		return -1;
	if (byte >= st->seen_len) {
		n = st->seen_len ? st->seen_len : 4096;
		while (n <= byte)
			n *= 2;
		if (n > SS_MAX_SEQ / 8)
			n = SS_MAX_SEQ / 8;
		if ((p = realloc(st->seen, n)) == NULL)
			return -1;
		memset(p + st->seen_len, 0, n - st->seen_len);
		st->seen = p;
		st->seen_len = n;
	}
	if (st->seen[byte] & bit)
		return 0;
	st->seen[byte] |= bit;
	return 1;
}

static void
on_datagram(struct recv_state *st, const uint8_t *p, size_t len)
{
	int64_t mono, real, sent;
	uint64_t seq;
	int r;

	if (len < SS_HDR || get_u32(p) != SS_MAGIC)
		return;
	if (!st->have_id) {
		st->have_id = 1;
		st->id = get_u32(p + 4);
	} else if (get_u32(p + 4) != st->id) {
		st->foreign++;
		return;
	}
	seq = get_u64(p + 8);
	sent = (int64_t)get_u64(p + 16);
	if (p[24] & SS_F_END) {
		st->ended = 1;
		st->sent = seq;
		return;
	}
	mono = clock_ns(CLOCK_MONOTONIC);
	real = clock_ns(CLOCK_REALTIME);
	st->received++;
	if ((r = seen_mark(st, seq)) <= 0) {
		if (r == 0)
			st->dup++;
		else
			st->foreign++;	/* beyond what we track */
		return;
	}
	st->unique++;
	if (st->max_seq >= 0 && (int64_t)seq < st->max_seq)
		st->reordered++;
	if ((int64_t)seq > st->max_seq)
		st->max_seq = (int64_t)seq;
	if (real - sent > st->max_delay_ns)
		st->max_delay_ns = real - sent;
	if (st->last_mono != 0) {
		if (mono - st->last_mono > 1000000000)
			st->gaps_over_1s++;
		if (mono - st->last_mono > st->gap_ns) {
			st->gap_ns = mono - st->last_mono;
			st->gap_start = st->last_real;
			st->gap_end = real;
		}
	} else
		st->first_real = real;
	st->last_mono = mono;
	st->last_real = real;
}

static void
write_status(const char *path, const struct recv_state *st)
{
	char tmp[4096];
	FILE *f;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return;
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "received=%llu last=%lld.%03lld\n",
	    (unsigned long long)st->unique,
	    (long long)(st->last_real / 1000000000),
	    (long long)(st->last_real % 1000000000 / 1000000));
	if (fclose(f) == 0)
		rename(tmp, path);
}

static void
fmt_time(char *buf, size_t len, int64_t ns)
{
	snprintf(buf, len, "%lld.%03lld", (long long)(ns / 1000000000),
	    (long long)(ns % 1000000000 / 1000000));
}

static int
do_recv(int argc, char **argv)
{
	struct recv_state st;
	struct sockaddr_in sin;
	struct pollfd pfd;
	uint8_t buf[2048];
	const char *status = NULL;
	char gs[32], ge[32], fr[32], la[32], sent[32];
	int64_t lost;
	long port, secs = 0;
	int64_t end = 0, next_status = 0, now, open_gap;
	ssize_t n;
	int fd, gap_open = 0;

	if (argc >= 2 && strcmp(argv[0], "-s") == 0) {
		status = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1 || argc > 2 || parse_num(argv[0], 1, 65535, &port) != 0 ||
	    (argc > 1 && parse_num(argv[1], 1, 30 * 86400, &secs) != 0))
		usage();
	memset(&st, 0, sizeof(st));
	st.max_seq = -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((uint16_t)port);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		perror("seqstream: socket/bind");
		return 1;
	}
	setup_signals();
	if (secs > 0)
		end = clock_ns(CLOCK_MONOTONIC) + (int64_t)secs * 1000000000;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop) {
		now = clock_ns(CLOCK_MONOTONIC);
		if (end != 0 && now >= end)
			break;
		if (status != NULL && now >= next_status) {
			write_status(status, &st);
			next_status = now + 200000000;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		/* Drain what is queued, then look at the clock again. */
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
			on_datagram(&st, buf, (size_t)n);
	}
	close(fd);
	if (status != NULL)
		write_status(status, &st);
	/* A stream that stopped arriving unannounced: the gap is open. */
	if (st.last_mono != 0 && !st.ended) {
		open_gap = clock_ns(CLOCK_MONOTONIC) - st.last_mono;
		if (open_gap > st.gap_ns) {
			st.gap_ns = open_gap;
			st.gap_start = st.last_real;
			gap_open = 1;
		}
	}
	fmt_time(gs, sizeof(gs), st.gap_start);
	fmt_time(ge, sizeof(ge), st.gap_end);
	fmt_time(fr, sizeof(fr), st.first_real);
	fmt_time(la, sizeof(la), st.last_real);
	lost = st.max_seq + 1 - (int64_t)st.unique;
	snprintf(sent, sizeof(sent), "-");
	if (st.ended) {
		snprintf(sent, sizeof(sent), "%llu", (unsigned long long)st.sent);
		if ((int64_t)st.sent > st.max_seq + 1)
			lost = (int64_t)st.sent - (int64_t)st.unique;
	}
	printf("seqstream recv: received=%llu lost=%lld sent=%s dup=%llu "
	    "reordered=%llu foreign=%llu max_seq=%lld gap_ms=%.1f gap_start=%s "
	    "gap_end=%s gaps_over_1s=%llu max_delay_ms=%.1f first=%s last=%s\n",
	    (unsigned long long)st.unique, (long long)lost, sent,
	    (unsigned long long)st.dup, (unsigned long long)st.reordered,
	    (unsigned long long)st.foreign, (long long)st.max_seq,
	    (double)st.gap_ns / 1e6, st.gap_ns ? gs : "-",
	    gap_open ? "open" : (st.gap_ns ? ge : "-"),
	    (unsigned long long)st.gaps_over_1s,
	    (double)st.max_delay_ns / 1e6, st.unique ? fr : "-",
	    st.unique ? la : "-");
	free(st.seen);
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "send") == 0)
		return do_send(argc - 2, argv + 2);
	if (strcmp(argv[1], "recv") == 0)
		return do_recv(argc - 2, argv + 2);
	usage();
	return 2;
}
