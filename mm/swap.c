/* mm/swap.c — swap areas on block devices, in Linux's own format, so a disk
 * prepared by util-linux's mkswap is accepted as it is.
 *
 * Page 0 of the area is the header: the signature "SWAPSPACE2" in its last
 * ten bytes, and at offset 1024 the version (1), the last usable page, and
 * a list of bad pages. Every other page is a slot. Each area has a priority:
 * given with SWAP_FLAG_PREFER, else -1, -2, ... in order of activation, as
 * Linux assigns them. swap_alloc() takes a slot from the highest-priority
 * area that has one, and rotates among areas of equal priority, so a small
 * fast disk at high priority fills first and a slower one takes the rest. */
#include "mm/swap.h"
#include "kernel/drivers/blk.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/reclaim.h"

#define SECTORS_PER_PAGE (PAGE_SIZE / 512)
#define SLOT_BAD 0xff

struct swap_header {
	char bootbits[1024];
	u32 version, last_page, nr_badpages;
	u8 uuid[16];
	char volume_name[16];
	u32 padding[117];
	u32 badpages[];
};

struct swap_area {
	struct blkdev *dev;
	char name[32];
	int prio;
	u64 pages;          /* slots, counting the header page */
	u64 used;           /* slots in use */
	u8 *count;          /* per slot: references, or SLOT_BAD */
	u64 hint;
	u64 swapins, swapouts;
	u32 order;          /* activation order: ties among equal priorities */
};

static struct swap_area areas[MAX_SWAP_AREAS];
static int least_priority = -1; /* Linux's: the first area without a priority gets -2 */
static u32 rotation;

static struct swap_area *area_of(swp_entry_t e)
{
	u64 a = e >> 32, slot = e & 0xffffffff;
	if (a >= MAX_SWAP_AREAS || !areas[a].dev || slot == 0 || slot >= areas[a].pages)
		panic("swap: bad swap entry %lx", e);
	return &areas[a];
}

static u64 slot_of(swp_entry_t e) { return e & 0xffffffff; }

static int check_header(const struct swap_header *h, u64 dev_pages)
{
	if (memcmp((const char *)h + PAGE_SIZE - 10, "SWAPSPACE2", 10) != 0 || h->version != 1)
		return -EINVAL;
	if (h->last_page < 1 || h->last_page >= dev_pages || h->nr_badpages > 637)
		return -EINVAL;
	return 0;
}

static int read_header(struct blkdev *dev, struct swap_header *h)
{
	u64 dev_pages = dev->sectors / SECTORS_PER_PAGE;
	if (dev_pages < 2 || blk_read(dev, 0, h, SECTORS_PER_PAGE) < 0)
		return -EINVAL;
	return check_header(h, dev_pages);
}

static int setup_area(struct swap_area *a, const struct swap_header *h)
{
	a->pages = (u64)h->last_page + 1;
	a->count = kmalloc(a->pages);
	if (!a->count)
		return -ENOMEM;
	a->count[0] = SLOT_BAD; /* the header */
	for (u32 i = 0; i < h->nr_badpages; i++)
		if (h->badpages[i] < a->pages)
			a->count[h->badpages[i]] = SLOT_BAD;
	a->hint = 1;
	return 0;
}

int swap_on(struct blkdev *dev, const char *name, int flags)
{
	struct swap_area *a = NULL;
	for (int i = 0; i < MAX_SWAP_AREAS; i++) {
		if (areas[i].dev == dev)
			return -EBUSY;
		if (!areas[i].dev && !a)
			a = &areas[i];
	}
	if (flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	if (!a)
		return -EPERM; /* Linux: too many swap areas */
	struct swap_header *h = kmalloc(PAGE_SIZE);
	if (!h)
		return -ENOMEM;
	int err = read_header(dev, h);
	*a = (struct swap_area){ .dev = NULL };
	if (!err)
		err = setup_area(a, h);
	kfree(h);
	if (err)
		return err;
	a->prio = (flags & SWAP_FLAG_PREFER) ? (flags & SWAP_FLAG_PRIO_MASK) : --least_priority;
	a->order = rotation++;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->dev = dev;
	pr_info("swap: %s on, %lu KiB, priority %d\n", name, (a->pages - 1) * 4, a->prio);
	return 0;
}

/* Among areas with a free slot: the highest priority; among equals, the one
 * used longest ago (so they take turns). */
static struct swap_area *pick_area(void)
{
	struct swap_area *best = NULL;
	for (struct swap_area *a = areas; a < areas + MAX_SWAP_AREAS; a++) {
		if (!a->dev || a->used + 1 >= a->pages)
			continue;
		if (!best || a->prio > best->prio || (a->prio == best->prio && a->order < best->order))
			best = a;
	}
	return best;
}

swp_entry_t swap_alloc(void)
{
	struct swap_area *a = pick_area();
	if (!a)
		return 0;
	a->order = rotation++;
	for (u64 n = 0; n < a->pages; n++) {
		u64 slot = (a->hint + n) % a->pages;
		if (a->count[slot] == 0) {
			a->count[slot] = 1;
			a->used++;
			a->hint = slot + 1;
			return ((u64)(a - areas) << 32) | slot;
		}
	}
	return 0;
}

bool swap_dup(swp_entry_t e)
{
	struct swap_area *a = area_of(e);
	if (a->count[slot_of(e)] >= SWAP_MAX_REFS)
		return false;
	a->count[slot_of(e)]++;
	return true;
}

void swap_free(swp_entry_t e)
{
	struct swap_area *a = area_of(e);
	u8 *c = &a->count[slot_of(e)];
	if (*c == 0 || *c == SLOT_BAD)
		panic("swap_free: slot %lx is not in use", e);
	if (--*c == 0)
		a->used--;
}

unsigned swap_count(swp_entry_t e)
{
	return area_of(e)->count[slot_of(e)];
}

int swap_write(swp_entry_t e, const void *page)
{
	struct swap_area *a = area_of(e);
	a->swapouts++;
	return blk_write(a->dev, slot_of(e) * SECTORS_PER_PAGE, page, SECTORS_PER_PAGE) < 0 ? -EIO : 0;
}

int swap_read(swp_entry_t e, void *page)
{
	struct swap_area *a = area_of(e);
	a->swapins++;
	return blk_read(a->dev, slot_of(e) * SECTORS_PER_PAGE, page, SECTORS_PER_PAGE) < 0 ? -EIO : 0;
}

void swap_stats(struct swap_stats *s)
{
	*s = (struct swap_stats){ 0 };
	for (struct swap_area *a = areas; a < areas + MAX_SWAP_AREAS; a++) {
		if (!a->dev)
			continue;
		s->total_pages += a->pages - 1;
		s->free_pages += a->pages - 1 - a->used;
	}
}

bool swap_half_full(void)
{
	struct swap_stats s;
	swap_stats(&s);
	return s.free_pages * 2 < s.total_pages;
}

size_t swap_show(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (struct swap_area *a = areas; a < areas + MAX_SWAP_AREAS && n < size; a++)
		if (a->dev)
			n += (size_t)snprintf(buf + n, size - n, "%-40s partition\t%lu\t\t%lu\t\t%d\n",
					      a->name, (a->pages - 1) * 4, a->used * 4, a->prio);
	return MIN(n, size);
}

size_t swap_show_counters(char *buf, size_t size)
{
	size_t n = 0;
	for (struct swap_area *a = areas; a < areas + MAX_SWAP_AREAS && n < size; a++)
		if (a->dev)
			n += (size_t)snprintf(buf + n, size - n, "pswpin_%s %lu\npswpout_%s %lu\n",
					      a->dev->name, a->swapins, a->dev->name, a->swapouts);
	return MIN(n, size);
}

/* An area with an automatic (negative) priority goes: as Linux does, every
 * automatic priority below it moves up one, and so does the next to give. */
static void renumber_after(int prio)
{
	if (prio >= 0)
		return;
	for (struct swap_area *a = areas; a < areas + MAX_SWAP_AREAS; a++)
		if (a->dev && a->prio < prio)
			a->prio++;
	least_priority++;
}

int swap_off(struct blkdev *dev)
{
	for (struct swap_area *a = areas; a < areas + MAX_SWAP_AREAS; a++) {
		if (a->dev != dev)
			continue;
		int err = swapin_area((int)(a - areas));
		if (err)
			return err;
		kfree(a->count);
		pr_info("swap: %s off\n", a->name);
		renumber_after(a->prio);
		*a = (struct swap_area){ 0 };
		return 0;
	}
	return -EINVAL;
}
