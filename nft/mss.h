/*
 * TCP MSS clamping on the tunnel interfaces, through nftables: a table
 * of cgwd's own, `inet cgwd`, replaced whole on every change and removed
 * on a clean stop. Without it a TCP connection whose SYN names the LAN's
 * MSS (1460) sends segments the tunnel must fragment or drop; AWS
 * documents tcp_mss_adjustment 1379 for its tunnels.
 *
 * What the table holds, per interface (nft syntax):
 *   chain forward { type filter hook forward priority mangle; }
 *   chain output  { type filter hook output priority mangle; }
 *   forward: iifname/oifname IF tcp flags & (syn|rst) == syn
 *            tcp option maxseg size > MSS tcp option maxseg size set MSS
 *   output:  oifname IF (the same match and action)
 */
#ifndef CGW_NFT_MSS_H
#define CGW_NFT_MSS_H

#include <stddef.h>
#include <stdint.h>

#define NFT_MSS_TABLE	"cgwd"
#define NFT_MSS_IFNAMSIZ	16

struct nft_mss_if {
	char		ifname[NFT_MSS_IFNAMSIZ];
	uint16_t	mss;
};

/*
 * Replaces the table with rules for `n` interfaces, in one netlink
 * batch (the old rules stay until the new ones are in); n == 0 removes
 * it. 0, or -1 with the reason in err.
 */
int	nft_mss_apply(const struct nft_mss_if *, size_t n, char *err,
	    size_t errlen);

/*
 * The batch nft_mss_apply sends, for tests: its bytes into buf (len
 * bytes, at least 8 KiB; the last 4 KiB only take an overrun, never a
 * message of the batch), sequence numbers from seq. Returns its length, 0 if it does
 * not fit or an allocation failed; *nmsgs: how many messages want an
 * acknowledgement.
 */
size_t	nft_mss_batch(const struct nft_mss_if *, size_t n, uint32_t seq,
	    void *buf, size_t len, size_t *nmsgs);

#endif
