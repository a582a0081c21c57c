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

static void
conf_print_sa(FILE *f, const char *kind, const struct conf_proposal *p,
    size_t n, uint32_t lifetime, uint32_t min, uint32_t max)
{
	char d[32];

	fprintf(f, "\t%s proposal", kind);
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s", p[i].text);
	fprintf(f, " lifetime %s%s\n", conf_fmt_duration(lifetime, d, sizeof(d)),
	    lifetime < min || lifetime > max ? " force" : "");
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
	fprintf(f, "\t}\n");
}

static void
conf_print_vpn(FILE *f, const struct conf_vpn *v)
{
	const struct conf_tunnel *t;
	char a[CGW_ADDRSTRLEN], d1[32], d2[32], id[CONF_IDSTRLEN];

	fprintf(f, "vpn \"%s\" {\n", v->name);
	fprintf(f, "\tlocal %s\n", addr_fmt(&v->local, a, sizeof(a)));
	if (v->local_id.type != 0)
		fprintf(f, "\tlocal-id %s\n",
		    conf_id_fmt(&v->local_id, id, sizeof(id)));
	if (v->remote_id.type != 0)
		fprintf(f, "\tremote-id %s\n",
		    conf_id_fmt(&v->remote_id, id, sizeof(id)));
	fprintf(f, "\tpeer-asn %u\n", v->peer_asn);
	conf_print_sa(f, "ike", v->ike, v->n_ike, v->ike_lifetime_s,
	    CONF_IKE_LIFETIME_MIN, CONF_IKE_LIFETIME_MAX);
	conf_print_sa(f, "esp", v->esp, v->n_esp, v->esp_lifetime_s,
	    CONF_ESP_LIFETIME_MIN, CONF_ESP_LIFETIME_MAX);
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
	fprintf(f, "\thold-time %s\n",
	    conf_fmt_duration(v->hold_time_s, d1, sizeof(d1)));
	TAILQ_FOREACH(t, &v->tunnels, entry)
		conf_print_tunnel(f, t);
	fprintf(f, "}\n");
}

void
conf_print(FILE *f, const struct conf *conf)
{
	const struct conf_network *n;
	const struct conf_vpn *v;
	const struct conf_neighbor *nb;
	char a[CGW_PREFIXSTRLEN];

	fprintf(f, "asn %u\n", conf->asn);
	fprintf(f, "router-id %s\n", addr_fmt(&conf->router_id, a, sizeof(a)));
	TAILQ_FOREACH(n, &conf->networks, entry)
		fprintf(f, "network %s\n", prefix_fmt(&n->prefix, a, sizeof(a)));
	if (conf->metrics_port != 0)
		fprintf(f, conf->metrics_addr.af == AF_INET6 ?
		    "metrics listen \"[%s]:%u\"\n" : "metrics listen %s:%u\n",
		    addr_fmt(&conf->metrics_addr, a, sizeof(a)),
		    conf->metrics_port);
	TAILQ_FOREACH(v, &conf->vpns, entry) {
		fputc('\n', f);
		conf_print_vpn(f, v);
	}
	TAILQ_FOREACH(nb, &conf->neighbors, entry) {
		fprintf(f, "\nneighbor %s {\n", addr_fmt(&nb->addr, a, sizeof(a)));
		fprintf(f, "\tremote-as %u\n", nb->remote_as);
		if (nb->description[0] != '\0')
			fprintf(f, "\tdescription \"%s\"\n", nb->description);
		fprintf(f, "}\n");
	}
}
