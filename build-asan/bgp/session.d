build-asan/bgp/session.o: bgp/session.c bgp/bgp_priv.h bgp/bgp.h \
 lib/addr.h lib/buf.h lib/log.h
bgp/bgp_priv.h:
bgp/bgp.h:
lib/addr.h:
lib/buf.h:
lib/log.h:
