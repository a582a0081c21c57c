build-asan/daemon/tunnel.o: daemon/tunnel.c daemon/cgwd.h \
 build-asan/cgw_paths.h conf/conf.h lib/addr.h daemon/tunnel.h \
 daemon/events.h daemon/ipsec.h ike/ike.h esp/esp.h daemon/routing.h \
 lib/log.h lib/names.h
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
lib/log.h:
lib/names.h:
