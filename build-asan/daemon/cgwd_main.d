build-asan/daemon/cgwd_main.o: daemon/cgwd_main.c \
 build-asan/cgw_version.h conf/conf.h lib/addr.h daemon/cgwd.h \
 build-asan/cgw_paths.h daemon/tunnel.h daemon/ctl_proto.h lib/log.h
build-asan/cgw_version.h:
conf/conf.h:
lib/addr.h:
daemon/cgwd.h:
build-asan/cgw_paths.h:
daemon/tunnel.h:
daemon/ctl_proto.h:
lib/log.h:
