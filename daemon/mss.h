/* TCP MSS clamping of the tunnels' traffic (daemon/mss.c, nft/mss.h). */
#ifndef CGW_DAEMON_MSS_H
#define CGW_DAEMON_MSS_H

struct cgwd;

/* Clamps on every tunnel interface whose mss-clamp is not off; a
 * failure is logged, not fatal (a kernel without nf_tables). */
void	cgwd_mss_sync(struct cgwd *);
/* Removes cgwd's table: a clean stop leaves nothing behind. */
void	cgwd_mss_clear(struct cgwd *);

#endif
