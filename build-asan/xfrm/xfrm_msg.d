build-asan/xfrm/xfrm_msg.o: xfrm/xfrm_msg.c xfrm/xfrm_priv.h xfrm/xfrm.h \
 esp/esp.h lib/addr.h
xfrm/xfrm_priv.h:
xfrm/xfrm.h:
esp/esp.h:
lib/addr.h:
