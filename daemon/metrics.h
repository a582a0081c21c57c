/*
 * Prometheus metrics: the text exposition format 0.0.4, rendered from the
 * daemon's state when asked (no sampling, no history). The same text is
 * served over HTTP (`metrics listen ADDRESS:PORT`, off by default) and
 * answered to `cgwctl metrics`.
 */
#ifndef CGW_DAEMON_METRICS_H
#define CGW_DAEMON_METRICS_H

#include <stddef.h>
#include <stdio.h>

struct cgwd;

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* Every family, HELP and TYPE first, label values escaped. -1 when f
 * failed. */
int	 metrics_render(struct cgwd *, FILE *f);
/* The same in a malloc'ed string (its length in *len); NULL: no memory. */
char	*metrics_text(struct cgwd *, size_t *len);

/* Listen as the configuration says (nothing when it says nothing). A
 * failure is logged and leaves the rest of the daemon running. */
void	 metrics_open(struct cgwd *);
/* After a reload: listen anew when the address changed. */
void	 metrics_reconfigure(struct cgwd *);
void	 metrics_close(struct cgwd *);

#endif
