build-asan/daemon/ipsec_conf.o: daemon/ipsec_conf.c conf/conf.h \
 lib/addr.h daemon/ipsec.h daemon/tunnel.h ike/ike.h esp/esp.h
conf/conf.h:
lib/addr.h:
daemon/ipsec.h:
daemon/tunnel.h:
ike/ike.h:
esp/esp.h:
