; arch/context.asm — moving between C contexts by hand.
; kjmp_save/kjmp_restore save and resume a context: only the callee-saved
; registers, the stack, the resume point and RFLAGS (so IF and AC come back as
; they were, even when resumed from inside an exception handler).
; call_on_stack runs a function on another stack (boot leaves the unguarded
; boot stack for a kernel stack with a guard page).
; swtch moves from one kernel stack to another: the heart of the scheduler.

section .text
bits 64

global kjmp_save
kjmp_save:                              ; rdi = struct jmpbuf *
    mov [rdi + 0], rbx
    mov [rdi + 8], rbp
    mov [rdi + 16], r12
    mov [rdi + 24], r13
    mov [rdi + 32], r14
    mov [rdi + 40], r15
    lea rax, [rsp + 8]                  ; the caller's RSP after our return
    mov [rdi + 48], rax
    mov rax, [rsp]
    mov [rdi + 56], rax
    pushfq
    pop qword [rdi + 64]
    xor eax, eax
    ret

global kjmp_restore
kjmp_restore:                           ; rdi = struct jmpbuf *, esi = value
    mov rbx, [rdi + 0]
    mov rbp, [rdi + 8]
    mov r12, [rdi + 16]
    mov r13, [rdi + 24]
    mov r14, [rdi + 32]
    mov r15, [rdi + 40]
    mov rsp, [rdi + 48]
    push qword [rdi + 64]
    popfq
    mov eax, esi
    jmp [rdi + 56]

global call_on_stack
call_on_stack:                          ; rdi = new stack top, rsi = function (never returns)
    mov rsp, rdi
    xor ebp, ebp                        ; backtraces end here
    push rbp                            ; zero return address: so do gdb's
    jmp rsi

; void swtch(u64 *save_rsp, u64 next_rsp): push the callee-saved registers,
; park RSP in *save_rsp, load next_rsp and pop the registers it parked. The
; caller-saved ones are the C compiler's business; RIP is the return address
; already on each stack. A new process's stack is prepared by proc_alloc() so
; that this `ret` lands in trap_return, which enters ring 3.
global swtch
swtch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
