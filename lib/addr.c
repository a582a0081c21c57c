#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/addr.h"

bool
addr_parse(const char *s, struct cgw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->af = AF_INET6;
		return true;
	}
	memset(a, 0, sizeof(*a));
	return false;
}

const char *
addr_fmt(const struct cgw_addr *a, char *buf, size_t len)
{
	if (a->af != AF_INET && a->af != AF_INET6) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (inet_ntop(a->af, a->bytes, buf, len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

size_t
addr_len(const struct cgw_addr *a)
{
	return a->af == AF_INET ? 4 : a->af == AF_INET6 ? 16 : 0;
}

bool
addr_is_set(const struct cgw_addr *a)
{
	return addr_len(a) != 0;
}

bool
addr_eq(const struct cgw_addr *a, const struct cgw_addr *b)
{
	return a->af == b->af && memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

bool
addr_from_sockaddr(struct cgw_addr *a, uint16_t *port, const struct sockaddr *sa)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		a->af = AF_INET;
		a->v4 = s4->sin_addr;
		if (port)
			*port = ntohs(s4->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		a->af = AF_INET6;
		a->v6 = s6->sin6_addr;
		if (port)
			*port = ntohs(s6->sin6_port);
		return true;
	}
	return false;
}

socklen_t
addr_to_sockaddr(const struct cgw_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		struct sockaddr_in *s4 = (void *)ss;
		s4->sin_family = AF_INET;
		s4->sin_addr = a->v4;
		s4->sin_port = htons(port);
		return sizeof(*s4);
	}
	if (a->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->v6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	return 0;
}

bool
prefix_parse(const char *s, struct cgw_prefix *p)
{
	char buf[CGW_PREFIXSTRLEN], *slash, *end;
	unsigned long len;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) == NULL)
		return false;
	*slash++ = '\0';
	if (*slash == '\0' || *slash == '+' || *slash == '-')
		return false;
	len = strtoul(slash, &end, 10);
	if (*end != '\0' || !addr_parse(buf, &p->addr))
		return false;
	if (len > addr_len(&p->addr) * 8)
		return false;
	p->len = (uint8_t)len;
	return true;
}

const char *
prefix_fmt(const struct cgw_prefix *p, char *buf, size_t len)
{
	char a[CGW_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", addr_fmt(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

void
prefix_network(const struct cgw_prefix *p, struct cgw_prefix *net)
{
	size_t n = addr_len(&p->addr);

	*net = *p;
	for (size_t i = 0; i < n; i++) {
		int bits = (int)p->len - (int)(i * 8);
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - bits));
		net->addr.bytes[i] &= mask;
	}
}

bool
prefix_contains(const struct cgw_prefix *p, const struct cgw_addr *a)
{
	struct cgw_prefix x = { .addr = *a, .len = p->len }, n1, n2;

	if (a->af != p->addr.af)
		return false;
	prefix_network(p, &n1);
	prefix_network(&x, &n2);
	return addr_eq(&n1.addr, &n2.addr);
}

bool
prefix_eq(const struct cgw_prefix *a, const struct cgw_prefix *b)
{
	struct cgw_prefix n1, n2;

	if (a->len != b->len)
		return false;
	prefix_network(a, &n1);
	prefix_network(b, &n2);
	return addr_eq(&n1.addr, &n2.addr);
}

/* The last 32 bits: all of an IPv4 address, the host part of an IPv6
 * prefix of /96 or longer (AWS's inside /126s). */
static uint32_t
addr_low32(const struct cgw_addr *a)
{
	const uint8_t *b = a->bytes + (a->af == AF_INET6 ? 12 : 0);

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

uint32_t
prefix_host_index(const struct cgw_prefix *p)
{
	unsigned len;

	if (p->addr.af == AF_INET)
		len = p->len;
	else if (p->addr.af == AF_INET6 && p->len >= 96)
		len = p->len - 96u;
	else
		return 0;
	return len >= 32 ? 0 : addr_low32(&p->addr) &
	    (len == 0 ? 0xffffffffu : 0xffffffffu >> len);
}

bool
prefix_host(const struct cgw_prefix *p, uint32_t n, struct cgw_addr *out)
{
	struct cgw_prefix net;
	uint32_t low;
	uint8_t *b;

	if (p->addr.af != AF_INET && (p->addr.af != AF_INET6 || p->len < 96))
		return false;
	prefix_network(p, &net);
	*out = net.addr;
	low = addr_low32(&net.addr) + n;
	b = out->bytes + (out->af == AF_INET6 ? 12 : 0);
	b[0] = (uint8_t)(low >> 24);
	b[1] = (uint8_t)(low >> 16);
	b[2] = (uint8_t)(low >> 8);
	b[3] = (uint8_t)low;
	return true;
}
