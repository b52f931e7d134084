# likeness — GNU Make build.
#
#   make            build/likeness and build/liblikeness.a
#   make check      install missing Debian packages (the tests' too), run
#                   every test, then again under AddressSanitizer +
#                   UndefinedBehaviorSanitizer
#   make test       run the tests in $(BUILD) only (no package install)
#   make demo       install missing packages, run likeness on data/demo
#   make bench      speed benchmarks (prints JSON lines and ratios)
#   make accuracy   accuracy benchmark vs FFmpeg signature (tests/bench/accuracy;
#                   SEEDS="1 2" runs and prints several seeds)
#   make fuzz       libFuzzer binaries of tests/fuzz (clang, ASan+UBSan) in
#                   $(BUILD)/fuzz-lf/; see tests/fuzz/README.md
#   make install    PREFIX=/usr/local DESTDIR= (binary, library, headers, man
#                   page, pkg-config file, schema, bash/zsh/fish completions)
#   make cross-aarch64  install Debian's arm64 cross toolchain, qemu-user and
#                   the arm64 -dev packages, build into build/aarch64, run
#                   the unit, SIMD and fuzz-replay programs under qemu
#   make test-programs  build the test programs of $(BUILD) without running them
#   make slurm-test  the contrib/slurm scripts on a one-node Slurm cluster
#                   started here (root; sh .ci/install-deps --slurm)
#
# Variables: BUILD (output directory), SAN=1 (sanitizers), CC, CFLAGS,
# PKG_CONFIG, V=1 (print whole command lines), SEEDS (make accuracy).

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

PKG_CONFIG ?= pkg-config
PKGS := libavformat libavcodec libavutil libswscale libpng libjpeg libturbojpeg libcjson sqlite3 libxxhash
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# Target architecture, asked of the compiler (so a cross CC names its own):
# the x86 kernels in src/simd/x86/ are built, and dispatched to, only for
# x86-64; every other target runs the scalar kernels.
CC_TARGET := $(shell $(CC) -dumpmachine 2>/dev/null)
ifneq ($(filter x86_64-%,$(CC_TARGET)),)
ARCH_SRCS     := $(wildcard src/simd/x86/*.c)
ARCH_CPPFLAGS := -DLK_ARCH_X86_64=1
endif

ALL_CPPFLAGS := -Iinclude -Isrc -D_GNU_SOURCE $(ARCH_CPPFLAGS) $(PKG_CFLAGS) $(CPPFLAGS)
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

LIB_SRCS := $(sort $(wildcard src/common/*.c src/simd/*.c src/decode/*.c src/features/*.c \
                              src/search/*.c src/catalog/*.c src/scan/*.c src/match/*.c src/report/*.c) \
                    $(ARCH_SRCS))
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

.PHONY: all lib test test-programs check demo bench accuracy style-eval install uninstall \
        clean deps test-deps cross-aarch64 print-pkgs fuzz slurm-test

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

# fuzz_resume links the CLI's --resume reader (scan_resume.c) and what it
# calls (messages: options.c, text.c).
FUZZ_CLI_SRCS := src/cli/scan_resume.c src/cli/options.c src/cli/text.c

$(BUILD)/fuzz/fuzz_resume: tests/fuzz/fuzz_resume.c tests/fuzz/regression_driver.c $(LIB) \
                           $(CLI_SRCS) src/cli/cli.h
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $< tests/fuzz/regression_driver.c \
	  $(FUZZ_CLI_SRCS) -o $@ $(ALL_LDFLAGS) $(LIB) $(LIBS)

# libFuzzer builds: the library again with clang, the sanitizers and
# coverage instrumentation (its own build directory), each harness linked
# with -fsanitize=fuzzer instead of the regression driver.
FUZZ_CC    ?= clang
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LF    := $(BUILD)/fuzz-lf
FUZZ_LF_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_LF)/%)

fuzz:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_LF)/lib CC=$(FUZZ_CC) \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer $(FUZZ_FLAGS)" lib
	@$(MAKE) --no-print-directory $(FUZZ_LF_BINS)

$(FUZZ_LF)/%: tests/fuzz/%.c tests/fuzz/fuzz_helpers.h $(FUZZ_LF)/lib/liblikeness.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) -Itests -std=c11 -Wall -Wextra -Werror -O1 -g \
	  -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -pthread $< \
	  $(if $(filter fuzz_resume,$*),$(FUZZ_CLI_SRCS)) \
	  -o $@ $(FUZZ_LF)/lib/liblikeness.a $(LIBS)

$(BUILD)/likeness-bench: $(BENCH_SRCS) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(BENCH_SRCS) -o $@ $(ALL_LDFLAGS) $(LIB) $(LIBS)

# Runs every test program, fuzz corpus replay and CLI script in $(BUILD).
test: all test-programs
	@sh tests/run.sh $(BUILD)

test-programs: $(TEST_BINS) $(FUZZ_BINS) $(BUILD)/shim/write_shim.so

# The LD_PRELOAD write-failure shim of tests/cli/t0105-fault-writes.sh
# (outside $(BUILD)/tests, whose executables run.sh runs).  Never sanitized:
# it is loaded into sanitized programs, which are told to accept it.
$(BUILD)/shim/write_shim.so: tests/fault/write_shim.c
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) -std=c11 -Wall -Wextra -Werror -O1 -g -fPIC -shared $< -o $@ -ldl

# A real one-node Slurm cluster (tests/slurm/run.sh; not part of test).
slurm-test: all
	@sh tests/slurm/run.sh $(BUILD)

# The pkg-config modules the build needs (for .ci/cross-aarch64's check).
print-pkgs:
	@echo $(PKGS)

# Cross build for aarch64 and its tests under qemu-user (see the script).
cross-aarch64:
	@sh .ci/cross-aarch64

deps:
	@sh .ci/install-deps

test-deps:
	@sh .ci/install-deps --tests

# The README's two commands: each works alone on a fresh Debian 12.
check: test-deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/san SAN=1 CFLAGS="-O1 -g" test

demo: deps
	@$(MAKE) --no-print-directory all
	@sh data/demo/run.sh $(BUILD)/likeness

bench: all $(BUILD)/likeness-bench
	@sh tests/bench/run.sh $(BUILD)

# The style benchmark on art from 16 Debian packages (downloads about
# 2.6 GB of packages into $(BUILD)/art-cache once; not part of check).
style-eval: $(BUILD)/style-eval
	@sh tests/tools/style-eval.sh $(BUILD) $(or $(LK_ART_CACHE),$(BUILD)/art-cache) $(STYLE_WEIGHTS)

$(BUILD)/style-eval: tests/tools/style_eval.c tests/tools/style_project.c tests/tools/style_eval.h $(LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(filter %.c,$^) -o $@ $(ALL_LDFLAGS) $(LIB) $(LIBS)

$(BUILD)/likeness-score: tests/bench/accuracy/score.c
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $< -o $@ $(ALL_LDFLAGS) $(LIBS)

accuracy: all $(BUILD)/likeness-score
	@$(if $(SEEDS),LK_ACC_SEEDS="$(SEEDS)" )sh tests/bench/accuracy/run.sh $(BUILD)

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
	  $(DESTDIR)$(PREFIX)/include/likeness $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/likeness
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/likeness
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/liblikeness.a
	install -m 644 include/likeness/*.h $(DESTDIR)$(PREFIX)/include/likeness/
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
	  'Name: likeness' 'Description: perceptual similarity auditing for video and images' \
	  'Version: 0.1.0' 'Requires: $(PKGS)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -llikeness -lm -pthread' > $(DESTDIR)$(PREFIX)/lib/pkgconfig/likeness.pc
	install -m 644 src/cli/likeness.1 $(DESTDIR)$(PREFIX)/share/man/man1/likeness.1
	install -m 644 doc/likeness-scan.schema.json $(DESTDIR)$(PREFIX)/share/likeness/
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
	rm -rf $(DESTDIR)$(PREFIX)/include/likeness $(DESTDIR)$(PREFIX)/share/likeness

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
