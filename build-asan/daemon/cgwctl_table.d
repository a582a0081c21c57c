build-asan/daemon/cgwctl_table.o: daemon/cgwctl_table.c daemon/cgwctl.h \
 daemon/cgwctl_table.h
daemon/cgwctl.h:
daemon/cgwctl_table.h:
