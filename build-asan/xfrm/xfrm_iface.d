build-asan/xfrm/xfrm_iface.o: xfrm/xfrm_iface.c lib/log.h \
 xfrm/xfrm_priv.h xfrm/xfrm.h esp/esp.h lib/addr.h
lib/log.h:
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
