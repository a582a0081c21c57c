build-asan/daemon/ctl_json.o: daemon/ctl_json.c daemon/cgwd.h \
 build-asan/cgw_paths.h conf/conf.h lib/addr.h daemon/tunnel.h \
 daemon/ctl.h daemon/ctl_proto.h daemon/ipsec.h ike/ike.h esp/esp.h \
 daemon/routing.h xfrm/xfrm.h
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
lib/addr.h:
daemon/tunnel.h:
daemon/ctl.h:
daemon/ctl_proto.h:
daemon/ipsec.h:
ike/ike.h:
esp/esp.h:
daemon/routing.h:
xfrm/xfrm.h:
