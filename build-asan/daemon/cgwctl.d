build-asan/daemon/cgwctl.o: daemon/cgwctl.c build-asan/cgw_version.h \
 conf/aws_import.h daemon/cgwctl.h daemon/cgwctl_table.h \
 daemon/ctl_proto.h
build-asan/cgw_version.h:
conf/aws_import.h:
daemon/cgwctl.h:
daemon/cgwctl_table.h:
daemon/ctl_proto.h:
