# cgwd — customer gateway daemon. `make help` lists the targets.

VERSION	?= 0.2.0
# The git revision the binaries are built from: `git describe --always
# --dirty` in a git checkout, "unknown" in a tree without .git (a release
# tarball). A packager may set it: make REVISION=debian-1.
REVISION ?=

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system
DOCDIR	?= $(PREFIX)/share/doc/cgwd
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR	?=

CC	?= cc
B	?= build
PKGS	:= libcrypto libevent libmnl libnftnl jansson libsystemd libxml-2.0 \
	   libseccomp
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

PARTS	:= lib conf ike esp xfrm nft bgp privsep daemon
MAINS	:= daemon/cgwd_main.c daemon/cgwctl_main.c
LIB_SRCS := $(filter-out $(MAINS),$(foreach p,$(PARTS),$(wildcard $(p)/*.c)))
YACC_SRCS := $(wildcard conf/*.y)
LEX_SRCS := $(wildcard conf/*.l)
GEN_C	:= $(YACC_SRCS:%.y=$(B)/%.tab.c) $(LEX_SRCS:%.l=$(B)/%.lex.c)
GEN_H	:= $(YACC_SRCS:%.y=$(B)/%.tab.h)
# VERSION and REVISION for --version (included by the two programs only)
VERSION_H := $(B)/cgw_version.h
# SYSCONFDIR for the default configuration path (daemon/cgwd.h)
PATHS_H	:= $(B)/cgw_paths.h
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

.PHONY: all deps test check unit tools fuzz lab demo bench install uninstall \
	deb clean help FORCE
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
	@echo "                and cgwd vs BIRD taking a big BGP table (BENCH=bgp-scale|footprint)"
	@echo "make fuzz       libFuzzer builds of the parsers (clang)"
	@echo "make install    PREFIX=$(PREFIX) SYSCONFDIR=$(SYSCONFDIR) DESTDIR=..."
	@echo "make uninstall  the same variables: removes what install put"
	@echo "make deb        a Debian package (debhelper) in $(B)/deb/"

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

# BENCH=bgp-scale runs the host-only benchmark alone; BENCH=footprint,
# failover or flood one lab VM benchmark of tests/bench/run.sh alone.
BENCH ?= all
bench: deps
	@$(MAKE) --no-print-directory all tools
	@case "$(BENCH)" in all|bgp-scale) \
		tests/bench/bgp-scale.sh $(BENCH_ARGS) || exit 1;; esac
	@case "$(BENCH)" in all) tests/bench/run.sh $(BENCH_ARGS);; \
		footprint|failover|flood) \
		tests/bench/run.sh BENCH_ONLY=$(BENCH) $(BENCH_ARGS);; esac

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

$(B)/%.o: %.c | $(GEN_H) $(VERSION_H) $(PATHS_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.tab.c $(B)/%.tab.h: %.y
	@mkdir -p $(@D)
	bison -Wall -Werror --defines=$(B)/$*.tab.h -o $(B)/$*.tab.c $<

$(B)/%.lex.c: %.l $(GEN_H)
	@mkdir -p $(@D)
	flex -o $@ $<

# Rewritten only when its text changes, so only what includes it is rebuilt
# (the dependency files name it once it has been included).
$(VERSION_H): FORCE
	@mkdir -p $(@D)
	@rev='$(REVISION)'; \
	if [ -z "$$rev" ] && [ -e .git ]; then \
		rev=$$(git describe --always --dirty 2>/dev/null); fi; \
	printf '/* Generated by the Makefile: do not edit. */\n#define CGW_VERSION\t"%s"\n#define CGW_REVISION\t"%s"\n' \
	    '$(VERSION)' "$${rev:-unknown}" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(PATHS_H): FORCE
	@mkdir -p $(@D)
	@printf '/* Generated by the Makefile: do not edit. */\n#define CGW_SYSCONFDIR\t"%s"\n' \
	    '$(SYSCONFDIR)' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

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

# The unit names the installed programs and SYSCONFDIR's configuration.
UNIT_SED := -e 's|/usr/local/sbin/|$(SBINDIR)/|g' -e 's|/usr/local/bin/|$(BINDIR)/|g' \
	-e 's|/etc/cgwd/|$(SYSCONFDIR)/cgwd/|g'
MANS	:= $(wildcard contrib/man/*.[158])

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(COMPLETIONDIR)
	install -d -m 0700 $(DESTDIR)$(SYSCONFDIR)/cgwd
	install -m 0755 cgwd $(DESTDIR)$(SBINDIR)/cgwd
	install -m 0755 cgwctl $(DESTDIR)$(BINDIR)/cgwctl
	sed $(UNIT_SED) contrib/systemd/cgwd.service > $(DESTDIR)$(UNITDIR)/cgwd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/cgwd.service
	install -m 0644 contrib/examples/*.conf $(DESTDIR)$(DOCDIR)/examples/
	@for m in $(MANS); do \
		d=$(DESTDIR)$(MANDIR)/man$${m##*.}; \
		echo "install -m 0644 $$m $$d/"; \
		install -d $$d && install -m 0644 $$m $$d/ || exit 1; \
	done
	install -m 0644 contrib/completion/cgwctl.bash $(DESTDIR)$(COMPLETIONDIR)/cgwctl

# What install put, but SYSCONFDIR/cgwd when it holds anything (the
# operator's configuration and keys).
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/cgwd $(DESTDIR)$(BINDIR)/cgwctl \
		$(DESTDIR)$(UNITDIR)/cgwd.service \
		$(DESTDIR)$(COMPLETIONDIR)/cgwctl \
		$(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(wildcard contrib/examples/*.conf)))
	@for m in $(MANS); do \
		f=$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
		echo "rm -f $$f"; rm -f $$f; \
	done
	@for d in $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/cgwd; do \
		[ ! -d $$d ] || rmdir --ignore-fail-on-non-empty $$d || exit 1; \
	done

# A Debian package, built from a copy of the tree (the tracked files as
# they are now) in $(B)/deb/src, so that debhelper's clean never touches
# this tree; the .deb, .changes and .buildinfo land in $(B)/deb/.
DEB_DIR	:= $(B)/deb
DEB_SRC	:= $(DEB_DIR)/src/cgwd-$(VERSION)
deb:
	@for t in dpkg-buildpackage dh fakeroot; do command -v $$t >/dev/null || \
		{ echo "make deb: $$t missing (make deps)"; exit 1; }; done
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); \
	[ "$$v" = "$(VERSION)" ] || { echo "make deb: debian/changelog \
	    says $$v, the Makefile $(VERSION)"; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	@if [ -e .git ]; then git ls-files -z | tar --null -T - -cf -; \
	else tar --exclude=./.git --exclude='./build*' --exclude=./cgwd \
		--exclude=./cgwctl -cf - .; fi | tar -C $(DEB_SRC) -xf -
	@rev='$(REVISION)'; \
	if [ -z "$$rev" ] && [ -e .git ]; then \
		rev=$$(git describe --always --dirty 2>/dev/null); fi; \
	cd $(DEB_SRC) && CGW_REVISION="$$rev" dpkg-buildpackage -us -uc -b \
	    -j$${CGW_DEB_JOBS:-2} >../build.log 2>&1 || \
	    { tail -n 40 ../build.log; echo "make deb: failed, see $(DEB_DIR)/src/build.log"; exit 1; }
	mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.changes \
	    $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/
	@for f in $(DEB_DIR)/src/*.ddeb; do [ ! -e "$$f" ] || mv "$$f" $(DEB_DIR)/; done
	@ls -1 $(DEB_DIR)/*.deb

clean:
	rm -rf $(B) cgwd cgwctl

-include $(shell find $(B) -name '*.d' 2>/dev/null)
