build-asan/daemon/ipsec.o: daemon/ipsec.c daemon/cgwd.h \
 build-asan/cgw_paths.h conf/conf.h lib/addr.h daemon/tunnel.h \
 daemon/events.h daemon/ipsec.h ike/ike.h esp/esp.h daemon/routing.h \
 lib/ikev2_const.h lib/log.h xfrm/xfrm.h
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
lib/addr.h:
daemon/tunnel.h:
daemon/events.h:
daemon/ipsec.h:
ike/ike.h:
esp/esp.h:
daemon/routing.h:
lib/ikev2_const.h:
lib/log.h:
xfrm/xfrm.h:
