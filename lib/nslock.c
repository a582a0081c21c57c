/* The per-network-namespace lock of one daemon (see nslock.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "lib/nslock.h"

/* The abstract address of `name`: a NUL, then the name, no terminator. */
static socklen_t
nslock_addr(const char *name, struct sockaddr_un *sun)
{
	size_t n = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n + 1 > sizeof(sun->sun_path))
		n = sizeof(sun->sun_path) - 1;
	memcpy(sun->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* The pid listening on `name`, 0 if it cannot be learnt. */
static pid_t
nslock_holder(const char *name)
{
	struct sockaddr_un sun;
	struct ucred cred;
	socklen_t sl = nslock_addr(name, &sun), cl = sizeof(cred);
	pid_t pid = 0;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	/* The listener's credentials are those of its listen() call. */
	if (connect(fd, (struct sockaddr *)&sun, sl) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 &&
	    cl == sizeof(cred))
		pid = cred.pid;
	close(fd);
	return pid;
}

int
nslock_take(const char *name, pid_t *holder, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	socklen_t sl = nslock_addr(name, &sun);
	pid_t pid;
	int fd;

	if (holder != NULL)
		*holder = 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "lock socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sl) == 0 && listen(fd, 8) == 0)
		return fd;
	if (errno != EADDRINUSE) {
		snprintf(err, errlen, "lock @%s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	pid = nslock_holder(name);
	if (holder != NULL)
		*holder = pid;
	if (pid > 0)
		snprintf(err, errlen, "another cgwd (pid %ld) is running in "
		    "this network namespace (it holds @%s)", (long)pid, name);
	else
		snprintf(err, errlen, "another cgwd is running in this "
		    "network namespace (it holds @%s)", name);
	return -1;
}

void
nslock_answer(int fd)
{
	int c;

	while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(c);
}
