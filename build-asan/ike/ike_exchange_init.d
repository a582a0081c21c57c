build-asan/ike/ike_exchange_init.o: ike/ike_exchange_init.c \
 ike/ike_local.h ike/crypto.h lib/buf.h ike/ike.h conf/conf.h lib/addr.h \
 esp/esp.h lib/ikev2_const.h lib/clock.h lib/log.h
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
