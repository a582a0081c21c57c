build-asan/conf/validate.o: conf/validate.c conf/conf_priv.h conf/conf.h \
 lib/addr.h lib/ikev2_const.h
conf/conf_priv.h:
conf/conf.h:
lib/addr.h:
lib/ikev2_const.h:
