build-asan/ike/dh.o: ike/dh.c ike/crypto.h lib/buf.h ike/dh_test.h \
 lib/ikev2_const.h
ike/crypto.h:
lib/buf.h:
ike/dh_test.h:
lib/ikev2_const.h:
