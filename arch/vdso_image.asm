; arch/vdso_image.asm — the vDSO's image (arch/vdso/vdso.c, linked by the
; Makefile into build/obj/arch/vdso/vdso.so) inside the kernel's read-only
; data, on pages of its own: kernel/vdso.c maps these very pages into
; every process, read and execute, so nothing else may share them.

global vdso_image, vdso_image_end

section .rodata.vdso progbits alloc noexec nowrite align=4096
vdso_image:
	incbin "build/obj/arch/vdso/vdso.so"
	align 4096, db 0
vdso_image_end:
