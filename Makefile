# likeness — GNU Make build.
#
#   make            build/likeness and build/liblikeness.a
#   make check      install missing Debian packages, run every test, then
#                   again under AddressSanitizer + UndefinedBehaviorSanitizer
#   make test       run the tests in $(BUILD) only (no package install)
#   make demo       install missing packages, run likeness on data/demo
#   make bench      speed benchmarks (prints JSON lines and ratios)
#   make accuracy   accuracy benchmark vs FFmpeg signature (tests/bench/accuracy)
#   make install    PREFIX=/usr/local DESTDIR= (binary, library, headers, man
#                   page, pkg-config file, bash/zsh/fish completions)
#
# Variables: BUILD (output directory), SAN=1 (sanitizers), CC, CFLAGS,
# V=1 (print whole command lines).

.SUFFIXES:
.DELETE_ON_ERROR:

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
V       ?=
Q := $(if $(V),,@)

PKGS := libavformat libavcodec libavutil libswscale libpng libturbojpeg libcjson sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ALL_CPPFLAGS := -Iinclude -Isrc -D_GNU_SOURCE $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   := -std=c11 -Wall -Wextra -Werror -fvisibility=hidden \
                -ffp-contract=off -pthread $(CFLAGS)
ALL_LDFLAGS  := -pthread $(LDFLAGS)
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_CFLAGS  += $(SAN_FLAGS)
ALL_LDFLAGS += $(SAN_FLAGS)
endif
LIBS := $(PKG_LIBS) -lm

# Per-file instruction sets: only these objects may use them, and only
# after runtime dispatch has checked the CPU.
AVX2_FLAGS   := -mavx2 -mpopcnt -mbmi -mbmi2
AVX512_FLAGS := $(AVX2_FLAGS) -mavx512f -mavx512bw -mavx512vl -mavx512dq
# VPOPCNTDQ only in files ending _vpopcnt.c, called only when the CPU has it.
VPOPCNT_FLAGS := $(AVX512_FLAGS) -mavx512vpopcntdq

LIB_SRCS := $(sort $(wildcard src/common/*.c src/simd/*.c src/simd/x86/*.c src/decode/*.c src/features/*.c \
                              src/search/*.c src/catalog/*.c src/scan/*.c src/match/*.c src/report/*.c))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c tests/simd/test_*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
LIB := $(BUILD)/liblikeness.a
BIN := $(BUILD)/likeness

.PHONY: all lib test check demo bench accuracy style-eval install uninstall clean deps

all: $(BIN) $(LIB)
lib: $(LIB)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%_avx2.o: %_avx2.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(AVX2_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%_avx512.o: %_avx512.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(AVX512_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%_vpopcnt.o: %_vpopcnt.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(VPOPCNT_FLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB) tests/test.h
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) -MMD -MP $< -o $@ $(ALL_LDFLAGS) $(LIB) $(LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/regression_driver.c $(LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $< tests/fuzz/regression_driver.c -o $@ $(ALL_LDFLAGS) $(LIB) $(LIBS)

$(BUILD)/likeness-bench: $(BENCH_SRCS) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(BENCH_SRCS) -o $@ $(ALL_LDFLAGS) $(LIB) $(LIBS)

# Runs every test program, fuzz corpus replay and CLI script in $(BUILD).
test: all $(TEST_BINS) $(FUZZ_BINS)
	@sh tests/run.sh $(BUILD)

deps:
	@sh .ci/install-deps

# The README's two commands: each works alone on a fresh Debian 12.
check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/san SAN=1 CFLAGS="-O1 -g" test

demo: deps
	@$(MAKE) --no-print-directory all
	@sh data/demo/run.sh $(BUILD)/likeness

bench: all $(BUILD)/likeness-bench
	@sh tests/bench/run.sh $(BUILD)

# Style descriptor retrieval on Debian's game/desktop art (downloads ~570 MB
# of packages into $(BUILD)/art-cache once; not part of check).
style-eval: lib
	@sh tests/tools/style-eval.sh $(BUILD)/art-cache

$(BUILD)/likeness-score: tests/bench/accuracy/score.c
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $< -o $@ $(ALL_LDFLAGS) $(LIBS)

accuracy: all $(BUILD)/likeness-score
	@sh tests/bench/accuracy/run.sh $(BUILD)

# liblikeness is a static library: its dependencies go in Requires and Libs
# (not the .private fields) so that a plain `pkg-config --libs` links.
# Written at install time, so it always names this PREFIX.
# Shell completions, generated from the option tables (likeness completion).
COMPLETIONS := $(BUILD)/completion/likeness.bash $(BUILD)/completion/_likeness \
               $(BUILD)/completion/likeness.fish
$(BUILD)/completion/likeness.bash: $(BIN)
	@mkdir -p $(@D)
	$(Q)$(BIN) completion bash > $@
$(BUILD)/completion/_likeness: $(BIN)
	@mkdir -p $(@D)
	$(Q)$(BIN) completion zsh > $@
$(BUILD)/completion/likeness.fish: $(BIN)
	@mkdir -p $(@D)
	$(Q)$(BIN) completion fish > $@

install: all $(COMPLETIONS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include/likeness $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/likeness
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/liblikeness.a
	install -m 644 include/likeness/*.h $(DESTDIR)$(PREFIX)/include/likeness/
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
	  'Name: likeness' 'Description: perceptual similarity auditing for video and images' \
	  'Version: 0.1.0' 'Requires: $(PKGS)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -llikeness -lm -pthread' > $(DESTDIR)$(PREFIX)/lib/pkgconfig/likeness.pc
	install -m 644 src/cli/likeness.1 $(DESTDIR)$(PREFIX)/share/man/man1/likeness.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 644 $(BUILD)/completion/likeness.bash \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/likeness
	install -m 644 $(BUILD)/completion/_likeness $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_likeness
	install -m 644 $(BUILD)/completion/likeness.fish \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/likeness.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/likeness $(DESTDIR)$(PREFIX)/lib/liblikeness.a \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/likeness.pc $(DESTDIR)$(PREFIX)/share/man/man1/likeness.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/likeness \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_likeness \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/likeness.fish
	rm -rf $(DESTDIR)$(PREFIX)/include/likeness

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
