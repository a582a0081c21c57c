/*
 * cgwd's nftables table: TCP MSS clamping per tunnel interface (mss.h).
 * Built with libnftnl, sent with libmnl as one batch, so the kernel
 * swaps the whole table atomically: create it (a no-op when it exists),
 * delete it, create it again with its chains and rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "nft/mss.h"

#define NFT_MSS_PRIO_MANGLE	(-150)	/* NF_IP_PRI_MANGLE */
#define NFT_TCPOPT_MAXSEG	2
#define NFT_TCP_FLAGS_OFF	13
#define NFT_TCP_SYN		0x02
#define NFT_TCP_RST		0x04
/* 3 rules of well under 1 KiB per interface, and room past the batch's
 * limit for the one message libmnl lets overrun it (mss_batch). */
#define NFT_MSS_MAX_IFS		64	/* far above any configuration */
#define NFT_MSS_MSG_MAX		4096
#define NFT_MSS_BUF		(NFT_MSS_MAX_IFS * 3 * 1024 + 2 * NFT_MSS_MSG_MAX)
#define NFT_MSS_RCVBUF		(64 * 1024)	/* acknowledgements */

struct nft_mss_b {
	struct mnl_nlmsg_batch	*b;
	uint32_t		 seq;
	size_t			 nacks;
	bool			 full;
};

static struct nlmsghdr *
nft_mss_cur(struct nft_mss_b *nb)
{
	return mnl_nlmsg_batch_current(nb->b);
}

/* After a message: false when the batch is full (the caller stops). */
static void
nft_mss_next(struct nft_mss_b *nb, bool ack)
{
	if (!mnl_nlmsg_batch_next(nb->b))
		nb->full = true;
	nb->nacks += ack;
}

static void
nft_mss_table(struct nft_mss_b *nb, uint16_t type)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if (nb->full || (t = nftnl_table_alloc()) == NULL) {
		nb->full = true;
		return;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_MSS_TABLE);
	nlh = nftnl_table_nlmsg_build_hdr((char *)nft_mss_cur(nb), type,
	    NFPROTO_INET, (type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0) |
	    NLM_F_ACK, nb->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nft_mss_next(nb, true);
}

static void
nft_mss_chain(struct nft_mss_b *nb, const char *name, uint32_t hook)
{
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;

	if (nb->full || (c = nftnl_chain_alloc()) == NULL) {
		nb->full = true;
		return;
	}
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_MSS_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NFT_MSS_PRIO_MANGLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr((char *)nft_mss_cur(nb),
	    NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, nb->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	nft_mss_next(nb, true);
}

/* Adds an expression; false (and nothing added) when out of memory. */
static struct nftnl_expr *
nft_mss_expr(struct nftnl_rule *r, const char *name, bool *ok)
{
	struct nftnl_expr *e;

	if (!*ok || (e = nftnl_expr_alloc(name)) == NULL) {
		*ok = false;
		return NULL;
	}
	nftnl_rule_add_expr(r, e);
	return e;
}

static void
nft_mss_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len,
    bool *ok)
{
	struct nftnl_expr *e = nft_mss_expr(r, "cmp", ok);

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void
nft_mss_meta(struct nftnl_rule *r, uint32_t key, bool *ok)
{
	struct nftnl_expr *e = nft_mss_expr(r, "meta", ok);

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

/* The MSS option: 2 bytes at offset 2 of TCP option 2; read or written. */
static void
nft_mss_tcpopt(struct nftnl_rule *r, bool write, bool *ok)
{
	struct nftnl_expr *e = nft_mss_expr(r, "exthdr", ok);

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, NFT_TCPOPT_MAXSEG);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
	nftnl_expr_set_u32(e, write ? NFTNL_EXPR_EXTHDR_SREG :
	    NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
}

/*
 * IFNAME's key (iifname or oifname) IF, a TCP SYN (not RST), an MSS
 * option above mss: set it to mss. Never raised: a smaller MSS stays.
 */
static void
nft_mss_rule(struct nft_mss_b *nb, const char *chain, uint32_t ifkey,
    const struct nft_mss_if *ifp)
{
	char ifname[NFT_MSS_IFNAMSIZ] = "";
	uint8_t proto = IPPROTO_TCP, mask = NFT_TCP_SYN | NFT_TCP_RST, zero = 0;
	uint8_t syn = NFT_TCP_SYN;
	uint16_t mss = htons(ifp->mss);
	struct nftnl_rule *r;
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;
	bool ok = true;

	if (nb->full || (r = nftnl_rule_alloc()) == NULL) {
		nb->full = true;
		return;
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_MSS_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	/* The kernel compares all IFNAMSIZ bytes, NUL padded. */
	snprintf(ifname, sizeof(ifname), "%s", ifp->ifname);
	nft_mss_meta(r, ifkey, &ok);
	nft_mss_cmp(r, NFT_CMP_EQ, ifname, sizeof(ifname), &ok);
	nft_mss_meta(r, NFT_META_L4PROTO, &ok);
	nft_mss_cmp(r, NFT_CMP_EQ, &proto, 1, &ok);
	if ((e = nft_mss_expr(r, "payload", &ok)) != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE,
		    NFT_PAYLOAD_TRANSPORT_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET,
		    NFT_TCP_FLAGS_OFF);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	}
	if ((e = nft_mss_expr(r, "bitwise", &ok)) != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 1);
	}
	nft_mss_cmp(r, NFT_CMP_EQ, &syn, 1, &ok);
	nft_mss_tcpopt(r, false, &ok);
	/* Network order compares as bytes: "greater" is right. */
	nft_mss_cmp(r, NFT_CMP_GT, &mss, 2, &ok);
	if ((e = nft_mss_expr(r, "immediate", &ok)) != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &mss, 2);
	}
	nft_mss_tcpopt(r, true, &ok);
	if (!ok) {
		nftnl_rule_free(r);
		nb->full = true;
		return;
	}
	nlh = nftnl_rule_nlmsg_build_hdr((char *)nft_mss_cur(nb),
	    NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_APPEND | NLM_F_CREATE |
	    NLM_F_ACK, nb->seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nft_mss_next(nb, true);
}

size_t
nft_mss_batch(const struct nft_mss_if *ifs, size_t n, uint32_t seq,
    void *buf, size_t len, size_t *nmsgs)
{
	struct nft_mss_b nb = { .seq = seq };
	size_t out;

	*nmsgs = 0;
	/* libmnl writes a message before it finds the batch over its
	 * limit: the limit stays one message short of the buffer. */
	if (len < 2 * NFT_MSS_MSG_MAX ||
	    (nb.b = mnl_nlmsg_batch_start(buf, len - NFT_MSS_MSG_MAX)) == NULL)
		return 0;
	nftnl_batch_begin((char *)nft_mss_cur(&nb), nb.seq++);
	nft_mss_next(&nb, false);
	/* Created first, so the delete never fails for want of a table. */
	nft_mss_table(&nb, NFT_MSG_NEWTABLE);
	nft_mss_table(&nb, NFT_MSG_DELTABLE);
	if (n > 0) {
		nft_mss_table(&nb, NFT_MSG_NEWTABLE);
		nft_mss_chain(&nb, "forward", NF_INET_FORWARD);
		nft_mss_chain(&nb, "output", NF_INET_LOCAL_OUT);
	}
	for (size_t i = 0; i < n; i++) {
		nft_mss_rule(&nb, "forward", NFT_META_OIFNAME, &ifs[i]);
		nft_mss_rule(&nb, "forward", NFT_META_IIFNAME, &ifs[i]);
		nft_mss_rule(&nb, "output", NFT_META_OIFNAME, &ifs[i]);
	}
	if (!nb.full) {
		nftnl_batch_end((char *)nft_mss_cur(&nb), nb.seq++);
		nft_mss_next(&nb, false);
	}
	out = nb.full ? 0 : mnl_nlmsg_batch_size(nb.b);
	*nmsgs = nb.nacks;
	mnl_nlmsg_batch_stop(nb.b);
	return out;
}

/*
 * Reads acknowledgements until every message of the batch has one or
 * one says why it failed. The answers are the kernel's: still checked
 * with libmnl's bounds (mnl_nlmsg_ok) before use.
 */
static int
nft_mss_acks(struct mnl_socket *nl, size_t want, char *err, size_t errlen)
{
	static char buf[NFT_MSS_RCVBUF];
	uint32_t portid = mnl_socket_get_portid(nl);
	size_t got = 0;
	ssize_t n;

	while (got < want) {
		const struct nlmsghdr *nlh;
		int len;

		if ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "nftables: no answer: %s",
			    strerror(errno));
			return -1;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		    nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_pid != portid ||
			    nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
				snprintf(err, errlen, "nftables: short answer");
				return -1;
			}
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error != 0) {
				snprintf(err, errlen, "nftables: %s",
				    strerror(-e->error));
				return -1;
			}
			got++;
		}
	}
	return 0;
}

int
nft_mss_apply(const struct nft_mss_if *ifs, size_t n, char *err,
    size_t errlen)
{
	static char buf[NFT_MSS_BUF];
	struct timeval tv = { .tv_sec = 2 };
	struct mnl_socket *nl;
	size_t len, nmsgs;
	int rc = -1;

	if (n > NFT_MSS_MAX_IFS) {
		snprintf(err, errlen, "more than %d interfaces to clamp",
		    NFT_MSS_MAX_IFS);
		return -1;
	}
	len = nft_mss_batch(ifs, n, (uint32_t)time(NULL), buf, sizeof(buf),
	    &nmsgs);
	if (len == 0) {
		snprintf(err, errlen, "nftables: batch too large or out of "
		    "memory");
		return -1;
	}
	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL) {
		snprintf(err, errlen, "nftables: %s", strerror(errno));
		return -1;
	}
	/* A kernel that never answers must not stall the daemon. */
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) < 0) {
		snprintf(err, errlen, "nftables: %s", strerror(errno));
		goto out;
	}
	if (mnl_socket_sendto(nl, buf, len) < 0) {
		snprintf(err, errlen, "nftables: %s", strerror(errno));
		goto out;
	}
	rc = nft_mss_acks(nl, nmsgs, err, errlen);
out:
	mnl_socket_close(nl);
	return rc;
}
