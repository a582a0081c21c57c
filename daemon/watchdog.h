/*
 * The systemd watchdog (WatchdogSec= in the unit): WATCHDOG=1 goes out
 * from a timer on the event loop, so it stops when the loop stops
 * turning (a handler stuck, a deadlock) and systemd restarts cgwd.
 */
#ifndef CGW_DAEMON_WATCHDOG_H
#define CGW_DAEMON_WATCHDOG_H

#include <stdint.h>

struct cgwd;

/* How often to send WATCHDOG=1 for systemd's interval (microseconds): at
 * half of it, as sd_watchdog_enabled(3) advises, never below 1 ms; 0
 * when there is no watchdog (usec 0). */
uint64_t	 watchdog_period_usec(uint64_t usec);
/* Start the timer when systemd asks for a watchdog; 0 also when it does
 * not, -1 when the timer cannot be made. */
int		 watchdog_start(struct cgwd *);
void		 watchdog_stop(struct cgwd *);

#endif
