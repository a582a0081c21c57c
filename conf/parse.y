/*
 * Grammar of cgwd.conf (SPEC section 4). The actions turn words into
 * values and store them; checks that need a whole block or the whole
 * file live in validate.c. Errors recover at statement level so one run
 * reports every problem.
 */
%define api.pure full
%define api.prefix {conf_yy}
%define api.token.prefix {T_}
%define api.header.include {"conf/parse.tab.h"}
%define parse.error verbose
%locations
%param {void *scanner}
%parse-param {struct conf_parse *ctx}

%code requires {
#include "conf/conf_priv.h"
}

%code provides {
int	conf_yylex(CONF_YYSTYPE *, CONF_YYLTYPE *, void *);
void	conf_yyerror(CONF_YYLTYPE *, void *, struct conf_parse *, const char *);
}

%code {
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

static bool	conf_once(struct conf_parse *, int *, enum conf_key,
		    const char *, int);
static bool	conf_number(struct conf_parse *, const char *, int,
		    const char *, uint32_t, uint32_t, uint32_t *);
static bool	conf_duration(struct conf_parse *, const char *, int,
		    const char *, uint32_t *);
static bool	conf_duration_ms(struct conf_parse *, const char *, int,
		    const char *, uint32_t, uint32_t, const char *, uint32_t *);
static bool	conf_address(struct conf_parse *, const char *, int,
		    const char *, struct cgw_addr *);
static void	conf_network_add(struct conf_parse *, const char *, int);
static void	conf_static_add(struct conf_parse *, const char *, int);
static void	conf_proposal_add(struct conf_parse *, const char *, int);
static void	conf_id_set(struct conf_parse *, const char *, int,
		    const char *, struct conf_id *);
static void	conf_ifname_set(struct conf_parse *, const char *, int);
static void	conf_str_free(char *);
static void	conf_ctl_group_set(struct conf_parse *, const char *, int,
		    const char *, struct conf_ctl_group *);
static int	*conf_seen(struct conf_parse *);
static void	conf_startup_set(struct conf_parse *, enum conf_startup, int);
static void	conf_ts_set(struct conf_parse *, const char *, const char *,
		    int);
static void	conf_metrics_listen(struct conf_parse *, const char *, int);
static void	conf_limit(struct conf_parse *, enum conf_key, const char *,
		    const char *, int, uint32_t, uint32_t, uint32_t *);
}

%union {
	char	*str;
	int	 num;
}

%token ASN "asn" ROUTER_ID "router-id" NETWORK "network" VPN "vpn"
%token LOCAL "local" PEER_ASN "peer-asn" IKE "ike" ESP "esp"
%token PROPOSAL "proposal" LIFETIME "lifetime" FORCE "force" DPD "dpd"
%token INTERVAL "interval" TIMEOUT "timeout" STEERING "steering"
%token ACTIVE_STANDBY "active-standby" ECMP "ecmp" STARTUP "startup"
%token INITIATE "initiate" RESPOND "respond" REPLAY_WINDOW "replay-window"
%token HOLD_TIME "hold-time" TUNNEL "tunnel" REMOTE "remote" INSIDE "inside"
%token PSK "psk" PSK_FILE "psk-file" INTERFACE "interface" MTU "mtu"
%token LOCAL_ID "local-id" REMOTE_ID "remote-id"
%token FAILOVER "failover" SPLIT "split" HOLD_DOWN "hold-down"
%token PEER_TYPE "peer-type" TRAFFIC_SELECTORS "traffic-selectors"
%token MSS_CLAMP "mss-clamp" STATIC "static"
%token NEIGHBOR "neighbor" REMOTE_AS "remote-as" DESCRIPTION "description"
%token INSTALL_ROUTES "install-routes"
%token CONTROL "control" GROUP "group" ADMIN_GROUP "admin-group"
%token METRICS "metrics" LISTEN "listen"
%token LIMITS "limits" COOKIES "cookies" COOKIES_PER_PEER "cookies-per-peer"
%token HALF_OPEN "half-open" HALF_OPEN_PER_PEER "half-open-per-peer"
%token DH_PER_SECOND "dh-per-second"
%token <str> WORD "word" STRING "quoted string"

%type <str> value
%type <num> force

%destructor { conf_str_free($$); } <str>

%%

file		: %empty
		| file top optsemi
		| file error
		;

optsemi		: %empty
		| ';'
		;

value		: WORD
		| STRING
		;

force		: %empty	{ $$ = 0; }
		| FORCE		{ $$ = 1; }
		;

top		: ASN value {
			if (conf_once(ctx, ctx->global_seen, CONF_K_ASN, "asn",
			    @1.first_line))
				conf_number(ctx, $2, @2.first_line, "asn", 1,
				    UINT32_MAX, &ctx->conf->asn);
			free($2);
		}
		| ROUTER_ID value {
			struct cgw_addr a;

			if (conf_once(ctx, ctx->global_seen, CONF_K_ROUTER_ID,
			    "router-id", @1.first_line) &&
			    conf_address(ctx, $2, @2.first_line, "router-id", &a)) {
				if (a.af != AF_INET)
					conf_problem(ctx, true, @2.first_line,
					    "router-id %s is not IPv4; allowed: "
					    "an IPv4 address (the BGP identifier)",
					    $2);
				else
					ctx->conf->router_id = a;
			}
			free($2);
		}
		| NETWORK value {
			conf_network_add(ctx, $2, @2.first_line);
			free($2);
		}
		| CONTROL GROUP value {
			if (conf_once(ctx, ctx->global_seen, CONF_K_CTL_GROUP,
			    "control group", @1.first_line))
				conf_ctl_group_set(ctx, $3, @3.first_line,
				    "control group", &ctx->conf->ctl_group);
			free($3);
		}
		| CONTROL ADMIN_GROUP value {
			if (conf_once(ctx, ctx->global_seen,
			    CONF_K_CTL_ADMIN_GROUP, "control admin-group",
			    @1.first_line))
				conf_ctl_group_set(ctx, $3, @3.first_line,
				    "control admin-group", &ctx->conf->ctl_admin);
			free($3);
		}
		| METRICS LISTEN value {
			if (conf_once(ctx, ctx->global_seen, CONF_K_METRICS,
			    "metrics listen", @1.first_line))
				conf_metrics_listen(ctx, $3, @3.first_line);
			free($3);
		}
		| IKE LIMITS '{' lim_body '}'
		| VPN value '{' {
			conf_vpn_begin(ctx, $2, @1.first_line);
			$2 = NULL;	/* conf_vpn_begin took it */
		} vpn_body '}' {
			conf_vpn_end(ctx);
		}
		| NEIGHBOR value '{' {
			conf_neighbor_begin(ctx, $2, @1.first_line);
			$2 = NULL;
		} nbr_body '}' {
			conf_neighbor_end(ctx);
		}
		;

/* Each: the statement's key, its name, its range, where it goes. */
lim_body	: %empty
		| lim_body lim_stmt optsemi
		;

lim_stmt	: COOKIES value {
			conf_limit(ctx, CONF_K_LIM_COOKIES, "ike limits cookies",
			    $2, @2.first_line, 1, 100000,
			    &ctx->conf->ike_limits.cookies);
			free($2);
		}
		| COOKIES_PER_PEER value {
			conf_limit(ctx, CONF_K_LIM_COOKIES_PEER,
			    "ike limits cookies-per-peer", $2, @2.first_line, 1,
			    1000, &ctx->conf->ike_limits.cookies_per_peer);
			free($2);
		}
		| HALF_OPEN value {
			conf_limit(ctx, CONF_K_LIM_HALFOPEN, "ike limits half-open",
			    $2, @2.first_line, 16, 1000000,
			    &ctx->conf->ike_limits.half_open);
			free($2);
		}
		| HALF_OPEN_PER_PEER value {
			conf_limit(ctx, CONF_K_LIM_HALFOPEN_PEER,
			    "ike limits half-open-per-peer", $2, @2.first_line, 1,
			    1000, &ctx->conf->ike_limits.half_open_per_peer);
			free($2);
		}
		| DH_PER_SECOND value {
			conf_limit(ctx, CONF_K_LIM_DH, "ike limits dh-per-second",
			    $2, @2.first_line, 1, 10000,
			    &ctx->conf->ike_limits.dh_per_second);
			free($2);
		}
		;

vpn_body	: %empty
		| vpn_body vpn_stmt optsemi
		| vpn_body error
		;

vpn_stmt	: LOCAL value {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_LOCAL, "local",
			    @1.first_line))
				conf_address(ctx, $2, @2.first_line, "local",
				    &ctx->vpn->local);
			free($2);
		}
		| LOCAL_ID value {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_LOCAL_ID,
			    "local-id", @1.first_line))
				conf_id_set(ctx, $2, @2.first_line, "local-id",
				    &ctx->vpn->local_id);
			free($2);
		}
		| REMOTE_ID value {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_REMOTE_ID,
			    "remote-id", @1.first_line))
				conf_id_set(ctx, $2, @2.first_line, "remote-id",
				    &ctx->vpn->remote_id);
			free($2);
		}
		| PEER_ASN value {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_PEER_ASN,
			    "peer-asn", @1.first_line))
				conf_number(ctx, $2, @2.first_line, "peer-asn",
				    1, UINT32_MAX, &ctx->vpn->peer_asn);
			free($2);
		}
		| sa_stmt
		| STATIC value {
			conf_static_add(ctx, $2, @2.first_line);
			free($2);
		}
		| FAILOVER failover_opts
		| STEERING ACTIVE_STANDBY {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_STEERING,
			    "steering", @1.first_line))
				ctx->vpn->steering = CONF_STEER_ACTIVE_STANDBY;
		}
		| STEERING ECMP {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_STEERING,
			    "steering", @1.first_line))
				ctx->vpn->steering = CONF_STEER_ECMP;
		}
		| PEER_TYPE value {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_PEER_TYPE,
			    "peer-type", @1.first_line)) {
				if (strcmp($2, "aws") == 0)
					ctx->vpn->peer_type = CONF_PEER_AWS;
				else if (strcmp($2, "generic") == 0)
					ctx->vpn->peer_type = CONF_PEER_GENERIC;
				else
					conf_problem(ctx, true, @2.first_line,
					    "peer-type %s: allowed: aws, generic",
					    $2);
			}
			free($2);
		}
		| HOLD_TIME value {
			uint32_t t;

			if (conf_once(ctx, ctx->vpn_seen, CONF_K_HOLD_TIME,
			    "hold-time", @1.first_line) &&
			    conf_duration(ctx, $2, @2.first_line, "hold-time",
			    &t)) {
				/* RFC 4271 4.2: zero or at least three */
				if ((t > 0 && t < 3) || t > 65535)
					conf_problem(ctx, true, @2.first_line,
					    "hold-time %s out of range; allowed: "
					    "0 or 3s-65535s", $2);
				else
					ctx->vpn->hold_time_s = t;
			}
			free($2);
		}
		| TUNNEL value '{' {
			conf_tunnel_begin(ctx, $2, @1.first_line);
			$2 = NULL;
		} tun_body '}' {
			conf_tunnel_end(ctx);
		}
		;

/*
 * What a vpn block sets for its tunnels and a tunnel block may set for
 * itself (AWS has these options per tunnel): the actions write into the
 * tunnel when inside one (ctx->tunnel), else into the vpn.
 */
sa_stmt		: IKE { ctx->sa = CONF_SA_IKE; } sa_opts
		| ESP { ctx->sa = CONF_SA_ESP; } sa_opts
		| DPD dpd_opts
		| TRAFFIC_SELECTORS LOCAL value REMOTE value {
			conf_ts_set(ctx, $3, $5, @1.first_line);
			free($3);
			free($5);
		}
		| MSS_CLAMP value {
			uint32_t m = 0;

			/* The bound against the tunnel's mtu is checked
			 * once both are known (validate.c). */
			if (conf_once(ctx, conf_seen(ctx), CONF_K_MSS,
			    "mss-clamp", @1.first_line) &&
			    (strcmp($2, "auto") == 0 || strcmp($2, "off") == 0 ||
			    conf_number(ctx, $2, @2.first_line, "mss-clamp",
			    CONF_MSS_MIN, CONF_MTU_MAX - 40, &m))) {
				if (strcmp($2, "auto") == 0)
					m = CONF_MSS_AUTO;
				if (ctx->tunnel != NULL) {
					ctx->tunnel->mss_clamp = m;
					ctx->tunnel->own |= CONF_TOWN_MSS;
				} else
					ctx->vpn->mss_clamp = m;
			}
			free($2);
		}
		| STARTUP INITIATE {
			conf_startup_set(ctx, CONF_START_INITIATE, @1.first_line);
		}
		| STARTUP RESPOND {
			conf_startup_set(ctx, CONF_START_RESPOND, @1.first_line);
		}
		| REPLAY_WINDOW value {
			uint32_t w;

			/* 0 turns replay protection off; the kernel's
			 * bitmap tops out at 4096 in practice. */
			if (conf_once(ctx, conf_seen(ctx), CONF_K_REPLAY,
			    "replay-window", @1.first_line) &&
			    conf_number(ctx, $2, @2.first_line,
			    "replay-window", 0, 4096, &w)) {
				if (w < CONF_AWS_REPLAY_MIN ||
				    w > CONF_AWS_REPLAY_MAX)
					conf_problem(ctx, false, @2.first_line,
					    "replay-window %u: AWS accepts %d-%d",
					    w, CONF_AWS_REPLAY_MIN,
					    CONF_AWS_REPLAY_MAX);
				if (ctx->tunnel != NULL) {
					ctx->tunnel->replay_window = w;
					ctx->tunnel->own |= CONF_TOWN_REPLAY;
				} else
					ctx->vpn->replay_window = w;
			}
			free($2);
		}
		;

sa_opts		: sa_opt
		| sa_opts sa_opt
		;

sa_opt		: PROPOSAL proposals
		| LIFETIME value force {
			enum conf_key k = ctx->sa == CONF_SA_IKE ?
			    CONF_K_IKE_LIFETIME : CONF_K_ESP_LIFETIME;
			uint32_t t;

			if (conf_once(ctx, conf_seen(ctx), k, "lifetime",
			    @1.first_line) &&
			    conf_duration(ctx, $2, @2.first_line, "lifetime", &t) &&
			    conf_lifetime_check(ctx, ctx->sa, t, $3,
			    @2.first_line)) {
				struct conf_tunnel *tn = ctx->tunnel;

				if (ctx->sa == CONF_SA_IKE && tn != NULL) {
					tn->ike_lifetime_s = t;
					tn->own |= CONF_TOWN_IKE_LIFETIME;
				} else if (tn != NULL) {
					tn->esp_lifetime_s = t;
					tn->own |= CONF_TOWN_ESP_LIFETIME;
				} else if (ctx->sa == CONF_SA_IKE)
					ctx->vpn->ike_lifetime_s = t;
				else
					ctx->vpn->esp_lifetime_s = t;
			}
			free($2);
		}
		;

proposals	: value {
			conf_proposal_add(ctx, $1, @1.first_line);
			free($1);
		}
		| proposals value {
			conf_proposal_add(ctx, $2, @2.first_line);
			free($2);
		}
		;

dpd_opts	: dpd_opt
		| dpd_opts dpd_opt
		;

dpd_opt		: INTERVAL value {
			/* Probes leave this often while the peer is quiet;
			 * below 100 ms they would be noise on the wire. */
			struct conf_tunnel *tn = ctx->tunnel;

			if (conf_once(ctx, conf_seen(ctx), CONF_K_DPD_INTERVAL,
			    "dpd interval", @1.first_line) &&
			    conf_duration_ms(ctx, $2, @2.first_line,
			    "dpd interval", 100, 3600000, "100ms-1h", tn ?
			    &tn->dpd_interval_ms : &ctx->vpn->dpd_interval_ms) &&
			    tn != NULL)
				tn->own |= CONF_TOWN_DPD_INTERVAL;
			free($2);
		}
		| TIMEOUT value {
			struct conf_tunnel *tn = ctx->tunnel;

			if (conf_once(ctx, conf_seen(ctx), CONF_K_DPD_TIMEOUT,
			    "dpd timeout", @1.first_line) &&
			    conf_duration_ms(ctx, $2, @2.first_line,
			    "dpd timeout", 500, 86400000, "500ms-24h", tn ?
			    &tn->dpd_timeout_ms : &ctx->vpn->dpd_timeout_ms) &&
			    tn != NULL)
				tn->own |= CONF_TOWN_DPD_TIMEOUT;
			free($2);
		}
		;

failover_opts	: failover_opt
		| failover_opts failover_opt
		;

failover_opt	: SPLIT value {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_SPLIT,
			    "failover split", @1.first_line)) {
				if (strcmp($2, "on") == 0)
					ctx->vpn->failover_split = true;
				else if (strcmp($2, "off") == 0)
					ctx->vpn->failover_split = false;
				else
					conf_problem(ctx, true, @2.first_line,
					    "failover split %s: allowed: on, off",
					    $2);
			}
			free($2);
		}
		| HOLD_DOWN value {
			uint32_t t;

			if (conf_once(ctx, ctx->vpn_seen, CONF_K_HOLDDOWN,
			    "failover hold-down", @1.first_line) &&
			    conf_duration(ctx, $2, @2.first_line,
			    "failover hold-down", &t)) {
				if (t > 3600)
					conf_problem(ctx, true, @2.first_line,
					    "failover hold-down %s out of range; "
					    "allowed: 0s-1h", $2);
				else
					ctx->vpn->failover_holddown_s = t;
			}
			free($2);
		}
		;

tun_body	: %empty
		| tun_body tun_stmt optsemi
		| tun_body error
		;

tun_stmt	: sa_stmt
		| REMOTE value {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_REMOTE, "remote",
			    @1.first_line))
				conf_address(ctx, $2, @2.first_line, "remote",
				    &ctx->tunnel->remote);
			free($2);
		}
		| INSIDE value {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_INSIDE, "inside",
			    @1.first_line) &&
			    !prefix_parse($2, &ctx->tunnel->inside))
				conf_problem(ctx, true, @2.first_line,
				    "inside %s is not an address/prefix; allowed: "
				    "our address in a /30, e.g. 169.254.21.2/30",
				    $2);
			free($2);
		}
		| PSK value {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_PSK, "psk",
			    @1.first_line) && ctx->tunnel->psk == NULL) {
				ctx->tunnel->psk = $2;
				ctx->tunnel->psk_len = strlen($2);
			} else
				conf_str_free($2);
		}
		| PSK_FILE value {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_PSK_FILE,
			    "psk-file", @1.first_line)) {
				ctx->tunnel->psk_file = $2;
				conf_psk_read(ctx, ctx->tunnel, $2, @2.first_line);
			} else
				free($2);
		}
		| INTERFACE value {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_INTERFACE,
			    "interface", @1.first_line))
				conf_ifname_set(ctx, $2, @2.first_line);
			free($2);
		}
		| MTU value {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_MTU, "mtu",
			    @1.first_line))
				conf_number(ctx, $2, @2.first_line, "mtu",
				    CONF_MTU_MIN, CONF_MTU_MAX, &ctx->tunnel->mtu);
			free($2);
		}
		;

nbr_body	: %empty
		| nbr_body nbr_stmt optsemi
		| nbr_body error
		;

nbr_stmt	: REMOTE_AS value {
			if (conf_once(ctx, ctx->nbr_seen, CONF_K_REMOTE_AS,
			    "remote-as", @1.first_line))
				conf_number(ctx, $2, @2.first_line, "remote-as",
				    1, UINT32_MAX, &ctx->neighbor->remote_as);
			free($2);
		}
		| DESCRIPTION value {
			struct conf_neighbor *n = ctx->neighbor;

			if (conf_once(ctx, ctx->nbr_seen, CONF_K_DESCRIPTION,
			    "description", @1.first_line)) {
				if (strlen($2) >= sizeof(n->description))
					conf_problem(ctx, true, @2.first_line,
					    "description longer than %zu "
					    "characters", sizeof(n->description) - 1);
				else if (strchr($2, '"') || strchr($2, '\\'))
					conf_problem(ctx, true, @2.first_line,
					    "description contains '\"' or '\\'");
				else
					strcpy(n->description, $2);
			}
			free($2);
		}
		| INSTALL_ROUTES value {
			if (conf_once(ctx, ctx->nbr_seen, CONF_K_INSTALL_ROUTES,
			    "install-routes", @1.first_line)) {
				if (strcmp($2, "on") == 0)
					ctx->neighbor->install_routes = true;
				else if (strcmp($2, "off") == 0)
					ctx->neighbor->install_routes = false;
				else
					conf_problem(ctx, true, @2.first_line,
					    "install-routes %s: allowed: on, off",
					    $2);
			}
			free($2);
		}
		;

%%

void
conf_yyerror(CONF_YYLTYPE *loc, void *scanner, struct conf_parse *ctx,
    const char *msg)
{
	(void)scanner;
	conf_problem(ctx, true, loc->first_line, "%s", msg);
}

/* Strings may be PSKs: wipe before free. */
static void
conf_str_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* The keys given so far in the block being parsed (vpn or tunnel). */
static int *
conf_seen(struct conf_parse *ctx)
{
	return ctx->tunnel != NULL ? ctx->tun_seen : ctx->vpn_seen;
}

static bool
conf_ts_prefix(struct conf_parse *ctx, const char *s, int line,
    const char *what, struct cgw_prefix *out)
{
	struct cgw_prefix net;
	char buf[CGW_PREFIXSTRLEN];

	if (!prefix_parse(s, out)) {
		conf_problem(ctx, true, line, "traffic-selectors %s %s is not a "
		    "prefix; allowed: address/length, e.g. 10.224.0.0/12", what,
		    s);
		return false;
	}
	prefix_network(out, &net);
	if (!addr_eq(&out->addr, &net.addr)) {
		conf_problem(ctx, true, line, "traffic-selectors %s %s has host "
		    "bits set; allowed: the network address, %s", what, s,
		    prefix_fmt(&net, buf, sizeof(buf)));
		return false;
	}
	return true;
}

