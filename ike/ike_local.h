/*
 * Private structures of the IKEv2 engine: the context, peers, IKE SAs,
 * CHILD SAs, parsed messages and the functions the ike/ files share.
 */
#ifndef CGW_IKE_IKE_LOCAL_H
#define CGW_IKE_IKE_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>

#include "ike/crypto.h"
#include "ike/ike.h"
#include "lib/ikev2_const.h"
#include "lib/buf.h"

struct cgw_clock;
struct cgw_timer;
struct event;

#define IKE_MAX_PROPS		16	/* parsed from one SA payload */
#define IKE_MAX_NOTIFY		16
#define IKE_MAX_DELETE		4
#define IKE_MAX_TS		4
#define IKE_MAX_SOCKS		32	/* 500 + 4500 for each of CGWD_MAX_IKE_ADDRS */
#define IKE_MAX_MSG		65535
#define IKE_READ_BATCH		64	/* datagrams a socket turn */
#define IKE_DEFER_MAX		2048	/* an IKE_SA_INIT held back that long */
#define IKE_RCVBUF		(4 << 20)
#define IKE_COOKIE_LEN		(1 + 32)

/* ---- names (ikev2_names.c) --------------------------------------- */
const char	*ike_exch_name(uint8_t);
const char	*ike_pld_name(uint8_t);
const char	*ike_notify_name(uint16_t);
const char	*ike_xform_name(uint8_t type, uint16_t id);
const char	*ike_proto_name(uint8_t);

/* ---- parsed messages (ikev2_pld.c) -------------------------------- */
struct ike_hdr {
	uint64_t	spi_i, spi_r;
	uint8_t		next;
	uint8_t		version;
	uint8_t		exch;
	uint8_t		flags;
	uint32_t	mid;
	uint32_t	length;
};

struct ike_prop {
	uint8_t		num;
	uint8_t		proto;
	uint8_t		spi_size;
	uint64_t	spi;
	size_t		nxf;
	struct conf_xform xf[CONF_MAX_XFORMS];
};

struct ike_notify {
	uint8_t		proto;
	uint8_t		spi_size;
	uint16_t	type;
	uint64_t	spi;
	const uint8_t	*data;
	size_t		len;
};

struct ike_delete {
	uint8_t		proto;
	uint8_t		spi_size;
	uint16_t	num;
	const uint8_t	*spis;		/* num * spi_size bytes */
};

struct ike_ts_list {
	size_t		n;
	struct esp_ts	ts[IKE_MAX_TS];
};

struct ike_id_pld {
	uint8_t		type;
	const uint8_t	*body;		/* type, 3 reserved, data: for AUTH */
	size_t		body_len;
	const uint8_t	*data;
	size_t		len;
};

struct ike_payloads {
	uint32_t	seen;		/* bit per payload type - 32 */
	size_t		nprops;
	struct ike_prop	props[IKE_MAX_PROPS];
	uint16_t	ke_group;
	const uint8_t	*ke;
	size_t		ke_len;
	const uint8_t	*nonce;
	size_t		nonce_len;
	struct ike_id_pld idi, idr;
	uint8_t		auth_method;
	const uint8_t	*auth;
	size_t		auth_len;
	size_t		nnotify;
	struct ike_notify notify[IKE_MAX_NOTIFY];
	size_t		ndelete;
	struct ike_delete del[IKE_MAX_DELETE];
	struct ike_ts_list tsi, tsr;
	bool		has_sk;
	uint8_t		sk_next;
	size_t		sk_off;
	uint8_t		unsupported_critical;	/* 0 = none */
};

#define IKE_SEEN(pl, t)		((pl)->seen & (1u << ((t) - 32)))

enum ike_parse_result {
	IKE_PARSE_OK = 0,
	IKE_PARSE_DROP,		/* malformed header: drop silently */
	IKE_PARSE_SYNTAX,	/* malformed payloads: INVALID_SYNTAX */
	IKE_PARSE_CRITICAL,	/* unknown critical payload */
};

int	ike_hdr_parse(const uint8_t *, size_t, struct ike_hdr *);
/* Parses the payload chain starting with `first`; stops after SK. */
enum ike_parse_result ike_pld_parse(uint8_t first, const uint8_t *p,
	    size_t len, size_t base_off, struct ike_payloads *);
/* One SA payload body into props (at most IKE_MAX_PROPS; more are ignored). */
int	ike_pld_parse_sa(const uint8_t *, size_t, struct ike_prop *,
	    size_t *nprops);
const struct ike_notify *ike_pld_notify(const struct ike_payloads *,
	    uint16_t type);
/* First error notify (type < 16384), or NULL. */
const struct ike_notify *ike_pld_error(const struct ike_payloads *);

/* ---- building (ikev2_msg.c) --------------------------------------- */
struct ike_bld {
	struct wbuf	*w;
	size_t		 next_off;	/* where the next payload type goes */
	bool		 first_set;
	uint8_t		 first;		/* type of the first payload */
	size_t		 cur;
};

void	ike_bld_init(struct ike_bld *, struct wbuf *, bool has_hdr);
void	ike_bld_hdr(struct wbuf *, uint64_t spi_i, uint64_t spi_r,
	    uint8_t exch, uint8_t flags, uint32_t mid);
void	ike_bld_begin(struct ike_bld *, uint8_t type);
void	ike_bld_end(struct ike_bld *);
void	ike_bld_notify(struct ike_bld *, uint8_t proto, uint8_t spi_size,
	    uint64_t spi, uint16_t type, const void *data, size_t len);
/* One or more proposals; spi_size 0, 4 or 8. */
void	ike_bld_sa(struct ike_bld *, const struct ike_prop *, size_t n);
void	ike_bld_ke(struct ike_bld *, uint16_t group, const uint8_t *, size_t);
void	ike_bld_nonce(struct ike_bld *, const uint8_t *, size_t);
void	ike_bld_id(struct ike_bld *, uint8_t pld, const uint8_t *body, size_t);
void	ike_bld_auth(struct ike_bld *, uint8_t method, const uint8_t *, size_t);
void	ike_bld_ts(struct ike_bld *, uint8_t pld, const struct esp_ts *);
/* Two ranges in one payload when extra is not NULL. */
void	ike_bld_ts2(struct ike_bld *, uint8_t pld, const struct esp_ts *,
	    const struct esp_ts *extra);
void	ike_bld_delete(struct ike_bld *, uint8_t proto, const uint32_t *spis,
	    size_t n);

/* ---- proposals (ike_proposal.c) ----------------------------------- */
/* What one negotiated SA uses. */
struct ike_suite {
	uint16_t	encr, keybits, prf, integ, dh;
	bool		esn;
};

/* Our offers: conf proposals as wire proposals (numbered from 1). */
size_t	ike_prop_from_conf(const struct conf_proposal *, size_t n,
	    uint8_t proto, uint64_t spi, uint8_t spi_size, bool with_dh,
	    struct ike_prop *out);
/* Responder: first peer proposal acceptable to one of ours. need_dh: a
 * DH transform is required (IKE, PFS); ignore_dh: the IKE_AUTH child.
 * Returns the index in `peer` or -1; `sel` gets the single-transform
 * answer. */
int	ike_prop_select(const struct ike_prop *peer, size_t npeer,
	    const struct ike_prop *ours, size_t nours, uint8_t proto,
	    bool need_dh, bool ignore_dh, struct ike_prop *sel,
	    struct ike_suite *);
/* Initiator: the responder's single choice must be one we offered. */
int	ike_prop_check_reply(const struct ike_prop *reply,
	    const struct ike_prop *ours, size_t nours, bool ignore_dh,
	    struct ike_suite *);
void	ike_suite_fmt(const struct ike_suite *, bool ike, char *, size_t);
/* First DH group of our first proposal that has one; 0 if none. */
uint16_t ike_prop_first_dh(const struct ike_prop *, size_t);
bool	ike_prop_has_dh(const struct ike_prop *, size_t, uint16_t group);

/* ---- the engine ---------------------------------------------------- */
struct ike_sock {
	int		 fd;		/* -1 with a send hook */
	uint32_t	 rx_dropped;	/* the kernel's SO_RXQ_OVFL count */
	bool		 open;		/* false once its address went away */
	struct event	*ev;
	bool		 natt;		/* 4500: non-ESP marker */
	struct cgw_addr	 local;
	uint16_t	 port;
	struct ike_ctx	*ctx;
};

enum ike_sa_state {
	IKE_S_IDLE = 0,
	IKE_S_INIT_SENT,	/* initiator: waiting for IKE_SA_INIT reply */
	IKE_S_AUTH_SENT,	/* initiator: waiting for IKE_AUTH reply */
	IKE_S_INIT_RCVD,	/* responder: half-open */
	IKE_S_ESTABLISHED,
	IKE_S_REKEYED,		/* replaced; waiting for its DELETE */
	IKE_S_DELETING,		/* our DELETE sent */
	IKE_S_DEAD,
};

enum ike_child_state {
	CHILD_S_NEW = 0,	/* negotiated, not yet in the kernel */
	CHILD_S_INSTALLED,
	CHILD_S_REKEYING,
	CHILD_S_REKEYED,	/* replaced; waiting for the DELETE */
	CHILD_S_DELETING,
	CHILD_S_RETIRED,	/* outbound gone; inbound kept a moment for
				   packets the peer sent before it switched */
	CHILD_S_MAX,
};

struct ike_sa;

/*
 * A CHILD SA and the one record of its halves in the kernel: `installed`
 * says which are there. The daemon keeps none of this.
 */
struct ike_child {
	TAILQ_ENTRY(ike_child) entry;
	struct ike_sa		*sa;		/* NULL once retired */
	struct ike_peer		*peer;
	enum ike_child_state	 state;		/* ike_child_set_state() only */
	unsigned		 installed;	/* IKE_DIR_* in the kernel */
	/* Rekeyed by the peer: our outbound half waits until the peer lets
	 * go of `replaces` (it cannot decrypt the new SA before it has our
	 * response), holding the keys until then. */
	struct esp_child_sa	*pending_out;
	struct ike_child	*replaces;
	struct cgw_addr		 remote;	/* of its SAs, for removal */
	struct cgw_timer	*retire_ev;
	uint32_t		 spi_in, spi_out;
	struct ike_suite	 suite;
	char			 proposal[64];
	struct esp_ts		 ts_local, ts_remote;
	bool			 ts_dual;	/* the other family's whole range too */
	bool			 initiator;
	time_t			 created;
	time_t			 rekey_at;
	struct cgw_timer	*rekey_ev;	/* soft: start a rekey */
	struct cgw_timer	*expire_ev;	/* hard */
	/* Collision bookkeeping (2.8.1): the lowest nonce of the exchange
	 * that created this SA. */
	uint8_t			 nonce_min[IKE_NONCE_LEN];
	size_t			 nonce_min_len;
	struct ike_child	*replaced_by_peer;	/* peer's rekey of us */
};
TAILQ_HEAD(ike_children, ike_child);

enum ike_req_kind {
	IKE_REQ_NONE = 0,
	IKE_REQ_INIT,
	IKE_REQ_AUTH,
	IKE_REQ_REKEY_CHILD,
	IKE_REQ_REKEY_IKE,
	IKE_REQ_DPD,
	IKE_REQ_DELETE_CHILD,
	IKE_REQ_DELETE_IKE,
	IKE_REQ_NEW_CHILD,
};

/* Queued wishes, started when the window (size 1) is free. */
struct ike_task {
	TAILQ_ENTRY(ike_task)	 entry;
	enum ike_req_kind	 kind;
	uint32_t		 spi_in;	/* child tasks */
};
TAILQ_HEAD(ike_tasks, ike_task);

/*
 * One exchange we started, from the moment its request is being built
 * until its answer was handled or it failed: everything it reserved
 * (the inbound SPI, the DH key, the message for retransmission) is
 * released in one place, ike_xchg_end(), unless a CHILD SA took it.
 */
struct ike_xchg {
	enum ike_req_kind	 kind;		/* IKE_REQ_NONE: no request */
	uint32_t		 mid;
	struct wbuf		 msg;		/* as sent, for retransmission */
	unsigned		 tries;
	uint64_t		 start_ms;
	struct ike_child	*child;		/* being rekeyed / deleted */
	uint32_t		 spi_in;	/* reserved inbound SPI; 0 once taken */
	uint8_t			 nonce[IKE_NONCE_LEN];
	struct ike_dh		*dh;
	uint64_t		 new_spi;	/* IKE rekey: our new SPI */
	struct ike_prop		 props[CONF_MAX_PROPOSALS];
	size_t			 nprops;
};

struct ike_sa {
	TAILQ_ENTRY(ike_sa)	 entry;
	struct ike_peer		*peer;
	enum ike_sa_state	 state;
	bool			 initiator;	/* original initiator of this SA */
	uint64_t		 spi_i, spi_r;
	struct ike_suite	 suite;
	char			 proposal[96];
	struct ike_keys		 keys;
	bool			 have_keys;
	struct ike_dh		*dh;
	uint8_t			 ni[256], nr[256];
	size_t			 nilen, nrlen;
	struct wbuf		 init_req, init_resp;	/* for AUTH */
	uint8_t			 cookie[64];
	size_t			 cookie_len;
	uint16_t		 ke_group;	/* initiator: group in KE */

	/* Where the peer is. */
	struct ike_sock		*sock;
	struct cgw_addr		 remote;
	uint16_t		 remote_port;
	bool			 nat_local, nat_remote;

	/* Our request in flight (window 1) and what it reserved. */
	uint32_t		 mid_next;
	struct ike_xchg		 x;
	struct cgw_timer	*rtx_ev;	/* retransmits x.msg */
	struct ike_tasks	 tasks;
	struct cgw_timer	*task_ev;	/* deferred task start */
	uint16_t		 child_dh;	/* PFS group the peer asked for */

	/* Peer's requests. */
	uint32_t		 peer_mid;	/* next expected */
	bool			 have_resp;
	struct wbuf		 resp_msg;	/* cached last response */

	struct ike_children	 children;
	time_t			 created;
	uint64_t		 created_ms;	/* the oldest half-open goes first */
	time_t			 rekey_at;
	time_t			 last_rx;
	/* Liveness (ike_sa.c): the last authenticated answer to one of our
	 * requests, the only proof that both directions work. */
	uint64_t		 answered_ms;
	uint64_t		 probe_ms;	/* our last liveness probe left */
	uint64_t		 tick_ms;	/* the liveness timer last ran */
	uint64_t		 esp_in, esp_out;	/* kernel bytes at that run */
	struct cgw_timer	*rekey_ev;
	struct cgw_timer	*expire_ev;
	struct cgw_timer	*dpd_ev;
	struct cgw_timer	*ka_ev;
	struct cgw_timer	*halfopen_ev;
	/* IKE rekey collision: nonce min of the exchange that made us. */
	uint8_t			 nonce_min[IKE_NONCE_LEN];
	size_t			 nonce_min_len;
	struct ike_sa		*replaced_by;	/* rekeyed into */
	bool			 redundant;	/* both ends set one up: going */
	bool			 freeing;	/* in ike_sa_free */
};
TAILQ_HEAD(ike_sas, ike_sa);

struct ike_peer {
	TAILQ_ENTRY(ike_peer)	 entry;
	struct ike_ctx		*ctx;
	struct ike_peer_conf	 conf;		/* psk pointer: our copy */
	uint8_t			*psk;
	size_t			 psk_len;
	void			*data;
	struct ike_sas		 sas;		/* first = current */
	bool			 keep_up;
	struct cgw_timer	*reinit_ev;
	unsigned		 reinit_ms;
	char			 last_error[128];
	/* Retired CHILD SAs whose inbound half outlives their IKE SA. */
	struct ike_children	 retired;
	/* A refused or uninstallable CHILD SA is retried on the same IKE SA
	 * with backoff; its reason is logged once, then counted. */
	struct cgw_timer	*child_retry_ev;
	unsigned		 child_retry_ms;
	unsigned		 child_fails;
	char			 child_fail_why[160];
	/* Unauthenticated work it costs us: half-open SAs from its address
	 * and token buckets for their DH computations and COOKIE answers. */
	unsigned		 halfopen;
	struct ike_bucket {
		double		 tokens;
		uint64_t	 at_ms;		/* 0 = full */
	}			 dh_bucket, cookie_bucket;
	/* Both ends initiated: pick one IKE SA once things settled. */
	struct cgw_timer	*dup_ev;
	struct ike_prop		 ike_props[CONF_MAX_PROPOSALS];
	size_t			 n_ike_props;
	struct ike_prop		 esp_props[CONF_MAX_PROPOSALS];
	size_t			 n_esp_props;
	struct ike_counters	 ctr;		/* ike_peer_status reports them */
};
TAILQ_HEAD(ike_peers, ike_peer);

/* An IKE_SA_INIT request held back until the batch's other datagrams
 * were handled. */
struct ike_deferred {
	uint8_t		 p[IKE_DEFER_MAX];
	size_t		 len;
	struct cgw_addr	 from;
	uint16_t	 port;
};

struct ike_ctx {
	struct event_base	*base;
	struct cgw_clock	*clock;		/* every timer and `now` */
	bool			 own_clock;
	struct ike_io		 io;
	struct ike_callbacks	 cb;
	void			*cbarg;
	struct ike_tunables	 tun;
	struct ike_sock		 socks[IKE_MAX_SOCKS];
	size_t			 nsocks;
	struct ike_peers	 peers;
	uint8_t			 cookie_secret[32];
	unsigned		 halfopen;
	struct ike_deferred	*defer;		/* IKE_READ_BATCH of them */
	uint64_t		 rx_dropped;	/* datagrams the kernel dropped */
	ike_sock_fn		 sock_fn;	/* privsep: who binds (ike.h) */
	void			*sock_fn_arg;
};

/* ike_sock.c */
int	ike_sock_send(struct ike_sa *, const uint8_t *, size_t);
void	ike_sock_keepalive(struct ike_sa *);
struct ike_sock *ike_sock_pick(struct ike_ctx *, const struct cgw_addr *local,
	    bool natt);
void	ike_sock_close_all(struct ike_ctx *);
/* Raw send of an unencrypted reply, for stateless answers. */
int	ike_sock_sendto(struct ike_sock *, const struct cgw_addr *, uint16_t,
	    const uint8_t *, size_t);
/* ike_xmit.c: an incoming datagram (marker already stripped). */
void	ike_recv(struct ike_sock *, const uint8_t *, size_t,
	    const struct cgw_addr *from, uint16_t port);

/* ike_xmit.c */
int	ike_req_send(struct ike_sa *, enum ike_req_kind, struct wbuf *msg);
/* The exchange is over: release what it holds, start the next task. */
void	ike_req_done(struct ike_sa *);
/* A reserved inbound SPI that no CHILD SA took: back to the kernel; 0. */
void	ike_spi_release(struct ike_peer *, uint32_t *spi);
/* Release what the exchange holds (SPI, DH, message); no task kick. */
void	ike_xchg_end(struct ike_sa *);
int	ike_resp_send(struct ike_sa *, struct wbuf *msg);
/* Build and send an encrypted message from inner payloads. */
int	ike_msg_seal(struct ike_sa *, struct wbuf *out, uint8_t exch,
	    bool response, uint32_t mid, struct ike_bld *inner);
int	ike_send_request(struct ike_sa *, enum ike_req_kind, uint8_t exch,
	    struct ike_bld *inner);
int	ike_send_response(struct ike_sa *, uint8_t exch, uint32_t mid,
	    struct ike_bld *inner);
void	ike_sk_dirs(const struct ike_sa *, bool out, struct ike_sk_dir *);
void	ike_task_add(struct ike_sa *, enum ike_req_kind, uint32_t spi_in);
void	ike_task_run(struct ike_sa *);
void	ike_answer_notify(struct ike_sa *, const struct ike_hdr *, uint8_t proto,
	    uint8_t spi_size, uint64_t spi, uint16_t type, const void *data,
	    size_t len);
void	ike_send_plain_notify(struct ike_sock *, const struct ike_hdr *,
	    const struct cgw_addr *, uint16_t port, uint16_t type,
	    const void *data, size_t len);

/* ike_sa.c */
struct ike_sa	*ike_sa_new(struct ike_peer *, bool initiator);
void		 ike_sa_free(struct ike_sa *);
int		 ike_sa_set_state(struct ike_sa *, enum ike_sa_state, const char *why);
const char	*ike_sa_state_name(enum ike_sa_state);
/* The SA failed: tell the daemon, drop its children, maybe re-initiate. */
/* Liveness timeout passed: fails the SA (true: sa is freed). */
bool		 ike_live_check(struct ike_sa *);
void		 ike_sa_fail(struct ike_sa *, enum ike_peer_event, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 ike_sa_established(struct ike_sa *);
void		 ike_sa_arm_timers(struct ike_sa *);
struct ike_sa	*ike_sa_find(struct ike_ctx *, uint64_t spi_i, uint64_t spi_r,
		    bool we_initiated);
struct ike_sa	*ike_sa_find_halfopen(struct ike_ctx *, uint64_t spi_i,
		    const struct cgw_addr *);
void		 ike_peer_schedule_reinit(struct ike_peer *);
void		 ike_halfopen_count(struct ike_peer *, int delta);
/* Another IKE SA of the peer is authenticated (no INITIAL_CONTACT). */
bool		 ike_peer_has_other_sa(const struct ike_sa *);
void		 ike_peer_event(struct ike_peer *, enum ike_peer_event, const char *);
void		 ike_sa_id_body(const struct ike_sa *, bool local, struct wbuf *);
double		 ike_jitter_s(uint32_t lifetime);
void		 ike_ts_default(const struct cgw_prefix *, const struct cgw_addr *,
		    struct esp_ts *);
time_t		 ike_now(const struct ike_ctx *);

/* ike_child.c */
struct ike_child *ike_child_new(struct ike_sa *, uint32_t spi_in, uint32_t spi_out,
		    const struct ike_suite *, bool initiator);
void		 ike_child_set_state(struct ike_child *, enum ike_child_state,
		    const char *why);
const char	*ike_child_state_name(enum ike_child_state);
/* Remove both halves from the kernel at once and free. */
void		 ike_child_free(struct ike_child *, bool tell_daemon);
/* Done with it: outbound out of the kernel now, inbound after a grace
 * (RFC 7296 2.8: the peer may still send on it until it switched). */
void		 ike_child_retire(struct ike_child *);
/* Usable: in the kernel and not on its way out. */
bool		 ike_child_usable(const struct ike_child *);
/* A CHILD SA was refused or could not be installed: retry later. */
void		 ike_child_retry_later(struct ike_peer *, const char *why);
/* After an SA's children changed: tell the daemon when none is left. */
void		 ike_sa_children_changed(struct ike_sa *);
struct ike_child *ike_child_by_in(struct ike_sa *, uint32_t);
struct ike_child *ike_child_by_out(struct ike_sa *, uint32_t);
/* Derive keys, put it into the kernel (as the responder of a rekey
 * inbound only, see pending_out). gir NULL without PFS. 0, or the
 * IKE_INSTALL_* the daemon returned. */
int		 ike_child_install(struct ike_child *, const uint8_t *gir, size_t girlen,
		    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		    struct ike_child *replaces);
/* What a CHILD SA error notify from the peer means to the daemon. */
enum ike_peer_event ike_child_err_event(uint16_t notify);
/* The notify that answers a failed install (responder). */
uint16_t	 ike_child_install_notify(int rc);
void		 ike_child_arm(struct ike_child *);
int		 ike_ts_select(const struct ike_ts_list *, const struct esp_ts *ours,
		    struct esp_ts *out);
/* The traffic selectors we want for a CHILD SA: those of the SA it
 * rekeys, else the configured ones (0.0.0.0/0 when route-based). */
void		 ike_child_ts(const struct ike_sa *, const struct ike_child *old,
		    struct esp_ts *local, struct esp_ts *remote);
/* Whether we offer the other family's whole range too (ts_dual, or the
 * old SA's choice on a rekey); fills both ranges when so. */
bool		 ike_child_ts_extra(const struct ike_sa *,
		    const struct ike_child *old, const struct esp_ts *local,
		    struct esp_ts *xlocal, struct esp_ts *xremote);
/* Whether the peer's list covers all of want (a whole family). */
bool		 ike_ts_list_covers(const struct ike_ts_list *,
		    const struct esp_ts *want);
/* After selecting sl/sr from the peer's lists: whether both ends take
 * the other family's whole range x too (the CHILD SA's ts_dual). */
bool		 ike_child_ts_agreed(const struct ike_sa *,
		    const struct ike_child *old, const struct ike_ts_list *tsi,
		    const struct ike_ts_list *tsr, const struct esp_ts *sl,
		    const struct esp_ts *sr, struct esp_ts *x);
/* The CHILD SA's selectors from the peer's lists (lpeer: its list for
 * our side, rpeer: for its side): our primary family, else, offered
 * dual, the other family alone. -1 when neither fits. */
int		 ike_child_ts_choose(const struct ike_sa *,
		    const struct ike_child *old, const struct ike_ts_list *lpeer,
		    const struct ike_ts_list *rpeer, struct esp_ts *sl,
		    struct esp_ts *sr);
void		 ike_nonce_min(const uint8_t *, size_t, const uint8_t *, size_t,
		    uint8_t *, size_t *);
/* memcmp order, a shorter prefix first (2.8.1 "lowest nonce"). */
int		 ike_nonce_cmp(const uint8_t *, size_t, const uint8_t *, size_t);

/* Exchanges. */
int	ike_init_start(struct ike_sa *);
void	ike_init_recv_req(struct ike_sock *, const struct ike_hdr *,
	    const uint8_t *, size_t, const struct cgw_addr *, uint16_t);
void	ike_init_recv_resp(struct ike_sa *, const struct ike_hdr *,
	    const uint8_t *, size_t);
int	ike_auth_start(struct ike_sa *);
void	ike_auth_recv_req(struct ike_sa *, const struct ike_hdr *,
	    struct ike_payloads *);
void	ike_auth_recv_resp(struct ike_sa *, const struct ike_hdr *,
	    struct ike_payloads *);
/* c NULL: a new CHILD SA (no REKEY_SA). */
int	ike_child_rekey_start(struct ike_sa *, struct ike_child *);
int	ike_ike_rekey_start(struct ike_sa *);
/* The CHILD SAs of `from`, and the tasks queued for them, go to `to`. */
void	ike_move_children(struct ike_sa *from, struct ike_sa *to);
void	ike_create_recv_req(struct ike_sa *, const struct ike_hdr *,
	    struct ike_payloads *);
void	ike_create_recv_resp(struct ike_sa *, const struct ike_hdr *,
	    struct ike_payloads *);
int	ike_info_dpd(struct ike_sa *);
int	ike_info_delete_child(struct ike_sa *, struct ike_child *);
int	ike_info_delete_ike(struct ike_sa *);
void	ike_info_delete_ike_nowait(struct ike_sa *);
void	ike_info_recv_req(struct ike_sa *, const struct ike_hdr *,
	    struct ike_payloads *);
void	ike_info_recv_resp(struct ike_sa *, const struct ike_hdr *,
	    struct ike_payloads *);
/* NAT-D hash SHA1(SPIi | SPIr | IP | port). */
int	ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct cgw_addr *,
	    uint16_t port, uint8_t out[20]);

#endif
