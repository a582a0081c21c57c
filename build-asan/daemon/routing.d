build-asan/daemon/routing.o: daemon/routing.c bgp/bgp.h lib/addr.h \
 daemon/cgwd.h build-asan/cgw_paths.h conf/conf.h daemon/tunnel.h \
 daemon/events.h daemon/ipsec.h ike/ike.h esp/esp.h daemon/routing.h \
 lib/log.h xfrm/xfrm.h
bgp/bgp.h:
lib/addr.h:
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
daemon/tunnel.h:
daemon/events.h:
daemon/ipsec.h:
ike/ike.h:
esp/esp.h:
daemon/routing.h:
lib/log.h:
xfrm/xfrm.h:
