build-asan/daemon/ctl_proto.o: daemon/ctl_proto.c daemon/ctl_proto.h
daemon/ctl_proto.h:
