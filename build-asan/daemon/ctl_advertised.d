build-asan/daemon/ctl_advertised.o: daemon/ctl_advertised.c bgp/bgp.h \
 lib/addr.h daemon/cgwd.h build-asan/cgw_paths.h conf/conf.h \
 daemon/tunnel.h daemon/ctl.h daemon/ctl_proto.h
bgp/bgp.h:
lib/addr.h:
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
daemon/tunnel.h:
daemon/ctl.h:
daemon/ctl_proto.h:
