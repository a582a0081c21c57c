build-asan/xfrm/xfrm_clean.o: xfrm/xfrm_clean.c lib/log.h \
 xfrm/xfrm_priv.h xfrm/xfrm.h esp/esp.h lib/addr.h
lib/log.h:
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
