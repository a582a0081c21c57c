build-asan/daemon/ctl_cmds.o: daemon/ctl_cmds.c daemon/cgwd.h \
 build-asan/cgw_paths.h conf/conf.h lib/addr.h daemon/tunnel.h \
 daemon/ctl.h daemon/ctl_proto.h lib/log.h
daemon/cgwd.h:
build-asan/cgw_paths.h:
conf/conf.h:
lib/addr.h:
daemon/tunnel.h:
daemon/ctl.h:
daemon/ctl_proto.h:
lib/log.h:
