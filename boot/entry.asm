; boot/entry.asm — from GRUB's 32-bit protected mode to the 64-bit C kernel.
;
; GRUB (Multiboot2) enters here with paging off, EAX = magic, EBX = physical
; address of the boot information. We check that the CPU can run 64-bit code,
; build throw-away page tables, turn on long mode and jump to kmain() in the
; higher half. mm/vm.c replaces these tables with the kernel's own as soon as
; the frame allocator exists.
;
; The boot tables map the first 4 GiB three times with 2 MiB pages:
;   identity (0 -> 0)                   so the next instruction after CR0.PG still exists,
;   DIRECT_MAP (0xffff8000_00000000)    so C can reach boot info and page-table frames,
;   KERNEL_VMA (0xffffffff_80000000)    where the kernel is linked (first 2 GiB only).

%include "boot/layout.inc"
%define P(x) ((x) - KERNEL_VMA)         ; physical address of a linked symbol

MB2_BOOT_MAGIC equ 0x36d76289
COM1           equ 0x3f8
PTE_P          equ 1 << 0
PTE_W          equ 1 << 1
PTE_PS         equ 1 << 7

extern kmain

section .text
bits 32
global _start32
_start32:
    cli
    cld
    mov esp, P(boot_stack_top)
    mov edi, eax                        ; keep magic and info pointer out of CPUID's way
    mov esi, ebx

    cmp edi, MB2_BOOT_MAGIC
    jne .not_multiboot2
    call cpu_has_long_mode
    test eax, eax
    jz .no_long_mode

    call build_boot_tables

    mov eax, cr4
    or eax, 1 << 5                      ; PAE: long mode uses 64-bit page-table entries
    mov cr4, eax
    mov eax, P(boot_pml4)
    mov cr3, eax
    mov ecx, 0xc0000080                 ; EFER
    rdmsr
    or eax, 1 << 8                      ; LME: long mode enable (active once paging is on)
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; PG, WP (ring 0 honours read-only pages: W^X), PE
    mov cr0, eax

    lgdt [P(boot_gdt_ptr)]
    jmp 0x10:P(long_mode_low)

.not_multiboot2:
    mov eax, P(msg_not_mb2)
    jmp fatal32
.no_long_mode:
    mov eax, P(msg_no_lm)
    jmp fatal32

; eax = 1 when CPUID exists and reports long mode (CPUID 0x80000001 EDX bit 29).
cpu_has_long_mode:
    pushfd                              ; CPUID exists iff EFLAGS.ID can be toggled
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    jz .no
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no
    mov eax, 1
    ret
.no:
    xor eax, eax
    ret

build_boot_tables:
    mov edi, P(boot_pd)                 ; 4 page directories = 2048 x 2 MiB = 4 GiB
    mov eax, PTE_P | PTE_W | PTE_PS
    xor edx, edx
    mov ecx, 2048
.pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 1 << 21
    adc edx, 0
    add edi, 8
    loop .pd

    mov edi, P(boot_pdpt_low)
    mov eax, P(boot_pd) + (PTE_P | PTE_W)
    mov ecx, 4
.pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .pdpt

    mov dword [P(boot_pdpt_high) + 510 * 8], P(boot_pd) + (PTE_P | PTE_W)
    mov dword [P(boot_pdpt_high) + 511 * 8], P(boot_pd) + 4096 + (PTE_P | PTE_W)

    mov eax, P(boot_pdpt_low) + (PTE_P | PTE_W)
    mov [P(boot_pml4)], eax                       ; identity
    mov [P(boot_pml4) + 256 * 8], eax             ; DIRECT_MAP
    mov dword [P(boot_pml4) + 511 * 8], P(boot_pdpt_high) + (PTE_P | PTE_W)
    ret

; Print the NUL-terminated string at eax on COM1 and the EGA text screen, then halt.
; Nothing else is set up yet, so this is all a user of a 32-bit-only PC will see.
fatal32:
    mov esi, eax
    mov edi, 0xb8000
.next:
    mov bl, [esi]
    test bl, bl
    jz .halt
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20                       ; transmit holding register empty
    jz .wait
    mov dx, COM1
    mov al, bl
    out dx, al
    mov bh, 0x4f                        ; white on red
    mov [edi], bx
    add edi, 2
    inc esi
    jmp .next
.halt:
    cli
    hlt
    jmp .halt

bits 64
long_mode_low:
    mov ax, 0x18
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rax, long_mode_high             ; leave the identity map for the linked address
    jmp rax

long_mode_high:
    mov rsp, boot_stack_top
    xor ebp, ebp                        ; the oops backtrace stops at a zero frame pointer
    mov edi, esi                        ; kmain(physical address of the boot information)
    push rbp                            ; a zero return address: gdb's `bt` ends at kmain
    jmp kmain                           ; (kmain never returns)

section .rodata
msg_not_mb2: db "faultline: not started by a Multiboot2 loader (use GRUB 2).", 13, 10, 0
msg_no_lm:   db "faultline: this CPU has no 64-bit long mode; faultline needs an x86-64 CPU.", 13, 10, 0

align 8
boot_gdt:
    dq 0
    dq 0
    dq 0x00209a0000000000               ; 0x10: 64-bit code, DPL 0 (KERNEL_CS, as in arch/gdt.h)
    dq 0x0000920000000000               ; 0x18: data (KERNEL_DS)
boot_gdt_end:
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dd P(boot_gdt)

section .bss
alignb 4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
global boot_stack_top
boot_stack:     resb 16384
boot_stack_top:
