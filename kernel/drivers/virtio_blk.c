/* kernel/drivers/virtio_blk.c — QEMU's virtio-blk-pci disks through the legacy
 * (virtio 0.9.5) interface that a transitional device, QEMU's default,
 * still offers: a few registers in the I/O BAR0 and one virtqueue handed
 * over as a page number. No capability lists to parse and no MMIO to map.
 * Requests go one at a time and the kernel waits for each: a swap-in has
 * nothing else to do meanwhile. It waits halted (sti; hlt) until the
 * device's interrupt says the request is done, not spinning on the ring: a
 * spinning guest keeps its host CPU busy, and under QEMU that CPU is the
 * one the emulated disk's own I/O thread needs (two boots side by side in
 * `make test` took twice as long). A device whose INTx line the firmware
 * did not route is polled. */
#include "kernel/drivers/virtio_blk.h"
#include "arch/pic.h"
#include "arch/x86.h"
#include "kernel/drivers/blk.h"
#include "kernel/errno.h"
#include "kernel/drivers/pci.h"
#include "kernel/printk.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_BLK_TRANSITIONAL 0x1001
#define VIRTIO_BLK_MODERN 0x1042 /* 0x1040 + device type 2 (virtio 1.0 4.1.2.1) */
#define MAX_DEVICES 32

/* The legacy header in BAR0 (virtio 1.0 4.1.4.8). The device's own
 * configuration follows it at 0x14 while MSI-X is off; it would move to
 * 0x18 if we enabled MSI-X, which we never do. */
#define REG_HOST_FEATURES 0x00
#define REG_GUEST_FEATURES 0x04
#define REG_QUEUE_PFN 0x08
#define REG_QUEUE_SIZE 0x0c
#define REG_QUEUE_SELECT 0x0e
#define REG_QUEUE_NOTIFY 0x10
#define REG_STATUS 0x12
#define REG_ISR 0x13      /* reading it acknowledges the interrupt (lowers INTx) */
#define REG_CAPACITY 0x14 /* virtio-blk: u64, in 512-byte sectors */

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FAILED 128

/* The one feature taken: the rest (flush, geometry, segment limits,
 * indirect descriptors, event index) change nothing a request of one
 * contiguous buffer needs. Without FLUSH, QEMU writes through its cache. */
#define VIRTIO_BLK_F_RO (1u << 5)

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2        /* the device writes this buffer */
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_ALIGN 4096            /* legacy: the used ring starts on a page */

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_S_OK 0

#define MAX_SECTORS 128 /* 64 KiB a request */
/* Nothing calibrates the TSC, but no machine that runs this kernel ticks it
 * slower than 1 GHz (QEMU's TCG passes the host's through): 10^10 ticks is
 * at most ten seconds, far beyond any answer from a healthy disk. */
#define TIMEOUT_TICKS 10000000000ul

#define barrier() asm volatile("" ::: "memory")

#define NO_IRQ 0xff /* PCI: the interrupt line register's "unknown, or none" */

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[]; /* then u16 used_event, unused without VIRTIO_RING_F_EVENT_IDX */
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct {
		u32 id, len;
	} ring[];
};

struct req_header {
	u32 type;
	u32 reserved;
	u64 sector;
};

struct vblk {
	struct blkdev blk; /* first: the block layer's handle is ours */
	u16 io;            /* BAR0 */
	u16 qsize;
	u16 used_seen;     /* used->idx when our last request completed */
	bool dead;         /* timed out and reset */
	u8 irq;            /* its INTx line at the PIC, or NO_IRQ: polled */
	struct vring_desc *desc;
	struct vring_avail *avail;
	volatile struct vring_used *used;
	/* The request's header and status travel by DMA: kmalloc keeps them
	 * in the direct map. */
	struct req_header hdr;
	volatile u8 status;
};

/* Legacy layout (virtio 0.9.5 2.3): 16-byte descriptors, the available
 * ring (flags, idx, ring, used_event), padding to VRING_ALIGN, the used
 * ring (flags, idx, 8-byte elements, avail_event). */
static size_t used_offset(u16 q) { return ALIGN_UP(16ul * q + 2ul * (3 + q), VRING_ALIGN); }
static size_t vring_pages(u16 q)
{
	return (used_offset(q) + ALIGN_UP(6 + 8ul * q, VRING_ALIGN)) / PAGE_SIZE;
}

/* Only the direct map and the kernel image translate to a physical
 * address by an offset; a kernel stack or ioremap address would send the
 * device's DMA somewhere else entirely. */
static bool dma_addressable(const void *buf)
{
	u64 va = (u64)buf;
	return (va >= DIRECT_MAP && va < IOREMAP_AREA) || va >= KERNEL_VMA;
}

/* Bounded: a device that stops answering must not hang the kernel. */
static bool wait_used(struct vblk *v)
{
	u64 start = rdtsc();
	bool enabled = read_rflags() & RFLAGS_IF; /* at boot they are on */
	while (v->used->idx == v->used_seen) {
		if (rdtsc() - start > TIMEOUT_TICKS)
			return false;
		if (v->irq == NO_IRQ) {
			__builtin_ia32_pause();
			continue;
		}
		/* STI takes effect after the next instruction, so an interrupt
		 * that came after the test above wakes the HLT instead of being
		 * taken before it and leaving it asleep (the timer's tick would
		 * end the wait anyway, 10 ms later). */
		sti();
		hlt();
		if (!enabled)
			cli();
	}
	v->used_seen++;
	barrier(); /* the status and data are read only after the index */
	return true;
}

/* A reset makes the device drop the ring (QEMU's waits for the request in
 * flight first), so it will not write into a buffer its caller reuses. */
static int timed_out(struct vblk *v)
{
	printk("virtio-blk: %s: no answer in 10^10 TSC ticks (seconds): device reset, "
	       "its I/O fails from now on\n", v->blk.name);
	outb(v->io + REG_STATUS, 0);
	v->dead = true;
	return -EIO;
}

/* Three descriptors: the header, the data (the device writes it on a
 * read), the status byte (always device-written). x86 is TSO: stores
 * become visible in program order and loads are not reordered with loads,
 * so only the compiler must be kept from reordering (Linux's virt_wmb and
 * virt_rmb are compiler barriers on x86 too). The barrier before outw
 * matters as well, since outw's asm does not clobber memory. */
static int vblk_rw(struct blkdev *bd, bool write, u64 sector, void *buf, u32 n)
{
	struct vblk *v = (struct vblk *)bd;
	if (v->dead)
		return -EIO;
	if (!dma_addressable(buf))
		return -EINVAL;
	v->hdr = (struct req_header){ write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 0, sector };
	v->status = 0xff; /* a device that never writes it has not succeeded */
	v->desc[0] = (struct vring_desc){ virt_to_phys(&v->hdr), sizeof(v->hdr), VRING_DESC_F_NEXT, 1 };
	v->desc[1] = (struct vring_desc){ virt_to_phys(buf), n * SECTOR_SIZE,
					  VRING_DESC_F_NEXT | (write ? 0 : VRING_DESC_F_WRITE), 2 };
	v->desc[2] = (struct vring_desc){ virt_to_phys((const void *)&v->status), 1,
					  VRING_DESC_F_WRITE, 0 };
	v->avail->ring[v->avail->idx % v->qsize] = 0;
	barrier(); /* the chain and its slot before the index that publishes them */
	v->avail->idx++;
	barrier();
	outw(v->io + REG_QUEUE_NOTIFY, 0);
	if (!wait_used(v))
		return timed_out(v);
	return v->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
}

static const char *setup_queue(struct vblk *v)
{
	outw(v->io + REG_QUEUE_SELECT, 0);
	u16 q = inw(v->io + REG_QUEUE_SIZE);
	if (q < 3)
		return "queue 0 has fewer than the 3 descriptors a request takes";
	u64 pa = frame_alloc_contig(vring_pages(q));
	if (!pa)
		return "no memory for the virtqueue";
	char *ring = phys_to_virt(pa);
	v->qsize = q;
	v->desc = (struct vring_desc *)ring;
	v->avail = (struct vring_avail *)(ring + 16ul * q);
	v->used = (struct vring_used *)(ring + used_offset(q));
	v->avail->flags = v->irq == NO_IRQ ? VRING_AVAIL_F_NO_INTERRUPT : 0; /* polled: none */
	outl(v->io + REG_QUEUE_PFN, (u32)(pa >> PAGE_SHIFT));
	return NULL;
}

/* The legacy initialisation sequence (virtio 0.9.5 2.2.1): reset,
 * acknowledge, driver, features, queues, then DRIVER_OK. */
static const char *start(struct vblk *v)
{
	outb(v->io + REG_STATUS, 0);
	outb(v->io + REG_STATUS, STATUS_ACKNOWLEDGE);
	outb(v->io + REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	u32 features = inl(v->io + REG_HOST_FEATURES) & VIRTIO_BLK_F_RO;
	outl(v->io + REG_GUEST_FEATURES, features);
	const char *err = setup_queue(v);
	if (err)
		return err;
	v->blk.sectors = inl(v->io + REG_CAPACITY) | (u64)inl(v->io + REG_CAPACITY + 4) << 32;
	v->blk.readonly = features & VIRTIO_BLK_F_RO;
	v->blk.rw = vblk_rw;
	v->blk.max_sectors = MAX_SECTORS;
	outb(v->io + REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	return NULL;
}

/* The devices that interrupt, for virtio_blk_intr. */
static struct vblk *devices[MAX_DEVICES];
static int ndevices;

/* The PIC line the firmware routed the device's INTx to (PCI 3.0 6.2.4,
 * the interrupt line register), or NO_IRQ: none, or one the timer, the
 * keyboard or the cascade owns. */
static u8 irq_line(const struct pci_dev *pd)
{
	u8 line = pci_read8(pd, PCI_INTERRUPT_LINE);
	return line < 16 && line > 2 ? line : NO_IRQ;
}

static void unsupported(const struct pci_dev *pd)
{
	printk("virtio-blk: pci %02x:%02x.%x: unsupported (modern-only) virtio device: skipped\n",
	       pd->bus, pd->slot, pd->fn);
}

/* A transitional device must put the legacy registers in an I/O BAR0
 * (virtio 1.0 4.1.5.1); without one only the modern interface is left. */
static void probe_one(const struct pci_dev *pd)
{
	bool io;
	u64 bar = pci_bar(pd, 0, &io);
	if (!io || !bar) {
		unsupported(pd);
		return;
	}
	struct vblk *v = kmalloc(sizeof(*v));
	if (!v) {
		printk("virtio-blk: io 0x%lx: no memory\n", bar);
		return;
	}
	v->io = (u16)bar;
	v->irq = irq_line(pd);
	pci_enable(pd, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	const char *err = start(v);
	if (err) {
		outb(v->io + REG_STATUS, STATUS_FAILED);
		printk("virtio-blk: io 0x%x: %s\n", v->io, err);
		kfree(v);
		return;
	}
	char what[32];
	snprintf(what, sizeof(what), "virtio-blk at io 0x%x", v->io);
	blk_register(&v->blk, what);
	if (v->irq != NO_IRQ && ndevices < MAX_DEVICES) {
		devices[ndevices++] = v;
		pic_unmask(v->irq);
	}
}

void virtio_blk_intr(int line)
{
	for (int i = 0; i < ndevices; i++)
		if (devices[i]->irq == line)
			inb(devices[i]->io + REG_ISR); /* shared lines: ask each */
}

static void each(u16 device, void (*fn)(const struct pci_dev *))
{
	struct pci_dev found[MAX_DEVICES];
	int n = pci_find(VIRTIO_VENDOR, device, found, MAX_DEVICES);
	for (int i = 0; i < MIN(n, MAX_DEVICES); i++)
		fn(&found[i]);
}

void virtio_blk_probe(void)
{
	each(VIRTIO_BLK_TRANSITIONAL, probe_one);
	each(VIRTIO_BLK_MODERN, unsupported);
}
