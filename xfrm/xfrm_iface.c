/* XFRM interfaces: one per tunnel, with its inside address. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "xfrm/xfrm_priv.h"

int
xfrm_ifindex(struct xfrm_ctx *ctx, const char *name)
{
	if (ctx->be != NULL)
		return ctx->be->ifindex(ctx, name);
	(void)ctx;
	return (int)if_nametoindex(name);
}

int
xfrm_ifindex_of_addr(struct xfrm_ctx *ctx, const struct cgw_addr *a,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->ifindex_of_addr(ctx, a, err);
	struct ifaddrs	*ifa, *i;
	struct cgw_addr	 x;
	int		 idx = 0;
	char		 b[CGW_ADDRSTRLEN];

	(void)ctx;
	if (getifaddrs(&ifa) < 0)
		return xfrm_err_set(err, errno, "list interfaces: %s",
		    strerror(errno));
	for (i = ifa; i != NULL && idx == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL ||
		    !addr_from_sockaddr(&x, NULL, i->ifa_addr))
			continue;
		if (addr_eq(&x, a))
			idx = (int)if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifa);
	if (idx <= 0)
		return xfrm_err_set(err, EADDRNOTAVAIL, "no interface holds "
		    "the local address %s", addr_fmt(a, b, sizeof(b)));
	return idx;
}

/*
 * Decrypted packets arrive on the XFRM interface from any source the
 * peer routes to us; with ECMP over two tunnels the best route back may
 * use the other one, which strict reverse-path filtering (RFC 3704
 * strict mode) drops. Loose mode (2) still drops unroutable sources. The
 * kernel uses max(all, interface), so 2 here wins over all=1.
 * disable_policy/disable_xfrm stay 0: the if_id-bound in/fwd policies
 * are what let the decrypted packets in (Documentation/networking/
 * xfrm_device.rst, xfrm interface design), VTI-style bypasses are not
 * needed.
 */
static void
iface_sysctls(const char *name)
{
	char	path[128];
	int	fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
	    name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, "2\n", 2) != 2)
		log_warn(name, "cannot set net.ipv4.conf.%s.rp_filter=2: %s",
		    name, strerror(errno));
	else
		log_info(name, "net.ipv4.conf.%s.rp_filter=2 (loose: ECMP "
		    "over tunnels)", name);
	if (fd >= 0)
		close(fd);
}

int
xfrm_iface_create(struct xfrm_ctx *ctx, const char *name, uint32_t if_id,
    const struct cgw_addr *local, uint32_t mtu,
    const struct cgw_prefix *inside, int *ifindex, struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->iface_create(ctx, name, if_id, local, mtu, inside, ifindex, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct nlmsghdr	*nlh;
	struct xfrm_obj	*o;
	struct xfrm_err	 e2;
	char		 what[80], ib[CGW_PREFIXSTRLEN];
	int		 link = 0;

	*ifindex = 0;
	if (mtu == 0)
		mtu = XFRM_DEFAULT_MTU;
	if (local != NULL && addr_is_set(local) &&
	    (link = xfrm_ifindex_of_addr(ctx, local, err)) < 0)
		return -1;
	snprintf(what, sizeof(what), "create XFRM interface %s", name);
	if ((nlh = xfrm_msg_newlink(buf, name, if_id, link, mtu, err)) == NULL)
		return -1;
	if (xfrm_nl_cmd(ctx, ctx->rt_nl, nlh, 0, err, what) < 0) {
		if (err != NULL && (err->code == EOPNOTSUPP ||
		    strstr(err->msg, "Unknown device type") != NULL))
			xfrm_err_hint(err, "this kernel has no XFRM "
			    "interfaces: it needs CONFIG_XFRM_INTERFACE");
		return -1;
	}
	if ((o = xfrm_obj_add(ctx, XFRM_OBJ_IFACE)) != NULL)
		snprintf(o->ifname, sizeof(o->ifname), "%s", name);
	if ((*ifindex = xfrm_ifindex(ctx, name)) <= 0) {
		xfrm_err_set(err, ENODEV, "%s: created but not found", what);
		goto fail;
	}
	iface_sysctls(name);
	if (inside != NULL && addr_is_set(&inside->addr)) {
		snprintf(what, sizeof(what), "add address %s to %s",
		    prefix_fmt(inside, ib, sizeof(ib)), name);
		if (xfrm_nl_cmd(ctx, ctx->rt_nl, xfrm_msg_newaddr(buf,
		    *ifindex, inside, err), 0, err, what) < 0)
			goto fail;
	}
	log_info(name, "XFRM interface up: index %d if_id 0x%x link %d "
	    "mtu %u%s%s", *ifindex, if_id, link, mtu,
	    inside != NULL && addr_is_set(&inside->addr) ? " inside " : "",
	    inside != NULL && addr_is_set(&inside->addr) ? ib : "");
	return 0;
fail:
	xfrm_iface_delete(ctx, name, &e2);
	*ifindex = 0;
	return -1;
}

int
xfrm_iface_delete(struct xfrm_ctx *ctx, const char *name,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->iface_delete(ctx, name, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct xfrm_obj	*o;
	char		 what[64];

	snprintf(what, sizeof(what), "delete interface %s", name);
	if (xfrm_nl_cmd(ctx, ctx->rt_nl, xfrm_msg_dellink(buf, name, 0, err),
	    ENODEV, err, what) < 0)
		return -1;
	if ((o = xfrm_obj_find_iface(ctx, name)) != NULL)
		xfrm_obj_del(ctx, o);
	log_info(name, "XFRM interface deleted");
	return 0;
}
