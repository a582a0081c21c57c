/*
 * Two IKE engines wired back to back for unit tests, in the manner of
 * strongSwan's exchange_test_helper: no sockets, no wall clock. What one
 * engine sends waits in a queue until the test delivers it; each engine
 * has its own manual clock, which moves only when the test advances the
 * pair. A test can therefore step an exchange message by message, lose,
 * duplicate or reorder a message, and cover minutes of lifetimes and
 * retransmissions in milliseconds.
 *
 * Time: the pair has one "world" time; the clock of a running side
 * follows it. A paused side is frozen like a stopped process: it neither
 * receives nor fires timers; on resume its clock jumps to world time, it
 * reads what queued up for it, then its overdue timers fire late.
 */
#ifndef CGW_TESTS_UNIT_IKE_PAIR_H
#define CGW_TESTS_UNIT_IKE_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike.h"
#include "lib/addr.h"

#define PAIR_MAX_SA	16

struct ike_pair;

/* One engine and what its callbacks recorded. */
struct pair_side {
	const char		*name;		/* "A", "B": also the peer name */
	struct ike_pair		*pair;
	struct cgw_clock	*clock;
	struct ike_ctx		*ctx;
	struct ike_peer		*peer;
	struct cgw_addr		 addr;
	uint16_t		 port;
	bool			 paused;
	unsigned		 ev[IKE_EV_MAX];	/* peer_state calls */
	char			 reason[IKE_EV_MAX][512];	/* last of each */
	size_t			 nsa_at_ev[IKE_EV_MAX];	/* "kernel" SAs then */
	size_t			 nout_at_ev[IKE_EV_MAX];	/* with their outbound half */
	bool			 usable_at_ev[IKE_EV_MAX];
	unsigned		 spis;		/* alloc_spi calls */
	unsigned		 ups, downs, rekeys;
	/* The "kernel": CHILD SAs with the halves installed (IKE_DIR_*). */
	size_t			 nsa;
	struct esp_child_sa	 sa[PAIR_MAX_SA];
	unsigned		 dirs[PAIR_MAX_SA];
	/* What child_up answers: 0, or an IKE_INSTALL_* refusal. */
	int			 refuse_install;
	unsigned		 refused;	/* child_up calls refused */
	unsigned		 released;	/* release_spi calls */
	/* Kernel ESP byte counters the engine reads (child_bytes), when
	 * esp_counters is set; the test moves them. */
	bool			 esp_counters;
	uint64_t		 esp_in, esp_out;
	/* The path from this side to the other: datagrams lost with
	 * probability loss_pct %, delayed delay_ms +- jitter_ms (uniform);
	 * `blocked` loses everything. */
	struct {
		unsigned	 loss_pct;
		unsigned	 delay_ms, jitter_ms;
		bool		 blocked;
	}			 path;
	unsigned		 path_lost;
};

/* A datagram on its way, as on the wire. */
struct pair_dgram {
	struct pair_side	*from, *to;
	struct cgw_addr		 src, dst;
	uint16_t		 sport, dport;
	uint8_t			*p;
	size_t			 len;
	uint64_t		 due_ms;	/* world time it arrives */
};

struct ike_pair {
	struct pair_side	 a, b;
	uint64_t		 now_ms;	/* world time */
	struct pair_dgram	*q;
	size_t			 nq, qcap;
	unsigned		 sent, delivered, lost;	/* lost: nobody there */
	uint64_t		 rng;		/* path loss and jitter */
};

typedef bool	pair_cond(struct ike_pair *);

/* What the engine tests use: 100 ms retransmissions, 4 tries, 5 s
 * half-open, re-initiation between 100 and 400 ms, CHILD retries between
 * 100 and 800 ms, old inbound SAs kept 50 ms, duplicates settled after
 * 100 ms. */
void	pair_tunables(struct ike_tunables *);
/* A on 127.0.0.1:500, B on 127.0.0.1:1500, both with pair_tunables and
 * no peer yet. Logs only with IKE_TEST_VERBOSE set. */
void	pair_init(struct ike_pair *);
/* Frees both engines (their teardown DELETEs are dropped) and the queue. */
void	pair_free(struct ike_pair *);
/* Adds the side's peer towards the other side: the name, addresses,
 * remote port and `initiate` of pc are set here, the rest is the test's. */
/* The side's CHILD SA with inbound SPI `spi_in` in its "kernel": its
 * index, or -1. */
int	pair_sa_find(const struct pair_side *, uint32_t spi_in);
struct ike_peer *pair_peer_add(struct pair_side *, struct ike_peer_conf *pc,
	    bool initiate);

/* A proposal of IANA transforms (0 = transform left out). */
void	pair_proposal(struct conf_proposal *, const char *text, uint16_t encr,
	    uint16_t keybits, uint16_t integ, uint16_t prf, uint16_t dh);

/* Runs what is due now on the running sides; delivers nothing. */
void	pair_kick(struct ike_pair *);
/* Delivers the first datagram whose receiver runs, after anything due
 * now; false when there was none. */
bool	pair_step(struct ike_pair *);
/* Steps until nothing is left to deliver or due now. Returns the count. */
size_t	pair_run(struct ike_pair *);
/* Runs while world time moves `ms` forward, timer by timer. */
void	pair_advance(struct ike_pair *, uint64_t ms);
/* As pair_advance, stopping as soon as cond holds (checked after every
 * delivery and timer); returns cond at the end. */
bool	pair_run_until(struct ike_pair *, pair_cond *, uint64_t ms);

/* Seeds the path model's random numbers (a fixed seed by default). */
void	pair_seed(struct ike_pair *, uint64_t);

void	pair_pause(struct pair_side *);
void	pair_resume(struct pair_side *);

/* The queue, oldest first. */
size_t	pair_queued(const struct ike_pair *);
const struct pair_dgram *pair_peek(const struct ike_pair *, size_t i);
/* IKE header fields of a queued datagram (after any non-ESP marker). */
uint8_t	pair_exch(const struct pair_dgram *);
bool	pair_is_response(const struct pair_dgram *);
void	pair_drop(struct ike_pair *, size_t i);
/* A copy of datagram i, queued last: it arrives again later. */
void	pair_dup(struct ike_pair *, size_t i);
void	pair_swap(struct ike_pair *, size_t i, size_t j);

/* The two ends of their only CHILD SA pair agree on SPIs, algorithm and
 * keys (cmocka assertions). */
void	pair_assert_child_match(const struct ike_pair *);

#endif
