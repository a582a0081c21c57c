/*
 * The main process's sandbox, entered once its ports are bound: no
 * capability left in any set, no way to gain one (no_new_privs), and a
 * seccomp filter that allows what the event loop, logging, sd_notify,
 * OpenSSL, the sockets and a reload need.
 *
 * The uid stays 0 (the unit has no CAP_SETUID to give up anything
 * else): without capabilities uid 0 is an ordinary owner of root's
 * files, so the filter is what keeps it from writing them. open() and
 * openat() are allowed read-only; unlink, rename, chmod, mkdir, link,
 * truncate and friends are not allowed at all; netlink, packet and raw
 * sockets, execve, ptrace, mount, module, bpf, keyctl, io_uring and the
 * like are not in the list. Anything not listed fails with EPERM rather
 * than killing the process, so a rare libc path degrades visibly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <seccomp.h>

#include "privsep/privsep.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PS_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define PS_SANITIZER	1
#endif
#endif
#ifndef PS_SANITIZER
#define PS_SANITIZER	0
#endif

static int
ps_drop_caps(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	int cap;

	/* uid 0 regains nothing by exec or setuid (there is neither under
	 * the filter; this holds without it too). Needs CAP_SETPCAP. */
	(void)prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
	    0, 0, 0);
	/* The bounding set first: dropping it needs CAP_SETPCAP. */
	for (cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 &&
		    errno != EINVAL && errno != EPERM) {
			snprintf(err, errlen, "bounding set: %s",
			    strerror(errno));
			return -1;
		}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	/* The bounding set again: without CAP_SETPCAP some drops above may
	 * have failed; what is left there cannot be regained anyway
	 * (no_new_privs, no file capabilities run). */
	return 0;
}

/* SCMP_A0() and friends leave a field out, which clang warns about. */
static struct scmp_arg_cmp
ps_arg(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c = { .arg = arg, .op = op, .datum_a = a,
	    .datum_b = b };

	return c;
}

#define ALLOW(name) do {						\
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(name), 0) != 0 && \
	    SCMP_SYS(name) >= 0)					\
		goto fail;						\
} while (0)

static int
ps_filter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	const int ro = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
	int rc;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	/* Memory, time, signals, the loop. */
	ALLOW(brk); ALLOW(mmap); ALLOW(munmap); ALLOW(mremap);
	ALLOW(mprotect); ALLOW(madvise);
	ALLOW(read); ALLOW(readv); ALLOW(pread64); ALLOW(write);
	ALLOW(writev); ALLOW(pwrite64); ALLOW(close); ALLOW(lseek);
	ALLOW(fstat); ALLOW(newfstatat); ALLOW(statx); ALLOW(stat);
	ALLOW(lstat); ALLOW(fcntl); ALLOW(dup); ALLOW(dup2); ALLOW(dup3);
	ALLOW(getdents64); ALLOW(access); ALLOW(faccessat); ALLOW(faccessat2);
	ALLOW(readlink); ALLOW(readlinkat); ALLOW(getcwd);
	ALLOW(clock_gettime); ALLOW(clock_getres); ALLOW(gettimeofday);
	ALLOW(time); ALLOW(nanosleep); ALLOW(clock_nanosleep);
	ALLOW(rt_sigaction); ALLOW(rt_sigprocmask); ALLOW(rt_sigreturn);
	ALLOW(sigaltstack); ALLOW(restart_syscall);
	ALLOW(epoll_create); ALLOW(epoll_create1); ALLOW(epoll_ctl);
	ALLOW(epoll_wait); ALLOW(epoll_pwait); ALLOW(epoll_pwait2);
	ALLOW(poll); ALLOW(ppoll); ALLOW(select); ALLOW(pselect6);
	ALLOW(eventfd2); ALLOW(pipe); ALLOW(pipe2);
	ALLOW(timerfd_create); ALLOW(timerfd_settime); ALLOW(timerfd_gettime);
	ALLOW(futex); ALLOW(sched_yield); ALLOW(getrandom);
	ALLOW(getpid); ALLOW(gettid); ALLOW(getppid); ALLOW(getuid);
	ALLOW(geteuid); ALLOW(getgid); ALLOW(getegid); ALLOW(getgroups);
	ALLOW(getresuid); ALLOW(getresgid); ALLOW(uname); ALLOW(sysinfo);
	ALLOW(getrusage); ALLOW(getrlimit); ALLOW(prlimit64);
	ALLOW(umask); ALLOW(exit); ALLOW(exit_group); ALLOW(wait4);
	ALLOW(tgkill); ALLOW(rseq); ALLOW(set_robust_list);
	/* sd_journal_send passes a large entry in a sealed memfd. */
	ALLOW(memfd_create);
	/* The control socket's group on reload (no CAP_CHOWN: only to
	 * root's own groups, which is what a same-group reload does). */
	ALLOW(chown); ALLOW(fchown); ALLOW(fchownat);
	/* Sockets: the control and metrics listeners, BGP, IKE, the
	 * journal and sd_notify; no netlink, packet or raw ones. */
	ALLOW(connect); ALLOW(bind); ALLOW(listen); ALLOW(accept);
	ALLOW(accept4); ALLOW(getsockname); ALLOW(getpeername);
	ALLOW(setsockopt); ALLOW(getsockopt); ALLOW(sendto); ALLOW(sendmsg);
	ALLOW(sendmmsg); ALLOW(recvfrom); ALLOW(recvmsg); ALLOW(recvmmsg);
	ALLOW(shutdown);
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    ps_arg(0, SCMP_CMP_EQ, AF_INET, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    ps_arg(0, SCMP_CMP_EQ, AF_INET6, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    ps_arg(0, SCMP_CMP_EQ, AF_UNIX, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1,
	    ps_arg(0, SCMP_CMP_EQ, AF_UNIX, 0)) != 0)
		goto fail;
	/* Files: read-only (a reload reads the configuration and its
	 * psk-files; NSS reads /etc/group). */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    ps_arg(2, SCMP_CMP_MASKED_EQ, (scmp_datum_t)ro, 0)) != 0 ||
	    (SCMP_SYS(open) >= 0 &&
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
	    ps_arg(1, SCMP_CMP_MASKED_EQ, (scmp_datum_t)ro, 0)) != 0))
		goto fail;
	/* ioctl: FIONREAD (libevent), FIONBIO, TCGETS (isatty) only. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    ps_arg(1, SCMP_CMP_EQ, FIONREAD, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    ps_arg(1, SCMP_CMP_EQ, FIONBIO, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    ps_arg(1, SCMP_CMP_EQ, TCGETS, 0)) != 0)
		goto fail;
	/* prctl: names and reads only (no PR_SET_SECCOMP games). */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    ps_arg(0, SCMP_CMP_EQ, PR_SET_NAME, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    ps_arg(0, SCMP_CMP_EQ, PR_GET_NAME, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    ps_arg(0, SCMP_CMP_EQ, PR_GET_DUMPABLE, 0)) != 0)
		goto fail;
	if ((rc = seccomp_load(ctx)) != 0) {
		snprintf(err, errlen, "seccomp_load: %s", strerror(-rc));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
fail:
	snprintf(err, errlen, "seccomp rule failed");
	seccomp_release(ctx);
	return -1;
}

int
ps_sandbox(bool *filtered, char *err, size_t errlen)
{
	time_t now = time(NULL);
	struct tm tm;

	*filtered = false;
	/* Time zone files are read once now, not under the filter. */
	tzset();
	(void)localtime_r(&now, &tm);
	if (ps_drop_caps(err, errlen) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* A sanitizer's runtime needs more than the filter allows (its own
	 * mappings, /proc reads, its report): no filter in those builds. */
	if (PS_SANITIZER)
		return 0;
	if (ps_filter(err, errlen) != 0)
		return -1;
	*filtered = true;
	return 0;
}
