build-asan/ike/crypto_sk.o: ike/crypto_sk.c ike/crypto.h lib/buf.h \
 lib/ikev2_const.h
ike/crypto.h:
lib/buf.h:
lib/ikev2_const.h:
