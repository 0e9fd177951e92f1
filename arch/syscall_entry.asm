; arch/syscall_entry.asm — the SYSCALL instruction lands here (MSR_LSTAR).
;
; SYSCALL saves the user RIP in RCX and RFLAGS in R11, clears the flags in
; SFMASK (IF, so nothing interrupts us, and AC, so SMAP is armed) and
; switches CS/SS, but not the stack: we are still on the user's RSP, which we
; must not trust. SWAPGS gives us the per-CPU area (arch/percpu.h), which
; holds the kernel stack. On it we build the same struct trapframe the
; interrupt path builds, so one restore path (trap_return, IRETQ) can always
; be used.
;
; Every system call passes here, so the common case is written out in
; assembly (issue 13 counts its instructions; docs/performance.md): charge
; the CPU time, call the table's function, charge again, and if the
; thread's work word (struct proc.work, Linux's TIF flags) is clear, return
; with SYSRETQ. Anything else — a signal to deliver, a CPU timer, a frame
; that execve or rt_sigreturn rewrote, a user trap flag — goes through
; syscall_exit_slow() in C. The kernel runs with interrupts off (they are
; on only while idle or waiting for the disk, and are off again when the
; call returns), so the work word cannot change between the test and
; SYSRETQ. The struct offsets come from arch/asm_offsets.c.

%include "arch/gdt.inc"
%include "arch/trapframe.inc"
%include "asm_offsets.inc"

RFLAGS_TF_RF equ (1 << 8) | (1 << 16)
ENOSYS equ 38

section .text
bits 64
extern syscall_table
extern syscall_count
extern syscall_exit_slow
extern trap_return

; The cycles since the last charge go to the field given (ring 3's or the
; kernel's), and the stamp moves on: kernel/cputime.h's cputime_charge,
; inline here. rbx is the process. Clobbers rax, rcx, rdx.
%macro CPUTIME_CHARGE 1
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rcx, rax
    sub rax, [rbx + PROC_CPU_STAMP]
    add [rbx + %1], rax
    mov [rbx + PROC_CPU_STAMP], rcx
%endmacro

global syscall_entry
syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP], rsp
    mov rsp, [gs:PERCPU_KERNEL_RSP]
    push USER_DS                        ; the frame an interrupt from ring 3 would push
    push qword [gs:PERCPU_USER_RSP]
    push r11
    push USER_CS
    push rcx
    push 0                              ; error code
    push 0x80                           ; "vector": marks a syscall frame
    PUSH_GPRS
    xor ebp, ebp                        ; backtraces stop at the user boundary
    mov rbx, [gs:PERCPU_PROC]           ; the process: callee-saved, so it survives the call
    mov [rbx + PROC_SYSCALL_NR], rax    ; the whole RAX, for a restart (Linux's orig_ax)
    mov r12d, eax                       ; the number: RAX's low 32 bits, unsigned, as Linux reads it
    CPUTIME_CHARGE PROC_UTIME_CYC       ; ring 3's time ends here
    cmp r12, [rel syscall_count]
    jae .enosys
    mov rdx, [rsp + TF_RDX]             ; the charge took RDX and RCX; the 4th argument is in R10
    mov rcx, r10
    call [syscall_table + r12 * 8]      ; numbers with no call hold sys_ni_syscall (-ENOSYS)
    mov [rsp + TF_RAX], rax             ; (no label before this: backtraces say syscall_entry)
.charge:
    CPUTIME_CHARGE PROC_STIME_CYC       ; the kernel's time ends here
    ; SYSRETQ cannot restore RF, and restoring TF makes it trap at once in
    ; ring 3: such flags return with IRETQ (syscall_exit_slow).
    test dword [rsp + TF_R11], RFLAGS_TF_RF
    jnz .slow
    cmp dword [rbx + PROC_WORK], 0
    jne .slow
    ; The frame is as the entry built it: RCX holds a user RIP after a
    ; SYSCALL instruction, at most TASK_SIZE_MAX, which is canonical
    ; because the last user page is never mapped (SYSRET to a non-canonical
    ; RCX faults in ring 0 on Intel CPUs, CVE-2012-0217).
.sysret:
    POP_GPRS                            ; RCX = the user RIP, R11 = the user RFLAGS
    mov rsp, [rsp + TF_RSP - TF_VECTOR] ; the user RSP: from here on nothing touches the stack
    swapgs
    o64 sysret

.enosys:
    mov qword [rsp + TF_RAX], -ENOSYS
    jmp .charge

.slow:
    mov rdi, rsp
    call syscall_exit_slow              ; true: SYSRET is safe
    test al, al
    jz trap_return                      ; IRETQ restores everything from the frame
    jmp .sysret
