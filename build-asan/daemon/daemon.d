build-asan/daemon/daemon.o: daemon/daemon.c daemon/cgwd.h \
 build-asan/cgw_paths.h conf/conf.h lib/addr.h daemon/tunnel.h \
 daemon/ipsec.h ike/ike.h esp/esp.h daemon/routing.h daemon/control.h \
 daemon/ctl_proto.h daemon/ctl.h daemon/ctl_roles.h lib/log.h \
 lib/nslock.h
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
lib/addr.h:
daemon/tunnel.h:
daemon/ipsec.h:
ike/ike.h:
esp/esp.h:
daemon/routing.h:
daemon/control.h:
daemon/ctl_proto.h:
daemon/ctl.h:
daemon/ctl_roles.h:
lib/log.h:
lib/nslock.h:
