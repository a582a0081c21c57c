/* Daemon-side control commands and their JSON (SPEC section 5). */
#ifndef CGW_DAEMON_CTL_H
#define CGW_DAEMON_CTL_H

#include <stddef.h>

#include <jansson.h>

#include "daemon/ctl_proto.h"

struct cgwd;
struct tunnel;

/* The ctl_handler of the daemon's control server; arg is the struct cgwd. */
json_t	*ctl_dispatch(void *cgwd, const struct ctl_request *, char *err,
	    size_t errlen);

json_t	*ctl_json_status(struct cgwd *);
json_t	*ctl_json_tunnels(struct cgwd *);
json_t	*ctl_json_tunnel(const struct tunnel *);
/* One tunnel with its state-change history (`show tunnel NAME`). */
json_t	*ctl_json_tunnel_detail(const struct tunnel *);
json_t	*ctl_json_routes(struct cgwd *);
json_t	*ctl_json_sas(struct cgwd *);
/* routing's "show bgp", with no uptime for sessions not established. */
json_t	*ctl_json_bgp_peers(struct cgwd *);
/* `show bgp advertised`: per session, its Adj-RIB-Out with the AS_PATH
 * we send: {"advertised": [{"name", "peer", "peer_asn", "state",
 * "prefixes": [{"prefix", "as_path", "next_hop", "med", "pending"}]}]} */
json_t	*ctl_json_bgp_advertised(struct cgwd *);

#endif
