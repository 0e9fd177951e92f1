/* kernel/drivers/pci.h — PCI configuration space through the legacy I/O ports
 * (configuration mechanism #1): enough to find a device, see where its
 * registers are and let it decode them and do DMA. */
#pragma once
#include "kernel/types.h"

struct pci_dev {
	u8 bus, slot, fn;
	u16 vendor, device;
};

/* Configuration registers (PCI Local Bus 3.0, 6.1): the type 0 header. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_INTERRUPT_LINE 0x3c /* the PIC line the firmware routed INTx to */
#define PCI_SUBORDINATE_BUS 0x1a /* a bridge's last bus below it (header type 1) */

#define PCI_COMMAND_IO 0x1     /* decode the I/O BARs */
#define PCI_COMMAND_MASTER 0x4 /* may start DMA */

u8 pci_read8(const struct pci_dev *d, u8 reg);
u16 pci_read16(const struct pci_dev *d, u8 reg);
u32 pci_read32(const struct pci_dev *d, u8 reg);
void pci_write8(const struct pci_dev *d, u8 reg, u8 v);
void pci_write16(const struct pci_dev *d, u8 reg, u16 v);
void pci_write32(const struct pci_dev *d, u8 reg, u32 v);

/* The functions with this vendor and device id, in bus/slot/function
 * order, at most max of them into out; returns how many there are. */
int pci_find(u16 vendor, u16 device, struct pci_dev *out, int max);

/* Base address n (0..5): the port or physical address it holds, and in
 * *io whether it is an I/O BAR. 0 if it is unused. A 64-bit memory BAR
 * takes n and n + 1. */
u64 pci_bar(const struct pci_dev *d, int n, bool *io);

void pci_enable(const struct pci_dev *d, u16 command_bits);
