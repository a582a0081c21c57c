/*
 * bgp_speaker: bgp/ on its own, for interop tests against BIRD.
 *
 *   bgp_speaker -a ASN -i ROUTER-ID [-n PREFIX]... [-m] [-k] [-p PORT] [-v]
 *       -P name=N,remote=A,as=ASN[,local=A][,prepend=N][,lp=N][,max=N]
 *          [,role=tunnel|neighbor][,hold=N][,retry=N][,passive]  ...
 *
 * -m: multipath (ecmp); -k: install FIB changes in the kernel through
 * xfrm/'s route API (proto 201) via the interface holding the peer's local
 * address. Prints one line per event on stdout:
 *   STATE <peer> <old> <new>
 *   FIB <prefix> via <gw> <peer>[ via <gw> <peer>]...   |   FIB <prefix> delete
 * Commands on stdin, one per line: "down NAME", "start NAME", "status"
 * (PEER lines: state, counts, the families the session carries),
 * "routes", "network add|del PREFIX", "reconcile" (the kernel's routes
 * with the FIB, as cgwd does on its timer; prints "RECONCILED"), "quit".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bgp/bgp.h"
#include "daemon/routing.h"
#include "lib/addr.h"
#include "lib/log.h"
#include "xfrm/xfrm.h"

struct speaker {
	struct event_base	*base;
	struct bgp_ctx		*bgp;
	struct xfrm_ctx		*xfrm;
	struct xfrm_route_batch	 batch;
	char			 line[512];
	size_t			 linelen;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bgp_speaker -a ASN -i ROUTER-ID [-n PREFIX]... "
	    "[-m] [-k] [-p PORT] [-v] -P name=N,remote=A,as=ASN[,local=A]"
	    "[,prepend=N][,lp=N][,max=N][,role=tunnel|neighbor][,hold=N]"
	    "[,retry=N][,passive] ...\n");
	exit(2);
}

/* As cgwd: a tunnel peer's routes leave by the interface holding our end
 * of its session, a LAN neighbor's stay out of the kernel. */
static int
speaker_oif(const struct cgw_prefix *prefix, const struct bgp_nexthop *nh,
    void *arg, struct cgw_addr *gw)
{
	struct speaker *s = arg;
	struct bgp_peer_status st;
	struct xfrm_err err;

	(void)prefix;
	(void)gw;
	bgp_peer_status(nh->peer, &st);
	if (st.role != BGP_ROLE_TUNNEL)
		return 0;
	return xfrm_ifindex_of_addr(s->xfrm, &st.local, &err);
}

static int
fib_change(void *arg, const struct cgw_prefix *prefix,
    struct bgp_nexthop *nhs, size_t n, bool in_kernel)
{
	struct speaker *s = arg;
	char pbuf[CGW_PREFIXSTRLEN], abuf[CGW_ADDRSTRLEN];
	size_t i;

	printf("FIB %s", prefix_fmt(prefix, pbuf, sizeof(pbuf)));
	if (n == 0)
		printf(" delete");
	for (i = 0; i < n; i++)
		printf(" via %s %s", addr_fmt(&nhs[i].gateway, abuf,
		    sizeof(abuf)), nhs[i].peer_name);
	printf("\n");
	fflush(stdout);
	if (s->xfrm == NULL)
		return 0;
	/* Queued, sent by fib_commit, as cgwd does. */
	return routing_kernel_queue(s->xfrm, &s->batch, speaker_oif, s, prefix,
	    nhs, n, in_kernel);
}

static void
fib_commit(void *arg)
{
	struct speaker *s = arg;
	uint32_t removals;

	if (s->xfrm != NULL)
		(void)routing_kernel_commit(s->xfrm, &s->batch, s->bgp,
		    &removals);
}

static void
peer_state(void *arg, struct bgp_peer *p, enum bgp_state old,
    enum bgp_state new_state)
{
	(void)arg;
	printf("STATE %s %s %s\n", bgp_peer_name(p), bgp_state_name(old),
	    bgp_state_name(new_state));
	fflush(stdout);
}

static void
print_status(struct bgp_peer *p, void *arg)
{
	struct bgp_peer_status st;

	(void)arg;
	bgp_peer_status(p, &st);
	printf("PEER %s %s as=%u hold=%u up=%llu rx=%u tx=%u est=%u af=%s "
	    "err=%s\n", st.name, st.state_name, st.peer_asn, st.hold_time,
	    (unsigned long long)st.uptime_s, st.prefixes_received,
	    st.prefixes_advertised, st.established_count,
	    st.ipv4 && st.ipv6 ? "ipv4,ipv6" : st.ipv4 ? "ipv4" :
	    st.ipv6 ? "ipv6" : "-", st.last_error[0] ? st.last_error : "-");
}

static void
print_route(const struct bgp_route_info *ri, void *arg)
{
	char pbuf[CGW_PREFIXSTRLEN], abuf[CGW_ADDRSTRLEN];
	size_t i;

	(void)arg;
	printf("ROUTE %s nh=%s peer=%s lp=%u path=[",
	    prefix_fmt(ri->prefix, pbuf, sizeof(pbuf)),
	    addr_is_set(&ri->nexthop) ? addr_fmt(&ri->nexthop, abuf,
	    sizeof(abuf)) : "-", ri->peer_name, ri->local_pref);
	for (i = 0; i < ri->as_path_len; i++)
		printf("%s%u", i ? " " : "", ri->as_path[i]);
	printf("]%s%s\n", ri->best ? " best" : "",
	    ri->installed ? " installed" : "");
}

static void
command(struct speaker *s, char *line)
{
	char *cmd = strtok(line, " \t\r\n"), *arg = strtok(NULL, " \t\r\n");
	char *arg2 = strtok(NULL, " \t\r\n");
	struct bgp_peer *p;
	struct cgw_prefix pfx;

	if (cmd == NULL)
		return;
	if (strcmp(cmd, "quit") == 0) {
		event_base_loopexit(s->base, NULL);
	} else if (strcmp(cmd, "status") == 0) {
		bgp_peer_foreach(s->bgp, print_status, NULL);
		printf("END\n");
	} else if (strcmp(cmd, "reconcile") == 0) {
		if (s->xfrm != NULL)
			routing_kernel_sync(s->bgp, s->xfrm, speaker_oif, s);
		printf("RECONCILED\n");
	} else if (strcmp(cmd, "routes") == 0) {
		bgp_rib_walk(s->bgp, print_route, NULL);
		printf("END\n");
	} else if ((strcmp(cmd, "down") == 0 || strcmp(cmd, "start") == 0) &&
	    arg != NULL) {
		if ((p = bgp_peer_find(s->bgp, arg)) == NULL)
			printf("ERR no peer %s\n", arg);
		else if (cmd[0] == 'd')
			bgp_peer_down(p, "tunnel down (operator)");
		else
			bgp_peer_start(p);
	} else if (strcmp(cmd, "network") == 0 && arg != NULL && arg2 != NULL &&
	    prefix_parse(arg2, &pfx)) {
		if ((strcmp(arg, "add") == 0 ? bgp_network_add(s->bgp, &pfx) :
		    bgp_network_remove(s->bgp, &pfx)) == -1)
			printf("ERR network %s: %s\n", arg, strerror(errno));
	} else
		printf("ERR unknown command\n");
	fflush(stdout);
}

static void
stdin_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct speaker *s = arg;
	ssize_t n;
	char *nl;

	(void)ev;
	n = read(fd, s->line + s->linelen, sizeof(s->line) - 1 - s->linelen);
	if (n <= 0) {
		event_base_loopexit(s->base, NULL);
		return;
	}
	s->linelen += (size_t)n;
	s->line[s->linelen] = '\0';
	while ((nl = strchr(s->line, '\n')) != NULL) {
		*nl = '\0';
		command(s, s->line);
		s->linelen -= (size_t)(nl + 1 - s->line);
		memmove(s->line, nl + 1, s->linelen + 1);
	}
	if (s->linelen == sizeof(s->line) - 1)
		s->linelen = 0;
}

static void
signal_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	event_base_loopexit(arg, NULL);
}

static unsigned long
num(const char *v, unsigned long max)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n > max)
		usage();
	return n;
}

static void
parse_peer(char *spec, struct bgp_peer_conf *c)
{
	char *kv, *save = NULL, *v;

	bgp_peer_conf_defaults(c);
	for (kv = strtok_r(spec, ",", &save); kv != NULL;
	    kv = strtok_r(NULL, ",", &save)) {
		if ((v = strchr(kv, '=')) != NULL)
			*v++ = '\0';
		if (strcmp(kv, "passive") == 0)
			c->passive = true;
		else if (v == NULL)
			usage();
		else if (strcmp(kv, "name") == 0)
			snprintf(c->name, sizeof(c->name), "%s", v);
		else if (strcmp(kv, "remote") == 0) {
			if (!addr_parse(v, &c->remote))
				usage();
		} else if (strcmp(kv, "local") == 0) {
			if (!addr_parse(v, &c->local))
				usage();
		} else if (strcmp(kv, "as") == 0)
			c->remote_asn = (uint32_t)num(v, UINT32_MAX);
		else if (strcmp(kv, "prepend") == 0)
			c->prepend = (uint8_t)num(v, 32);
		else if (strcmp(kv, "lp") == 0)
			c->local_pref = (uint32_t)num(v, UINT32_MAX);
		else if (strcmp(kv, "max") == 0)
			c->max_prefixes = (uint32_t)num(v, UINT32_MAX);
		else if (strcmp(kv, "hold") == 0)
			c->hold_time = (uint16_t)num(v, 65535);
		else if (strcmp(kv, "retry") == 0)
			c->connect_retry = (uint16_t)num(v, 65535);
		else if (strcmp(kv, "role") == 0) {
			if (strcmp(v, "tunnel") == 0)
				c->role = BGP_ROLE_TUNNEL;
			else if (strcmp(v, "neighbor") == 0)
				c->role = BGP_ROLE_NEIGHBOR;
			else
				usage();
		} else
			usage();
	}
}

int
main(int argc, char **argv)
{
	struct speaker s;
	struct bgp_callbacks cb = { fib_change, peer_state, fib_commit };
	struct bgp_peer_conf pc[16];
	struct cgw_prefix nets[64];
	struct cgw_addr rid;
	struct event *ev_in, *ev_term, *ev_int;
	struct xfrm_err xerr;
	struct bgp_peer *p;
	size_t npeers = 0, nnets = 0, i;
	unsigned long asn = 0, port = BGP_PORT;
	bool multipath = false, kernel = false;
	int ch, verbose = 0;

	memset(&s, 0, sizeof(s));
	memset(&rid, 0, sizeof(rid));
	while ((ch = getopt(argc, argv, "a:i:n:mkp:vP:")) != -1) {
		switch (ch) {
		case 'a':
			asn = num(optarg, UINT32_MAX);
			break;
		case 'i':
			if (!addr_parse(optarg, &rid) || rid.af != AF_INET)
				usage();
			break;
		case 'n':
			if (nnets == 64 || !prefix_parse(optarg, &nets[nnets++]))
				usage();
			break;
		case 'm':
			multipath = true;
			break;
		case 'k':
			kernel = true;
			break;
		case 'p':
			port = num(optarg, 65535);
			break;
		case 'v':
			verbose++;
			break;
		case 'P':
			if (npeers == 16)
				usage();
			parse_peer(optarg, &pc[npeers++]);
			break;
		default:
			usage();
		}
	}
	if (asn == 0 || rid.af != AF_INET || npeers == 0)
		usage();
	log_init(verbose + 2, 0);
	signal(SIGPIPE, SIG_IGN);
	if ((s.base = event_base_new()) == NULL)
		return 1;
	if (kernel && (s.xfrm = xfrm_open(s.base, NULL, NULL, &xerr)) == NULL) {
		fprintf(stderr, "xfrm_open: %s\n", xerr.msg);
		return 1;
	}
	if ((s.bgp = bgp_new(s.base, (uint32_t)asn, rid.v4, &cb, &s)) == NULL) {
		perror("bgp_new");
		return 1;
	}
	bgp_set_multipath(s.bgp, multipath);
	if (bgp_set_port(s.bgp, (uint16_t)port) == -1)
		usage();
	for (i = 0; i < nnets; i++)
		if (bgp_network_add(s.bgp, &nets[i]) == -1) {
			perror("network");
			return 1;
		}
	for (i = 0; i < npeers; i++) {
		if ((p = bgp_peer_add(s.bgp, &pc[i])) == NULL) {
			fprintf(stderr, "peer %s: %s\n", pc[i].name,
			    strerror(errno));
			return 1;
		}
		bgp_peer_start(p);
	}
	ev_in = event_new(s.base, 0, EV_READ | EV_PERSIST, stdin_cb, &s);
	ev_term = evsignal_new(s.base, SIGTERM, signal_cb, s.base);
	ev_int = evsignal_new(s.base, SIGINT, signal_cb, s.base);
	event_add(ev_in, NULL);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);
	event_base_dispatch(s.base);
	bgp_free(s.bgp);
	if (s.xfrm != NULL)
		xfrm_close(s.xfrm);
	event_free(ev_in);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(s.base);
	return 0;
}
