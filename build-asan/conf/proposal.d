build-asan/conf/proposal.o: conf/proposal.c conf/conf_priv.h conf/conf.h \
 lib/addr.h lib/ikev2_const.h
conf/conf_priv.h:
conf/conf.h:
lib/addr.h:
lib/ikev2_const.h:
