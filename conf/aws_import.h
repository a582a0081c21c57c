/*
 * `cgwctl import-aws`: turns the configuration AWS generates for a VPN
 * connection into a cgwd.conf block.
 */
#ifndef CGW_CONF_AWS_IMPORT_H
#define CGW_CONF_AWS_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct conf_aws_opts {
	const char		*name;		/* vpn name; NULL: the vpn-... id */
	const char		*local;		/* NULL: AWS's customer gateway address */
	const char *const	*networks;	/* CIDRs to advertise */
	size_t			 nnetworks;
	/* A static-routing connection: the VPC's CIDRs, which AWS's
	 * configuration does not name (its Routes are the customer's). */
	const char *const	*statics;
	size_t			 nstatics;
	bool			 quiet;		/* no advice on stderr */
	/* Write each key into DIR/VPN-TUNNEL.psk (mode 0600) and reference
	 * it with psk-file; NULL: keys inline. */
	const char		*psk_dir;
};

/*
 * Reads `input` ("-" = stdin): the CustomerGatewayConfiguration XML, or
 * the JSON of `aws ec2 describe-vpn-connections` (every connection in it
 * is imported; `name` then needs exactly one). On success prints a whole
 * cgwd.conf (asn, router-id, networks, one vpn block per connection) to
 * `out` and returns 0. The PSKs are printed inline, or with `psk_dir`
 * written into files of mode 0600 there (only once everything else
 * succeeded). On failure nothing is printed, `err` says why (naming a
 * missing element or option) and -1 is returned.
 */
int	conf_aws_import(const char *input, const struct conf_aws_opts *opts,
	    FILE *out, char *err, size_t errlen);

/*
 * Writes `len` bytes to `path` as a file of mode 0600, whole or not at
 * all: a temporary file in the same directory, renamed over `path` (a
 * symlink there is replaced, never followed). 0, or -1 with err.
 */
int	conf_aws_write_secret(const char *path, const void *data, size_t len,
	    char *err, size_t errlen);

#endif
