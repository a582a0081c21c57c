/*
 * Privilege separation: cgwd runs as two processes.
 *
 * - The main process parses IKE, BGP and control requests. After its
 *   ports are bound it holds no capability at all and runs under a
 *   seccomp filter (ps_sandbox).
 * - The kernel helper ("cgwd-kernel"), forked at start before anything
 *   from the network is read, holds CAP_NET_ADMIN and the netlink
 *   sockets: it does the XFRM, route and nftables operations the main
 *   process asks for, and binds its privileged ports, each request
 *   checked against the configuration (ps_check.c).
 *
 * Requests are synchronous on one SOCK_SEQPACKET socketpair (netlink to
 * the local kernel answers at once), but for route batches, which go a
 * few chunks ahead of their answers (ps_client.c); kernel events come
 * on a second one,
 * read from the main process's event loop. When the main process goes,
 * the helper removes every kernel object cgwd made and exits; when the
 * helper goes, the main process exits non-zero.
 */
#ifndef CGW_PRIVSEP_PRIVSEP_H
#define CGW_PRIVSEP_PRIVSEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "lib/addr.h"
#include "nft/mss.h"
#include "xfrm/xfrm.h"

struct event_base;
struct ps_client;

/*
 * Fork the kernel helper. `conf` is the parsed configuration (the helper
 * keeps its copy: it was read before any network input), conf_path
 * where it reloads from, sock_path the control socket it unlinks at the
 * end, lock_fd the instance lock it holds until the kernel is clean.
 * `dead` is called (from the loop) when the helper is gone.
 */
struct ps_client *ps_start(struct event_base *, const struct conf *conf,
		    const char *conf_path, const char *sock_path, int lock_fd,
		    void (*dead)(void *), void *dead_arg, char *err,
		    size_t errlen);
/* The client of a helper already running (pid, or -1: nothing to
 * wait for) at the other ends of req_fd and ev_fd, which it takes. */
struct ps_client *ps_client_attach(struct event_base *, pid_t pid,
		    int req_fd, int ev_fd, void (*dead)(void *),
		    void *dead_arg);
pid_t		 ps_helper_pid(const struct ps_client *);
/* Whether the helper is still there. */
bool		 ps_alive(const struct ps_client *);

/* A context of xfrm/ whose work the helper does; events to `cb`. */
struct xfrm_ctx	*ps_xfrm_open(struct ps_client *, const struct xfrm_callbacks *,
		    void *arg, struct xfrm_err *);
/* nft_mss_apply, by the helper. */
int		 ps_mss_apply(struct ps_client *, const struct nft_mss_if *,
		    size_t n, char *err, size_t errlen);
/* ike_sock_fn and bgp_listen_fn (arg: the ps_client). */
int		 ps_ike_sock(void *, const struct cgw_addr *local,
		    uint16_t port, bool natt, int rcvbuf, char *err,
		    size_t errlen);
int		 ps_bgp_listen(void *, uint16_t port);
/* The helper reads the configuration again and allows the objects of
 * both until ps_reload_done. */
int		 ps_reload(struct ps_client *, char *err, size_t errlen);
void		 ps_reload_done(struct ps_client *);
/* The control socket is in place: the helper unlinks it at the end
 * (the main process may not unlink files any more). */
void		 ps_ctl_socket(struct ps_client *);
/* Hang up and wait for the helper to finish (it removes what is left
 * in the kernel), free. */
void		 ps_stop(struct ps_client *);

/*
 * The main process's sandbox: drop every capability (effective,
 * permitted, inheritable, ambient, bounding set), no new privileges,
 * the seccomp filter. 0, or -1 with err. *filtered false when a
 * sanitizer build runs without the filter.
 */
int		 ps_sandbox(bool *filtered, char *err, size_t errlen);

/* The helper's side (ps_helper.c): run in the forked child, never
 * returns. */
void		 ps_helper_main(int req_fd, int ev_fd, int lock_fd,
		    const struct conf *conf, const char *conf_path,
		    const char *sock_path) __attribute__((noreturn));

#endif
