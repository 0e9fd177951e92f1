/* tests/kernel/swap_test.c — the article's corner case at the kernel level:
 * a user page pushed out to swap is read by copy_from_user and get_user,
 * which fault in kernel mode, swap it back in and retry; with the disk
 * failing, the same reads end in the exception-table fixup (-EFAULT, a short
 * count) and the kernel lives on. Needs a mkswap'd disk as vdb (the test
 * harness attaches one); a raw disk as vda must be refused as swap. */
#include "kernel/accounting.h"
#include "kernel/drivers/blk.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/reclaim.h"
#include "mm/swap.h"
#include "mm/uaccess.h"
#include "tests/kernel/usermem.h"

#define U USERMEM

static struct blkdev *swap_disk(void)
{
	struct blkdev *d = blk_get("vdb");
	if (!d)
		printk("# no swap disk attached as vdb: skipped\n");
	else if (swap_on(d, "/dev/vdb", 0) != 0)
		d = NULL;
	return d;
}

static bool swapped_out(struct proc *p, u64 va)
{
	pte_t *pte = walk(p->mm->pml4, va, false);
	return pte && pte_is_swap(*pte);
}

KTEST(swap_uaccess_swaps_page_back_in)
{
	struct blkdev *d = swap_disk();
	if (!d)
		return;
	struct proc *p = usermem_begin(2);
	static u8 page[4096], back[4096];
	for (int i = 0; i < 4096; i++)
		page[i] = (u8)(i * 13);
	KEXPECT_EQ(copy_to_user(uptr(U), page, sizeof(page)), 0);
	u64 ins = vmstat.pswpin;
	KEXPECT(page_out(p->mm, U));
	KEXPECT(swapped_out(p, U));
	KEXPECT_EQ(copy_from_user(back, uptr(U), sizeof(back)), 0); /* faults, swaps in, retries */
	KEXPECT(memcmp(back, page, sizeof(page)) == 0);
	KEXPECT(!swapped_out(p, U));
	KEXPECT_EQ(vmstat.pswpin, ins + 1);

	KEXPECT(page_out(p->mm, U)); /* clean since it came back: no write needed */
	u32 word = 0;
	KEXPECT_EQ(get_user(word, (u32 __user *)uptr(U + 8)), 0);
	KEXPECT_EQ(word, *(u32 *)(page + 8));
	usermem_end(p);
	KEXPECT_EQ(swap_off(d), 0);
}

KTEST(swap_read_error_is_efault_not_oops)
{
	struct blkdev *d = swap_disk();
	if (!d)
		return;
	struct proc *p = usermem_begin(2);
	static u8 page[4096];
	memset(page, 0x5a, sizeof(page));
	KEXPECT_EQ(copy_to_user(uptr(U), page, sizeof(page)), 0);
	KEXPECT(page_out(p->mm, U));
	blk_set_fail(d, true);
	size_t frames = frames_back();
	memset(page, 0x77, sizeof(page));
	KEXPECT_EQ(copy_from_user(page, uptr(U), sizeof(page)), sizeof(page));
	KEXPECT_EQ(page[0], 0); /* the uncopied tail (all of it) is zeroed */
	u64 v = 1;
	KEXPECT_EQ(get_user(v, (u64 __user *)uptr(U)), -EFAULT);
	KEXPECT_EQ(v, 0);
	KEXPECT(swapped_out(p, U)); /* still in swap: nothing was lost */
	KEXPECT_EQ(frames_back(), frames); /* each failed read gave its frame back */
	blk_set_fail(d, false);
	KEXPECT_EQ(get_user(v, (u64 __user *)uptr(U)), 0);
	KEXPECT_EQ(v, 0x5a5a5a5a5a5a5a5aul);
	usermem_end(p);
	KEXPECT_EQ(swap_off(d), 0);
}

KTEST(swap_refuses_a_disk_without_signature)
{
	struct blkdev *raw = blk_get("vda");
	if (!raw) {
		printk("# no raw disk attached as vda: skipped\n");
		return;
	}
	KEXPECT_EQ(swap_on(raw, "/dev/vda", 0), -EINVAL);
}
