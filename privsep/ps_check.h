/*
 * What the kernel helper lets the main process do: every request is
 * checked against the configuration the helper read itself (both the
 * old and the new one while a reload is under way) and against the
 * interfaces the helper itself created. No kernel needed: unit tested.
 */
#ifndef CGW_PRIVSEP_PS_CHECK_H
#define CGW_PRIVSEP_PS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "privsep/ps_wire.h"

#define PS_MAX_IFACES	1024

/* An XFRM interface the helper created on the main process's behalf. */
struct ps_iface {
	char		name[PS_IFNAMSIZ];
	int		ifindex;
	uint32_t	if_id;
};

/* Whose an if_id is, as the main process named it (ps_msg.who). */
struct ps_ifid_name {
	uint32_t	if_id;
	char		who[PS_WHOSIZ];
};

struct ps_policy {
	const struct conf	*conf;		/* the running configuration */
	const struct conf	*old;		/* during a reload, else NULL */
	struct ps_iface		 ifaces[PS_MAX_IFACES];
	size_t			 nifaces;
	struct ps_ifid_name	 names[PS_MAX_IFACES];
	size_t			 nnames;
	/* The most tunnels one configuration (or a reload's two) had: a
	 * tunnel keeps its if_id across reloads, so after one that removed
	 * others it may hold a higher one than the count now. */
	size_t			 ifid_hwm;
};

/* Set the configurations (old: NULL unless a reload is under way). */
void	ps_policy_conf(struct ps_policy *, const struct conf *conf,
	    const struct conf *old);

/*
 * 0 when `m` may be done; -1 with the rule it breaks in `why` ("if_id
 * 0x... is not one of a configured tunnel's"), for the refusal (EPERM)
 * and the helper's log line.
 */
int	ps_check(const struct ps_policy *, const struct ps_msg *, char *why,
	    size_t whylen);

/* Remember the tunnel name a checked request gave its if_id, when it is
 * a configured tunnel's (a name in a log line is never the main
 * process's invention); the name of an if_id, or NULL. */
void	ps_policy_name_note(struct ps_policy *, const struct ps_msg *);
const char *ps_policy_name(const struct ps_policy *, uint32_t if_id);

/* Track the interfaces (after the kernel said yes). */
int	ps_policy_iface_add(struct ps_policy *, const char *name, int ifindex,
	    uint32_t if_id);
void	ps_policy_iface_del(struct ps_policy *, const char *name);
const struct ps_iface *ps_policy_iface(const struct ps_policy *,
	    const char *name, int ifindex);

#endif
