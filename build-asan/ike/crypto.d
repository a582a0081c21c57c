build-asan/ike/crypto.o: ike/crypto.c ike/crypto.h lib/buf.h \
 lib/ikev2_const.h
ike/crypto.h:
lib/buf.h:
lib/ikev2_const.h:
