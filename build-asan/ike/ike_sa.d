build-asan/ike/ike_sa.o: ike/ike_sa.c ike/ike_local.h ike/crypto.h \
 lib/buf.h ike/ike.h conf/conf.h lib/addr.h esp/esp.h lib/ikev2_const.h \
 lib/clock.h lib/log.h lib/names.h
ike/ike_local.h:
ike/crypto.h:
lib/buf.h:
ike/ike.h:
conf/conf.h:
lib/addr.h:
esp/esp.h:
lib/ikev2_const.h:
lib/clock.h:
lib/log.h:
lib/names.h:
