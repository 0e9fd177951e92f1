/* kernel/drivers/virtio_blk.h — QEMU's virtio-blk-pci disks, for the block layer. */
#pragma once

void virtio_blk_probe(void); /* registers every disk found (blk_register) */
/* IRQ line LINE came: acknowledge each disk on it (reading its ISR lowers
 * the line, which is level-triggered and may be shared). */
void virtio_blk_intr(int line);
