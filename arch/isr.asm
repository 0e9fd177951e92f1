; arch/isr.asm — the first instructions of every interrupt and exception.
;
; Each vector's stub makes the stack look the same (a dummy error code where
; the CPU pushes none, then the vector number), and trap_common saves every
; general register into a struct trapframe (arch/trapframe.h) before calling
; trap() in C. Coming from ring 3 the GS bases are swapped so that the kernel
; always finds its per-CPU area in GS.

%include "arch/trapframe.inc"

section .text
bits 64
extern trap

%macro STUB 1
isr%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
    push 0                              ; no CPU error code for this vector
%endif
    push %1
    jmp trap_common
%endmacro

%assign i 0
%rep 48
STUB i
%assign i i + 1
%endrep

trap_common:
    test qword [rsp + 24], 3            ; CS of the interrupted code: ring 3?
    jz .from_kernel
    swapgs
.from_kernel:
    PUSH_GPRS
    cld
    ; An exception inside a uaccess routine arrives with RFLAGS.AC set (STAC).
    ; The handler must not run with SMAP disabled, so clear AC for it; iretq
    ; restores the interrupted code's own flags. (CLAC itself would #UD on a
    ; CPU without SMAP.)
    pushfq
    and qword [rsp], ~(1 << 18)
    popfq
    mov rdi, rsp
    call trap

global trap_return
trap_return:
    POP_GPRS
    add rsp, 16                         ; vector and error code
    test qword [rsp + 8], 3             ; returning to ring 3?
    jz .to_kernel
    swapgs
.to_kernel:
global trap_iret
trap_iret:                              ; arch/traps.c recognises a fault here
    iretq

section .rodata
global isr_table
isr_table:
%assign i 0
%rep 48
    dq isr %+ i
%assign i i + 1
%endrep
