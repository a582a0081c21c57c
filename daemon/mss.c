/*
 * TCP MSS clamping for the tunnels (nft/mss.h): the daemon's list of
 * interfaces and their MSS, pushed whole to cgwd's nftables table after
 * start and every reload, the table removed on a clean stop.
 */
#include <stdio.h>
#include <stdlib.h>

#include "conf/conf.h"
#include "daemon/cgwd.h"
#include "daemon/mss.h"
#include "daemon/tunnel.h"
#include "lib/log.h"
#include "nft/mss.h"
#include "privsep/privsep.h"

void
cgwd_mss_sync(struct cgwd *cgwd)
{
	struct nft_mss_if *ifs;
	struct tunnel *t;
	size_t n = 0, max = 0;
	uint32_t mss;
	char err[256];

	TAILQ_FOREACH(t, &cgwd->tunnels, entry)
		max++;
	if ((ifs = calloc(max ? max : 1, sizeof(*ifs))) == NULL) {
		log_err(NULL, "MSS clamping not updated: out of memory");
		return;
	}
	TAILQ_FOREACH(t, &cgwd->tunnels, entry) {
		if (t->conf == NULL || t->ifname[0] == '\0' ||
		    (mss = conf_tunnel_mss(t->conf)) == 0)
			continue;
		snprintf(ifs[n].ifname, sizeof(ifs[n].ifname), "%s", t->ifname);
		ifs[n].mss = (uint16_t)mss;
		n++;
	}
	/* Also with none to clamp: a table a crashed cgwd left goes. */
	if ((cgwd->ps != NULL ? ps_mss_apply(cgwd->ps, ifs, n, err,
	    sizeof(err)) : nft_mss_apply(ifs, n, err, sizeof(err))) != 0)
		log_warn(NULL, "TCP MSS clamping not in place (%s); TCP "
		    "through the tunnels may stall on large segments", err);
	else {
		cgwd->mss_table = n > 0;
		if (n > 0)
			log_info(NULL, "TCP MSS clamped on %zu tunnel "
			    "interface%s (nftables table inet %s)", n,
			    n == 1 ? "" : "s", NFT_MSS_TABLE);
	}
	free(ifs);
}

void
cgwd_mss_clear(struct cgwd *cgwd)
{
	char err[256];

	if (!cgwd->mss_table)
		return;
	if ((cgwd->ps != NULL ? ps_mss_apply(cgwd->ps, NULL, 0, err,
	    sizeof(err)) : nft_mss_apply(NULL, 0, err, sizeof(err))) != 0)
		log_warn(NULL, "nftables table inet %s not removed: %s",
		    NFT_MSS_TABLE, err);
	cgwd->mss_table = false;
}