/*
 * One prefix each side: what the CHILD SA carries, for policy-based peers
 * that refuse 0.0.0.0/0 (or AWS's Local/RemoteIpv4NetworkCidr).
 */
static void
conf_ts_set(struct conf_parse *ctx, const char *l, const char *r, int line)
{
	struct conf_tunnel *t = ctx->tunnel;
	struct cgw_prefix pl, pr;

	if (!conf_once(ctx, conf_seen(ctx), CONF_K_TS,
	    "traffic-selectors", line) ||
	    !conf_ts_prefix(ctx, l, line, "local", &pl) ||
	    !conf_ts_prefix(ctx, r, line, "remote", &pr))
		return;
	if (pl.addr.af != pr.addr.af) {
		conf_problem(ctx, true, line, "traffic-selectors local %s and "
		    "remote %s are of different address families; allowed: "
		    "both IPv4 or both IPv6", l, r);
		return;
	}
	if (t != NULL) {
		t->ts_local = pl;
		t->ts_remote = pr;
		t->own |= CONF_TOWN_TS;
	} else {
		ctx->vpn->ts_local = pl;
		ctx->vpn->ts_remote = pr;
	}
}

static void
conf_startup_set(struct conf_parse *ctx, enum conf_startup s, int line)
{
	if (!conf_once(ctx, conf_seen(ctx), CONF_K_STARTUP, "startup", line))
		return;
	if (ctx->tunnel != NULL) {
		ctx->tunnel->startup = s;
		ctx->tunnel->own |= CONF_TOWN_STARTUP;
	} else
		ctx->vpn->startup = s;
}

static bool
conf_once(struct conf_parse *ctx, int *seen, enum conf_key k, const char *name,
    int line)
{
	if (seen[k] != 0) {
		conf_problem(ctx, true, line, "'%s' given twice (first on line %d); "
		    "allowed: once per block", name, seen[k]);
		return false;
	}
	seen[k] = line;
	return true;
}

/* One `ike limits` statement: once in the file, a number in range. */
static void
conf_limit(struct conf_parse *ctx, enum conf_key k, const char *what,
    const char *s, int line, uint32_t min, uint32_t max, uint32_t *out)
{
	if (conf_once(ctx, ctx->global_seen, k, what, line))
		conf_number(ctx, s, line, what, min, max, out);
}

static bool
conf_number(struct conf_parse *ctx, const char *s, int line, const char *what,
    uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			break;
	}
	if (p == s || *p != '\0' || v < min || v > max) {
		conf_problem(ctx, true, line, "%s %s is not a number in range; "
		    "allowed: %u-%u", what, s, min, max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool
conf_duration(struct conf_parse *ctx, const char *s, int line, const char *what,
    uint32_t *out)
{
	unsigned long long v = 0, mult = 1;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			goto bad;
	}
	if (p == s)
		goto bad;
	switch (*p) {
	case '\0':
		break;
	case 's': mult = 1; p++; break;
	case 'm': mult = 60; p++; break;
	case 'h': mult = 3600; p++; break;
	case 'd': mult = 86400; p++; break;
	default:
		goto bad;
	}
	if (*p != '\0' || v * mult > UINT32_MAX)
		goto bad;
	*out = (uint32_t)(v * mult);
	return true;
bad:
	conf_problem(ctx, true, line, "%s %s is not a duration; allowed: "
	    "seconds, or a number with s, m, h or d (30s, 10m, 8h, 1d)", what, s);
	return false;
}

/* A duration with millisecond resolution: "200ms", "2s", "1m", or a bare
 * number of seconds; between min and max ms. */
static bool
conf_duration_ms(struct conf_parse *ctx, const char *s, int line,
    const char *what, uint32_t min, uint32_t max, const char *range,
    uint32_t *out)
{
	unsigned long long v = 0, mult = 1000;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			goto bad;
	}
	if (p == s)
		goto bad;
	if (strcmp(p, "ms") == 0)
		mult = 1;
	else if (strcmp(p, "s") == 0 || *p == '\0')
		mult = 1000;
	else if (strcmp(p, "m") == 0)
		mult = 60000;
	else if (strcmp(p, "h") == 0)
		mult = 3600000;
	else
		goto bad;
	if (v * mult < min || v * mult > max) {
		conf_problem(ctx, true, line, "%s %s out of range; allowed: "
		    "%s", what, s, range);
		return false;
	}
	*out = (uint32_t)(v * mult);
	return true;
bad:
	conf_problem(ctx, true, line, "%s %s is not a duration; allowed: a "
	    "number with ms, s, m or h (200ms, 2s, 1m)", what, s);
	return false;
}

static bool
conf_address(struct conf_parse *ctx, const char *s, int line, const char *what,
    struct cgw_addr *out)
{
	if (!addr_parse(s, out)) {
		conf_problem(ctx, true, line, "%s %s is not an IP address; allowed: "
		    "an IPv4 or IPv6 address, e.g. 192.0.2.10", what, s);
		return false;
	}
	return true;
}

/* ADDRESS:PORT, an IPv6 address in brackets: [::1]:9642. */
static void
conf_metrics_listen(struct conf_parse *ctx, const char *s, int line)
{
	char host[CGW_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	uint32_t port;
	size_t n;

	if (colon == NULL || colon == s)
		goto bad;
	n = (size_t)(colon - s);
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			goto bad;
		s++;
		n -= 2;
	}
	if (n >= sizeof(host))
		goto bad;
	memcpy(host, s, n);
	host[n] = '\0';
	if (!conf_address(ctx, host, line, "metrics listen", &ctx->conf->metrics_addr) ||
	    !conf_number(ctx, colon + 1, line, "metrics listen port", 1, 65535,
	    &port))
		return;
	ctx->conf->metrics_port = (uint16_t)port;
	return;
bad:
	conf_problem(ctx, true, line, "metrics listen %s is not ADDRESS:PORT; "
	    "allowed: e.g. 127.0.0.1:9642 or \"[::1]:9642\"", s);
}

static void
conf_network_add(struct conf_parse *ctx, const char *s, int line)
{
	struct conf_network *n, *o;
	struct cgw_prefix p, net;
	char buf[CGW_PREFIXSTRLEN];

	if (!prefix_parse(s, &p)) {
		conf_problem(ctx, true, line, "network %s is not a prefix; "
		    "allowed: address/length, e.g. 10.224.0.0/12", s);
		return;
	}
	prefix_network(&p, &net);
	if (!addr_eq(&p.addr, &net.addr)) {
		conf_problem(ctx, true, line, "network %s has host bits set; "
		    "allowed: the network address, %s", s,
		    prefix_fmt(&net, buf, sizeof(buf)));
		return;
	}
	/* host bits are clear here, so equal networks are equal bytes */
	TAILQ_FOREACH(o, &ctx->conf->networks, entry) {
		if (o->prefix.len == p.len && addr_eq(&o->prefix.addr, &p.addr)) {
			conf_problem(ctx, false, line, "network %s already given "
			    "on line %d; ignored", s, o->line);
			return;
		}
	}
	if (ctx->nnetworks >= CONF_MAX_NETWORKS) {
		conf_problem(ctx, true, line, "more than %d networks",
		    CONF_MAX_NETWORKS);
		return;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		conf_problem(ctx, true, line, "out of memory");
		return;
	}
	ctx->nnetworks++;
	n->prefix = p;
	n->line = line;
	TAILQ_INSERT_TAIL(&ctx->conf->networks, n, entry);
}

/*
 * `static PREFIX` in a vpn: a network of the peer's, routed over the
 * vpn's live tunnels without BGP. Checks against the tunnels and the
 * other vpns wait for the whole file (validate.c).
 */
static void
conf_static_add(struct conf_parse *ctx, const char *s, int line)
{
	struct conf_vpn *v = ctx->vpn;
	struct conf_network *n, *o;
	struct cgw_prefix p, net;
	char buf[CGW_PREFIXSTRLEN];

	if (ctx->vpn_seen[CONF_K_STATIC] == 0)
		ctx->vpn_seen[CONF_K_STATIC] = line;
	if (!prefix_parse(s, &p)) {
		conf_problem(ctx, true, line, "static %s is not a prefix; "
		    "allowed: address/length, e.g. 172.31.0.0/16", s);
		return;
	}
	if (p.addr.af != AF_INET) {
		conf_problem(ctx, true, line, "static %s is not IPv4; allowed: "
		    "an IPv4 prefix (routes inside the tunnels are IPv4 only)",
		    s);
		return;
	}
	prefix_network(&p, &net);
	if (!addr_eq(&p.addr, &net.addr)) {
		conf_problem(ctx, true, line, "static %s has host bits set; "
		    "allowed: the network address, %s", s,
		    prefix_fmt(&net, buf, sizeof(buf)));
		return;
	}
	TAILQ_FOREACH(o, &v->statics, entry) {
		if (prefix_eq(&o->prefix, &p)) {
			conf_problem(ctx, false, line, "static %s already given "
			    "on line %d; ignored", s, o->line);
			return;
		}
	}
	if (ctx->nnetworks >= CONF_MAX_NETWORKS) {
		conf_problem(ctx, true, line, "more than %d networks and static "
		    "prefixes", CONF_MAX_NETWORKS);
		return;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		conf_problem(ctx, true, line, "out of memory");
		return;
	}
	ctx->nnetworks++;
	n->prefix = p;
	n->line = line;
	TAILQ_INSERT_TAIL(&v->statics, n, entry);
}

static void
conf_proposal_add(struct conf_parse *ctx, const char *s, int line)
{
	struct conf_vpn *v = ctx->vpn;
	struct conf_tunnel *t = ctx->tunnel;
	bool ike = ctx->sa == CONF_SA_IKE;
	struct conf_proposal *list = t ? (ike ? t->ike : t->esp) :
	    (ike ? v->ike : v->esp);
	size_t *n = t ? (ike ? &t->n_ike : &t->n_esp) :
	    (ike ? &v->n_ike : &v->n_esp);
	const char *kind = ike ? "ike" : "esp";
	char err[512];

	if (t != NULL)
		t->own |= ike ? CONF_TOWN_IKE_PROPOSAL : CONF_TOWN_ESP_PROPOSAL;

	if (*n >= CONF_MAX_PROPOSALS) {
		conf_problem(ctx, true, line, "more than %d %s proposals; allowed: "
		    "up to %d", CONF_MAX_PROPOSALS, kind, CONF_MAX_PROPOSALS);
		return;
	}
	if (conf_proposal_parse(s, ctx->sa, &list[*n], err, sizeof(err)) != 0) {
		conf_problem(ctx, true, line, "%s proposal %s: %s", kind, s, err);
		return;
	}
	list[*n].line = line;
	if (list[*n].nopfs && v->nopfs_line == 0)
		v->nopfs_line = line;
	(*n)++;
}

static void
conf_id_set(struct conf_parse *ctx, const char *s, int line, const char *what,
    struct conf_id *out)
{
	char err[256];

	if (conf_id_parse(s, out, err, sizeof(err)) != 0)
		conf_problem(ctx, true, line, "%s %.64s%s: %s", what, s,
		    strlen(s) > 64 ? "..." : "", err);
}

static void
conf_ifname_set(struct conf_parse *ctx, const char *s, int line)
{
	size_t len = strlen(s);
	bool ok = len > 0 && len < CONF_IFNAME_MAX &&
	    strcmp(s, ".") != 0 && strcmp(s, "..") != 0;

	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.';
	if (!ok) {
		conf_problem(ctx, true, line, "interface name '%s' is not valid; "
		    "allowed: 1-%d characters of A-Z a-z 0-9 . _ -", s,
		    CONF_IFNAME_MAX - 1);
		return;
	}
	memcpy(ctx->tunnel->ifname, s, len + 1);
}

/*
 * A control socket group: a name as groupadd allows it, that this host
 * knows now (cgwd resolves it once, at load and at each reload).
 */
static void
conf_ctl_group_set(struct conf_parse *ctx, const char *s, int line,
    const char *what, struct conf_ctl_group *out)
{
	size_t len = strlen(s);
	bool ok = len > 0 && len < CONF_GROUP_MAX && s[0] != '-';
	struct group *gr;

	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.';
	if (!ok) {
		conf_problem(ctx, true, line, "%s '%.40s%s' is not a group name; "
		    "allowed: 1-%d characters of A-Z a-z 0-9 . _ -", what, s,
		    len > 40 ? "..." : "", CONF_GROUP_MAX - 1);
		return;
	}
	errno = 0;
	if ((gr = getgrnam(s)) == NULL) {
		conf_problem(ctx, true, line, "%s '%s': %s", what, s,
		    errno ? strerror(errno) : "no such group on this host");
		return;
	}
	out->set = true;
	out->gid = (uint32_t)gr->gr_gid;
	memcpy(out->name, s, len + 1);
}
