; boot/multiboot2.asm — the Multiboot2 header GRUB looks for in the first 32 KiB.
; It names the physical entry point (the ELF entry is a higher-half address GRUB
; cannot jump to with paging off), asks for a linear framebuffer (what a UEFI
; machine can give) while accepting EGA text, and asks for page-aligned modules
; so the initramfs can be handed out frame by frame.

%include "boot/layout.inc"

MB2_MAGIC       equ 0xe85250d6
MB2_ARCH_I386   equ 0
TAG_END         equ 0
TAG_ENTRY       equ 3
TAG_FRAMEBUFFER equ 5
TAG_MODALIGN    equ 6
TAG_OPTIONAL    equ 1

extern _start32

section .multiboot2
align 8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

align 8
    dw TAG_ENTRY, 0
    dd 12
    dd _start32 - KERNEL_VMA

align 8
    dw TAG_FRAMEBUFFER, TAG_OPTIONAL     ; optional: EGA text is fine too
    dd 20
    dd 1024, 768, 32                     ; a preference; GRUB may pick another

align 8
    dw TAG_MODALIGN, 0
    dd 8

align 8
    dw TAG_END, 0
    dd 8
mb2_header_end:
