build-asan/bgp/attrs.o: bgp/attrs.c bgp/bgp_priv.h bgp/bgp.h lib/addr.h \
 lib/buf.h
bgp/bgp_priv.h:
bgp/bgp.h:
lib/addr.h:
lib/buf.h:
