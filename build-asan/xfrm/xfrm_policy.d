build-asan/xfrm/xfrm_policy.o: xfrm/xfrm_policy.c lib/log.h \
 xfrm/xfrm_priv.h xfrm/xfrm.h esp/esp.h lib/addr.h
lib/log.h:
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
