build-asan/conf/id.o: conf/id.c conf/conf_priv.h conf/conf.h lib/addr.h \
 lib/ikev2_const.h
conf/conf_priv.h:
conf/conf.h:
lib/addr.h:
lib/ikev2_const.h:
