# samizdat: one Makefile.  `make` builds build/samizdat; `make check` builds
# everything under ASan+UBSan and runs every test; `make run` starts a node.
# Targets: all run check unit fuzz-replay e2e interop relay web mesh fuzz bench
# bench-archive sanitize valgrind install man man-lint clean.

PREFIX	?= /usr/local
CC	?= cc
PKGS	 = libsecp256k1 sqlite3 libcrypto jansson libwebsockets avahi-core \
	   libqrencode zlib
# What the pure core links with: the fuzzers link the core alone.
CORE_PKGS = libsecp256k1 libcrypto jansson zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CORE_LIBS  := $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null)

WARN	 = -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations \
	   -Wformat=2 -Wno-unused-parameter -Wvla
CFLAGS	?= -O2 -g
# The layers, lowest first: a file may include headers of its own layer
# and the ones before it (scripts/layers.sh checks; docs/architecture.md).
LAYERS	 = core os store relay net cmd
INC	 = $(addprefix -Isrc/,$(LAYERS))
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(INC) $(PKG_CFLAGS)
LDLIBS	 = $(PKG_LIBS) -lpthread -lm

SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
SAN_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g $(SAN) $(INC) \
	   $(PKG_CFLAGS)

SRCS	 = $(sort $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
CORESRCS = $(sort $(wildcard src/core/*.c))
LIBSRCS	 = $(filter-out src/cmd/main.c,$(SRCS))
HDRS	 = $(wildcard src/*/*.h)
UNIT	 = $(patsubst test/unit/%.c,%,$(sort $(wildcard test/unit/test-*.c)))
FUZZ	 = $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz-*.c)))
# The exception: fuzz targets of the store layer, which link everything
# but main() (docs/architecture.md, "Layers"); the others link the core.
FUZZ_STORE = fuzz-stick

B	 = build
S	 = build/san
# The offline web page (web/), built with esbuild, embedded gzipped.
WEBSRC	 = $(wildcard web/build.mjs web/places.mjs web/package.json \
	   web/package-lock.json web/data/* web/src/* web/src/*/*)
PAGE	 = $(B)/web/page.o

.PHONY: all run check deps deps-test unit fuzz-replay e2e interop relay web \
	mesh layers fuzz bench bench-deps bench-archive sanitize valgrind install man man-lint clean

# Package flags are read when make starts, so targets that may install
# packages first re-run make for the build itself.
all: deps
	@$(MAKE) --no-print-directory $(B)/samizdat

deps:
	@sh scripts/deps.sh build

deps-test:
	@sh scripts/deps.sh test

# --- the web page --------------------------------------------------------
$(B)/web/index.html.gz: $(WEBSRC) scripts/web.sh
	@sh scripts/web.sh $@

$(B)/web/places.json.gz: $(B)/web/index.html.gz
$(B)/web/viewer.html.gz: $(B)/web/index.html.gz

$(PAGE): src/core/web_page.S $(B)/web/index.html.gz $(B)/web/places.json.gz \
	    $(B)/web/viewer.html.gz
	$(CC) -I$(B)/web -c -o $@ src/core/web_page.S

# --- release build -------------------------------------------------------
# libsamizdat-core.a is the pure core alone; libsamizdat.a is everything
# but main().
$(B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libsamizdat-core.a: $(patsubst src/%.c,$(B)/obj/%.o,$(CORESRCS)) $(PAGE)
	rm -f $@ && ar rcs $@ $^

$(B)/libsamizdat.a: $(patsubst src/%.c,$(B)/obj/%.o,$(LIBSRCS)) $(PAGE)
	rm -f $@ && ar rcs $@ $^

$(B)/samizdat: $(B)/obj/cmd/main.o $(B)/libsamizdat.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# --- sanitizer build, used by every test ---------------------------------
$(S)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -c -o $@ $<

$(S)/libsamizdat-core.a: $(patsubst src/%.c,$(S)/obj/%.o,$(CORESRCS)) $(PAGE)
	rm -f $@ && ar rcs $@ $^

$(S)/libsamizdat.a: $(patsubst src/%.c,$(S)/obj/%.o,$(LIBSRCS)) $(PAGE)
	rm -f $@ && ar rcs $@ $^

$(S)/samizdat: $(S)/obj/cmd/main.o $(S)/libsamizdat.a
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

$(S)/unit/%: test/unit/%.c test/unit/testutil.h $(S)/libsamizdat.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $< $(S)/libsamizdat.a \
	    $(shell pkg-config --libs cmocka) $(LDLIBS)

$(S)/tools/%: test/tools/%.c $(S)/libsamizdat.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $< $(S)/libsamizdat.a $(LDLIBS)

$(B)/tools/%: test/tools/%.c $(B)/libsamizdat.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libsamizdat.a $(LDLIBS)

# Fuzz targets link the core alone, with only the core's libraries;
# those of FUZZ_STORE link the store layer too, with SQLite.
$(S)/fuzz/%: fuzz/%.c fuzz/driver.c $(S)/libsamizdat-core.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $< fuzz/driver.c $(S)/libsamizdat-core.a \
	    $(CORE_LIBS) -lm

$(addprefix $(S)/fuzz/,$(FUZZ_STORE)): $(S)/fuzz/%: fuzz/%.c fuzz/driver.c \
    $(S)/libsamizdat.a
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $< fuzz/driver.c $(S)/libsamizdat.a \
	    $(LDLIBS)

sanitize: deps
	@$(MAKE) --no-print-directory $(S)/samizdat

# --- running -------------------------------------------------------------
run: all
	@sh scripts/run.sh $(B)/samizdat

# --- tests ---------------------------------------------------------------
check: deps-test
	@$(MAKE) --no-print-directory layers unit fuzz-replay e2e interop \
	    relay web mesh
	@echo "make check: all test suites passed"

# The layers of src/ (scripts/layers.sh): checked on the release objects,
# which carry no sanitizer symbols.
layers: $(patsubst src/%.c,$(B)/obj/%.o,$(LIBSRCS) src/cmd/main.c)
	@sh scripts/layers.sh $(B)/obj

unit: $(S)/samizdat $(addprefix $(S)/unit/,$(UNIT))
	@fail=0; for t in $(UNIT); do \
		echo "== unit $$t"; \
		(cd test/unit && ../../$(S)/unit/$$t) || fail=1; \
	done; exit $$fail

fuzz-replay: $(addprefix $(S)/fuzz/,$(FUZZ))
	@fail=0; for f in $(FUZZ); do \
		n=$${f#fuzz-}; \
		$(S)/fuzz/$$f fuzz/corpus/$$n || fail=1; \
	done; exit $$fail

e2e: $(S)/samizdat $(B)/tools/gen
	@sh test/e2e/run.sh $(S)/samizdat $(B)/tools/gen

interop: $(S)/samizdat $(S)/tools/canon $(S)/tools/neg-harness
	@sh test/interop/run.sh $(S)

relay: $(S)/samizdat $(B)/tools/gen
	@sh test/relay/run.sh $(S)/samizdat $(B)/tools/gen

# Nodes in network namespaces: needs root (skipped otherwise, unless CI).
mesh: $(S)/samizdat $(B)/tools/gen
	@bash test/mesh/run.sh $(S)/samizdat $(B)/tools/gen

# The page: its own logic in Node.js, then headless Chromium against a node.
web: $(S)/samizdat
	@echo "== web: page unit tests" && node --test web/test/
	@sh test/web/run.sh $(S)/samizdat

# libFuzzer builds (clang), bounded: FUZZ_SECONDS per target.  New inputs
# go to a scratch corpus under build/; crashes are kept in fuzz/corpus/ so
# that make check replays them from then on.
FUZZ_SECONDS ?= 60
FZ	 = build/libfuzzer
FZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined

$(FZ)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	clang $(FZ_CFLAGS) $(INC) $(PKG_CFLAGS) -c -o $@ $<

$(FZ)/libsamizdat-core.a: $(patsubst src/%.c,$(FZ)/obj/%.o,$(CORESRCS)) $(PAGE)
	rm -f $@ && ar rcs $@ $^

$(FZ)/libsamizdat.a: $(patsubst src/%.c,$(FZ)/obj/%.o,$(LIBSRCS)) $(PAGE)
	rm -f $@ && ar rcs $@ $^

$(FZ)/fuzz-%: fuzz/fuzz-%.c $(FZ)/libsamizdat-core.a
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	    $(INC) $(PKG_CFLAGS) -o $@ $< $(FZ)/libsamizdat-core.a \
	    $(CORE_LIBS) -lm

$(addprefix $(FZ)/,$(FUZZ_STORE)): $(FZ)/%: fuzz/%.c $(FZ)/libsamizdat.a
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	    $(INC) $(PKG_CFLAGS) -o $@ $< $(FZ)/libsamizdat.a $(LDLIBS)

fuzz:
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(addprefix $(FZ)/,$(FUZZ))
	@for f in $(FUZZ); do \
		n=$${f#fuzz-}; \
		mkdir -p $(FZ)/corpus/$$n; \
		cp fuzz/corpus/$$n/* $(FZ)/corpus/$$n/ 2>/dev/null; \
		$(FZ)/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
		    -artifact_prefix=fuzz/corpus/$$n/ \
		    $(FZ)/corpus/$$n || exit 1; \
	done

valgrind: all
	@$(MAKE) --no-print-directory $(B)/tools/gen
	@VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full" \
	    sh test/e2e/run.sh $(B)/samizdat $(B)/tools/gen

# The evidence archive at a million events (bench/archive.sh).
bench-archive: all
	@$(MAKE) --no-print-directory $(B)/tools/gen
	@sh bench/archive.sh $(B)

# What the relay, blob and page figures run with, installed as make check
# would: without it a fresh machine skipped them.
bench-deps:
	@sh scripts/deps.sh test
	@for d in test/interop test/web web; do \
		sh scripts/npm-ci.sh $$d "the benchmark" || exit 1; done
	@sh scripts/chromium.sh "the page benchmarks"

bench: all bench-deps
	@$(MAKE) --no-print-directory $(B)/tools/gen $(B)/tools/bench-verify \
	    $(B)/tools/bench-query $(B)/tools/bench-witness
	@sh bench/run.sh $(B)
	@nice node bench/page.mjs $(B)/samizdat $(B)
	@nice node bench/pow.mjs
	@nice node bench/blob.mjs $(B)/samizdat
	@if [ "$$(id -u)" = 0 ]; then bash bench/mesh.sh $(B)/samizdat && \
	    bash bench/flood.sh $(B)/samizdat; \
	else echo "bench: the mesh figures need root (network namespaces)"; fi

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(B)/samizdat $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/samizdat.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/samizdat.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/

# Regenerate man/samizdat.conf.5 from the key table in src/core/config.h.
man: $(B)/tools/confdoc
	$(B)/tools/confdoc > man/samizdat.conf.5

man-lint: $(S)/tools/confdoc
	$(S)/tools/confdoc | cmp -s - man/samizdat.conf.5 || \
	    { echo "man/samizdat.conf.5 is stale: run make man" >&2; exit 1; }
	mandoc -Tlint -Wwarning man/*.[0-9] || groff -man -z -ww man/*.[0-9]

clean:
	rm -rf $(B)

# Raspberry Pi: cross builds, and their tests under qemu-user.
include mk/cross.mk
