/* kernel/drivers/virtio_blk.h — QEMU's virtio-blk-pci disks, for the block layer. */
#pragma once

void virtio_blk_probe(void); /* registers every disk found (blk_register) */
