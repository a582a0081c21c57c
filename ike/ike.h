/*
 * The IKEv2 engine (RFC 7296), PSK site-to-site, driven by libevent.
 *
 * The engine owns its UDP sockets (500 and 4500) and its timers; it never
 * touches the kernel's SA database. When a CHILD SA is negotiated it hands
 * a complete struct esp_child_sa to the daemon through child_up, and asks
 * the daemon for inbound SPIs through alloc_spi (XFRM ALLOCSPI).
 */
#ifndef CGW_IKE_IKE_H
#define CGW_IKE_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "esp/esp.h"
#include "lib/addr.h"

struct cgw_clock;
struct event_base;
struct ike_ctx;
struct ike_peer;

#define IKE_MAX_ID_LEN		255
#define IKE_STATUS_MAX_CHILD	8

/* Why peer_state was called. */
enum ike_peer_event {
	IKE_EV_UP = 0,		/* IKE SA established (not repeated on rekeys) */
	IKE_EV_DEAD,		/* DPD or retransmission timeout */
	IKE_EV_DELETED,		/* the peer deleted the IKE SA, or we did */
	IKE_EV_AUTH_FAILED,	/* either side rejected the PSK / ID */
	IKE_EV_NO_PROPOSAL,	/* no common IKE or ESP proposal */
	IKE_EV_TS_UNACCEPTABLE,	/* traffic selectors refused */
	IKE_EV_EXPIRED,		/* hard lifetime reached without rekey */
	IKE_EV_ERROR,		/* anything else that failed the SA */
	IKE_EV_CHILD_UP,	/* a CHILD SA of the peer is in the kernel */
	IKE_EV_CHILD_DOWN,	/* the last usable CHILD SA is gone; IKE SA kept */
	IKE_EV_KERNEL,		/* the kernel refused a CHILD SA */
	IKE_EV_MAX,
};

const char	*ike_peer_event_name(enum ike_peer_event);

/* Directions of a CHILD SA pair, for install and removal. */
#define IKE_DIR_IN	0x1
#define IKE_DIR_OUT	0x2
#define IKE_DIR_BOTH	(IKE_DIR_IN | IKE_DIR_OUT)

/* What child_up returns when it fails. */
#define IKE_INSTALL_FAILED	(-1)	/* answered TEMPORARY_FAILURE */
#define IKE_INSTALL_UNSUPPORTED	(-2)	/* algorithm missing: NO_PROPOSAL_CHOSEN */

/*
 * The engine owns every CHILD SA and the state of each of its halves in
 * the kernel; the daemon only translates these calls into kernel
 * operations and keeps no SA state of its own.
 */
struct ike_callbacks {
	/* Reserve an inbound ESP SPI (host order). 0 on success, -1 fails
	 * the exchange (it is retried later). */
	int	(*alloc_spi)(void *cbarg, struct ike_peer *, uint32_t *spi);
	/*
	 * Put the `dirs` halves of a CHILD SA pair into the kernel. 0 on
	 * success; on failure nothing of the call may remain installed and
	 * the result is IKE_INSTALL_FAILED or IKE_INSTALL_UNSUPPORTED. `sa`
	 * holds keys: the engine wipes it after the call returns.
	 */
	int	(*child_up)(void *cbarg, struct ike_peer *,
		    const struct esp_child_sa *sa, unsigned dirs);
	/* Remove the `dirs` halves of a CHILD SA pair from the kernel.
	 * Unknown SPIs are not an error. */
	void	(*child_down)(void *cbarg, struct ike_peer *, uint32_t spi_in,
		    uint32_t spi_out, const struct cgw_addr *remote,
		    unsigned dirs);
	/* A reserved SPI that never became an SA (negotiation failed). May
	 * be NULL. */
	void	(*release_spi)(void *cbarg, struct ike_peer *, uint32_t spi);
	/*
	 * Something an operator or BGP cares about happened. Failures of
	 * attempts that never authenticated come here too, as hints: the
	 * daemon judges the tunnel by ike_peer_usable(), not by the event.
	 */
	void	(*peer_state)(void *cbarg, struct ike_peer *,
		    enum ike_peer_event, const char *reason);
	/*
	 * Optional (may be NULL): bytes through a CHILD SA half so far
	 * (kernel counter), `dir` IKE_DIR_IN (spi ours) or IKE_DIR_OUT (the
	 * peer's). With a long liveness interval, inbound ESP stopping while
	 * outbound goes on brings the next probe forward. -1: unknown.
	 */
	int	(*child_bytes)(void *cbarg, struct ike_peer *, uint32_t spi,
		    unsigned dir, uint64_t *bytes);
};

/* Identity; type 0 means "my / the peer's IP address". */
struct ike_id {
	uint8_t		type;		/* IKEV2_ID_* */
	size_t		len;
	uint8_t		data[IKE_MAX_ID_LEN];
};

struct ike_peer_conf {
	char			 name[2 * CONF_NAME_MAX + 1];	/* "aws-prod/t1" */
	struct cgw_addr		 local;
	struct cgw_addr		 remote;
	uint16_t		 remote_port;	/* 0 = 500 */
	const char		*psk;		/* copied; the copy is wiped */
	size_t			 psk_len;
	/* Offered in this order; each holds IANA transforms. */
	size_t			 n_ike;
	struct conf_proposal	 ike[CONF_MAX_PROPOSALS];
	size_t			 n_esp;
	struct conf_proposal	 esp[CONF_MAX_PROPOSALS];
	uint32_t		 ike_lifetime_s;	/* 0 = 28800 */
	uint32_t		 esp_lifetime_s;	/* 0 = 3600 */
	/* Liveness: a probe every interval; dead when no answer to any of
	 * our requests came for the timeout. */
	uint32_t		 dpd_interval_ms;	/* 0 = no liveness checks */
	uint32_t		 dpd_timeout_ms;
	uint32_t		 replay_window;		/* packets; 0 = no replay protection */
	bool			 initiate;	/* we initiate and keep it up */
	struct ike_id		 local_id;	/* type 0 = local address */
	struct ike_id		 remote_id;	/* type 0 = remote address */
	/* Inbound traffic of the CHILD SA we propose, both 0.0.0.0/0 (or
	 * ::/0) when af is AF_UNSPEC: route-based tunnels. */
	struct cgw_prefix	 ts_local;
	struct cgw_prefix	 ts_remote;
};


/* Protocol timers; tests shorten them. Lifetimes and DPD come from the
 * peer conf. */
struct ike_tunables {
	unsigned	retransmit_base_ms;	/* 0 = 1000 */
	unsigned	retransmit_tries;	/* 0 = 5 */
	unsigned	halfopen_s;		/* 0 = 30 */
	unsigned	reinit_min_ms;		/* 0 = 1000 */
	unsigned	reinit_max_ms;		/* 0 = 30000 */
	unsigned	natt_keepalive_s;	/* 0 = 20 */
	unsigned	cookie_threshold;	/* half-open SAs before cookies; 0 = 10 */
	unsigned	cookie_threshold_peer;	/* and from one peer's address; 0 = 3 */
	unsigned	halfopen_per_peer;	/* from one peer's address; 0 = 5 */
	unsigned	halfopen_max;		/* in all, oldest out; 0 = 1024 */
	unsigned	dh_per_s;		/* IKE_SA_INIT DH per peer and second; 0 = 5 */
	unsigned	cookies_per_s;		/* COOKIE answers per peer and second; 0 = 50 */
	unsigned	child_retry_min_ms;	/* refused CHILD SA: first retry; 0 = 2000 */
	unsigned	child_retry_max_ms;	/* and the cap; 0 = 120000 */
	unsigned	retire_ms;		/* old inbound SA kept after a rekey; 0 = 5000 */
	unsigned	dup_settle_ms;		/* two IKE SAs: wait before choosing; 0 = 2000 */
	bool		cookies_always;		/* demand a cookie from everyone */
};

/* One datagram as on the wire: on a NAT-T port `p` starts with the
 * 4-byte non-ESP marker, a NAT keepalive is the single byte 0xff. */
struct ike_dgram {
	const struct cgw_addr	*local;
	uint16_t		 local_port;
	const struct cgw_addr	*remote;
	uint16_t		 remote_port;
	const uint8_t		*p;
	size_t			 len;
};

/* Where datagrams leave. A test captures them here and hands the other
 * engine's answers to ike_ctx_input. */
struct ike_io {
	int	(*send)(void *arg, const struct ike_dgram *);	/* 0 or -1 */
	void	*arg;
};

/* Timers on the loop's clock, datagrams through UDP sockets. */
struct ike_ctx	*ike_ctx_new(struct event_base *, const struct ike_callbacks *,
		    void *cbarg);
/*
 * clock NULL: the loop's, as ike_ctx_new (base is then required). io
 * NULL or without send: UDP sockets. With a send hook, ike_listen opens
 * no socket: it only names the local address and (non-zero) ports that
 * ike_ctx_input accepts, and base may be NULL. The clock is not owned.
 */
struct ike_ctx	*ike_ctx_new_with(struct event_base *,
		    const struct ike_callbacks *, void *cbarg,
		    struct cgw_clock *, const struct ike_io *);
/* A datagram (as on the wire) arrived at local:local_port, where
 * ike_listen is listening. -1 when nothing listens there. */
int		 ike_ctx_input(struct ike_ctx *, const struct cgw_addr *local,
		    uint16_t local_port, const struct cgw_addr *from,
		    uint16_t from_port, const uint8_t *, size_t);
void		 ike_ctx_set_tunables(struct ike_ctx *, const struct ike_tunables *);
void		 ike_ctx_free(struct ike_ctx *);
/* Open UDP `port` (IKE) and `natt_port` (IKE + ESP-in-UDP, UDP_ENCAP) on
 * `local` (AF_UNSPEC = any, IPv4). natt_port 0 = no NAT-T socket. May be
 * called once per local address. */
int		 ike_listen(struct ike_ctx *, const struct cgw_addr *local,
		    uint16_t port, uint16_t natt_port, char *err, size_t errlen);
/*
 * Where ike_listen gets its sockets when the process may not bind them
 * itself (privsep/: no CAP_NET_BIND_SERVICE, no CAP_NET_ADMIN for
 * SO_RCVBUFFORCE): a UDP socket bound to local:port with a receive
 * buffer of rcvbuf bytes and, natt, UDP_ENCAP; the fd, or -1 with err.
 * NULL: ike_listen makes them itself.
 */
typedef int	(*ike_sock_fn)(void *arg, const struct cgw_addr *local,
		    uint16_t port, bool natt, int rcvbuf, char *err,
		    size_t errlen);
void		 ike_set_sock_fn(struct ike_ctx *, ike_sock_fn, void *arg);
/* Close the sockets on `local` (its address went away); a later
 * ike_listen on it opens them again, and IKE SAs that used them send
 * through the new ones. */
void		 ike_unlisten(struct ike_ctx *, const struct cgw_addr *local);
/* Whether IKE sockets are open on `local`. */
bool		 ike_listening(struct ike_ctx *, const struct cgw_addr *local);
/* The port actually bound (useful with port 0 in tests). */
uint16_t	 ike_local_port(struct ike_ctx *, bool natt);

/* NULL with a reason in err if the conf is unusable. Initiates at once
 * when conf->initiate is set. */
struct ike_peer	*ike_peer_add(struct ike_ctx *, const struct ike_peer_conf *,
		    char *err, size_t errlen);
/* Tears down (DELETE sent, best effort), calls child_down for every
 * CHILD SA, frees. */
void		 ike_peer_remove(struct ike_peer *);
const char	*ike_peer_name(const struct ike_peer *);
void		*ike_peer_get_data(const struct ike_peer *);
void		 ike_peer_set_data(struct ike_peer *, void *);
struct ike_peer	*ike_peer_find(struct ike_ctx *, const char *name);

/* Start (or restart) negotiation now; also re-arms keep-up for initiate. */
int		 ike_peer_initiate(struct ike_peer *);
/* Send DELETE, drop the SAs; no automatic re-initiation until
 * ike_peer_initiate. */
int		 ike_peer_terminate(struct ike_peer *);
int		 ike_peer_rekey_child(struct ike_peer *);
int		 ike_peer_rekey_ike(struct ike_peer *);
/* An authenticated IKE SA with a CHILD SA in the kernel: the tunnel can
 * carry traffic. Only this, never an event, makes a tunnel up. */
bool		 ike_peer_usable(const struct ike_peer *);
/* The engine keeps (re-)initiating this peer. */
bool		 ike_peer_keeps_up(const struct ike_peer *);

struct ike_child_status {
	uint32_t	spi_in, spi_out;
	char		proposal[64];
	uint32_t	age_s;
	int32_t		rekey_in_s;
};

/*
 * What the engine did for one peer since it was added, for counters and
 * metrics: only ever incremented, never reset while the peer exists.
 */
struct ike_counters {
	uint64_t	exchanges;	/* requests we sent (not retransmissions) */
	uint64_t	retransmissions;
	uint64_t	dpd_probes;	/* liveness requests (empty INFORMATIONAL) */
	uint64_t	dpd_misses;	/* IKE SAs declared dead by liveness */
	uint64_t	ike_rekeys;	/* IKE SAs replaced by a rekey */
	uint64_t	child_rekeys;	/* CHILD SAs replaced by a rekey */
	uint64_t	init_dropped;	/* IKE_SA_INIT from its address over
					 * the per-source limits */
};

struct ike_status {
	char			state[24];	/* "established", "connecting", ... */
	char			proposal[96];	/* negotiated IKE SA suite */
	uint64_t		spi_i, spi_r;
	uint32_t		age_s;
	int32_t			rekey_in_s;
	bool			nat_local, nat_remote;	/* NAT in front of us / them */
	bool			initiator;
	unsigned		n_ike;		/* established IKE SAs: 1 when all is well */
	size_t			n_child;
	struct ike_child_status	child[IKE_STATUS_MAX_CHILD];
	char			last_error[128];
	struct ike_counters	ctr;
};

void		 ike_peer_status(const struct ike_peer *, struct ike_status *);

#endif
