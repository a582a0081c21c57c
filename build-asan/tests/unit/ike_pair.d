build-asan/tests/unit/ike_pair.o: tests/unit/ike_pair.c ike/crypto.h \
 lib/buf.h lib/clock.h lib/ikev2_const.h lib/log.h tests/unit/ike_pair.h \
 ike/ike.h conf/conf.h lib/addr.h esp/esp.h
ike/crypto.h:
lib/buf.h:
lib/clock.h:
lib/ikev2_const.h:
lib/log.h:
tests/unit/ike_pair.h:
ike/ike.h:
conf/conf.h:
lib/addr.h:
esp/esp.h:
