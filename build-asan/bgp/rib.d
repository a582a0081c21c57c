build-asan/bgp/rib.o: bgp/rib.c bgp/bgp_priv.h bgp/bgp.h lib/addr.h \
 lib/buf.h lib/log.h
bgp/bgp_priv.h:
bgp/bgp.h:
lib/addr.h:
lib/buf.h:
lib/log.h:
