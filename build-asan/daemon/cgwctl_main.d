build-asan/daemon/cgwctl_main.o: daemon/cgwctl_main.c daemon/cgwctl.h
daemon/cgwctl.h:
