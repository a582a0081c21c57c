/*
 * One daemon per network namespace. The lock is a listening Unix socket
 * bound to an abstract name: abstract names live in the network
 * namespace, so a daemon in another namespace never sees it, and the
 * kernel drops it when its holder dies, however it dies, so a crash
 * leaves nothing stale behind. A second daemon that finds the name taken
 * connects to it to learn the holder's pid (SO_PEERCRED).
 */
#ifndef CGW_LIB_NSLOCK_H
#define CGW_LIB_NSLOCK_H

#include <stddef.h>
#include <sys/types.h>

#define NSLOCK_CGWD	"cgwd-lock"

/*
 * Take the lock `name` (without the leading NUL) in this process's network
 * namespace. The descriptor on success: keep it open to hold the lock and
 * read it with nslock_answer. -1 otherwise, err saying why; *holder (may
 * be NULL) gets the pid of the process holding it, 0 when unknown.
 */
int	nslock_take(const char *name, pid_t *holder, char *err, size_t errlen);
/* Close every pending probe from a would-be second daemon: call when the
 * descriptor is readable, so the backlog never fills. */
void	nslock_answer(int fd);

#endif
