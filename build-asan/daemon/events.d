build-asan/daemon/events.o: daemon/events.c daemon/cgwd.h \
 build-asan/cgw_paths.h conf/conf.h lib/addr.h daemon/tunnel.h \
 daemon/control.h daemon/ctl_proto.h daemon/events.h lib/log.h
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
lib/addr.h:
daemon/tunnel.h:
daemon/control.h:
daemon/ctl_proto.h:
daemon/events.h:
lib/log.h:
