build-asan/bgp/msg.o: bgp/msg.c bgp/bgp_priv.h bgp/bgp.h lib/addr.h \
 lib/buf.h
bgp/bgp_priv.h:
bgp/bgp.h:
lib/addr.h:
lib/buf.h:
