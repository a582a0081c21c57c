/*
 * Events for `cgwctl monitor`: tunnel transitions, IKE and CHILD SA
 * events, BGP session changes and kernel route changes, each published
 * once to the control server, which copies it to every monitor client
 * as one JSON line:
 *   {"event": "tunnel", "time": 1795428131, "name": "aws-prod/t1",
 *    "text": "down -> connecting (initiating)", ...}
 * Publishing costs nothing while nobody listens, and never blocks: a
 * client that reads too slowly loses events (it is told how many).
 */
#ifndef CGW_DAEMON_EVENTS_H
#define CGW_DAEMON_EVENTS_H

#include <jansson.h>

struct cgwd;

/* Kinds, the "event" key. */
#define CGWD_EV_TUNNEL	"tunnel"
#define CGWD_EV_IKE	"ike"
#define CGWD_EV_CHILD	"child"
#define CGWD_EV_BGP	"bgp"
#define CGWD_EV_ROUTE	"route"

/*
 * Publish one event. `name` is the tunnel, session or prefix it is about
 * (NULL for none); `extra` (stolen, may be NULL) adds keys to the object.
 */
void	cgwd_event(struct cgwd *, const char *kind, const char *name,
	    json_t *extra, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Whether anyone listens: callers may skip building costly text. */
int	cgwd_event_wanted(const struct cgwd *);

#endif
