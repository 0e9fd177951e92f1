# user/build.mk — builds the ring-3 test programs; included by the top Makefile.
#
#   make test-linux     build them and run them on this (Linux) host
#
# Every user/NAME.c becomes the static binary build/user/NAME. They are
# ordinary musl programs, so Linux can run them too: Linux is the reference
# for what they must print, and tests/run-linux proves them there before
# faultline ever runs them.
#
# -fno-pie -no-pie: a fixed-address ET_EXEC is the simplest thing a loader
# can start and keeps addresses the same on every run. (-static alone links
# ET_EXEC too, but from PIC code; and Debian's musl-gcc -static-pie quietly
# makes a *dynamic* PIE that needs /lib/ld-musl-x86_64.so.1, so static-PIE
# tests for faultline's loader would need their own link line.)

USER_BUILD  := build/user
USER_CC     := musl-gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -fno-pie -no-pie
USER_SRCS   := $(wildcard user/*.c)
USER_PROGS  := $(USER_SRCS:user/%.c=$(USER_BUILD)/%)

# initregs replaces the entry point to see the registers before musl's _start.
USER_LDFLAGS_initregs := -Wl,-e,initregs_entry

# static_pie is linked by hand as a real static PIE: musl's self-relocating
# rcrt1.o, libc.a, and no PT_INTERP.
MUSL_LIB := /usr/lib/x86_64-linux-musl
$(USER_BUILD)/static_pie: user/static_pie.c $(wildcard user/*.h) user/build.mk
	@mkdir -p $(dir $@)
	@mkdir -p build/obj/user
	$(call say,CC,$<)$(USER_CC) -O2 -g -Wall -Wextra -Werror -fPIE -c $< -o build/obj/user/static_pie.o && \
	gcc -nostdlib -static-pie -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o build/obj/user/static_pie.o \
	    $(MUSL_LIB)/libc.a $(MUSL_LIB)/crtn.o $$(gcc -print-libgcc-file-name)

# sysfuzz and fuzz fuzz every call of the kernel's table (user/hostile.h): build/user/syscalls.h is
# made from kernel/syscall.c's SYSCALLS(X) list, so a call added there is
# fuzzed from the next build on.
$(USER_BUILD)/syscalls.h: kernel/syscall.c user/build.mk
	@mkdir -p $(dir $@)
	$(call say,GEN,$@){ echo '#define KERNEL_SYSCALLS(X) \'; \
	  sed -n 's/^[[:space:]]*X(\([0-9]*\), *\([a-z0-9_]*\)).*/\tX(\1, \2) \\/p' $<; echo; } > $@
$(USER_BUILD)/sysfuzz $(USER_BUILD)/fuzz: $(USER_BUILD)/syscalls.h
USER_LDFLAGS_sysfuzz := -I$(USER_BUILD)
USER_LDFLAGS_fuzz := -I$(USER_BUILD)

# fb and fbdemo use <linux/fb.h>, which musl does not ship: the kernel's
# own UAPI headers are found after musl's (never instead of them).
USER_LDFLAGS_fb := -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu
USER_LDFLAGS_fbdemo := $(USER_LDFLAGS_fb)

# Defining targets here must not change the including Makefile's default goal.
user_saved_goal := $(.DEFAULT_GOAL)

$(USER_BUILD)/%: user/%.c $(wildcard user/*.h) mm/poison.h user/build.mk
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(USER_CC) $(USER_CFLAGS) $(USER_LDFLAGS_$*) -o $@ $<

user-progs: $(USER_PROGS)

test-linux: $(USER_PROGS) $(BENCH_PROGS)
	tests/run-linux
	tools/bench smoke --host $(BENCH_PROGS)

.PHONY: user-progs test-linux
.DEFAULT_GOAL := $(user_saved_goal)
