# bench/build.mk — builds the benchmark programs and runs them; included by
# the top Makefile (docs/performance.md).
#
#   make bench          faultline under QEMU -icount: build/bench/faultline.txt
#   make bench-linux    and Debian's Linux in the same QEMU: build/bench/linux.txt,
#                       one table of both
#   ACCEL=kvm           either of them under KVM (-cpu host, no -icount): real
#                       cycles, in faultline-kvm.txt and linux-kvm.txt; only on a
#                       CPU with vmx or svm (tools/bench stops and says why)
#
# Each bench/NAME.c of BENCH_NAMES is a program, built as the user/
# programs are (static musl), so the same binary runs on both kernels; they
# run, and the table lists them, in this order. linux_init is the /init of
# Linux's initramfs (tools/bench).

BENCH_BUILD := build/bench
BENCH_NAMES := syscall copy mem proc swap
BENCH_PROGS := $(BENCH_NAMES:%=$(BENCH_BUILD)/%)
BENCH_SRCS  := $(BENCH_NAMES:%=bench/%.c) bench/linux_init.c
BENCH_SWAP  := $(BUILD)/swap-fast.img
BENCH_KVM   := $(if $(filter kvm,$(ACCEL)),-kvm)
BENCH_OURS  := $(BENCH_BUILD)/faultline$(BENCH_KVM).txt
BENCH_LINUX := $(BENCH_BUILD)/linux$(BENCH_KVM).txt

bench_saved_goal := $(.DEFAULT_GOAL)

$(BENCH_BUILD)/%: bench/%.c bench/bench.h bench/build.mk
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(USER_CC) $(USER_CFLAGS) -o $@ $<

bench-progs: $(BENCH_PROGS) $(BENCH_BUILD)/linux_init

$(BENCH_OURS): $(KERNEL) $(BENCH_PROGS) $(BENCH_SWAP) tools/bench
	$(PYTHON) tools/bench faultline --accel $(ACCEL) --kernel $(KERNEL) --swap $(BENCH_SWAP) \
	    --out $@ $(BENCH_PROGS)

$(BENCH_LINUX): $(BENCH_PROGS) $(BENCH_BUILD)/linux_init $(BENCH_SWAP) tools/bench
	$(PYTHON) tools/bench linux --accel $(ACCEL) --init $(BENCH_BUILD)/linux_init \
	    --swap $(BENCH_SWAP) --out $@ $(BENCH_PROGS)

bench: $(BENCH_OURS)
	@$(PYTHON) tools/bench table $<

bench-linux: $(BENCH_OURS) $(BENCH_LINUX)
	@$(PYTHON) tools/bench table $^

.PHONY: bench bench-linux bench-progs
.DEFAULT_GOAL := $(bench_saved_goal)
