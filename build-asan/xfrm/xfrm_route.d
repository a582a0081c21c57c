build-asan/xfrm/xfrm_route.o: xfrm/xfrm_route.c lib/log.h \
 xfrm/xfrm_priv.h xfrm/xfrm.h esp/esp.h lib/addr.h
lib/log.h:
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
