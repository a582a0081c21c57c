build-asan/daemon/control.o: daemon/control.c daemon/control.h \
 daemon/ctl_proto.h daemon/ctl_roles.h conf/conf.h lib/addr.h lib/log.h
daemon/control.h:
daemon/ctl_proto.h:
daemon/ctl_roles.h:
conf/conf.h:
lib/addr.h:
lib/log.h:
