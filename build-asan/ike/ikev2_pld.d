build-asan/ike/ikev2_pld.o: ike/ikev2_pld.c ike/ike_local.h ike/crypto.h \
 lib/buf.h ike/ike.h conf/conf.h lib/addr.h esp/esp.h lib/ikev2_const.h
ike/ike_local.h:
ike/crypto.h:
lib/buf.h:
ike/ike.h:
conf/conf.h:
lib/addr.h:
esp/esp.h:
lib/ikev2_const.h:
