build-asan/ike/ike_auth.o: ike/ike_auth.c ike/ike_local.h ike/crypto.h \
 lib/buf.h ike/ike.h conf/conf.h lib/addr.h esp/esp.h lib/ikev2_const.h \
 lib/log.h
ike/ike_local.h:
ike/crypto.h:
lib/buf.h:
ike/ike.h:
conf/conf.h:
lib/addr.h:
esp/esp.h:
lib/ikev2_const.h:
lib/log.h:
