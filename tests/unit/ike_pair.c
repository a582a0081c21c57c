/*
 * The stepped two-engine harness (ike_pair.h): recording callbacks, the
 * datagram queue between the engines and the scheduler that moves both
 * manual clocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/crypto.h"
#include "lib/clock.h"
#include "lib/ikev2_const.h"
#include "lib/log.h"
#include "tests/unit/ike_pair.h"

/* Far from 0, so no "unset" time value is ever mistaken for now. */
#define PAIR_EPOCH_MS	1000000

/* ---- recording callbacks --------------------------------------------- */

static int
pair_alloc_spi(void *arg, struct ike_peer *p, uint32_t *spi)
{
	struct pair_side *s = arg;

	(void)p;
	s->spis++;
	do {
		ike_random(spi, sizeof(*spi));
	} while (*spi < 256);
	return 0;
}

int
pair_sa_find(const struct pair_side *s, uint32_t spi_in)
{
	for (size_t i = 0; i < s->nsa; i++)
		if (s->sa[i].spi_in == spi_in)
			return (int)i;
	return -1;
}

/* A half already in is an engine bug: the kernel would refuse it too. */
static int
pair_child_up(void *arg, struct ike_peer *p, const struct esp_child_sa *sa,
    unsigned dirs)
{
	struct pair_side *s = arg;
	int i = pair_sa_find(s, sa->spi_in);

	(void)p;
	if (s->refuse_install) {
		s->refused++;
		return s->refuse_install;
	}
	if (i >= 0) {
		assert_int_equal(s->dirs[i] & dirs, 0);
		s->dirs[i] |= dirs;
		return 0;
	}
	s->ups++;
	if (s->nsa > 0)
		s->rekeys++;
	assert_true(s->nsa < PAIR_MAX_SA);
	s->dirs[s->nsa] = dirs;
	s->sa[s->nsa++] = *sa;
	return 0;
}

static void
pair_release_spi(void *arg, struct ike_peer *p, uint32_t spi)
{
	struct pair_side *s = arg;

	(void)p;
	(void)spi;
	s->released++;
}

static void
pair_child_down(void *arg, struct ike_peer *p, uint32_t spi_in,
    uint32_t spi_out, const struct cgw_addr *remote, unsigned dirs)
{
	struct pair_side *s = arg;
	int i = pair_sa_find(s, spi_in);

	(void)p;
	(void)remote;
	if (i < 0 || s->sa[i].spi_out != spi_out)
		return;
	s->dirs[i] &= ~dirs;
	if (s->dirs[i])
		return;
	s->downs++;
	s->nsa--;
	s->sa[i] = s->sa[s->nsa];
	s->dirs[i] = s->dirs[s->nsa];
}

static void
pair_peer_state(void *arg, struct ike_peer *p, enum ike_peer_event ev,
    const char *reason)
{
	struct pair_side *s = arg;

	s->ev[ev]++;
	s->nsa_at_ev[ev] = s->nsa;
	s->nout_at_ev[ev] = 0;
	for (size_t i = 0; i < s->nsa; i++)
		if (s->dirs[i] & IKE_DIR_OUT)
			s->nout_at_ev[ev]++;
	s->usable_at_ev[ev] = ike_peer_usable(p);
	snprintf(s->reason[ev], sizeof(s->reason[ev]), "%s",
	    reason ? reason : "");
}

static int
pair_child_bytes(void *arg, struct ike_peer *p, uint32_t spi, unsigned dir,
    uint64_t *bytes)
{
	struct pair_side *s = arg;

	(void)p;
	(void)spi;
	if (!s->esp_counters)
		return -1;
	*bytes = dir == IKE_DIR_IN ? s->esp_in : s->esp_out;
	return 0;
}

static const struct ike_callbacks pair_cbs = {
	.child_bytes = pair_child_bytes,
	.alloc_spi = pair_alloc_spi,
	.child_up = pair_child_up,
	.child_down = pair_child_down,
	.peer_state = pair_peer_state,
	.release_spi = pair_release_spi,
};

/* ---- the wire ----------------------------------------------------------- */

static struct pair_side *
pair_side_at(struct ike_pair *pr, const struct cgw_addr *a, uint16_t port)
{
	if (pr->a.port == port && addr_eq(&pr->a.addr, a))
		return &pr->a;
	if (pr->b.port == port && addr_eq(&pr->b.addr, a))
		return &pr->b;
	return NULL;
}

static void
pair_enqueue(struct ike_pair *pr, const struct pair_dgram *d)
{
	if (pr->nq == pr->qcap) {
		pr->qcap = pr->qcap ? 2 * pr->qcap : 16;
		assert_non_null(pr->q = realloc(pr->q, pr->qcap * sizeof(*pr->q)));
	}
	pr->q[pr->nq] = *d;
	assert_non_null(pr->q[pr->nq].p = malloc(d->len ? d->len : 1));
	memcpy(pr->q[pr->nq].p, d->p, d->len);
	pr->nq++;
}

/* xorshift64*: reproducible loss and jitter. */
static uint64_t
pair_rand(struct ike_pair *pr)
{
	uint64_t x = pr->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	pr->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void
pair_seed(struct ike_pair *pr, uint64_t seed)
{
	pr->rng = seed ? seed : 1;
}

static int
pair_send(void *arg, const struct ike_dgram *out)
{
	struct pair_side *s = arg;
	struct ike_pair *pr = s->pair;
	struct pair_dgram d = {
		.from = s, .src = *out->local, .sport = out->local_port,
		.dst = *out->remote, .dport = out->remote_port,
		.p = (uint8_t *)out->p, .len = out->len,
	};

	pr->sent++;
	if ((d.to = pair_side_at(pr, &d.dst, d.dport)) == NULL) {
		pr->lost++;
		return 0;
	}
	if (s->path.blocked || (s->path.loss_pct &&
	    pair_rand(pr) % 100 < s->path.loss_pct)) {
		s->path_lost++;
		return 0;
	}
	d.due_ms = pr->now_ms + s->path.delay_ms;
	if (s->path.jitter_ms) {
		uint64_t j = pair_rand(pr) % (2 * s->path.jitter_ms + 1);

		d.due_ms = d.due_ms + j >= s->path.jitter_ms ?
		    d.due_ms + j - s->path.jitter_ms : pr->now_ms;
	}
	pair_enqueue(pr, &d);
	return 0;
}

static void
pair_remove(struct ike_pair *pr, size_t i, struct pair_dgram *out)
{
	assert_true(i < pr->nq);
	*out = pr->q[i];
	memmove(&pr->q[i], &pr->q[i + 1], (pr->nq - i - 1) * sizeof(*pr->q));
	pr->nq--;
}

/* Work due now on every running side (deferred tasks, expired timers). */
void
pair_kick(struct ike_pair *pr)
{
	if (!pr->a.paused)
		cgw_clock_advance(pr->a.clock, 0);
	if (!pr->b.paused)
		cgw_clock_advance(pr->b.clock, 0);
}

static void
pair_deliver(struct ike_pair *pr, size_t i)
{
	struct pair_dgram d;

	pair_remove(pr, i, &d);
	pr->delivered++;
	log_debug("pair", "%s -> %s: exchange %u %s, %zu bytes, t=%llu ms",
	    d.from->name, d.to->name, pair_exch(&d),
	    pair_is_response(&d) ? "response" : "request", d.len,
	    (unsigned long long)(pr->now_ms - PAIR_EPOCH_MS));
	assert_int_equal(ike_ctx_input(d.to->ctx, &d.dst, d.dport, &d.src,
	    d.sport, d.p, d.len), 0);
	free(d.p);
}

/* ---- setup -------------------------------------------------------------- */

void
pair_tunables(struct ike_tunables *t)
{
	memset(t, 0, sizeof(*t));
	t->retransmit_base_ms = 100;
	t->retransmit_tries = 4;
	t->halfopen_s = 5;
	t->reinit_min_ms = 100;
	t->reinit_max_ms = 400;
	t->child_retry_min_ms = 100;
	t->child_retry_max_ms = 800;
	t->retire_ms = 50;
	t->dup_settle_ms = 100;
}

static void
pair_side_init(struct ike_pair *pr, struct pair_side *s, const char *name,
    uint16_t port)
{
	struct ike_tunables tun;
	struct ike_io io;
	char err[128];

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->pair = pr;
	s->port = port;
	io.send = pair_send;
	io.arg = s;
	assert_true(addr_parse("127.0.0.1", &s->addr));
	assert_non_null(s->clock = cgw_clock_new_manual(pr->now_ms));
	assert_non_null(s->ctx = ike_ctx_new_with(NULL, &pair_cbs, s, s->clock,
	    &io));
	pair_tunables(&tun);
	ike_ctx_set_tunables(s->ctx, &tun);
	assert_int_equal(ike_listen(s->ctx, &s->addr, port, 0, err,
	    sizeof(err)), 0);
}

void
pair_init(struct ike_pair *pr)
{
	log_init(getenv("IKE_TEST_VERBOSE") ? 2 : -1, 0);
	memset(pr, 0, sizeof(*pr));
	pr->now_ms = PAIR_EPOCH_MS;
	pr->rng = 0x9e3779b97f4a7c15ULL;
	pair_side_init(pr, &pr->a, "A", 500);
	pair_side_init(pr, &pr->b, "B", 1500);
}

void
pair_free(struct ike_pair *pr)
{
	ike_ctx_free(pr->a.ctx);
	ike_ctx_free(pr->b.ctx);
	cgw_clock_free(pr->a.clock);
	cgw_clock_free(pr->b.clock);
	for (size_t i = 0; i < pr->nq; i++)
		free(pr->q[i].p);
	free(pr->q);
	memset(pr, 0, sizeof(*pr));
}

struct ike_peer *
pair_peer_add(struct pair_side *s, struct ike_peer_conf *pc, bool initiate)
{
	struct pair_side *o = s == &s->pair->a ? &s->pair->b : &s->pair->a;
	char err[128];

	snprintf(pc->name, sizeof(pc->name), "%s", s->name);
	pc->local = s->addr;
	pc->remote = o->addr;
	pc->remote_port = o->port;
	pc->initiate = initiate;
	s->peer = ike_peer_add(s->ctx, pc, err, sizeof(err));
	if (s->peer == NULL)
		fail_msg("%s: %s", s->name, err);
	return s->peer;
}

void
pair_proposal(struct conf_proposal *p, const char *text, uint16_t encr,
    uint16_t keybits, uint16_t integ, uint16_t prf, uint16_t dh)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->text, sizeof(p->text), "%s", text);
	p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_ENCR, encr, keybits };
	if (integ)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_INTEG, integ, 0 };
	if (prf)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_PRF, prf, 0 };
	if (dh)
		p->xf[p->nxf++] = (struct conf_xform){ IKEV2_XFORM_DH, dh, 0 };
}

/* ---- stepping ----------------------------------------------------------- */

bool
pair_step(struct ike_pair *pr)
{
	pair_kick(pr);
	for (size_t i = 0; i < pr->nq; i++)
		if (!pr->q[i].to->paused && pr->q[i].due_ms <= pr->now_ms) {
			pair_deliver(pr, i);
			pair_kick(pr);
			return true;
		}
	return false;
}

size_t
pair_run(struct ike_pair *pr)
{
	size_t n = 0;

	while (pair_step(pr))
		n++;
	return n;
}

/* Earliest timer of the running sides. */
static bool
pair_next_due(const struct ike_pair *pr, uint64_t *due)
{
	const struct pair_side *sides[] = { &pr->a, &pr->b };
	uint64_t t;
	bool any = false;

	for (size_t i = 0; i < 2; i++)
		if (!sides[i]->paused && cgw_clock_next(sides[i]->clock, &t) &&
		    (!any || t < *due)) {
			*due = t;
			any = true;
		}
	/* Datagrams still on the wire arrive in time order too. */
	for (size_t i = 0; i < pr->nq; i++)
		if (!pr->q[i].to->paused && (!any || pr->q[i].due_ms < *due)) {
			*due = pr->q[i].due_ms;
			any = true;
		}
	return any;
}

/* World time to `to`, firing what falls due on the way. */
static void
pair_move(struct ike_pair *pr, uint64_t to)
{
	if (!pr->a.paused)
		cgw_clock_advance(pr->a.clock, to - pr->now_ms);
	if (!pr->b.paused)
		cgw_clock_advance(pr->b.clock, to - pr->now_ms);
	pr->now_ms = to;
}

bool
pair_run_until(struct ike_pair *pr, pair_cond *cond, uint64_t ms)
{
	uint64_t end = pr->now_ms + ms, due = 0;

	for (;;) {
		do {
			if (cond && cond(pr))
				return true;
		} while (pair_step(pr));
		if (!pair_next_due(pr, &due) || due > end)
			break;
		/* Only what is due at `due` fires: one instant at a time, so
		 * the two sides' timers interleave in time order. */
		pair_move(pr, due);
	}
	pair_move(pr, end);
	return cond ? cond(pr) : true;
}

void
pair_advance(struct ike_pair *pr, uint64_t ms)
{
	pair_run_until(pr, NULL, ms);
}

void
pair_pause(struct pair_side *s)
{
	s->paused = true;
}

void
pair_resume(struct pair_side *s)
{
	struct ike_pair *pr = s->pair;

	s->paused = false;
	cgw_clock_skip(s->clock, pr->now_ms - cgw_clock_now_ms(s->clock));
	/* As on waking, the loop reads the socket before its timers. */
	for (size_t i = 0; i < pr->nq; )
		if (pr->q[i].to == s && pr->q[i].due_ms <= pr->now_ms)
			pair_deliver(pr, i);
		else
			i++;
	pair_kick(pr);
}

/* ---- the queue ---------------------------------------------------------- */

size_t
pair_queued(const struct ike_pair *pr)
{
	return pr->nq;
}

const struct pair_dgram *
pair_peek(const struct ike_pair *pr, size_t i)
{
	assert_true(i < pr->nq);
	return &pr->q[i];
}

/* The IKE header, past the non-ESP marker when there is one (a real
 * initiator SPI is never zero). */
static const uint8_t *
pair_hdr(const struct pair_dgram *d)
{
	const uint8_t *p = d->p;
	size_t len = d->len;

	if (len >= 4 && memcmp(p, "\0\0\0\0", 4) == 0) {
		p += 4;
		len -= 4;
	}
	assert_true(len >= IKEV2_HDR_LEN);
	return p;
}

uint8_t
pair_exch(const struct pair_dgram *d)
{
	return pair_hdr(d)[18];
}

bool
pair_is_response(const struct pair_dgram *d)
{
	return (pair_hdr(d)[19] & IKEV2_FLAG_RESPONSE) != 0;
}

void
pair_drop(struct ike_pair *pr, size_t i)
{
	struct pair_dgram d;

	pair_remove(pr, i, &d);
	free(d.p);
}

void
pair_dup(struct ike_pair *pr, size_t i)
{
	struct pair_dgram d;

	assert_true(i < pr->nq);
	d = pr->q[i];
	pair_enqueue(pr, &d);
}

void
pair_swap(struct ike_pair *pr, size_t i, size_t j)
{
	struct pair_dgram t;

	assert_true(i < pr->nq && j < pr->nq);
	t = pr->q[i];
	pr->q[i] = pr->q[j];
	pr->q[j] = t;
}

/* ---- assertions --------------------------------------------------------- */

void
pair_assert_child_match(const struct ike_pair *pr)
{
	const struct esp_child_sa *a = &pr->a.sa[0], *b = &pr->b.sa[0];

	assert_int_equal(pr->a.nsa, 1);
	assert_int_equal(pr->b.nsa, 1);
	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_ptr_equal(a->alg, b->alg);
	assert_int_equal(a->keys_in.enc_len, b->keys_out.enc_len);
	assert_memory_equal(a->keys_in.enc, b->keys_out.enc, a->keys_in.enc_len);
	assert_memory_equal(a->keys_out.enc, b->keys_in.enc, a->keys_out.enc_len);
	assert_memory_not_equal(a->keys_in.enc, a->keys_out.enc,
	    a->keys_in.enc_len);
	assert_true(a->initiator != b->initiator);
}
