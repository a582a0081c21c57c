/* Route-based policies: any <-> any, bound to a tunnel's if_id. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/xfrm.h>

#include "lib/log.h"
#include "xfrm/xfrm_priv.h"

static const uint8_t policy_dirs[] = {
	XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD
};

static const char *
dir_name(uint8_t dir)
{
	return dir == XFRM_POLICY_OUT ? "out" : dir == XFRM_POLICY_IN ? "in" :
	    dir == XFRM_POLICY_FWD ? "fwd" : "?";
}

static int
policy_del(struct xfrm_ctx *ctx, uint8_t dir, uint32_t if_id, int af,
    struct xfrm_err *err)
{
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	char		 what[80];

	snprintf(what, sizeof(what), "delete %s policy if_id 0x%x %s",
	    dir_name(dir), if_id, af == AF_INET6 ? "IPv6" : "IPv4");
	return xfrm_nl_cmd(ctx, ctx->xfrm_nl, xfrm_msg_delpolicy(buf, dir,
	    if_id, af, 0, err), ENOENT, err, what);
}

int
xfrm_policy_install(struct xfrm_ctx *ctx, uint32_t if_id, uint32_t reqid,
    const struct cgw_addr *local, const struct cgw_addr *remote, int af,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->policy_install(ctx, if_id, reqid, local, remote, af, err);
	_Alignas(8) uint8_t		 buf[XFRM_MSG_BUFSZ];
	struct xfrm_obj	*o;
	struct xfrm_err	 e2;
	char		 what[80];
	size_t		 i, j;

	if (if_id == 0)
		return xfrm_err_set(err, EINVAL, "policy without if_id would "
		    "catch the host's traffic");
	for (i = 0; i < sizeof(policy_dirs); i++) {
		snprintf(what, sizeof(what), "%s policy if_id 0x%x %s",
		    dir_name(policy_dirs[i]), if_id,
		    af == AF_INET6 ? "IPv6" : "IPv4");
		if (xfrm_nl_cmd(ctx, ctx->xfrm_nl, xfrm_msg_policy(buf,
		    policy_dirs[i], if_id, reqid, local, remote, af, err), 0,
		    err, what) < 0) {
			for (j = 0; j < i; j++)
				policy_del(ctx, policy_dirs[j], if_id, af, &e2);
			return -1;
		}
	}
	log_info(xfrm_who(ctx, if_id), "installed out/in/fwd %s policies if_id 0x%x "
	    "reqid %u", af == AF_INET6 ? "IPv6" : "IPv4", if_id, reqid);
	if (xfrm_obj_find_policy(ctx, if_id, af) == NULL &&
	    (o = xfrm_obj_add(ctx, XFRM_OBJ_POLICY)) != NULL) {
		o->if_id = if_id;
		o->af = af;
	}
	return 0;
}

int
xfrm_policy_remove(struct xfrm_ctx *ctx, uint32_t if_id, int af,
    struct xfrm_err *err)
{
	if (ctx->be != NULL)
		return ctx->be->policy_remove(ctx, if_id, af, err);
	struct xfrm_obj	*o;
	size_t		 i;
	int		 rc = 0;

	/* All three, even if one fails: leave as little behind as we can. */
	for (i = 0; i < sizeof(policy_dirs); i++)
		if (policy_del(ctx, policy_dirs[i], if_id, af,
		    rc == 0 ? err : NULL) < 0)
			rc = -1;
	if (rc == 0) {
		log_info(xfrm_who(ctx, if_id), "removed %s policies if_id 0x%x",
		    af == AF_INET6 ? "IPv6" : "IPv4", if_id);
		if ((o = xfrm_obj_find_policy(ctx, if_id, af)) != NULL)
			xfrm_obj_del(ctx, o);
	}
	return rc;
}
