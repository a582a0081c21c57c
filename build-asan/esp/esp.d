build-asan/esp/esp.o: esp/esp.c esp/esp.h lib/addr.h lib/ikev2_const.h
esp/esp.h:
lib/addr.h:
lib/ikev2_const.h:
