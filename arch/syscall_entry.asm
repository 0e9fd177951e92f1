; arch/syscall_entry.asm — the SYSCALL instruction lands here (MSR_LSTAR).
;
; SYSCALL saves the user RIP in RCX and RFLAGS in R11, clears the flags in
; SFMASK (IF, so nothing interrupts us yet, and AC, so SMAP is armed) and
; switches CS/SS, but not the stack: we are still on the user's RSP, which we
; must not trust. SWAPGS gives us the per-CPU area (arch/percpu.h), which
; holds the kernel stack. On it we build the same struct trapframe the
; interrupt path builds, so one restore path (trap_return, IRETQ) can always
; be used. SYSRETQ is the fast way back, taken only when syscall_dispatch()
; says it is safe: SYSRET with a non-canonical RCX faults in ring 0 on
; Intel CPUs after RSP is already the user's (CVE-2012-0217).

%include "arch/gdt.inc"
%include "arch/trapframe.inc"

section .text
bits 64
extern syscall_dispatch
extern trap_return

global syscall_entry
syscall_entry:
    swapgs
    mov [gs:8], rsp                     ; percpu.user_rsp
    mov rsp, [gs:0]                     ; percpu.kernel_rsp
    push USER_DS                        ; the frame an interrupt from ring 3 would push
    push qword [gs:8]
    push r11
    push USER_CS
    push rcx
    push 0                              ; error code
    push 0x80                           ; "vector": marks a syscall frame
    PUSH_GPRS
    xor ebp, ebp                        ; backtraces stop at the user boundary
    mov rdi, rsp
    call syscall_dispatch               ; true: SYSRET is safe
    test al, al
    jz trap_return                      ; IRETQ restores everything from the frame

    POP_GPRS
    add rsp, 16                         ; vector, error
    pop rcx                             ; user RIP (checked canonical by syscall_dispatch)
    add rsp, 8                          ; CS
    pop r11                             ; user RFLAGS
    pop rsp                             ; user RSP: from here on nothing touches the stack
    swapgs
    o64 sysret
