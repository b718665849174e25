# libappnetutil and the app-netutil command: build, install, C tests and
# examples (no cargo-c needed).
#
#   make                                   release build of the C library (profile "capi")
#   make cli                               release build of the app-netutil command
#   make install PREFIX=/usr [LIBDIR=/usr/lib/x86_64-linux-gnu] [DESTDIR=/tmp/stage]
#   make uninstall PREFIX=...              the same variables as install
#   make examples                          examples/c and examples/dpdk against this build
#   make check-size                        the stripped .so must stay under 1.5 MiB
#   make check-figures                     docs/performance.md states its size (scripts/figures)
#   make RELR=0|1                          packed relative relocations in the .so (default:
#                                          on where this machine's glibc is 2.36 or later)
#   make ctest ctest-asan                  the C test program, plain and with AddressSanitizer
#
# Installs, below $(DESTDIR):
#   $(LIBDIR)/libappnetutil.so.$(VERSION)  the shared library (SONAME libappnetutil.so.$(ABI))
#   $(LIBDIR)/libappnetutil.so.$(ABI)      -> libappnetutil.so.$(VERSION)
#   $(LIBDIR)/libappnetutil.so             -> libappnetutil.so.$(ABI)
#   $(LIBDIR)/libappnetutil.a
#   $(INCLUDEDIR)/appnetutil.h
#   $(PKGCONFIGDIR)/appnetutil.pc          Libs.private from rustc --print native-static-libs
#   $(BINDIR)/app-netutil                  the command (release profile)
#   $(MANDIR)/man1/app-netutil.1, app-netutil-<subcommand>.1
#                                          written by the command itself (`app-netutil man DIR`)
#   $(BASHCOMPDIR)/app-netutil             completions, from `app-netutil completions SHELL`
#   $(ZSHCOMPDIR)/_app-netutil
#   $(FISHCOMPDIR)/app-netutil.fish
#
# `cargo cinstall -p app-netutil-capi` (cargo-c) installs the same files.

PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
LIBDIR       ?= $(EXEC_PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BINDIR       ?= $(EXEC_PREFIX)/bin
DATAROOTDIR  ?= $(PREFIX)/share
MANDIR       ?= $(DATAROOTDIR)/man
BASHCOMPDIR  ?= $(DATAROOTDIR)/bash-completion/completions
ZSHCOMPDIR   ?= $(DATAROOTDIR)/zsh/site-functions
FISHCOMPDIR  ?= $(DATAROOTDIR)/fish/vendor_completions.d
DESTDIR      ?=

CARGO        ?= cargo
CC           ?= cc
INSTALL      ?= install
STRIP        ?= strip
PROFILE      ?= capi
CLI_PROFILE  ?= release
TARGET_DIR   ?= $(or $(CARGO_TARGET_DIR),target)
BUILD        ?= build

# Packed relative relocations (DT_RELR, `-z pack-relative-relocs`) make the
# .so about 48 KB smaller; a library linked with them loads only with glibc
# 2.36 or later (ld.so says "version `GLIBC_ABI_DT_RELR' not found"
# elsewhere). auto: on when this machine's glibc is 2.36 or later, so that
# the library loads where it was built. RELR=0 for a library that must load
# with an older glibc than the one it was built on.
RELR         ?= auto
GLIBC        := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | sed -n 's/^glibc //p')
ifeq ($(RELR),auto)
override RELR := $(shell printf '2.36\n%s\n' '$(GLIBC)' | sort -V -C && echo 1 || echo 0)
endif
ifeq ($(RELR),1)
LINK_ARGS    := -C link-arg=-Wl,-z,pack-relative-relocs
endif

CAPI     := crates/app-netutil-capi
HEADER   := $(CAPI)/include/appnetutil.h
OUT      := $(TARGET_DIR)/$(PROFILE)
SO       := $(OUT)/libappnetutil.so
A        := $(OUT)/libappnetutil.a
NATIVE   := $(OUT)/appnetutil.native-static-libs
VERSION  := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ABI      := $(shell sed -n 's/^\#define NETUTIL_ABI_VERSION \([0-9]*\)$$/\1/p' $(HEADER))

CTEST_SRC    := $(wildcard crates/app-netutil-ctest/tests/c/*.c)
CTEST_CFLAGS := -g -O1 -pthread -Wall -Wextra -Werror -std=c11 -pedantic -I$(CAPI)/include

.PHONY: all lib cli install uninstall examples check-size check-figures ctest ctest-asan clean FORCE

all: lib

lib: $(NATIVE)

# cargo decides what is stale. One command builds the .so, the .a and the
# rlib, and prints the libraries a static link needs; rustc prints that note
# again when nothing was rebuilt. cargo's output is shown as it comes (the
# build takes minutes from a cold tree) and kept in a log for the note; its
# exit status travels past the pipe in a file (POSIX sh has no pipefail).
# The log goes where cargo will build, which a fresh tree does not have yet.
$(NATIVE): FORCE
	@mkdir -p $(OUT)
	@rm -f $@.failed
	@echo "cargo rustc -p app-netutil-capi --profile $(PROFILE) (log: $@.log)" >&2
	@{ $(CARGO) rustc --locked -p app-netutil-capi --profile $(PROFILE) --lib \
	    -- --print native-static-libs $(LINK_ARGS) 2>&1 || echo $$? > $@.failed; } \
	    | tee $@.log >&2
	@if test -e $@.failed; then rm -f $@.failed; echo "cargo failed; its output is in $@.log" >&2; exit 1; fi
	@sed -n 's/^note: native-static-libs: //p' $@.log | tail -n 1 > $@.tmp
	@test -s $@.tmp || { echo "no native-static-libs note from rustc" >&2; cat $@.log >&2; exit 1; }
	@mv $@.tmp $@
	@echo "libappnetutil $(VERSION) (ABI $(ABI), RELR=$(RELR)): $(SO) $(A)"

CLI      := $(TARGET_DIR)/$(CLI_PROFILE)/app-netutil

# The command, its manual pages and completions; the pages and scripts
# come from the command's own definition, so they are made by running it
# (a native build). cargo decides what is stale.
cli: FORCE
	$(CARGO) build --locked -p app-netutil-cli --profile $(CLI_PROFILE)
	@rm -rf $(BUILD)/man1 $(BUILD)/completions
	@mkdir -p $(BUILD)/completions
	$(CLI) man $(BUILD)/man1
	$(CLI) completions bash > $(BUILD)/completions/app-netutil
	$(CLI) completions zsh > $(BUILD)/completions/_app-netutil
	$(CLI) completions fish > $(BUILD)/completions/app-netutil.fish

# Always rewritten: PREFIX and LIBDIR may differ from the last run.
$(BUILD)/appnetutil.pc: $(CAPI)/appnetutil.pc.in $(NATIVE) FORCE
	@mkdir -p $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e "s|@LIBS_PRIVATE@|$$(cat $(NATIVE))|" $< > $@

install: lib cli $(BUILD)/appnetutil.pc
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 0755 $(SO) $(DESTDIR)$(LIBDIR)/libappnetutil.so.$(VERSION)
	ln -sf libappnetutil.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libappnetutil.so.$(ABI)
	ln -sf libappnetutil.so.$(ABI) $(DESTDIR)$(LIBDIR)/libappnetutil.so
	$(INSTALL) -m 0644 $(A) $(DESTDIR)$(LIBDIR)/libappnetutil.a
	$(INSTALL) -m 0644 $(HEADER) $(DESTDIR)$(INCLUDEDIR)/appnetutil.h
	$(INSTALL) -m 0644 $(BUILD)/appnetutil.pc $(DESTDIR)$(PKGCONFIGDIR)/appnetutil.pc
	$(INSTALL) -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/app-netutil
	$(INSTALL) -m 0644 $(BUILD)/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(BUILD)/completions/app-netutil $(DESTDIR)$(BASHCOMPDIR)/app-netutil
	$(INSTALL) -m 0644 $(BUILD)/completions/_app-netutil $(DESTDIR)$(ZSHCOMPDIR)/_app-netutil
	$(INSTALL) -m 0644 $(BUILD)/completions/app-netutil.fish $(DESTDIR)$(FISHCOMPDIR)/app-netutil.fish

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libappnetutil.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/libappnetutil.so.$(ABI) \
	      $(DESTDIR)$(LIBDIR)/libappnetutil.so \
	      $(DESTDIR)$(LIBDIR)/libappnetutil.a \
	      $(DESTDIR)$(INCLUDEDIR)/appnetutil.h \
	      $(DESTDIR)$(PKGCONFIGDIR)/appnetutil.pc \
	      $(DESTDIR)$(BINDIR)/app-netutil \
	      $(DESTDIR)$(MANDIR)/man1/app-netutil.1 \
	      $(DESTDIR)$(MANDIR)/man1/app-netutil-*.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/app-netutil \
	      $(DESTDIR)$(ZSHCOMPDIR)/_app-netutil \
	      $(DESTDIR)$(FISHCOMPDIR)/app-netutil.fish

# What the examples and tests link: this build, not an installed library.
LOCAL_CFLAGS := -I$(abspath $(CAPI)/include)
local_libs = $(abspath $(A)) $$(cat $(NATIVE))

examples: lib
	$(MAKE) -C examples/c O=$(abspath $(BUILD)) \
	    NETUTIL_CFLAGS="$(LOCAL_CFLAGS)" NETUTIL_LIBS="$(local_libs)"
	@if pkg-config --exists libdpdk 2>/dev/null; then \
	    $(MAKE) -C examples/dpdk O=$(abspath $(BUILD)) \
	        NETUTIL_CFLAGS="$(LOCAL_CFLAGS)" NETUTIL_LIBS="$(local_libs)"; \
	else echo "SKIP: examples/dpdk: pkg-config libdpdk not found (apt-get install dpdk-dev)"; fi

check-size: lib
	@mkdir -p $(BUILD)
	@$(STRIP) -o $(BUILD)/libappnetutil.stripped.so $(SO)
	@size=$$(stat -c %s $(BUILD)/libappnetutil.stripped.so); \
	echo "stripped libappnetutil.so: $$size bytes (limit 1572864)"; \
	test $$size -lt 1572864

# The published size (docs/performance.md) against this build, within 2 %;
# `scripts/figures --update` rewrites it.
check-figures: lib
	@STRIP=$(STRIP) scripts/figures --check $(SO)

ctest: lib
	@mkdir -p $(BUILD)
	$(CC) $(CTEST_CFLAGS) -o $(BUILD)/ctest $(CTEST_SRC) $(A) $$(cat $(NATIVE))

# The C code is instrumented; the Rust code is not, but its heap goes
# through malloc, so ASan sees every allocation and free of the library.
ctest-asan: lib
	@mkdir -p $(BUILD)
	$(CC) $(CTEST_CFLAGS) -fsanitize=address -fno-omit-frame-pointer \
	    -o $(BUILD)/ctest-asan $(CTEST_SRC) $(A) $$(cat $(NATIVE))

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C examples/c clean
	-$(MAKE) -C examples/dpdk clean

FORCE:
