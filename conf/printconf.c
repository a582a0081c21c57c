/*
 * The inverse of parse.y: prints a struct conf in the configuration
 * language, every default spelled out, so parse -> print -> parse ->
 * print is a fixed point (tests/unit/test_conf_parse.c). PSKs are never
 * printed: a psk-file prints its path, an inline psk a comment.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf_priv.h"

static const char *
conf_fmt_duration(uint32_t s, char *buf, size_t len)
{
	if (s != 0 && s % 86400 == 0)
		snprintf(buf, len, "%ud", s / 86400);
	else if (s != 0 && s % 3600 == 0)
		snprintf(buf, len, "%uh", s / 3600);
	else if (s != 0 && s % 60 == 0)
		snprintf(buf, len, "%um", s / 60);
	else
		snprintf(buf, len, "%us", s);
	return buf;
}

static char *
conf_fmt_duration_ms(uint32_t ms, char *buf, size_t len)
{
	if (ms % 1000 != 0)
		snprintf(buf, len, "%ums", ms);
	else
		conf_fmt_duration(ms / 1000, buf, len);
	return buf;
}

static void
conf_print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* `ike`/`esp` with its proposals and lifetime, either of them left out
 * when a tunnel inherits it from its vpn. */
static void
conf_print_sa(FILE *f, const char *indent, const char *kind,
    const struct conf_proposal *p, size_t n, bool with_lifetime,
    uint32_t lifetime, uint32_t min, uint32_t max)
{
	char d[32];

	if (n == 0 && !with_lifetime)
		return;
	fprintf(f, "%s%s", indent, kind);
	if (n > 0)
		fprintf(f, " proposal");
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s", p[i].text);
	if (with_lifetime)
		fprintf(f, " lifetime %s%s", conf_fmt_duration(lifetime, d,
		    sizeof(d)), lifetime < min || lifetime > max ? " force" : "");
	fputc('\n', f);
}

/* At vpn level only when not the default (auto), as older versions. */
static void
conf_print_mss(FILE *f, const char *indent, uint32_t m, bool always)
{
	if (m == CONF_MSS_AUTO && always)
		fprintf(f, "%smss-clamp auto\n", indent);
	else if (m == 0)
		fprintf(f, "%smss-clamp off\n", indent);
	else if (m != CONF_MSS_AUTO)
		fprintf(f, "%smss-clamp %u\n", indent, m);
}

/* Printed only when narrowed: all (0.0.0.0/0) is the default. */
static void
conf_print_ts(FILE *f, const char *indent, const struct cgw_prefix *l,
    const struct cgw_prefix *r)
{
	char a[CGW_PREFIXSTRLEN];

	char b[CGW_PREFIXSTRLEN];

	if (l->addr.af == AF_UNSPEC || r->addr.af == AF_UNSPEC)
		return;
	fprintf(f, "%straffic-selectors local %s remote %s\n", indent,
	    prefix_fmt(l, a, sizeof(a)), prefix_fmt(r, b, sizeof(b)));
}

/* A tunnel's own settings (conf_tunnel.own); the rest is the vpn's. */
static void
conf_print_tunnel_own(FILE *f, const struct conf_tunnel *t)
{
	char d1[32];

	conf_print_sa(f, "\t\t", "ike", t->ike,
	    (t->own & CONF_TOWN_IKE_PROPOSAL) ? t->n_ike : 0,
	    (t->own & CONF_TOWN_IKE_LIFETIME) != 0, t->ike_lifetime_s,
	    CONF_IKE_LIFETIME_MIN, CONF_IKE_LIFETIME_MAX);
	conf_print_sa(f, "\t\t", "esp", t->esp,
	    (t->own & CONF_TOWN_ESP_PROPOSAL) ? t->n_esp : 0,
	    (t->own & CONF_TOWN_ESP_LIFETIME) != 0, t->esp_lifetime_s,
	    CONF_ESP_LIFETIME_MIN, CONF_ESP_LIFETIME_MAX);
	if (t->own & (CONF_TOWN_DPD_INTERVAL | CONF_TOWN_DPD_TIMEOUT)) {
		fprintf(f, "\t\tdpd");
		if (t->own & CONF_TOWN_DPD_INTERVAL)
			fprintf(f, " interval %s", conf_fmt_duration_ms(
			    t->dpd_interval_ms, d1, sizeof(d1)));
		if (t->own & CONF_TOWN_DPD_TIMEOUT)
			fprintf(f, " timeout %s", conf_fmt_duration_ms(
			    t->dpd_timeout_ms, d1, sizeof(d1)));
		fputc('\n', f);
	}
	if (t->own & CONF_TOWN_STARTUP)
		fprintf(f, "\t\tstartup %s\n", t->startup == CONF_START_RESPOND ?
		    "respond" : "initiate");
	if (t->own & CONF_TOWN_REPLAY)
		fprintf(f, "\t\treplay-window %u\n", t->replay_window);
	if (t->own & CONF_TOWN_TS)
		conf_print_ts(f, "\t\t", &t->ts_local, &t->ts_remote);
	if (t->own & CONF_TOWN_MSS)
		conf_print_mss(f, "\t\t", t->mss_clamp, true);
}

static void
conf_print_tunnel(FILE *f, const struct conf_tunnel *t)
{
	char a[CGW_PREFIXSTRLEN];

	fprintf(f, "\ttunnel \"%s\" {\n", t->name);
	fprintf(f, "\t\tremote %s\n", addr_fmt(&t->remote, a, sizeof(a)));
	fprintf(f, "\t\tinside %s\n", prefix_fmt(&t->inside, a, sizeof(a)));
	if (t->psk_file != NULL) {
		fprintf(f, "\t\tpsk-file ");
		conf_print_quoted(f, t->psk_file);
		fputc('\n', f);
	} else
		fprintf(f, "\t\t# psk set (not shown)\n");
	if (t->ifname[0] != '\0')
		fprintf(f, "\t\tinterface \"%s\"\n", t->ifname);
	fprintf(f, "\t\tmtu %u\n", t->mtu);
	conf_print_tunnel_own(f, t);
	fprintf(f, "\t}\n");
}

static void
conf_print_vpn(FILE *f, const struct conf_vpn *v)
{
	const struct conf_tunnel *t;
	const struct conf_network *n;
	char a[CGW_ADDRSTRLEN], d1[32], d2[32], id[CONF_IDSTRLEN];
	char p[CGW_PREFIXSTRLEN];

	fprintf(f, "vpn \"%s\" {\n", v->name);
	fprintf(f, "\tlocal %s\n", addr_fmt(&v->local, a, sizeof(a)));
	if (v->local_id.type != 0)
		fprintf(f, "\tlocal-id %s\n",
		    conf_id_fmt(&v->local_id, id, sizeof(id)));
	if (v->remote_id.type != 0)
		fprintf(f, "\tremote-id %s\n",
		    conf_id_fmt(&v->remote_id, id, sizeof(id)));
	/* Only when not the default, so files of older versions print
	 * as before. */
	if (v->peer_type == CONF_PEER_GENERIC)
		fprintf(f, "\tpeer-type generic\n");
	/* A static-routing vpn has no BGP settings. */
	TAILQ_FOREACH(n, &v->statics, entry)
		fprintf(f, "\tstatic %s\n", prefix_fmt(&n->prefix, p, sizeof(p)));
	if (!conf_vpn_static(v))
		fprintf(f, "\tpeer-asn %u\n", v->peer_asn);
	conf_print_sa(f, "\t", "ike", v->ike, v->n_ike, true,
	    v->ike_lifetime_s, CONF_IKE_LIFETIME_MIN, CONF_IKE_LIFETIME_MAX);
	conf_print_sa(f, "\t", "esp", v->esp, v->n_esp, true,
	    v->esp_lifetime_s, CONF_ESP_LIFETIME_MIN, CONF_ESP_LIFETIME_MAX);
	fprintf(f, "\tdpd interval %s timeout %s\n",
	    conf_fmt_duration_ms(v->dpd_interval_ms, d1, sizeof(d1)),
	    conf_fmt_duration_ms(v->dpd_timeout_ms, d2, sizeof(d2)));
	fprintf(f, "\tfailover split %s hold-down %s\n",
	    v->failover_split ? "on" : "off",
	    conf_fmt_duration(v->failover_holddown_s, d1, sizeof(d1)));
	fprintf(f, "\tsteering %s\n", v->steering == CONF_STEER_ECMP ?
	    "ecmp" : "active-standby");
	fprintf(f, "\tstartup %s\n", v->startup == CONF_START_RESPOND ?
	    "respond" : "initiate");
	fprintf(f, "\treplay-window %u\n", v->replay_window);
	if (!conf_vpn_static(v))
		fprintf(f, "\thold-time %s\n",
		    conf_fmt_duration(v->hold_time_s, d1, sizeof(d1)));
	conf_print_ts(f, "\t", &v->ts_local, &v->ts_remote);
	conf_print_mss(f, "\t", v->mss_clamp, false);
	TAILQ_FOREACH(t, &v->tunnels, entry)
		conf_print_tunnel(f, t);
	fprintf(f, "}\n");
}

/* Only what was set: the engine's defaults stay its own. */
static void
conf_print_limits(FILE *f, const struct conf_ike_limits *l)
{
	const struct { const char *name; uint32_t v; } row[] = {
		{ "cookies", l->cookies },
		{ "cookies-per-peer", l->cookies_per_peer },
		{ "half-open", l->half_open },
		{ "half-open-per-peer", l->half_open_per_peer },
		{ "dh-per-second", l->dh_per_second },
	};
	bool any = false;

	for (size_t i = 0; i < sizeof(row) / sizeof(row[0]); i++) {
		if (row[i].v == 0)
			continue;
		if (!any)
			fprintf(f, "ike limits {\n");
		any = true;
		fprintf(f, "\t%s %u\n", row[i].name, row[i].v);
	}
	if (any)
		fprintf(f, "}\n");
}

void
conf_print(FILE *f, const struct conf *conf)
{
	const struct conf_network *n;
	const struct conf_vpn *v;
	const struct conf_neighbor *nb;
	char a[CGW_PREFIXSTRLEN];

	/* Unset only where nothing runs BGP (static vpns alone). */
	if (conf->asn != 0)
		fprintf(f, "asn %u\n", conf->asn);
	if (addr_is_set(&conf->router_id))
		fprintf(f, "router-id %s\n",
		    addr_fmt(&conf->router_id, a, sizeof(a)));
	TAILQ_FOREACH(n, &conf->networks, entry)
		fprintf(f, "network %s\n", prefix_fmt(&n->prefix, a, sizeof(a)));
	if (conf->ctl_group.set)
		fprintf(f, "control group %s\n", conf->ctl_group.name);
	if (conf->ctl_admin.set)
		fprintf(f, "control admin-group %s\n", conf->ctl_admin.name);
	if (conf->metrics_port != 0)
		fprintf(f, conf->metrics_addr.af == AF_INET6 ?
		    "metrics listen \"[%s]:%u\"\n" : "metrics listen %s:%u\n",
		    addr_fmt(&conf->metrics_addr, a, sizeof(a)),
		    conf->metrics_port);
	conf_print_limits(f, &conf->ike_limits);
	TAILQ_FOREACH(v, &conf->vpns, entry) {
		fputc('\n', f);
		conf_print_vpn(f, v);
	}
	TAILQ_FOREACH(nb, &conf->neighbors, entry) {
		fprintf(f, "\nneighbor %s {\n", addr_fmt(&nb->addr, a, sizeof(a)));
		fprintf(f, "\tremote-as %u\n", nb->remote_as);
		if (nb->description[0] != '\0')
			fprintf(f, "\tdescription \"%s\"\n", nb->description);
		if (nb->install_routes)
			fprintf(f, "\tinstall-routes on\n");
		fprintf(f, "}\n");
	}
}
