; arch/uaccess.asm — the instructions that touch user memory. All of them.
;
; Each routine opens the SMAP window (STAC), does its work (string
; instructions where they fit; strncpy needs to stop at the NUL, so it is a
; byte loop) and closes it (CLAC). Every instruction that reads or writes
; user memory is written with USER, which records where to continue if it
; faults; the fault handler (mm/fault.c) first tries to resolve the fault (a
; page not yet touched), and only if the address is really bad jumps to that
; fixup, which returns a short count or -EFAULT. String instructions make the
; counts exact for free: when `rep movsb` faults, RCX holds exactly the bytes
; not yet copied and RSI/RDI point at the byte that faulted.
;
; Range checks (access_ok) and the Linux return conventions are in C, in
; mm/uaccess.c; these routines trust their arguments.

%include "arch/extable.inc"

EFAULT equ 14

section .text
bits 64

global __uaccess_begin, __uaccess_end
__uaccess_begin:

; unsigned long copy_user_raw(void *dst, const void *src, unsigned long n)
; Returns the bytes not copied. Large copies move quadwords with rep movsq;
; if that faults, the rest is redone byte by byte, so the count stays exact
; even when the bad page starts in the middle of a quadword.
global copy_user_raw
copy_user_raw:
    mov rcx, rdx
    STAC
    cmp rcx, 64
    jb .bytes
    mov rdx, rcx
    and edx, 7                          ; the tail after the quadwords
    shr rcx, 3
    USER .quad_fault, rep movsq
    mov rcx, rdx
.bytes:
    USER .done, rep movsb
.done:
    CLAC
    mov rax, rcx
    ret
.quad_fault:
    lea rcx, [rdx + rcx * 8]            ; quadwords left, in bytes, plus the tail
    jmp .bytes

; unsigned long clear_user_raw(void *dst, unsigned long n): bytes not cleared.
; As copy_user_raw: large clears store quadwords with rep stosq; if that
; faults, RCX holds the quadwords not stored (a faulting store writes
; nothing, even one that straddles into the bad page), and the rest is
; redone byte by byte, which stops at the exact bad byte.
global clear_user_raw
clear_user_raw:
    mov rcx, rsi
    xor eax, eax
    STAC
    cmp rcx, 64
    jb .bytes
    mov rdx, rcx
    and edx, 7                          ; the tail after the quadwords
    shr rcx, 3
    USER .quad_fault, rep stosq
    mov rcx, rdx
.bytes:
    USER .done, rep stosb
.done:
    CLAC
    mov rax, rcx
    ret
.quad_fault:
    lea rcx, [rdx + rcx * 8]            ; quadwords left, in bytes, plus the tail
    jmp .bytes

; long strnlen_user_raw(const char *s, unsigned long max)
; Index of the first NUL in s[0..max), max if there is none, -1 on a fault.
global strnlen_user_raw
strnlen_user_raw:
    mov rcx, rsi
    mov rax, rsi
    test rcx, rcx
    jz .out                             ; repne with RCX = 0 would leave ZF stale
    xor eax, eax
    STAC
    USER .fault, repne scasb            ; stops after the NUL, or when RCX runs out
    CLAC
    mov rax, rsi
    jne .out                            ; no NUL: max
    sub rax, rcx
    dec rax
.out:
    ret
.fault:
    CLAC
    mov rax, -1
    ret

; long strncpy_user_raw(char *dst, const char *src, unsigned long max)
; Copies up to and including the NUL; returns the length without it, max if
; no NUL came first (dst then unterminated), -EFAULT on a fault.
global strncpy_user_raw
strncpy_user_raw:
    xor ecx, ecx
    STAC
.next:
    cmp rcx, rdx
    je .out
    USER .fault, mov al, [rsi + rcx]
    mov [rdi + rcx], al
    test al, al
    jz .out
    inc rcx
    jmp .next
.out:
    CLAC
    mov rax, rcx
    ret
.fault:
    CLAC
    mov rax, -EFAULT
    ret

; struct uget uaccess_getN(const void *p): value in RAX, 0 in RDX; on a fault
; RAX = 0 (never stale kernel data: CVE-2016-9178) and RDX = -EFAULT.
%macro GET 2+                           ; name, load instruction
global %1
%1:
    STAC
    USER get_fault, %2
    CLAC
    xor edx, edx
    ret
%endmacro
GET uaccess_get1, movzx eax, byte [rdi]
GET uaccess_get2, movzx eax, word [rdi]
GET uaccess_get4, mov eax, [rdi]
GET uaccess_get8, mov rax, [rdi]

get_fault:
    CLAC
    xor eax, eax
    mov rdx, -EFAULT
    ret

; long uaccess_putN(void *p, u64 v): 0, or -EFAULT with nothing written.
%macro PUT 2+                           ; name, store instruction
global %1
%1:
    STAC
    USER put_fault, %2
    CLAC
    xor eax, eax
    ret
%endmacro
PUT uaccess_put1, mov [rdi], sil
PUT uaccess_put2, mov [rdi], si
PUT uaccess_put4, mov [rdi], esi
PUT uaccess_put8, mov [rdi], rsi

put_fault:
    CLAC
    mov rax, -EFAULT
    ret

__uaccess_end:
