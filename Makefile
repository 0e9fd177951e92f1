# Makefile — builds faultline: the kernel ELF, its bootable ISO, and the tests.
# `make help` lists the targets (the list is the `help` recipe at the end).

BUILD   := build
CROSS   := $(if $(shell command -v x86_64-elf-gcc 2>/dev/null),x86_64-elf-,)
ifeq ($(origin CC),default)
CC      := $(CROSS)gcc
endif
LD      := $(CROSS)ld
NASM    := nasm
PYTHON  := python3
ACCEL   ?= tcg
MEM     ?= 256M
FIRMWARE ?= bios
QEMU    := qemu-system-x86_64

# The stack protector reads its canary from __stack_chk_guard (kernel/stackprot.c),
# not from %gs:40, where -mcmodel=kernel would look by default.
CFLAGS  := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
           -mgeneral-regs-only -nostdlib -fstack-protector-strong -mstack-protector-guard=global \
           -fno-omit-frame-pointer \
           -fno-asynchronous-unwind-tables -fno-strict-aliasing -O2 -g -Wall -Wextra -Werror -I.
# `make SANITIZE=1`: the test build, with checks at run time that a normal
# build leaves out. -fsanitize=undefined: every rule of C the compiler can
# check cheaply where it is broken (signed overflow, shifts, array bounds,
# NULL and misaligned pointers, bool and enum values, pointer wrap-around),
# reported by kernel/ubsan.c. A change of SANITIZE changes CFLAGS, so the
# flags stamp below rebuilds every object: the two builds never mix.
# gcc's -Warray-bounds misfires on the paths the checks add (it sees the
# sanitizer's branch for sig == 0 in signal.c's action[sig - 1]); the
# bounds check it would warn about is made at run time in this build.
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=undefined -Wno-array-bounds -DCONFIG_UBSAN
# mm/wxcheck.c's audit of every user address space as it goes (mm_put).
CFLAGS  += -DCONFIG_WX_USER
# The leak canaries: freed frames and heap blocks filled with a pattern,
# every copy to user space checked for it (mm/poison.h, docs/testing.md).
CFLAGS  += -DCONFIG_POISON
endif
LDFLAGS := -T linker.ld -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments
NASMFLAGS := -f elf64 -g -F dwarf -Werror -I. -I$(BUILD)/

CSRC    := $(filter-out arch/asm_offsets.c,$(wildcard kernel/*.c kernel/*/*.c arch/*.c mm/*.c tests/kernel/*.c))
ASRC    := $(wildcard boot/*.asm arch/*.asm)
OBJS    := $(CSRC:%.c=$(BUILD)/obj/%.o) $(ASRC:%.asm=$(BUILD)/obj/%.o)
KERNEL  := $(BUILD)/kernel.elf
FLAGS_STAMP := $(BUILD)/flags

# `make V=1` shows every command; by default one short line per step.
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif
ISO     := $(BUILD)/faultline.iso

.DEFAULT_GOAL := all
include user/build.mk
include bench/build.mk

all: $(KERNEL) $(ISO)
iso: $(ISO)
kernel: $(KERNEL)

# Tools the build needs; tools/need installs missing ones (as root) or names them.
$(BUILD)/.deps: tools/need
	@tools/need build
	@mkdir -p $(BUILD) && touch $@

# Objects depend on the compiler and flags too: `make CC=clang` after a gcc
# build must rebuild everything, not mix the two.
$(FLAGS_STAMP): FORCE | $(BUILD)/.deps
	@echo '$(CC) $(CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS)' > $@

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.asm | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(call say,NASM,$<)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) $< -o $@

# The struct offsets the assembly uses (arch/asm_offsets.c): the compiler
# computes them, sed turns its "->NAME value" lines into NASM %defines.
$(BUILD)/asm_offsets.inc: arch/asm_offsets.c $(FLAGS_STAMP)
	$(call say,OFFSETS,$@)$(CC) $(CFLAGS) -MMD -MP -MT $@ -MF $(BUILD)/asm_offsets.d -S $< -o - | \
	    sed -n 's/.*->\([A-Z0-9_]*\) \$$*\([0-9]*\).*/%define \1 \2/p' > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/arch/syscall_entry.o: $(BUILD)/asm_offsets.inc
-include $(BUILD)/asm_offsets.d

# The framebuffer console's font: Terminus 8x16 (SIL OFL 1.1) from Debian's
# console-setup-linux, fetched once into a cache outside the tree by
# tools/debpkg and turned into C by tools/mkfont.
FONT_PKG  := console-setup-linux
FONT_FILE := usr/share/consolefonts/Uni2-Terminus16.psf.gz
OBJS    += $(BUILD)/font.o
$(BUILD)/font.psf.gz: tools/debpkg | $(BUILD)/.deps
	$(call say,DEBPKG,$@)tools/debpkg $(FONT_PKG) $(FONT_FILE) $@
$(BUILD)/font.c: $(BUILD)/font.psf.gz tools/mkfont
	$(call say,MKFONT,$@)$(PYTHON) tools/mkfont $< $@

# The vDSO (kernel/vdso.c, docs/memory.md): ring-3 code, so built apart
# from the kernel with the same compiler as position-independent code
# without a C library, and linked as a shared object that nothing needs to
# relocate (a relocation would need a loader: refused). arch/vdso_image.asm
# embeds it in the kernel.
VDSO_CFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -nostdlib -fno-stack-protector \
               -fno-asynchronous-unwind-tables -fno-unwind-tables -mgeneral-regs-only \
               -Wall -Wextra -Werror -I.
VDSO_LDFLAGS := -shared -Bsymbolic --hash-style=both --build-id=none -soname=linux-vdso.so.1 \
                -z noexecstack --no-undefined -T arch/vdso/vdso.lds
$(BUILD)/obj/arch/vdso/vdso.o: arch/vdso/vdso.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(VDSO_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/obj/arch/vdso/vdso.so: $(BUILD)/obj/arch/vdso/vdso.o arch/vdso/vdso.lds
	$(call say,LD,$@)$(LD) $(VDSO_LDFLAGS) -o $@ $< && \
	    if $(CROSS)readelf -r $@ | grep -q 'Relocation section'; then \
	        echo "$@: the vDSO must need no relocation" >&2; rm -f $@; exit 1; fi
$(BUILD)/obj/arch/vdso_image.o: $(BUILD)/obj/arch/vdso/vdso.so

# Two links: the first finds where every function is, tools/ksyms turns that
# into a symbol table, the second embeds it (without moving any function).
$(BUILD)/ksyms0.c: tools/ksyms | $(BUILD)/.deps
	$(Q)$(PYTHON) tools/ksyms > $@
$(BUILD)/kernel.pass1.elf: $(OBJS) $(BUILD)/ksyms0.o linker.ld
	$(call say,LD,$@)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms0.o
$(BUILD)/ksyms.c: $(BUILD)/kernel.pass1.elf tools/ksyms
	$(call say,KSYMS,$@)$(PYTHON) tools/ksyms $< > $@
$(BUILD)/%.o: $(BUILD)/%.c $(FLAGS_STAMP)
	$(call say,CC,$<)$(CC) $(CFLAGS) -c $< -o $@
$(KERNEL): $(BUILD)/kernel.pass1.elf $(BUILD)/ksyms.o tools/sortextable
	$(call say,LD,$@)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.o
	$(Q)$(PYTHON) tools/ksyms --check $(BUILD)/kernel.pass1.elf $@
	$(call say,SORTEX,$@)$(PYTHON) tools/sortextable $@

# The release ISO's initramfs: user/sbin/init as /init, which starts
# busybox's ash on the console; busybox and its applets, every test program,
# and the ring-3 runner as the `runtests` command in /bin; the demo list,
# the shell's profile, the accounts (passwd, group: names for ps and ls) and
# the runner's expect.txt in /etc.
INITRD  := $(BUILD)/initrd.cpio
BUSYBOX := $(BUILD)/busybox
ETC     := user/etc/demos user/etc/profile user/etc/passwd user/etc/group user/expect.txt
$(BUSYBOX): tools/debpkg | $(BUILD)/.deps
	$(call say,DEBPKG,$@)tools/debpkg busybox-static bin/busybox $@
$(INITRD): $(USER_BUILD)/sbin/init $(USER_BUILD)/sbin/runner $(USER_PROGS) $(BUSYBOX) $(ETC) \
	   tools/mkinitrd tests/initramfs.py
	$(call say,INITRD,$@)tools/mkinitrd $@ $(USER_BUILD)/sbin/init \
	    --bin $(USER_PROGS) runtests=$(USER_BUILD)/sbin/runner --etc $(ETC) --busybox $(BUSYBOX)

$(ISO): $(KERNEL) $(INITRD) tools/mkiso iso/grub.cfg
	$(call say,ISO,$@)tools/mkiso $@ $(KERNEL) --menu --initrd $(INITRD)

# Disks for swap, made at build time: two swap areas (vda, vdb: the first
# small, so paging spills onto the second) and a disk that is no swap area,
# for swapon to refuse. truncate leaves them sparse, which QEMU reads as
# zeros; mkswap -q because its warning about holes is for swap *files* on a
# host filesystem, not disk images. mkswap is in /sbin, off a user's PATH.
SWAP_DISKS := $(BUILD)/swap-fast.img $(BUILD)/swap-slow.img
DISKS      := $(SWAP_DISKS) $(BUILD)/disk-raw.img
DISK_SIZE_swap-fast := 16M
DISK_SIZE_swap-slow := 256M
DISK_SIZE_disk-raw  := 8M

$(BUILD)/swap-%.img: Makefile | $(BUILD)/.deps
	$(call say,MKSWAP,$@)rm -f $@ && truncate -s $(DISK_SIZE_swap-$*) $@ && chmod 600 $@ \
	    && /sbin/mkswap -q $@
$(BUILD)/disk-raw.img: Makefile | $(BUILD)/.deps
	$(call say,DISK,$@)rm -f $@ && truncate -s $(DISK_SIZE_disk-raw) $@ && chmod 600 $@

# QEMU for humans: serial on this terminal (Ctrl-A X quits), a window if there
# is a display. KVM only where the CPU really has vmx/svm (see tests/qemu.py).
# The swap disks are attached as tests/qemu.py attaches them (snapshot=on: a
# run never changes the images); the ISO's GRUB entries pass swapon=auto.
# The accelerator options come first, in the recipe: a refused ACCEL=kvm
# (no /dev/kvm, no vmx/svm) stops the target with tests/qemu.py's message
# before QEMU starts, as `make test` does, instead of a degraded machine.
QEMU_ACCEL = $(PYTHON) tests/qemu.py --accel-args $(ACCEL) $(SWAP_DISKS:%=--disk %) \
             $(if $(filter uefi,$(FIRMWARE)),--uefi-vars $(BUILD)/ovmf-vars.fd)
QEMU_RUN = $(QEMU) -cdrom $(ISO) -m $(MEM) -serial mon:stdio -no-reboot \
           -device isa-debug-exit,iobase=0xf4,iosize=0x04 $$accel \
           $(if $(DISPLAY),,-display none)

# When /init ends, the kernel leaves QEMU through isa-debug-exit: status 33
# is its "all is well", not a failure.
run: all $(SWAP_DISKS) | $(BUILD)/.deps
	@accel="$$($(QEMU_ACCEL))" || exit 2; \
	$(QEMU_RUN) || [ $$? -eq 33 ]

debug: all $(SWAP_DISKS) | $(BUILD)/.deps
	@accel="$$($(QEMU_ACCEL))" || exit 2; \
	echo "QEMU is waiting for gdb on localhost:1234: run 'make gdb' in another terminal"; \
	$(QEMU_RUN) -s -S || [ $$? -eq 33 ]

# Without a `make debug` to attach to, say so at once (tools/gdb/stub-listening).
gdb: $(KERNEL)
	@tools/need gdb
	@tools/gdb/stub-listening 1234
	gdb -q -x tools/gdbinit $(KERNEL)

# The quick host-side checks run first (a few seconds, one short boot
# each): the gdb helpers against a debug boot, and tests/friction.
test: all user-progs $(USER_BUILD)/sbin/runner $(DISKS) $(BENCH_PROGS)
	@tools/need test
	$(if $(T),,$(PYTHON) tests/friction --accel $(ACCEL))
	$(if $(T),,$(PYTHON) tools/bench smoke --kernel $(KERNEL) $(BENCH_BUILD)/syscall)
	$(if $(T),,$(PYTHON) tests/gdb-check --accel $(ACCEL))
	$(PYTHON) tests/run --kernel $(KERNEL) --iso $(ISO) --accel $(ACCEL) $(if $(T),-t $(T))

test-gdb: $(KERNEL) $(USER_BUILD)/hello
	@tools/need test
	@tools/need gdb
	$(PYTHON) tests/gdb-check --accel $(ACCEL)

list-tests:
	@$(PYTHON) tests/run --list

# The ring-3 suite under each fault-injection mode (docs/testing.md): the
# kernel must stay up and leak nothing. INJECT=MODE for one mode (frame,
# heap, pgtable, blkio), T=NAME for one program, FAIL_SEED=N.
FAIL_SEED ?= 1
test-inject: all user-progs $(USER_BUILD)/sbin/runner $(DISKS)
	@tools/need test
	$(PYTHON) tests/inject --kernel $(KERNEL) --accel $(ACCEL) --seed $(FAIL_SEED) \
	    $(if $(INJECT),--mode $(INJECT)) $(if $(T),-t $(T))

# The differential random test over many seeds (make test runs a fixed set).
SEEDS ?= 200
FIRST ?= 0
OPS   ?= 2000
fuzz-mm: $(KERNEL) $(USER_BUILD)/mmfuzz $(SWAP_DISKS)
	@tools/need test
	$(PYTHON) tests/fuzz mm --first $(FIRST) --seeds $(SEEDS) --ops $(OPS) --accel $(ACCEL)

# Single raw calls with hostile arguments; not part of `make test`: it is an
# exploration tool, differences are expected (docs/testing.md).
SEED  ?= 0
COUNT ?= 1000
fuzz-sys: $(KERNEL) $(USER_BUILD)/sysfuzz
	@tools/need test
	$(PYTHON) tests/fuzz sys --seed $(SEED) --count $(COUNT) --accel $(ACCEL)

# The hostile fuzzer (user/fuzz) as /init, one boot per seed, two at a time:
# 4 x 250,000 calls by default, the last seed on the 64 MiB swap machine.
FUZZ_SEEDS ?= 1,2,3
FUZZ_SWAP_SEEDS ?= 4
FUZZ_COUNT ?= 250000
fuzz: $(KERNEL) $(USER_BUILD)/fuzz $(SWAP_DISKS)
	@tools/need test
	$(PYTHON) tests/fuzz hostile --seeds $(FUZZ_SEEDS) --swap-seeds $(FUZZ_SWAP_SEEDS) \
	    --count $(FUZZ_COUNT) --accel $(ACCEL)

# clangd reads this to know how every file is compiled: the kernel's
# sources, and each user program with musl-gcc and its own flags.
compile_commands.json: $(CSRC) $(USER_SRCS) $(BENCH_SRCS) Makefile user/build.mk bench/build.mk \
		       tools/compile-commands
	$(PYTHON) tools/compile-commands --cc $(CC) --flags "$(CFLAGS)" $(CSRC) \
	    $(foreach src,$(USER_SRCS),--cc $(USER_CC) \
	      --flags "$(USER_CFLAGS) $(USER_LDFLAGS_$(basename $(notdir $(src))))" $(src)) \
	    $(foreach src,$(BENCH_SRCS),--cc $(USER_CC) --flags "$(USER_CFLAGS)" $(src)) > $@

clean:
	rm -rf $(BUILD) compile_commands.json

help:
	@echo 'make | make all     the kernel and its ISO (build/kernel.elf, build/faultline.iso)'
	@echo 'make iso | make kernel   only one of them'
	@echo 'make run             boot the ISO in QEMU into the shell, serial here (Ctrl-A X quits)'
	@echo '                     [MEM=64M: the swap machine of the tests, where runtests runs the swap programs]'
	@echo '                     [FIRMWARE=uefi: OVMF instead of SeaBIOS] [ACCEL=kvm]'
	@echo 'make debug           the same, QEMU waiting for gdb on localhost:1234'
	@echo 'make gdb             attach gdb to make debug, with the fl-* helpers (docs/gdb.md)'
	@echo 'make test            the whole suite [T=NAME: one test] [ACCEL=kvm] [CC=clang]'
	@echo 'make list-tests      the names T= takes'
	@echo 'make test-gdb        only the gdb helpers, against a debug boot'
	@echo 'make test-linux      the ring-3 tests on this Linux (the reference)'
	@echo 'make bench           instructions per operation on faultline (QEMU -icount), a table'
	@echo 'make bench-progs     build the benchmark programs (build/bench/NAME)'
	@echo 'make bench-linux     the same beside Debian'"'"'s Linux in the same QEMU (docs/performance.md)'
	@echo 'make test-inject     the ring-3 tests under fault injection [INJECT=frame|heap|pgtable|blkio] [T=NAME] [FAIL_SEED=N]'
	@echo 'make user-progs      build the ring-3 programs (build/user/NAME)'
	@echo 'make fuzz-mm SEEDS=N [FIRST=K] [OPS=M]   mmfuzz seeds on Linux and faultline'
	@echo 'make fuzz-sys SEED=S [COUNT=C]   random single syscalls, Linux and faultline'
	@echo 'make fuzz [FUZZ_SEEDS=1,2,3] [FUZZ_SWAP_SEEDS=4] [FUZZ_COUNT=250000]   the hostile fuzzer'
	@echo 'make compile_commands.json   for clangd (kernel and user/)'
	@echo 'make clean           remove build/'
	@echo 'make help            this list'
	@echo 'Options: CC=clang, ACCEL=kvm (only with vmx/svm), V=1 (every command)'

.PHONY: all iso kernel run debug gdb test test-gdb test-inject list-tests fuzz-mm fuzz-sys fuzz clean help FORCE
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
