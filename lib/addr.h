/* IPv4/IPv6 addresses and prefixes, parsed and printed. */
#ifndef CGW_LIB_ADDR_H
#define CGW_LIB_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct cgw_addr {
	sa_family_t	af;		/* AF_INET, AF_INET6, AF_UNSPEC = unset */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
		uint8_t		bytes[16];
	};
};

struct cgw_prefix {
	struct cgw_addr	addr;
	uint8_t		len;
};

#define CGW_ADDRSTRLEN	46		/* INET6_ADDRSTRLEN */
#define CGW_PREFIXSTRLEN (CGW_ADDRSTRLEN + 4)

bool		 addr_parse(const char *, struct cgw_addr *);
const char	*addr_fmt(const struct cgw_addr *, char *, size_t);
size_t		 addr_len(const struct cgw_addr *);	/* 4, 16 or 0 */
bool		 addr_eq(const struct cgw_addr *, const struct cgw_addr *);
bool		 addr_is_set(const struct cgw_addr *);
/* Fill from / into a sockaddr with the given port (host order). */
bool		 addr_from_sockaddr(struct cgw_addr *, uint16_t *port, const struct sockaddr *);
socklen_t	 addr_to_sockaddr(const struct cgw_addr *, uint16_t port, struct sockaddr_storage *);

/* "a.b.c.d/len"; host bits may be set (an interface address). */
bool		 prefix_parse(const char *, struct cgw_prefix *);
const char	*prefix_fmt(const struct cgw_prefix *, char *, size_t);
/* The network: host bits cleared. */
void		 prefix_network(const struct cgw_prefix *, struct cgw_prefix *);
bool		 prefix_contains(const struct cgw_prefix *, const struct cgw_addr *);
bool		 prefix_eq(const struct cgw_prefix *, const struct cgw_prefix *);	/* networks equal */
/* Host number inside the prefix (e.g. 2 for 169.254.21.2/30 and for
 * fd00::6/126); IPv4, or IPv6 of /96 and longer; else 0. */
uint32_t	 prefix_host_index(const struct cgw_prefix *);
/* Address of host n of the prefix's network; as prefix_host_index. */
bool		 prefix_host(const struct cgw_prefix *, uint32_t n, struct cgw_addr *);

#endif
