build-asan/xfrm/xfrm_sa.o: xfrm/xfrm_sa.c lib/log.h xfrm/xfrm_priv.h \
 xfrm/xfrm.h esp/esp.h lib/addr.h
lib/log.h:
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
