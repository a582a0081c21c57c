/*
 * The wire format between cgwd's two processes (privsep/): the main
 * process asks, the kernel helper answers, over a SOCK_SEQPACKET
 * socketpair (one message = one request or one reply, at most
 * PS_MSG_MAX bytes); kernel events go the other way on a second pair.
 *
 * A message is a 4-byte header (type, flags) and the fields its type
 * has, in a fixed order, each encoded by one walker (ps_msg_walk) that
 * both writes and reads, so the two sides cannot disagree. Reading
 * never trusts a length: every count and string is bounded, addresses
 * must be of a known family, and a message with bytes left over or
 * missing is refused whole. The helper treats every request as hostile.
 */
#ifndef CGW_PRIVSEP_PS_WIRE_H
#define CGW_PRIVSEP_PS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "esp/esp.h"
#include "lib/addr.h"
#include "nft/mss.h"
#include "xfrm/xfrm.h"

#define PS_MSG_MAX	65536
#define PS_BATCH_MAX	XFRM_BATCH_MAX	/* routes per batch message */
#define PS_LIST_MAX	128		/* routes per list reply message */
#define PS_MSS_MAX	1024		/* interfaces per MSS request */
#define PS_IFNAMSIZ	16
#define PS_WHOSIZ	(2 * CONF_NAME_MAX + 1)	/* "vpn/tunnel" */
#define PS_RCVBUF_MAX	(64u << 20)	/* a UDP socket's, at most */

enum ps_type {
	PS_NONE = 0,
	/* requests, main -> helper */
	PS_TEARDOWN,
	PS_CLEANUP_STALE,
	PS_SPI_ALLOC,
	PS_CHILD_INSTALL,
	PS_SA_DELETE,
	PS_SA_STATS,
	PS_POLICY_INSTALL,
	PS_POLICY_REMOVE,
	PS_IFACE_CREATE,
	PS_IFACE_DELETE,
	PS_IFINDEX,
	PS_IFINDEX_OF_ADDR,
	PS_ROUTE_REPLACE,
	PS_ROUTE_DELETE,
	PS_ROUTE_FLUSH,
	PS_ROUTE_LIST,
	PS_ROUTE_BATCH,
	PS_MSS_APPLY,
	PS_SOCKET,		/* a bound socket, answered with its fd */
	PS_RELOAD,		/* read the configuration again, allow both */
	PS_RELOAD_DONE,		/* the old configuration's objects are gone */
	PS_CTL_SOCKET,		/* the control socket is bound (unlinked at exit) */
	/* events, helper -> main */
	PS_EV_SA_REKEY,
	PS_EV_SA_GONE,
	PS_EV_LINK,
	PS_EV_ADDR,
	/* the answer to any request */
	PS_REPLY,
	PS_TYPE_MAX
};

#define PS_F_MORE	0x0001	/* a reply that another one follows */

/* PS_SOCKET kinds */
enum ps_sock_kind {
	PS_SOCK_IKE = 1,	/* UDP, IKE's options (ike_sock.c) */
	PS_SOCK_IKE_NATT,	/* the same with UDP_ENCAP */
	PS_SOCK_BGP_LISTEN,	/* TCP, listening */
};

/* One route of a batch or of a list reply. */
struct ps_route {
	struct cgw_prefix	prefix;
	uint32_t		table;
	struct xfrm_nexthop	nh[XFRM_MAX_NEXTHOPS];
	size_t			n;		/* 0 in a batch: delete */
};

struct ps_msg {
	uint16_t		 type;		/* enum ps_type */
	uint16_t		 flags;
	uint32_t		 if_id;
	/* The tunnel the if_id is for, for the helper's log lines only
	 * (and only when it is a configured tunnel's name). */
	char			 who[PS_WHOSIZ];
	uint32_t		 reqid;
	uint32_t		 spi;
	uint32_t		 mtu;
	uint32_t		 table;
	int32_t			 af;
	uint32_t		 dir;		/* enum xfrm_dir */
	struct cgw_addr		 local;		/* or an SA's destination */
	struct cgw_addr		 remote;
	char			 name[PS_IFNAMSIZ];
	struct cgw_prefix	 prefix;
	struct cgw_prefix	 inside;	/* af unset: none */
	struct xfrm_nexthop	 nh[XFRM_MAX_NEXTHOPS];
	size_t			 n;
	struct esp_child_sa	 sa;
	uint16_t		 port;
	uint8_t			 kind;		/* enum ps_sock_kind */
	uint32_t		 rcvbuf;	/* PS_SOCKET: bytes, 0 = default */
	struct nft_mss_if	*mss;		/* PS_MSS_APPLY, owned */
	size_t			 nmss;
	struct ps_route		*routes;	/* PS_ROUTE_BATCH, owned */
	size_t			 nroutes;
	struct xfrm_sa_event	 ev;		/* PS_EV_SA_* */
	int32_t			 ifindex;	/* PS_EV_LINK/ADDR */
	bool			 up;		/* PS_EV_LINK; ADDR: added */
};

struct ps_reply {
	uint16_t		 flags;		/* PS_F_MORE */
	int32_t			 rc;		/* the call's return value */
	struct xfrm_err		 err;
	uint32_t		 spi;
	int32_t			 ifindex;
	struct xfrm_sa_stats	 st;
	int32_t			 codes[PS_BATCH_MAX];	/* per batch route */
	size_t			 ncodes;
	struct ps_route		*routes;	/* PS_ROUTE_LIST chunk, owned */
	size_t			 nroutes;
};

const char	*ps_type_name(unsigned type);
bool		 ps_type_is_request(unsigned type);
bool		 ps_type_is_event(unsigned type);

/* Into buf (PS_MSG_MAX bytes): the length, 0 if it does not fit. */
size_t		 ps_msg_encode(const struct ps_msg *, void *buf, size_t cap);
/* 0, or -1 (malformed, unknown type, too long): `m` is then cleared. */
int		 ps_msg_decode(struct ps_msg *, const void *buf, size_t len);
/* Free what a decoded message owns and wipe its keys. */
void		 ps_msg_clear(struct ps_msg *);

size_t		 ps_reply_encode(const struct ps_reply *, unsigned req_type,
		    void *buf, size_t cap);
int		 ps_reply_decode(struct ps_reply *, unsigned req_type,
		    const void *buf, size_t len);
void		 ps_reply_clear(struct ps_reply *);

/*
 * One message on a SOCK_SEQPACKET socket, with a file descriptor when
 * fd >= 0 (SCM_RIGHTS). MSG_NOSIGNAL; `flags` for send (MSG_DONTWAIT).
 * 0 or -1 with errno.
 */
int		 ps_send(int sock, const void *buf, size_t len, int fd,
		    int flags);
/*
 * One message into buf (cap bytes): its length, 0 at EOF, -1 with errno
 * (EMSGSIZE for a truncated one). *fd gets a descriptor that came with
 * it, else -1 (fd NULL: any that came is closed).
 */
ssize_t		 ps_recv(int sock, void *buf, size_t cap, int *fd, int flags);

#endif
