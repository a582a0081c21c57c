build-asan/xfrm/xfrm_nl.o: xfrm/xfrm_nl.c lib/log.h xfrm/xfrm_priv.h \
 xfrm/xfrm.h esp/esp.h lib/addr.h
lib/log.h:
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
