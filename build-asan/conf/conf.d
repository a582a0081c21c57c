build-asan/conf/conf.o: conf/conf.c conf/conf.h lib/addr.h \
 conf/conf_priv.h
conf/conf.h:
lib/addr.h:
conf/conf_priv.h:
