build-asan/daemon/ctl_roles.o: daemon/ctl_roles.c daemon/ctl_roles.h \
 conf/conf.h lib/addr.h lib/names.h
daemon/ctl_roles.h:
conf/conf.h:
lib/addr.h:
lib/names.h:
