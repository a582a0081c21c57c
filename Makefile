# cgwd — customer gateway daemon. `make help` lists the targets.

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system
DESTDIR	?=

CC	?= cc
B	?= build
PKGS	:= libcrypto libevent libmnl jansson libsystemd libxml-2.0
# Recursive (=) so pkg-config runs after `make deps` installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

OPT	?= -O2 -g
WARN	:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -I. -I$(B)
CFLAGS	+= -std=c11 $(OPT) $(WARN) $(PKG_CFLAGS)
# bison/flex output is not ours to keep -Wextra-clean
GENFLAGS := -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes \
	    -Wno-unused-parameter -Wno-unused-but-set-variable

PARTS	:= lib conf ike esp xfrm bgp daemon
MAINS	:= daemon/cgwd_main.c daemon/cgwctl_main.c
LIB_SRCS := $(filter-out $(MAINS),$(foreach p,$(PARTS),$(wildcard $(p)/*.c)))
YACC_SRCS := $(wildcard conf/*.y)
LEX_SRCS := $(wildcard conf/*.l)
GEN_C	:= $(YACC_SRCS:%.y=$(B)/%.tab.c) $(LEX_SRCS:%.l=$(B)/%.lex.c)
GEN_H	:= $(YACC_SRCS:%.y=$(B)/%.tab.h)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o) $(GEN_C:%.c=%.o)
LIB	:= $(B)/libcgw.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(B)/%)
# What the unit tests share (tests/unit/*.c but test_*.c), archived so
# each test links only what it uses.
UNIT_HELPER_OBJS := $(patsubst %.c,$(B)/%.o,$(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c)))
UNIT_HELPERS := $(B)/tests/unit/libunit.a
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REGRESS := $(FUZZ_SRCS:%.c=$(B)/%-regress)
FUZZ_BINS := $(FUZZ_SRCS:%.c=$(B)/fuzz/%)
# Test drivers (system and lab tests run them): build/tests/tools/NAME
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:%.c=$(B)/%)

.PHONY: all deps test check unit tools fuzz lab demo bench install clean help
.DEFAULT_GOAL := all

all: cgwd cgwctl

help:
	@echo "make            build cgwd and cgwctl"
	@echo "make deps       apt-get install everything build, tests, lab and demo need"
	@echo "make test       deps + build + unit, system and lab tests"
	@echo "make check      the same without deps"
	@echo "make unit       unit tests only"
	@echo "make lab [SCENARIO=name]   kernel lab scenarios (QEMU)"
	@echo "make demo       both tunnels of an emulated AWS VGW up, in the lab"
	@echo "make bench      cgwd vs strongSwan+BIRD side by side in the lab (ratios)"
	@echo "make fuzz       libFuzzer builds of the parsers (clang)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=..."

deps:
	@contrib/deps/install.sh

# The entry points a newcomer uses install what they need first.
test: deps
	@$(MAKE) --no-print-directory check

demo: deps
	@$(MAKE) --no-print-directory all tools
	@tests/lab/demo.sh

lab: deps
	@$(MAKE) --no-print-directory all tools
	@tests/lab/lab.sh $(SCENARIO)

bench: deps
	@$(MAKE) --no-print-directory all tools
	@tests/bench/run.sh $(BENCH_ARGS)

check: all $(UNIT_BINS) $(FUZZ_REGRESS) $(TOOL_BINS)
	@tests/run-all.sh

tools: $(TOOL_BINS)

unit: $(UNIT_BINS)
	@CGW_ONLY=unit tests/run-all.sh

cgwd: $(B)/daemon/cgwd_main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

cgwctl: $(B)/daemon/cgwctl_main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/%.o: %.c | $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.tab.c $(B)/%.tab.h: %.y
	@mkdir -p $(@D)
	bison -Wall -Werror --defines=$(B)/$*.tab.h -o $(B)/$*.tab.c $<

$(B)/%.lex.c: %.l $(GEN_H)
	@mkdir -p $(@D)
	flex -o $@ $<

# Generated sources are kept, not deleted as intermediates.
.SECONDARY: $(GEN_C) $(GEN_H)

$(B)/%.tab.o: $(B)/%.tab.c $(GEN_H)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GENFLAGS) -c -o $@ $<

$(B)/%.lex.o: $(B)/%.lex.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(GENFLAGS) -c -o $@ $<

$(UNIT_HELPERS): $(UNIT_HELPER_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/tests/unit/%: tests/unit/%.c $(UNIT_HELPERS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(UNIT_HELPERS) $(LIB) $(PKG_LIBS) -lcmocka $(LDFLAGS)

$(B)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) $(LDFLAGS)

# Each fuzz target also runs, without a fuzzer, over its stored corpus.
$(B)/tests/fuzz/%-regress: tests/fuzz/%.c tests/fuzz/regress_main.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< tests/fuzz/regress_main.c $(LIB) $(PKG_LIBS) $(LDFLAGS)

fuzz: $(FUZZ_SRCS)
	@mkdir -p $(B)/fuzz
	@for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); \
		echo "clang -fsanitize=fuzzer,address $$f"; \
		$(MAKE) --no-print-directory B=$(B)/fuzz-obj CC=clang \
			OPT="-O1 -g -fsanitize=fuzzer-no-link,address" $(B)/fuzz-obj/libcgw.a || exit 1; \
		clang $(CPPFLAGS) -I$(B)/fuzz-obj -std=c11 -O1 -g -fsanitize=fuzzer,address \
			$(PKG_CFLAGS) -o $(B)/fuzz/$$n $$f $(B)/fuzz-obj/libcgw.a $(PKG_LIBS) || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/cgwd $(DESTDIR)$(PREFIX)/share/doc/cgwd/examples
	install -m 0755 cgwd $(DESTDIR)$(SBINDIR)/cgwd
	install -m 0755 cgwctl $(DESTDIR)$(BINDIR)/cgwctl
	sed 's|/usr/local/sbin/|$(SBINDIR)/|g' contrib/systemd/cgwd.service \
		> $(DESTDIR)$(UNITDIR)/cgwd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/cgwd.service
	install -m 0644 contrib/examples/*.conf $(DESTDIR)$(PREFIX)/share/doc/cgwd/examples/
	@if [ -d contrib/man ]; then \
		install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man1; \
		for m in contrib/man/*.[158]; do \
			s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done; \
	fi
	@if [ -f contrib/completion/cgwctl.bash ]; then \
		install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions; \
		install -m 0644 contrib/completion/cgwctl.bash \
			$(DESTDIR)$(PREFIX)/share/bash-completion/completions/cgwctl; \
	fi

clean:
	rm -rf $(B) cgwd cgwctl

-include $(shell find $(B) -name '*.d' 2>/dev/null)
