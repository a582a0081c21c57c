build-asan/conf/printconf.o: conf/printconf.c conf/conf_priv.h \
 conf/conf.h lib/addr.h
conf/conf_priv.h:
conf/conf.h:
lib/addr.h:
