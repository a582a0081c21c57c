/*
 * BGP sessions: the RFC 4271 8 FSM, TCP connections (active connect from
 * the configured local address, one wildcard listener dispatching by
 * source address), collision detection (6.8), hold/keepalive/connect-retry
 * timers. Modelled on OpenBSD bgpd's session.c.
 *
 * A peer has one FSM connection (conn) and, during a collision, a second
 * one (coll) that gets our OPEN and waits for the peer's; whichever the
 * BGP identifiers say to keep becomes conn.
 *
 * Everything that happens to a session is an event (enum bgp_fsm_event)
 * handed to bgp_fsm(), the only function that changes its state; the
 * helpers below it send, parse and arm timers, and say what went wrong.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bgp/bgp_priv.h"
#include "lib/log.h"

/* RFC 4271 8: a large hold time until the OPENs are exchanged. */
#define BGP_OPEN_HOLD_TIME	240
#define BGP_MAXPFX_RESTART	60
/* linux/in6.h; glibc headers before 2.27 lack it. */
#ifdef IPV6_FREEBIND
#define BGP_IPV6_FREEBIND	IPV6_FREEBIND
#else
#define BGP_IPV6_FREEBIND	78
#endif

static const char *const bgp_state_names[] = {
	[BGP_ST_IDLE] = "Idle",
	[BGP_ST_CONNECT] = "Connect",
	[BGP_ST_ACTIVE] = "Active",
	[BGP_ST_OPENSENT] = "OpenSent",
	[BGP_ST_OPENCONFIRM] = "OpenConfirm",
	[BGP_ST_ESTABLISHED] = "Established",
};

const char *
bgp_state_name(enum bgp_state s)
{
	if ((unsigned)s < sizeof(bgp_state_names) / sizeof(bgp_state_names[0]))
		return bgp_state_names[s];
	return "unknown";
}

static time_t
bgp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
bgp_set_error(struct bgp_peer *p, const char *why)
{
	size_t n = strlen(why);

	if (n >= sizeof(p->last_error))
		n = sizeof(p->last_error) - 1;
	memcpy(p->last_error, why, n);
	p->last_error[n] = '\0';
}

static void	bgp_conn_read(struct bufferevent *, void *);
static void	bgp_conn_event(struct bufferevent *, short, void *);
static void	bgp_listen_ensure(struct bgp_ctx *);

static void
bgp_timer_set(struct event *ev, unsigned secs)
{
	struct timeval tv = { .tv_sec = secs, .tv_usec = 0 };

	if (ev != NULL)
		evtimer_add(ev, &tv);
}

static void
bgp_timer_stop(struct event *ev)
{
	if (ev != NULL)
		evtimer_del(ev);
}

/*
 * Entry and exit actions, called by bgp_fsm() alone. Entering Established
 * exports the Loc-RIB and ends the last error (kept as prev_error);
 * leaving it drops the peer's routes and its Adj-RIB-Out.
 */
static void
bgp_fsm_change(struct bgp_peer *p, enum bgp_state next, const char *why)
{
	enum bgp_state old = p->state;

	if (old == next)
		return;
	log_msg(old == BGP_ST_ESTABLISHED ? LOG_LVL_WARN : LOG_LVL_INFO,
	    p->conf.name, "%s -> %s (%s)", bgp_state_name(old),
	    bgp_state_name(next), why);
	p->state = next;
	if (old == BGP_ST_ESTABLISHED) {
		p->flaps++;
		p->established_at = 0;
		bgp_rib_peer_flush(p->ctx, p);
		bgp_rib_peer_out_clear(p);
		p->eor_due = false;
	}
	if (next == BGP_ST_ESTABLISHED) {
		if (p->last_error[0] != '\0')
			memcpy(p->prev_error, p->last_error,
			    sizeof(p->prev_error));
		p->last_error[0] = '\0';
		p->established_at = bgp_now();
		p->established_count++;
		p->eor_due = true;
		bgp_rib_peer_export_all(p->ctx, p);
	}
	if (p->ctx->cb.peer_state != NULL)
		p->ctx->cb.peer_state(p->ctx->cbarg, p, old, next);
}

/* ---- Connections ---- */

/* One whole message per call: its type (header byte 18) is counted. */
static bool
bgp_conn_send(struct bgp_conn *c, const struct wbuf *w)
{
	if (c == NULL || !c->connected || w->err)
		return false;
	if (bufferevent_write(c->bev, w->p, w->len) != 0)
		return false;
	if (w->len >= BGP_HDR_LEN && w->p[18] < BGP_MSG_TYPES)
		c->peer->msgs_out[w->p[18]]++;
	return true;
}

bool
bgp_peer_send(struct bgp_peer *p, const struct wbuf *w)
{
	return bgp_conn_send(p->conn, w);
}

/*
 * Close, sending the NOTIFICATION first if the socket takes it now: one
 * non-blocking write, no waiting (a dead tunnel must not delay failover).
 */
static void
bgp_conn_free(struct bgp_conn *c, const struct bgp_notify *n)
{
	evutil_socket_t fd;
	struct wbuf w;
	char junk[512];

	if (c == NULL)
		return;
	fd = bufferevent_getfd(c->bev);
	if (n != NULL && c->connected && fd >= 0) {
		wbuf_init(&w);
		if (bgp_notify_build(&w, n))
			bgp_conn_send(c, &w);
		wbuf_free(&w);
		/* A socket bufferevent freezes the start of its output
		 * buffer for its own writer; we drain it ourselves here. */
		evbuffer_unfreeze(bufferevent_get_output(c->bev), 1);
		evbuffer_write(bufferevent_get_output(c->bev), fd);
	}
	if (fd >= 0 && c->connected) {
		/* Unread input at close() makes Linux send a RST that can
		 * overtake the NOTIFICATION; drain it and send FIN first. */
		shutdown(fd, SHUT_WR);
		while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
			;
	}
	bufferevent_free(c->bev);
	free(c);
}

static struct bgp_conn *
bgp_conn_new(struct bgp_peer *p, evutil_socket_t fd, bool outgoing)
{
	struct bgp_conn *c;
	int tos = IPTOS_PREC_INTERNETCONTROL;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->peer = p;
	c->outgoing = outgoing;
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	c->bev = bufferevent_socket_new(p->ctx->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		free(c);
		return NULL;
	}
	bufferevent_setcb(c->bev, bgp_conn_read, NULL, bgp_conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return c;
}

/* The dual-stack listener ([::]:179) shows IPv4 ends as ::ffff:a.b.c.d. */
static bool
bgp_sockaddr_addr(struct cgw_addr *a, const struct sockaddr *sa)
{
	uint16_t port;

	if (!addr_from_sockaddr(a, &port, sa))
		return false;
	if (a->af == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->v6)) {
		struct in_addr v4;

		memcpy(&v4, &a->v6.s6_addr[12], 4);
		memset(a, 0, sizeof(*a));
		a->af = AF_INET;
		a->v4 = v4;
	}
	return true;
}

static void
bgp_conn_local_addr(struct bgp_peer *p, struct bgp_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct cgw_addr a;

	if (getsockname(bufferevent_getfd(c->bev), (struct sockaddr *)&ss,
	    &sl) != 0 || !bgp_sockaddr_addr(&a, (struct sockaddr *)&ss))
		return;
	if (a.af == AF_INET)
		p->local_addr = a.v4;
	else if (a.af == AF_INET6)
		p->local_addr6 = a.v6;
}

static bool
bgp_conn_send_open(struct bgp_peer *p, struct bgp_conn *c)
{
	struct wbuf w;
	bool ok;

	wbuf_init(&w);
	/* Both families always: the peer's OPEN decides what the session
	 * carries (RFC 4760 8), and one that knows only IPv4 ignores the
	 * IPv6 capability (RFC 5492 3). */
	ok = bgp_open_build(&w, p->ctx->asn, p->conf.hold_time,
	    p->ctx->router_id, BGP_AF_ALL) && bgp_conn_send(c, &w);
	wbuf_free(&w);
	return ok;
}

static void
bgp_send_keepalive(struct bgp_peer *p)
{
	struct wbuf w;

	wbuf_init(&w);
	if (bgp_keepalive_build(&w))
		bgp_peer_send(p, &w);
	wbuf_free(&w);
}

/*
 * Start connecting. A failure now is BGP_EV_TCP_FAILS, like one the
 * socket reports later.
 */
static void
bgp_connect(struct bgp_peer *p)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	evutil_socket_t fd;
	int on = 1;
	char why[160];

	fd = socket(p->conf.remote.af, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	if (addr_is_set(&p->conf.local)) {
		/* The inside address may not be configured yet when the
		 * tunnel interface is still coming up (an IPv6 one is not
		 * usable either until DAD is done). */
		if (p->conf.local.af == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, BGP_IPV6_FREEBIND, &on,
			    sizeof(on));
		else
			setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on,
			    sizeof(on));
		sl = addr_to_sockaddr(&p->conf.local, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
			close(fd);
			goto fail;
		}
	}
	if ((p->conn = bgp_conn_new(p, fd, true)) == NULL) {
		close(fd);
		goto fail;
	}
	sl = addr_to_sockaddr(&p->conf.remote, p->ctx->port, &ss);
	if (bufferevent_socket_connect(p->conn->bev, (struct sockaddr *)&ss,
	    (int)sl) == -1) {
		bgp_conn_free(p->conn, NULL);
		p->conn = NULL;
		goto fail;
	}
	/* RFC 4271 8.2.2: a connect that hangs (tunnel without traffic)
	 * is abandoned and retried when ConnectRetryTimer expires. */
	bgp_timer_set(p->ev_retry, p->conf.connect_retry);
	return;
fail:
	snprintf(why, sizeof(why), "connect: %s", strerror(errno));
	p->fsm_in = (struct bgp_fsm_in){ .why = why };
	bgp_fsm(p, BGP_EV_TCP_FAILS);
}

/* Our OPEN goes out on p->conn, to wait for theirs. */
static bool
bgp_conn_opened(struct bgp_peer *p)
{
	bgp_timer_stop(p->ev_retry);
	bgp_conn_local_addr(p, p->conn);
	if (!bgp_conn_send_open(p, p->conn))
		return false;
	bgp_timer_set(p->ev_hold, BGP_OPEN_HOLD_TIME);
	return true;
}

/* ---- Session teardown and restart ---- */

/*
 * Close both connections (NOTIFICATION first when n) and stop the
 * timers; the caller, bgp_fsm(), then goes Idle. An enabled peer starts
 * again when ConnectRetryTimer expires (RFC 4271 8.1.1 automatic start).
 */
static void
bgp_session_close(struct bgp_peer *p, const struct bgp_notify *n,
    const char *why)
{
	char name[96];

	if (n != NULL) {
		bgp_notify_name(n->code, n->subcode, name, sizeof(name));
		log_info(p->conf.name, "sending NOTIFICATION %s (%s)", name, why);
	}
	bgp_set_error(p, why);
	bgp_conn_free(p->coll, n);
	p->coll = NULL;
	bgp_conn_free(p->conn, n);
	p->conn = NULL;
	bgp_timer_stop(p->ev_hold);
	bgp_timer_stop(p->ev_keepalive);
	bgp_timer_stop(p->ev_retry);
	p->hold_time = 0;
	if (!p->enabled)
		return;
	/* After a prefix-limit reset, not so soon that the peer floods us
	 * every few seconds (RFC 4486 4). */
	if (n != NULL && n->code == BGP_ERR_CEASE &&
	    n->subcode == BGP_CEASE_MAXPFX)
		bgp_timer_set(p->ev_retry, BGP_MAXPFX_RESTART);
	else
		bgp_timer_set(p->ev_retry, p->conf.connect_retry);
}

/* ---- Messages ---- */

static bool
bgp_keep_outgoing(const struct bgp_peer *p, struct in_addr remote_id)
{
	/* RFC 4271 6.8: the side with the higher BGP Identifier keeps
	 * the connection it initiated. */
	return ntohl(p->ctx->router_id.s_addr) > ntohl(remote_id.s_addr);
}

static void
bgp_collision_close(struct bgp_conn *c)
{
	struct bgp_notify n;

	bgp_notify_set(&n, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
	log_info(c->peer->conf.name, "connection collision: closing the %s "
	    "connection", c->outgoing ? "outgoing" : "incoming");
	bgp_conn_free(c, &n);
}

/*
 * Both connections exist and the peer's identifier is known: keep one.
 * What that means for the session goes to the FSM: the winner's OPEN,
 * if it came first, or the dump of the connection it was confirming.
 * Returns -1 if `self` was closed.
 */
static int
bgp_collision_resolve(struct bgp_peer *p, struct in_addr remote_id,
    struct bgp_conn *self)
{
	struct bgp_conn *loser, *winner;

	if (p->coll->outgoing == bgp_keep_outgoing(p, remote_id)) {
		winner = p->coll;
		loser = p->conn;
	} else {
		winner = p->conn;
		loser = p->coll;
	}
	p->conn = winner;
	p->coll = NULL;
	bgp_collision_close(loser);
	if (winner->got_open && p->state != BGP_ST_OPENCONFIRM) {
		p->fsm_in = (struct bgp_fsm_in){ .why = "collision: the kept "
		    "connection's OPEN" };
		bgp_fsm(p, BGP_EV_OPEN);
	} else if (!winner->got_open && p->state == BGP_ST_OPENCONFIRM) {
		p->fsm_in = (struct bgp_fsm_in){ .why = "collision: kept the "
		    "other connection" };
		bgp_fsm(p, BGP_EV_OPEN_COLLISION_DUMP);
	}
	return loser == self ? -1 : 0;
}

/* The peer's OPEN on c is valid: negotiate and confirm it. */
static void
bgp_open_accept(struct bgp_peer *p, struct bgp_conn *c)
{
	const struct bgp_open *o = &c->open;
	uint16_t hold;

	p->peer_id = o->bgp_id;
	p->peer_asn = o->asn;
	p->as4 = o->as4;
	p->rrefresh = o->rrefresh;
	/* What we offered (both) that the peer offered too. */
	p->afs = (o->mp_ipv4 ? BGP_AF_IPV4 : 0) | (o->mp_ipv6 ? BGP_AF_IPV6 : 0);
	hold = p->conf.hold_time < o->hold_time ? p->conf.hold_time :
	    o->hold_time;
	p->hold_time = hold;
	bgp_conn_local_addr(p, c);
	bgp_send_keepalive(p);
	if (hold > 0) {
		bgp_timer_set(p->ev_hold, hold);
		bgp_timer_set(p->ev_keepalive, hold / 3 > 0 ? hold / 3 : 1);
	} else {
		bgp_timer_stop(p->ev_hold);
		bgp_timer_stop(p->ev_keepalive);
	}
}

/* Parse and check an OPEN on c; -1 with n and why set to refuse it. */
static int
bgp_recv_open(struct bgp_peer *p, struct bgp_conn *c, const uint8_t *body,
    size_t len, struct bgp_notify *n, char *why, size_t whylen)
{
	struct bgp_open *o = &c->open;

	snprintf(why, whylen, "bad OPEN");
	if (bgp_open_parse(body, len, o, n) == -1)
		return -1;
	if (o->asn != p->conf.remote_asn) {
		snprintf(why, whylen, "OPEN: peer AS %u, expected %u",
		    o->asn, p->conf.remote_asn);
		bgp_notify_set(n, BGP_ERR_OPEN, BGP_ERR_OPEN_AS, NULL, 0);
		return -1;
	}
	if (!p->ebgp && o->bgp_id.s_addr == p->ctx->router_id.s_addr) {
		bgp_notify_set(n, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL, 0);
		return -1;
	}
	if (!o->mp_ipv4)
		log_warn(p->conf.name, "peer does not offer IPv4 unicast: no "
		    "IPv4 routes are sent to it");
	if (!o->mp_ipv4 && !o->mp_ipv6)
		log_warn(p->conf.name, "peer offers neither IPv4 nor IPv6 "
		    "unicast: nothing to exchange");
	c->got_open = true;
	return 0;
}

/* An OPEN on the collision connection: not the FSM's until it wins. */
static int
bgp_coll_open(struct bgp_peer *p, struct bgp_conn *c, const uint8_t *body,
    size_t len)
{
	struct bgp_notify n;
	char why[160];

	if (bgp_recv_open(p, c, body, len, &n, why, sizeof(why)) == -1) {
		p->coll = NULL;
		bgp_conn_free(c, &n);
		log_info(p->conf.name, "%s on the second connection", why);
		return -1;
	}
	return bgp_collision_resolve(p, c->open.bgp_id, c);
}

static double
bgp_ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	    (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

/*
 * One info line per burst of UPDATEs rather than one per prefix (a full
 * table is a million of them): it is written once the peer has been
 * quiet for a second, or every minute while a burst goes on.
 */
static void
bgp_summary_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct bgp_peer *p = arg;
	struct timeval tv = { .tv_sec = 1 };
	struct timespec now;

	(void)fd;
	(void)ev;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (bgp_ts_diff(&now, &p->sum_last) < 1.0 &&
	    bgp_ts_diff(&now, &p->sum_start) < 60.0) {
		evtimer_add(p->ev_summary, &tv);
		return;
	}
	log_info(p->conf.name, "%u prefixes announced, %u withdrawn in %.2f s; "
	    "%u held", p->sum_announced, p->sum_withdrawn,
	    bgp_ts_diff(&p->sum_last, &p->sum_start), p->n_received);
	p->sum_announced = p->sum_withdrawn = 0;
}

static void
bgp_summary_note(struct bgp_peer *p, size_t announced, size_t withdrawn)
{
	struct timeval tv = { .tv_sec = 1 };

	if (announced + withdrawn == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->sum_last);
	if (p->sum_announced == 0 && p->sum_withdrawn == 0)
		p->sum_start = p->sum_last;
	p->sum_announced += (uint32_t)announced;
	p->sum_withdrawn += (uint32_t)withdrawn;
	if (p->ev_summary == NULL &&
	    (p->ev_summary = evtimer_new(p->ctx->base, bgp_summary_cb,
	    p)) == NULL)
		return;
	if (!evtimer_pending(p->ev_summary, NULL))
		evtimer_add(p->ev_summary, &tv);
}

/*
 * The UPDATE's attributes interned once per family it carries, a
 * reference each: as[0] for its IPv4 prefixes (NEXT_HOP), as[1] for its
 * IPv6 ones (MP_REACH_NLRI's next hop). Both share the UPDATE's AS_PATH
 * and communities blobs; u->attrs is only read.
 */
static int
bgp_update_asets(struct bgp_ctx *ctx, struct bgp_update *u,
    struct bgp_aset *as[2])
{
	struct bgp_attrs a;
	size_t n4 = u->nnlri - u->nnlri6;

	as[0] = as[1] = NULL;
	/* A shallow copy: its bytes are u->attrs', interned as copies. */
	a = u->attrs;
	if (u->nnlri6 > 0) {
		/* RFC 4760 3: NEXT_HOP means nothing to IPv6 prefixes. */
		a.nexthop.s_addr = 0;
		a.seen &= ~(1u << BGP_ATTR_NEXT_HOP);
		if ((as[1] = bgp_aset_intern(&ctx->asets, &a)) == NULL)
			return -1;
	}
	if (n4 > 0) {
		a = u->attrs;
		a.nh6_len = 0;
		memset(a.nh6, 0, sizeof(a.nh6));
		if ((as[0] = bgp_aset_intern(&ctx->asets, &a)) == NULL) {
			bgp_aset_put(&ctx->asets, as[1]);
			as[1] = NULL;
			return -1;
		}
	}
	return 0;
}

/* -1 with n and why set: the session must be reset. */
static int
bgp_recv_update(struct bgp_peer *p, const uint8_t *body, size_t len,
    struct bgp_notify *n, char *why, size_t whylen)
{
	struct bgp_parse_ctx pc;
	struct bgp_update u;
	struct bgp_aset *as[2] = { NULL, NULL };
	size_t i;
	bool drop;

	memset(&pc, 0, sizeof(pc));
	pc.as4 = p->as4;
	pc.ebgp = p->ebgp;
	pc.peer_as = p->peer_asn;
	pc.ipv6 = (p->afs & BGP_AF_IPV6) != 0;
	if (bgp_update_parse(body, len, &pc, &u, n) == -1) {
		snprintf(why, whylen, "malformed UPDATE");
		return -1;
	}
	if (pc.why[0] != '\0')
		log_warn(p->conf.name, "UPDATE: %s", pc.why);
	if (u.eor6)
		log_debug(p->conf.name, "End-of-RIB for IPv6 unicast");
	for (i = 0; i < u.nwithdrawn; i++)
		bgp_rib_withdraw(p->ctx, p, &u.withdrawn[i]);
	/* eBGP loop prevention: our own AS in the path. */
	drop = u.treat_as_withdraw || (p->ebgp && bgp_aspath_contains(
	    u.attrs.aspath, u.attrs.aspath_len, p->ctx->asn));
	bgp_summary_note(p, drop ? 0 : u.nnlri, u.nwithdrawn +
	    (drop ? u.nnlri : 0));
	/* Interned once: every prefix of the UPDATE (of a family) shares
	 * the set. */
	if (!drop && u.nnlri > 0 &&
	    bgp_update_asets(p->ctx, &u, as) == -1) {
		bgp_update_free(&u);
		bgp_notify_set(n, BGP_ERR_CEASE, BGP_CEASE_RESOURCES, NULL, 0);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < u.nnlri; i++) {
		if (drop) {
			bgp_rib_withdraw(p->ctx, p, &u.nlri[i]);
			continue;
		}
		if (bgp_rib_update_aset(p->ctx, p, &u.nlri[i],
		    bgp_aset_ref(as[u.nlri[i].addr.af == AF_INET6])) == -1) {
			bgp_aset_put(&p->ctx->asets, as[0]);
			bgp_aset_put(&p->ctx->asets, as[1]);
			bgp_update_free(&u);
			bgp_notify_set(n, BGP_ERR_CEASE, BGP_CEASE_RESOURCES,
			    NULL, 0);
			snprintf(why, whylen, "out of memory");
			return -1;
		}
	}
	bgp_aset_put(&p->ctx->asets, as[0]);
	bgp_aset_put(&p->ctx->asets, as[1]);
	bgp_update_free(&u);
	if (p->conf.max_prefixes > 0 && p->n_received > p->conf.max_prefixes) {
		uint8_t data[7] = { 0, BGP_AFI_IPV4, BGP_SAFI_UNICAST,
		    p->conf.max_prefixes >> 24, p->conf.max_prefixes >> 16,
		    p->conf.max_prefixes >> 8, p->conf.max_prefixes };

		snprintf(why, whylen, "more than %u prefixes received",
		    p->conf.max_prefixes);
		bgp_notify_set(n, BGP_ERR_CEASE, BGP_CEASE_MAXPFX, data,
		    sizeof(data));
		return -1;
	}
	return 0;
}

static void
bgp_recv_rrefresh(struct bgp_peer *p, const uint8_t *body, size_t len)
{
	uint16_t afi;
	uint8_t safi;
	unsigned af;

	if (bgp_rrefresh_parse(body, len, &afi, &safi) == -1 ||
	    safi != BGP_SAFI_UNICAST)
		return;
	af = afi == BGP_AFI_IPV4 ? BGP_AF_IPV4 : afi == BGP_AFI_IPV6 ?
	    BGP_AF_IPV6 : 0;
	/* RFC 2918 4: a family not negotiated is ignored. */
	if (!(p->afs & af))
		return;
	log_info(p->conf.name, "ROUTE-REFRESH: re-sending %u prefixes (%s "
	    "unicast)", bgp_rib_peer_resend(p->ctx, p, af),
	    af == BGP_AF_IPV6 ? "IPv6" : "IPv4");
}

/* ---- The FSM ---- */

static const char *const bgp_event_names[BGP_EV_MAX] = {
	[BGP_EV_START] = "start",
	[BGP_EV_STOP] = "stop",
	[BGP_EV_CONNECT_RETRY_EXPIRES] = "connect retry timer",
	[BGP_EV_HOLD_EXPIRES] = "hold timer expired",
	[BGP_EV_KEEPALIVE_EXPIRES] = "keepalive timer",
	[BGP_EV_TCP_CONNECTED] = "connected",
	[BGP_EV_TCP_FAILS] = "connection failed",
	[BGP_EV_OPEN] = "OPEN",
	[BGP_EV_MSG_ERROR] = "bad message",
	[BGP_EV_OPEN_COLLISION_DUMP] = "collision dump",
	[BGP_EV_NOTIFICATION] = "NOTIFICATION",
	[BGP_EV_KEEPALIVE] = "KEEPALIVE",
	[BGP_EV_UPDATE] = "UPDATE",
	[BGP_EV_ROUTE_REFRESH] = "ROUTE-REFRESH",
};

const char *
bgp_fsm_event_name(enum bgp_fsm_event ev)
{
	if ((unsigned)ev < BGP_EV_MAX && bgp_event_names[ev] != NULL)
		return bgp_event_names[ev];
	return "unknown event";
}

static bool
bgp_fsm_is_msg(enum bgp_fsm_event ev)
{
	return ev == BGP_EV_OPEN || ev == BGP_EV_NOTIFICATION ||
	    ev == BGP_EV_KEEPALIVE || ev == BGP_EV_UPDATE ||
	    ev == BGP_EV_ROUTE_REFRESH;
}

/* RFC 4271 8.2.2 "any other event", with RFC 6608's subcodes. */
static void
bgp_fsm_error(struct bgp_peer *p, enum bgp_fsm_event ev, char *why,
    size_t whylen)
{
	struct bgp_notify n;
	uint8_t sub = 0;

	if (bgp_fsm_is_msg(ev)) {
		if (p->state == BGP_ST_OPENSENT)
			sub = BGP_FSM_UNEXP_OPENSENT;
		else if (p->state == BGP_ST_OPENCONFIRM)
			sub = BGP_FSM_UNEXP_OPENCONFIRM;
		else if (p->state == BGP_ST_ESTABLISHED)
			sub = BGP_FSM_UNEXP_ESTABLISHED;
	}
	snprintf(why, whylen, "unexpected %s in %s", bgp_fsm_event_name(ev),
	    bgp_state_name(p->state));
	bgp_notify_set(&n, BGP_ERR_FSM, sub, NULL, 0);
	bgp_session_close(p, &n, why);
}

int
bgp_fsm(struct bgp_peer *p, enum bgp_fsm_event ev)
{
	const struct bgp_fsm_in in = p->fsm_in;
	enum bgp_state old = p->state, next = p->state;
	struct bgp_conn *c = p->conn;
	struct bgp_notify n;
	char why[192], name[96];
	bool connect = false, collide = false;
	int rc = 0;

	memset(&p->fsm_in, 0, sizeof(p->fsm_in));
	snprintf(why, sizeof(why), "%s", in.why != NULL ? in.why :
	    bgp_fsm_event_name(ev));
	/* Events every state with a session treats alike. */
	if (old != BGP_ST_IDLE) {
		switch (ev) {
		case BGP_EV_START:
			goto change;
		case BGP_EV_STOP:
			bgp_notify_set(&n, BGP_ERR_CEASE, BGP_CEASE_SHUTDOWN,
			    NULL, 0);
			goto close;
		case BGP_EV_MSG_ERROR:
			n = *in.notify;
			goto close;
		case BGP_EV_NOTIFICATION:
			if (bgp_notify_parse(in.body, in.len, &n) == -1)
				memset(&n, 0, sizeof(n));
			snprintf(why, sizeof(why), "received NOTIFICATION %s",
			    bgp_notify_name(n.code, n.subcode, name,
			    sizeof(name)));
			goto close_silently;
		default:
			break;
		}
	}
	/* ... and those with a connection past connecting. */
	if (old >= BGP_ST_OPENSENT) {
		switch (ev) {
		case BGP_EV_HOLD_EXPIRES:
			bgp_notify_set(&n, BGP_ERR_HOLD, 0, NULL, 0);
			goto close;
		case BGP_EV_TCP_FAILS:
			goto close_silently;
		case BGP_EV_KEEPALIVE_EXPIRES:
			if (old == BGP_ST_OPENSENT)
				goto unexpected;
			bgp_send_keepalive(p);
			bgp_timer_set(p->ev_keepalive, p->hold_time / 3 > 0 ?
			    p->hold_time / 3 : 1);
			goto change;
		default:
			break;
		}
	}
	switch (old) {
	case BGP_ST_IDLE:
		switch (ev) {
		case BGP_EV_START:
		case BGP_EV_CONNECT_RETRY_EXPIRES:	/* automatic start */
			if (!p->enabled)
				break;
			bgp_listen_ensure(p->ctx);
			if (p->conf.passive) {
				next = BGP_ST_ACTIVE;
				snprintf(why, sizeof(why), "start, passive");
			} else {
				next = BGP_ST_CONNECT;
				snprintf(why, sizeof(why), "start");
				connect = true;
			}
			break;
		case BGP_EV_STOP:
			bgp_set_error(p, why);
			break;
		default:
			/* RFC 4271 8.2.2: Idle refuses all other events. */
			log_debug(p->conf.name, "Idle: %s ignored",
			    bgp_fsm_event_name(ev));
			break;
		}
		break;
	case BGP_ST_CONNECT:
	case BGP_ST_ACTIVE:
		switch (ev) {
		case BGP_EV_CONNECT_RETRY_EXPIRES:
			if (old == BGP_ST_CONNECT) {
				bgp_conn_free(p->conn, NULL);
				p->conn = NULL;
				log_debug(p->conf.name, "connect timed out; "
				    "retrying");
				connect = true;
			} else if (p->conf.passive)
				bgp_timer_set(p->ev_retry,
				    p->conf.connect_retry);
			else {
				next = BGP_ST_CONNECT;
				connect = true;
			}
			break;
		case BGP_EV_TCP_CONNECTED:
			if (!bgp_conn_opened(p)) {
				snprintf(why, sizeof(why), "cannot send OPEN");
				goto close_silently;
			}
			next = BGP_ST_OPENSENT;
			break;
		case BGP_EV_TCP_FAILS:
			/* RFC 4271 8.2.2: connect failed -> Active, retry. */
			bgp_conn_free(p->conn, NULL);
			p->conn = NULL;
			bgp_set_error(p, why);
			bgp_timer_set(p->ev_retry, p->conf.connect_retry);
			next = BGP_ST_ACTIVE;
			rc = -1;
			break;
		default:
			goto unexpected;
		}
		break;
	case BGP_ST_OPENSENT:
		if (ev != BGP_EV_OPEN)
			goto unexpected;
		if (!c->got_open && bgp_recv_open(p, c, in.body, in.len, &n,
		    why, sizeof(why)) == -1)
			goto close;
		bgp_open_accept(p, c);
		if (in.why == NULL)
			snprintf(why, sizeof(why), "OPEN received");
		next = BGP_ST_OPENCONFIRM;
		collide = p->coll != NULL;
		break;
	case BGP_ST_OPENCONFIRM:
		switch (ev) {
		case BGP_EV_KEEPALIVE:
			if (p->hold_time > 0)
				bgp_timer_set(p->ev_hold, p->hold_time);
			snprintf(why, sizeof(why), "KEEPALIVE received");
			next = BGP_ST_ESTABLISHED;
			break;
		case BGP_EV_OPEN_COLLISION_DUMP:
			/* Our OPEN is already out on the kept connection:
			 * wait for theirs. */
			bgp_timer_stop(p->ev_keepalive);
			bgp_timer_set(p->ev_hold, BGP_OPEN_HOLD_TIME);
			bgp_conn_local_addr(p, c);
			next = BGP_ST_OPENSENT;
			break;
		default:
			goto unexpected;
		}
		break;
	case BGP_ST_ESTABLISHED:
		if (bgp_fsm_is_msg(ev) && p->hold_time > 0)
			bgp_timer_set(p->ev_hold, p->hold_time);
		switch (ev) {
		case BGP_EV_KEEPALIVE:
			break;
		case BGP_EV_UPDATE:
			if (bgp_recv_update(p, in.body, in.len, &n, why,
			    sizeof(why)) == -1)
				goto close;
			break;
		case BGP_EV_ROUTE_REFRESH:
			bgp_recv_rrefresh(p, in.body, in.len);
			break;
		default:
			goto unexpected;
		}
		break;
	}
	goto change;
unexpected:
	bgp_fsm_error(p, ev, why, sizeof(why));
	next = BGP_ST_IDLE;
	goto change;
close:
	bgp_session_close(p, &n, why);
	next = BGP_ST_IDLE;
	goto change;
close_silently:
	bgp_session_close(p, NULL, why);
	next = BGP_ST_IDLE;
change:
	if (next == BGP_ST_IDLE && old != BGP_ST_IDLE)
		rc = -1;
	if (next != old)
		bgp_fsm_change(p, next, why);
	/* Follow-ups that are events of their own, after the transition. */
	if (connect)
		bgp_connect(p);
	if (collide && p->coll != NULL)
		rc = bgp_collision_resolve(p, c->open.bgp_id, c);
	return rc;
}

/* One whole message on c. Returns -1 if c was closed. */
static int
bgp_conn_msg(struct bgp_conn *c, uint8_t type, const uint8_t *body,
    size_t len)
{
	static const enum bgp_fsm_event ev_of[] = {
		[BGP_MSG_OPEN] = BGP_EV_OPEN,
		[BGP_MSG_UPDATE] = BGP_EV_UPDATE,
		[BGP_MSG_NOTIFICATION] = BGP_EV_NOTIFICATION,
		[BGP_MSG_KEEPALIVE] = BGP_EV_KEEPALIVE,
		[BGP_MSG_ROUTE_REFRESH] = BGP_EV_ROUTE_REFRESH,
	};
	struct bgp_peer *p = c->peer;

	if (c == p->coll) {
		/* Only its OPEN matters; anything else ends it. */
		if (type == BGP_MSG_OPEN && !c->got_open)
			return bgp_coll_open(p, c, body, len);
		if (type == BGP_MSG_NOTIFICATION)
			log_info(p->conf.name, "received NOTIFICATION on the "
			    "second connection");
		p->coll = NULL;
		bgp_conn_free(c, NULL);
		return -1;
	}
	/* bgp_hdr_parse let only these types through. */
	if (type == 0 || type >= sizeof(ev_of) / sizeof(ev_of[0]))
		return -1;
	p->fsm_in = (struct bgp_fsm_in){ .body = body, .len = len };
	return bgp_fsm(p, ev_of[type]);
}

/*
 * Handle up to `limit` whole messages from the input buffer. 1: stopped
 * at the limit with more to read, 0: nothing whole left, -1: the
 * connection is gone.
 */
static int
bgp_conn_input(struct bgp_conn *c, size_t limit)
{
	struct bgp_peer *p = c->peer;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	uint8_t buf[BGP_MAX_MSG];
	struct bgp_notify n;
	uint16_t ml;
	uint8_t type;
	size_t avail, nmsg = 0;
	struct timespec t0, t;

	if (limit != SIZE_MAX)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((avail = evbuffer_get_length(in)) >= BGP_HDR_LEN) {
		if (nmsg++ == limit)
			return 1;
		/* A time budget too: UPDATEs of a few prefixes are cheap, of
		 * 500 are not, and the control socket waits for the turn. */
		if (limit != SIZE_MAX && nmsg % 4 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((t.tv_sec - t0.tv_sec) * 1000000000L +
			    (t.tv_nsec - t0.tv_nsec) >= BGP_READ_BUDGET_NS)
				return 1;
		}
		evbuffer_copyout(in, buf, BGP_HDR_LEN);
		if (bgp_hdr_parse(buf, BGP_HDR_LEN, &ml, &type, &n) == -1) {
			if (c == p->coll) {
				p->coll = NULL;
				bgp_conn_free(c, &n);
			} else {
				p->fsm_in = (struct bgp_fsm_in){ .notify = &n,
				    .why = "bad message header" };
				bgp_fsm(p, BGP_EV_MSG_ERROR);
			}
			return -1;
		}
		if (avail < ml)
			return 0;
		evbuffer_remove(in, buf, ml);
		if (type < BGP_MSG_TYPES)	/* bgp_hdr_parse checked it */
			p->msgs_in[type]++;
		if (log_enabled(LOG_LVL_TRACE))
			log_trace(p->conf.name, "received %s, %u bytes",
			    bgp_msg_type_name(type), ml);
		if (bgp_conn_msg(c, type, buf + BGP_HDR_LEN,
		    ml - BGP_HDR_LEN) == -1)
			return -1;
	}
	return 0;
}

static void
bgp_conn_read(struct bufferevent *bev, void *arg)
{
	/*
	 * A bounded amount of work per turn: a peer sending a full table
	 * must not keep the control socket, the other sessions and the
	 * timers waiting (nor the loop's clock, which the hold timer is
	 * set from). The rest is read at a later turn.
	 */
	struct bgp_conn *c = arg;

	if (c->peer->ctx->input_held) {
		bufferevent_disable(bev, EV_READ);
		c->read_held = true;
		return;
	}
	if (bgp_conn_input(c, BGP_READ_BATCH) == 1)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

static void
bgp_conn_release(struct bgp_conn *c)
{
	if (c == NULL || !c->read_held)
		return;
	c->read_held = false;
	bufferevent_enable(c->bev, EV_READ);
	/* What was read before the hold is still in the buffer. */
	bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

void
bgp_hold_input(struct bgp_ctx *ctx, bool hold)
{
	struct bgp_peer *p;

	if (ctx->input_held == hold)
		return;
	ctx->input_held = hold;
	if (hold)
		return;
	TAILQ_FOREACH(p, &ctx->peers, entry) {
		bgp_conn_release(p->conn);
		bgp_conn_release(p->coll);
	}
}

static void
bgp_conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct bgp_conn *c = arg;
	struct bgp_peer *p = c->peer;
	char why[160];
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->connected = true;
		if (c == p->conn)
			bgp_fsm(p, BGP_EV_TCP_CONNECTED);
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	/* What came before the close (a NOTIFICATION, the last UPDATEs)
	 * counts, even if the batching left it unread. */
	if (c->connected && bgp_conn_input(c, SIZE_MAX) == -1)
		return;
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "connection closed by the peer");
	else
		snprintf(why, sizeof(why), "%s: %s", c->connected ?
		    "connection error" : "connect", evutil_socket_error_to_string(err));
	if (c == p->coll) {
		p->coll = NULL;
		bgp_conn_free(c, NULL);
		return;
	}
	p->fsm_in = (struct bgp_fsm_in){ .why = why };
	bgp_fsm(p, BGP_EV_TCP_FAILS);
}

/* ---- Timers ---- */

static void
bgp_retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct bgp_peer *p = arg;

	(void)fd;
	(void)ev;
	if (p->enabled)
		bgp_fsm(p, BGP_EV_CONNECT_RETRY_EXPIRES);
}

static void
bgp_hold_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	bgp_fsm(arg, BGP_EV_HOLD_EXPIRES);
}

static void
bgp_keepalive_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	bgp_fsm(arg, BGP_EV_KEEPALIVE_EXPIRES);
}

/* ---- Listening ---- */

static struct bgp_peer *
bgp_peer_by_addr(struct bgp_ctx *ctx, const struct cgw_addr *remote)
{
	struct bgp_peer *p;

	TAILQ_FOREACH(p, &ctx->peers, entry)
		if (addr_eq(&p->conf.remote, remote))
			return p;
	return NULL;
}

static void
bgp_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct bgp_ctx *ctx = arg;
	struct bgp_peer *p;
	struct bgp_conn *c;
	struct cgw_addr remote;
	uint16_t port;
	char abuf[CGW_ADDRSTRLEN];

	(void)l;
	(void)salen;
	(void)port;
	if (!bgp_sockaddr_addr(&remote, sa) ||
	    (p = bgp_peer_by_addr(ctx, &remote)) == NULL) {
		log_debug(NULL, "bgp: connection from %s refused: no such peer",
		    addr_fmt(&remote, abuf, sizeof(abuf)));
		close(fd);
		return;
	}
	if (!p->enabled || p->state == BGP_ST_IDLE) {
		log_debug(p->conf.name, "connection refused: session %s",
		    p->enabled ? "Idle" : "down");
		close(fd);
		return;
	}
	if ((c = bgp_conn_new(p, fd, false)) == NULL) {
		close(fd);
		return;
	}
	c->connected = true;
	switch (p->state) {
	case BGP_ST_CONNECT:
	case BGP_ST_ACTIVE:
		/* Our own attempt, if any, is not past connecting. */
		bgp_conn_free(p->conn, NULL);
		p->conn = c;
		p->fsm_in = (struct bgp_fsm_in){ .why = "connection accepted" };
		bgp_fsm(p, BGP_EV_TCP_CONNECTED);
		return;
	case BGP_ST_OPENSENT:
	case BGP_ST_OPENCONFIRM:
		if (p->coll == NULL) {
			p->coll = c;
			log_info(p->conf.name, "connection collision: "
			    "second connection from the peer");
			if (!bgp_conn_send_open(p, c)) {
				p->coll = NULL;
				bgp_conn_free(c, NULL);
				return;
			}
			if (p->state == BGP_ST_OPENCONFIRM)
				bgp_collision_resolve(p, p->conn->open.bgp_id,
				    NULL);
			return;
		}
		break;
	default:
		break;
	}
	/* Established (6.8: the new one loses) or a third connection. */
	bgp_collision_close(c);
}

static void
bgp_listen_ensure(struct bgp_ctx *ctx)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	evutil_socket_t fd;
	int off = 0;

	if (ctx->listener != NULL)
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ctx->port);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(ctx->port);
	if (ctx->listen_fn != NULL) {
		fd = ctx->listen_fn(ctx->listen_fn_arg, ctx->port);

		if (fd >= 0 && evutil_make_socket_nonblocking(fd) == 0 &&
		    (ctx->listener = evconnlistener_new(ctx->base,
		    bgp_accept_cb, ctx, LEV_OPT_CLOSE_ON_FREE |
		    LEV_OPT_CLOSE_ON_EXEC, -1, fd)) != NULL)
			return;
		if (fd >= 0)
			close(fd);
		log_warn(NULL, "bgp: cannot listen on port %u: the kernel "
		    "helper gave no socket; only connecting out", ctx->port);
		return;
	}
	/*
	 * The wildcard, so addresses of tunnel interfaces created later
	 * are covered; peers are told apart by source address. Dual stack
	 * ([::], IPv4 peers as mapped addresses) for sessions over IPv6
	 * inside addresses; 0.0.0.0 on a host without IPv6.
	 */
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd != -1) {
		int on = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off)) == 0 && bind(fd, (struct sockaddr *)&sin6,
		    sizeof(sin6)) == 0 && listen(fd, 16) == 0 &&
		    (ctx->listener = evconnlistener_new(ctx->base,
		    bgp_accept_cb, ctx, LEV_OPT_CLOSE_ON_FREE |
		    LEV_OPT_CLOSE_ON_EXEC, -1, fd)) != NULL)
			return;
		close(fd);
	}
	ctx->listener = evconnlistener_new_bind(ctx->base, bgp_accept_cb, ctx,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    16, (struct sockaddr *)&sin, sizeof(sin));
	if (ctx->listener == NULL)
		log_warn(NULL, "bgp: cannot listen on port %u: %s; "
		    "only connecting out", ctx->port, strerror(errno));
}

void
bgp_listen_close(struct bgp_ctx *ctx)
{
	if (ctx->listener != NULL)
		evconnlistener_free(ctx->listener);
	ctx->listener = NULL;
}

/* ---- Peer API ---- */

void
bgp_peer_conf_defaults(struct bgp_peer_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->hold_time = BGP_DEF_HOLD_TIME;
	c->connect_retry = BGP_DEF_CONNECT_RETRY;
	c->local_pref = BGP_DEF_LOCAL_PREF;
}

struct bgp_peer *
bgp_peer_add(struct bgp_ctx *ctx, const struct bgp_peer_conf *conf)
{
	struct bgp_peer *p;

	/* Over IPv4 or over IPv6 (AWS's IPv6 inside /126s); our end, if
	 * given, of the same family. */
	if (conf->name[0] == '\0' || (conf->remote.af != AF_INET &&
	    conf->remote.af != AF_INET6) ||
	    (conf->remote_asn == 0 && conf->role != BGP_ROLE_STATIC) ||
	    conf->connect_retry == 0 ||
	    (conf->hold_time > 0 && conf->hold_time < 3) ||
	    (conf->local.af != AF_UNSPEC &&
	    conf->local.af != conf->remote.af)) {
		errno = EINVAL;
		return NULL;
	}
	if (bgp_peer_find(ctx, conf->name) != NULL ||
	    bgp_peer_by_addr(ctx, &conf->remote) != NULL) {
		errno = EEXIST;
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->ctx = ctx;
	p->conf = *conf;
	p->conf.name[sizeof(p->conf.name) - 1] = '\0';
	p->state = BGP_ST_IDLE;
	/* Static routes count as external: redistributed to iBGP
	 * neighbors as tunnel-learned ones are. */
	p->ebgp = conf->role == BGP_ROLE_STATIC || conf->remote_asn != ctx->asn;
	p->peer_asn = conf->remote_asn;
	/* What a peer without capabilities carries, until its OPEN says. */
	p->afs = BGP_AF_IPV4;
	RB_INIT(&p->out);
	p->ev_retry = evtimer_new(ctx->base, bgp_retry_cb, p);
	p->ev_hold = evtimer_new(ctx->base, bgp_hold_cb, p);
	p->ev_keepalive = evtimer_new(ctx->base, bgp_keepalive_cb, p);
	if (p->ev_retry == NULL || p->ev_hold == NULL ||
	    p->ev_keepalive == NULL) {
		if (p->ev_retry)
			event_free(p->ev_retry);
		if (p->ev_hold)
			event_free(p->ev_hold);
		if (p->ev_keepalive)
			event_free(p->ev_keepalive);
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	TAILQ_INSERT_TAIL(&ctx->peers, p, entry);
	return p;
}

int
bgp_peer_start(struct bgp_peer *p)
{
	if (p->conf.role == BGP_ROLE_STATIC) {
		if (!p->enabled)
			bgp_static_start(p);
		return 0;
	}
	p->enabled = true;
	if (p->state == BGP_ST_IDLE) {
		bgp_timer_stop(p->ev_retry);
		bgp_fsm(p, BGP_EV_START);
	}
	return 0;
}

void
bgp_peer_down(struct bgp_peer *p, const char *reason)
{
	if (p->conf.role == BGP_ROLE_STATIC) {
		bgp_static_stop(p, reason);
		return;
	}
	p->enabled = false;
	bgp_timer_stop(p->ev_retry);
	p->fsm_in = (struct bgp_fsm_in){ .why = reason };
	bgp_fsm(p, BGP_EV_STOP);
}

void
bgp_peer_remove(struct bgp_peer *p)
{
	struct bgp_ctx *ctx = p->ctx;

	bgp_peer_down(p, "peer removed");
	bgp_rib_peer_flush(ctx, p);
	bgp_rib_peer_out_clear(p);
	TAILQ_REMOVE(&ctx->peers, p, entry);
	event_free(p->ev_retry);
	event_free(p->ev_hold);
	event_free(p->ev_keepalive);
	if (p->ev_summary != NULL)
		event_free(p->ev_summary);
	bgp_static_free(p);
	free(p);
}

struct bgp_peer *
bgp_peer_find(struct bgp_ctx *ctx, const char *name)
{
	struct bgp_peer *p;

	TAILQ_FOREACH(p, &ctx->peers, entry)
		if (strcmp(p->conf.name, name) == 0)
			return p;
	return NULL;
}

void *
bgp_peer_arg(const struct bgp_peer *p)
{
	return p->conf.arg;
}

const char *
bgp_peer_name(const struct bgp_peer *p)
{
	return p->conf.name;
}

void
bgp_peer_status(const struct bgp_peer *p, struct bgp_peer_status *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", p->conf.name);
	st->role = p->conf.role;
	st->state = p->state;
	st->state_name = bgp_state_name(p->state);
	st->local = p->conf.local;
	st->remote = p->conf.remote;
	/* Our end as the socket has it, in the remote's family. */
	if (p->conf.remote.af == AF_INET && p->local_addr.s_addr != 0)
		st->session_local = (struct cgw_addr){ .af = AF_INET,
		    .v4 = p->local_addr };
	else if (p->conf.remote.af == AF_INET6 &&
	    !IN6_IS_ADDR_UNSPECIFIED(&p->local_addr6))
		st->session_local = (struct cgw_addr){ .af = AF_INET6,
		    .v6 = p->local_addr6 };
	st->peer_asn = p->peer_asn;
	if (p->state >= BGP_ST_OPENCONFIRM)
		st->peer_id = p->peer_id;
	if (p->state == BGP_ST_ESTABLISHED) {
		st->hold_time = p->hold_time;
		st->uptime_s = (uint64_t)(bgp_now() - p->established_at);
	}
	if (p->state >= BGP_ST_OPENCONFIRM) {
		st->ipv4 = (p->afs & BGP_AF_IPV4) != 0;
		st->ipv6 = (p->afs & BGP_AF_IPV6) != 0;
	}
	st->prefixes_received = p->n_received;
	st->prefixes_advertised = p->n_advertised;
	st->covers_advertised = p->n_covers;
	st->cover_skipped = p->cover_skipped;
	st->cover = p->cover;
	st->established_count = p->established_count;
	memcpy(st->msgs_in, p->msgs_in, sizeof(st->msgs_in));
	memcpy(st->msgs_out, p->msgs_out, sizeof(st->msgs_out));
	st->flaps = p->flaps;
	snprintf(st->last_error, sizeof(st->last_error), "%s", p->last_error);
	snprintf(st->prev_error, sizeof(st->prev_error), "%s", p->prev_error);
}

void
bgp_peer_foreach(struct bgp_ctx *ctx, void (*cb)(struct bgp_peer *, void *),
    void *arg)
{
	struct bgp_peer *p, *next;

	for (p = TAILQ_FIRST(&ctx->peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->conf.role != BGP_ROLE_STATIC)
			cb(p, arg);
	}
}
