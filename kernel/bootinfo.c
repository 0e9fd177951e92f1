/* kernel/bootinfo.c — reads the Multiboot2 boot information (spec section 3.6):
 * a size header then 8-byte-aligned tags, each {type, size, payload}, ending
 * with tag type 0. Only the tags faultline needs are decoded. */
#include "kernel/bootinfo.h"
#include "kernel/string.h"
#include "mm/layout.h"

enum {
	TAG_END = 0,
	TAG_CMDLINE = 1,
	TAG_LOADER = 2,
	TAG_MODULE = 3,
	TAG_MMAP = 6,
	TAG_FRAMEBUFFER = 8,
	TAG_EFI32 = 11,
	TAG_EFI64 = 12,
};

struct tag {
	u32 type, size;
};

struct mmap_tag {
	struct tag t;
	u32 entry_size, entry_version;
	struct PACKED {
		u64 base, len;
		u32 type, reserved;
	} e[];
};

struct module_tag {
	struct tag t;
	u32 start, end;
	char name[];
};

struct fb_tag {
	struct tag t;
	u64 addr;
	u32 pitch, width, height;
	u8 bpp, type;
	u16 reserved;
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct bootinfo bootinfo;

static void copy_string(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void parse_mmap(const struct mmap_tag *m)
{
	const u8 *p = (const u8 *)m->e, *end = (const u8 *)m + m->t.size;
	for (; p + m->entry_size <= end && bootinfo.nmem < MAX_MEMRANGES; p += m->entry_size) {
		const struct memrange src = { ((const u64 *)p)[0], ((const u64 *)p)[1],
					      ((const u32 *)p)[4] };
		bootinfo.mem[bootinfo.nmem++] = src;
	}
}

static void parse_module(const struct module_tag *m)
{
	if (bootinfo.nmod == MAX_MODULES)
		return;
	struct module *mod = &bootinfo.mod[bootinfo.nmod++];
	mod->start = m->start;
	mod->end = m->end;
	copy_string(mod->name, sizeof(mod->name), m->name);
}

static void parse_fb(const struct fb_tag *f)
{
	struct fbinfo *fb = &bootinfo.fb;
	*fb = (struct fbinfo){ .phys = f->addr, .pitch = f->pitch, .width = f->width,
			       .height = f->height, .bpp = f->bpp, .type = f->type };
	if (f->type == FB_TYPE_RGB) {
		fb->red_pos = f->red_pos;
		fb->red_size = f->red_size;
		fb->green_pos = f->green_pos;
		fb->green_size = f->green_size;
		fb->blue_pos = f->blue_pos;
		fb->blue_size = f->blue_size;
	} else if (f->type != FB_TYPE_EGA_TEXT) {
		fb->phys = 0; /* indexed colour: not supported, serial only */
	}
}

/* The boot page tables direct-map the first 4 GiB, where GRUB puts the info. */
void bootinfo_parse(u64 info_phys)
{
	const u8 *info = phys_to_virt(info_phys);
	bootinfo.info_phys = info_phys;
	bootinfo.info_size = *(const u32 *)info;
	for (const u8 *p = info + 8; p < info + bootinfo.info_size;) {
		const struct tag *t = (const struct tag *)p;
		switch (t->type) {
		case TAG_END:
			return;
		case TAG_CMDLINE:
			copy_string(bootinfo.cmdline, sizeof(bootinfo.cmdline), (const char *)(t + 1));
			break;
		case TAG_LOADER:
			copy_string(bootinfo.loader, sizeof(bootinfo.loader), (const char *)(t + 1));
			break;
		case TAG_MODULE:
			parse_module((const struct module_tag *)t);
			break;
		case TAG_MMAP:
			parse_mmap((const struct mmap_tag *)t);
			break;
		case TAG_FRAMEBUFFER:
			parse_fb((const struct fb_tag *)t);
			break;
		case TAG_EFI32:
		case TAG_EFI64:
			bootinfo.uefi = true;
			break;
		}
		p += ALIGN_UP(t->size, 8u);
	}
}
