/*
 * Private to the AWS import (aws_import.c, aws_options.c): one tunnel's
 * options as describe-vpn-connections gives them (TunnelOptions), turned
 * into cgwd.conf values and comments.
 */
#ifndef CGW_CONF_AWS_PRIV_H
#define CGW_CONF_AWS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf/conf_priv.h"

#define AWS_LIST_MAX	1024	/* proposals, space-separated */
#define AWS_NOTES_MAX	4096	/* comment lines of one statement */

struct aws_topts {
	/* The tunnel block's statements, each after comments naming the
	 * options it came from, then the options that need nothing of us. */
	char		 block[3 * AWS_NOTES_MAX];
	/* The key and inside prefix AWS reports, to check against the XML;
	 * "" when absent. */
	char		 psk[CONF_PSK_MAX + 1];
	char		 inside_cidr[64];
	char		 inside6_cidr[64];	/* TunnelInsideIpv6Cidr, checked */
};

/*
 * One element of TunnelOptions into `o`. `where` names the tunnel in
 * errors ("tunnel 1 (198.51.100.7)"). An option cgwd cannot honour (only
 * IKEv1 allowed, an IPv6 inside prefix not a /126 of fd00::/8) or a value
 * out of AWS's range is
 * an error naming the option: -1 with the reason in err.
 */
int	aws_tunnel_options(json_t *opt, const char *where, struct aws_topts *o,
	    char *err, size_t errlen);

/*
 * What to offer when AWS's options are unknown (the XML carries none):
 * everything AWS accepts that is still strong, strongest first (AES-GCM,
 * then AES-CBC with SHA-2; ECP then MODP groups of 2048 bits and up).
 * Space-separated proposals into out; -1 if it does not fit.
 */
int	aws_strong_offer(enum conf_sa_kind, char *out, size_t len);

#endif
