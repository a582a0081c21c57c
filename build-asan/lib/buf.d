build-asan/lib/buf.o: lib/buf.c lib/buf.h
lib/buf.h:
