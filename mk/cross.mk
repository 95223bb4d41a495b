# mk/cross.mk: cross builds for the Raspberry Pi, included at the end of
# the Makefile.  Debian's cross toolchains (crossbuild-essential-ARCH)
# and the ARCH's multiarch -dev packages, found with TRIPLET-pkg-config;
# scripts/deps.sh cross ARCH installs them.  The tests run under
# qemu-user, called directly, so the host needs no binfmt handlers.
#
#	make cross ARCH=arm64	build/cross/arm64/samizdat (ARCH=armhf
#				too; without ARCH, both)
#	make check-cross ARCH=arm64
#				the unit and end-to-end tests under qemu,
#				without sanitizers (slow or missing there)
#	make bench-cross ARCH=arm64
#				sizes and the relay's idle RSS under qemu
#
# Everything goes to build/cross/ARCH/, never to build/ itself, except
# the gzipped page and gazetteer (build/web/*.gz), the same bytes for
# every architecture; web_page.S is assembled with the cross compiler.
# The native rules and `make check` are not touched.

CROSS_ARCHS	 = arm64 armhf
CROSS_TRIPLET_arm64 = aarch64-linux-gnu
CROSS_TRIPLET_armhf = arm-linux-gnueabihf
CROSS_QEMU_arm64 = qemu-aarch64
CROSS_QEMU_armhf = qemu-arm
XT	 = $(CROSS_TRIPLET_$(ARCH))
XB	 = build/cross/$(ARCH)

.PHONY: cross check-cross bench-cross cross-deps cross-unit cross-e2e

# Without ARCH each target runs for both architectures in turn.
ifeq ($(XT),)
cross check-cross bench-cross cross-deps cross-unit cross-e2e:
	@case "$(ARCH)" in '') ;; *) echo "ARCH: $(CROSS_ARCHS)" >&2; \
	    exit 2;; esac
	@for a in $(CROSS_ARCHS); do \
		$(MAKE) --no-print-directory $@ ARCH=$$a || exit 1; \
	done
else

XCC	 = $(XT)-gcc
XAR	 = $(XT)-ar
XPC	 = $(XT)-pkg-config
QEMU	 = $(CROSS_QEMU_$(ARCH))

# Debian 12's libwebsockets-dev cannot be installed for two architectures
# at once (its lws_config.h names the libdir), so scripts/deps.sh takes
# the host's headers, otherwise the same, and the ARCH's run-time
# library, linked by its path.  A host with libwebsockets-dev:ARCH
# instead is found by pkg-config.
X_PKGS	 = $(filter-out libwebsockets,$(PKGS))
X_PKG_CFLAGS := $(shell $(XPC) --cflags $(X_PKGS) 2>/dev/null)
X_PKG_LIBS := $(shell $(XPC) --libs $(X_PKGS) 2>/dev/null)
X_LWS	:= $(shell $(XPC) --libs libwebsockets 2>/dev/null || \
	   ls /usr/lib/$(XT)/libwebsockets.so.[0-9]* 2>/dev/null | head -n 1)
X_CMOCKA := $(shell $(XPC) --libs cmocka 2>/dev/null)
X_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(INC) $(X_PKG_CFLAGS)
X_LDLIBS = $(X_PKG_LIBS) $(X_LWS) -lpthread -lm

# qemu-user runs a binary against the ARCH's multiarch libraries (the
# ones a Pi has: /lib/TRIPLET, /usr/lib/TRIPLET), named here rather than
# left to the host's ld.so.cache.  Each wrapper under qemu/ execs qemu,
# so a test's $! and kill reach the emulated program.
X_QEMU	 = $(QEMU) -L / -E LD_LIBRARY_PATH=/lib/$(XT):/usr/lib/$(XT)

cross: cross-deps
	@$(MAKE) --no-print-directory ARCH=$(ARCH) $(XB)/samizdat
	@ls -l $(XB)/samizdat | awk '{print "cross: " $$9 ", " $$5 " bytes"}'

check-cross: cross-deps
	@$(MAKE) --no-print-directory ARCH=$(ARCH) cross-unit
	@$(MAKE) --no-print-directory ARCH=$(ARCH) cross-e2e
	@echo "make check-cross ARCH=$(ARCH): unit and e2e passed under $(QEMU)"

bench-cross: cross-deps
	@$(MAKE) --no-print-directory ARCH=$(ARCH) $(XB)/qemu/samizdat \
	    $(XB)/qemu/tools/idle
	@sh bench/cross.sh $(ARCH) $(XB) $(XT)

cross-deps:
	@sh scripts/deps.sh cross $(ARCH)

cross-unit: $(addprefix $(XB)/qemu/unit/,$(UNIT))
	@fail=0; t0=$$(date +%s); for t in $(UNIT); do \
		echo "== unit $$t ($(ARCH), $(QEMU))"; \
		(cd test/unit && ../../$(XB)/qemu/unit/$$t) || fail=1; \
	done; echo "cross-unit $(ARCH): $$(($$(date +%s) - t0)) s"; \
	exit $$fail

cross-e2e: $(XB)/qemu/samizdat $(XB)/qemu/tools/gen
	@t0=$$(date +%s); sh test/e2e/run.sh $(XB)/qemu/samizdat \
	    $(XB)/qemu/tools/gen; rc=$$?; \
	echo "cross-e2e $(ARCH): $$(($$(date +%s) - t0)) s"; exit $$rc

$(XB)/qemu/%: $(XB)/% mk/cross.mk
	@mkdir -p $(@D)
	@printf '#!/bin/sh\n# %s under qemu-user (mk/cross.mk)\nexec %s %s "$$@"\n' \
	    $* "$(X_QEMU)" $(CURDIR)/$< > $@.tmp && chmod +x $@.tmp && \
	    mv $@.tmp $@

# Reached only through the wrappers: keep them.
.SECONDARY: $(XB)/samizdat $(addprefix $(XB)/unit/,$(UNIT)) \
	$(addprefix $(XB)/tools/,gen idle)

# The same objects as build/obj, made with the cross compiler.
$(XB)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(XCC) $(X_CFLAGS) -c -o $@ $<

# After the native page.o, so that every file it embeds is made.
$(XB)/web/page.o: src/core/web_page.S $(PAGE)
	@mkdir -p $(@D)
	$(XCC) -I$(B)/web -c -o $@ src/core/web_page.S

$(XB)/libsamizdat.a: $(patsubst src/%.c,$(XB)/obj/%.o,$(LIBSRCS)) \
    $(XB)/web/page.o
	rm -f $@ && $(XAR) rcs $@ $^

$(XB)/samizdat: $(XB)/obj/cmd/main.o $(XB)/libsamizdat.a
	$(XCC) $(CFLAGS) -o $@ $^ $(X_LDLIBS)

$(XB)/unit/%: test/unit/%.c test/unit/testutil.h $(XB)/libsamizdat.a
	@mkdir -p $(@D)
	$(XCC) $(X_CFLAGS) -o $@ $< $(XB)/libsamizdat.a $(X_CMOCKA) \
	    $(X_LDLIBS)

$(XB)/tools/%: test/tools/%.c $(XB)/libsamizdat.a
	@mkdir -p $(@D)
	$(XCC) $(X_CFLAGS) -o $@ $< $(XB)/libsamizdat.a $(X_LDLIBS)

# bench/cross.sh: a program that only waits, static, for what qemu
# itself costs in memory.
$(XB)/tools/idle: bench/idle.c
	@mkdir -p $(@D)
	$(XCC) -static -O2 -o $@ bench/idle.c

endif
