build-asan/lib/nslock.o: lib/nslock.c lib/nslock.h
lib/nslock.h:
