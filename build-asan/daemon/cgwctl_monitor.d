build-asan/daemon/cgwctl_monitor.o: daemon/cgwctl_monitor.c \
 daemon/cgwctl.h daemon/cgwctl_table.h daemon/ctl_proto.h
daemon/cgwctl.h:
daemon/cgwctl_table.h:
daemon/ctl_proto.h:
