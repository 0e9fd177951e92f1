/* kernel/drivers/pci.c — PCI configuration space through ports 0xCF8/0xCFC, which
 * every PC chipset (and QEMU's i440FX and Q35) implements; the memory-mapped
 * ECAM would need ACPI's MCFG table to find. An access is two steps, the
 * address then the data, so two must never interleave; none can, since
 * kernel code runs with interrupts off and no interrupt handler touches PCI. */
#include "kernel/drivers/pci.h"
#include "arch/x86.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define CONFIG_ENABLE 0x80000000u

#define NSLOT 32
#define NFN 8
#define HEADER_MULTI_FUNCTION 0x80
#define HEADER_BRIDGE 0x01 /* header type 1: a PCI-to-PCI bridge */
#define NO_DEVICE 0xffff /* what an empty slot answers to any read */

#define BAR_IO 0x1
#define BAR_TYPE_MASK 0x6
#define BAR_TYPE_64 0x4
#define BAR_IO_MASK 0xfffffffcu
#define BAR_MEM_MASK 0xfffffff0u

/* Selects the register's dword (bits 7:2 of the address, PCI 3.0 3.2.2.3.2);
 * the byte lanes within it are reached at CONFIG_DATA + (reg & 3). */
static u16 config_port(const struct pci_dev *d, u8 reg)
{
	outl(CONFIG_ADDRESS, CONFIG_ENABLE | (u32)d->bus << 16 | (u32)d->slot << 11 |
				     (u32)d->fn << 8 | (reg & 0xfc));
	return CONFIG_DATA + (reg & 3);
}

u8 pci_read8(const struct pci_dev *d, u8 reg) { return inb(config_port(d, reg)); }
u16 pci_read16(const struct pci_dev *d, u8 reg) { return inw(config_port(d, reg)); }
u32 pci_read32(const struct pci_dev *d, u8 reg) { return inl(config_port(d, reg)); }
void pci_write8(const struct pci_dev *d, u8 reg, u8 v) { outb(config_port(d, reg), v); }
void pci_write16(const struct pci_dev *d, u8 reg, u16 v) { outw(config_port(d, reg), v); }
void pci_write32(const struct pci_dev *d, u8 reg, u32 v) { outl(config_port(d, reg), v); }

/* Function 0 says whether the others exist (header type bit 7); probing
 * functions 1..7 of a single-function device may find function 0 again,
 * as some old chipsets decode only the slot. */
static int slot_functions(const struct pci_dev *d)
{
	return pci_read8(d, PCI_HEADER_TYPE) & HEADER_MULTI_FUNCTION ? NFN : 1;
}

/* The highest bus number a device reports behind it: a PCI-to-PCI bridge
 * (header type 1) says the last bus below it in its subordinate bus number
 * register (PCI-to-PCI Bridge spec 3.2.5.6); 0 for anything else. */
static int last_bus_below(const struct pci_dev *d)
{
	if ((pci_read8(d, PCI_HEADER_TYPE) & ~HEADER_MULTI_FUNCTION) != HEADER_BRIDGE)
		return 0;
	return pci_read8(d, PCI_SUBORDINATE_BUS);
}

/* The firmware has numbered the buses depth first, so every bus lies
 * between 0 and the highest subordinate number a bridge reports: the scan
 * stops there instead of trying all 256 buses (8,192 slots, ~230,000
 * instructions of the boot on a machine whose devices sit on bus 0). A
 * second host bridge with a root bus of its own (large servers, QEMU's
 * pxb) is not followed; nothing faultline drives sits behind one. */
int pci_find(u16 vendor, u16 device, struct pci_dev *out, int max)
{
	int n = 0, last_bus = 0;
	for (int bus = 0; bus <= last_bus; bus++) {
		for (int slot = 0; slot < NSLOT; slot++) {
			struct pci_dev d = { (u8)bus, (u8)slot, 0, 0, 0 };
			if (pci_read16(&d, PCI_VENDOR_ID) == NO_DEVICE)
				continue;
			for (int fn = 0, nfn = slot_functions(&d); fn < nfn; fn++) {
				d.fn = (u8)fn;
				d.vendor = pci_read16(&d, PCI_VENDOR_ID);
				if (d.vendor == NO_DEVICE)
					continue;
				d.device = pci_read16(&d, PCI_DEVICE_ID);
				int below = last_bus_below(&d);
				last_bus = below > last_bus ? below : last_bus;
				if (d.vendor != vendor || d.device != device)
					continue;
				if (n < max)
					out[n] = d;
				n++;
			}
		}
	}
	return n;
}

/* PCI 3.0 6.2.5.1: bit 0 tells I/O from memory; a memory BAR's bits 2:1
 * say 64-bit, and then the next BAR holds the upper half. */
u64 pci_bar(const struct pci_dev *d, int n, bool *io)
{
	u8 reg = (u8)(PCI_BAR0 + 4 * n);
	u32 lo = pci_read32(d, reg);
	*io = lo & BAR_IO;
	if (*io)
		return lo & BAR_IO_MASK;
	u64 addr = lo & BAR_MEM_MASK;
	if ((lo & BAR_TYPE_MASK) == BAR_TYPE_64)
		addr |= (u64)pci_read32(d, reg + 4) << 32;
	return addr;
}

void pci_enable(const struct pci_dev *d, u16 command_bits)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | command_bits);
}
