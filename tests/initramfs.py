"""tests/initramfs.py — owns booting a user program as faultline's /init:
the cpio initramfs and ISO that carry it, and its console output and exit
status read back from the serial line.

tests/run-program (one program, by hand) and tests/run (every program of
user/expect.txt, and the ring-3 runner) both boot programs this way, so the
two cannot drift; tests/run also puts every test program in /bin, for the
programs that execve another, and user/expect.txt in /etc for the runner.

  - The initramfs is a cpio "newc" archive written here, not by cpio(1), so
    the format is visible in one place and there is nothing to install.
  - The kernel gets `quiet [swapon=vda,...] -- ARGS`: kernel flags before
    `--`, the program's argv after it. `quiet` silences the kernel's own log;
    any line that still starts with a "[    0.123]" timestamp is the
    kernel's and is dropped.
  - Swap disks are attached first, as vda, vdb, ..., and named in swapon=
    in the same order: the first gets the highest priority, as on Linux.
  - The kernel ends the run with "faultline: init exited with status S" and
    exits QEMU; a signal death is S = 128 + the signal's number, an init
    it cannot start 127 (no such file, or a dynamically linked program's
    loader missing) or 126 (any other exec error), as a shell says them. Just before
    that it prints LEAK_FAILED if frames or heap bytes did not come back,
    and before that a LEFTOVER line for each file or directory the programs
    left in the ramfs (named, and not counted as a leak).
"""

import os
import re
import shlex
import struct
import subprocess
import tempfile

import qemu

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATUS_LINE = re.compile(r"faultline: init exited with status (\d+)")
KERNEL_LOG = re.compile(r"\[[\d .]*\]")
LEAK_FAILED = "faultline: leak check FAILED"
# Files a program left in the ramfs: named, not counted as leaks.
LEFTOVER = "faultline: leftover "

# ---- cpio newc ----------------------------------------------------------------
# Each member: "070701", 13 fields of 8 hex digits, the name with its NUL
# padded so the data starts on a 4-byte boundary, the data padded to 4 bytes.
# A member named TRAILER!!! ends the archive.

CPIO_MAGIC = b"070701"
CPIO_FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
               "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize",
               "check")
CPIO_HEADER_SIZE = len(CPIO_MAGIC) + 8 * len(CPIO_FIELDS)   # 110
CPIO_TRAILER = "TRAILER!!!"
S_IFDIR = 0o040000
S_IFREG = 0o100000
S_IFLNK = 0o120000


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def cpio_member(ino, name, mode, data=b""):
    fields = dict.fromkeys(CPIO_FIELDS, 0)
    fields.update(ino=ino, mode=mode, filesize=len(data),
                  nlink=2 if mode & S_IFDIR else 1,
                  namesize=len(name.encode()) + 1)
    header = CPIO_MAGIC + b"".join(b"%08x" % fields[f] for f in CPIO_FIELDS)
    return pad4(header + name.encode() + b"\0") + pad4(data)


def make_cpio(entries):
    """entries: (name, mode, data) in archive order; names have no leading
    '/', as in the archives Linux and most tools produce. mtime and owner
    are 0 so the same input always gives the same archive."""
    members = [cpio_member(ino, name, mode, data)
               for ino, (name, mode, data) in enumerate(entries, start=1)]
    return b"".join(members) + cpio_member(0, CPIO_TRAILER, 0)


def parse_cpio(archive):
    """The (name, mode, data) entries of a newc archive; used to check
    make_cpio, and a reference for the kernel's own reader."""
    entries, pos = [], 0
    while True:
        if archive[pos:pos + 6] != CPIO_MAGIC:
            raise ValueError(f"no cpio magic at offset {pos}")
        raw = archive[pos + 6:pos + CPIO_HEADER_SIZE]
        fields = {f: int(raw[8 * i:8 * i + 8], 16) for i, f in enumerate(CPIO_FIELDS)}
        name_end = pos + CPIO_HEADER_SIZE + fields["namesize"]
        name = archive[pos + CPIO_HEADER_SIZE:name_end - 1].decode()
        data_start = name_end + (-name_end % 4)
        data_end = data_start + fields["filesize"]
        if name == CPIO_TRAILER:
            return entries
        entries.append((name, fields["mode"], archive[data_start:data_end]))
        pos = data_end + (-data_end % 4)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def named(path):
    """(name in the archive, file): PATH under its own name, or a given
    (NAME, PATH) pair."""
    return path if isinstance(path, tuple) else (os.path.basename(path), path)


def initramfs_entries(program, bin_programs=(), etc_files=(), bin_links=()):
    """/init is the program; the directories are where the kernel puts its
    device nodes and mounts, since a cpio made without root can't hold nodes.
    BIN_PROGRAMS, if any, go in /bin, where test programs that execve others
    (exec, spawn run /bin/echoargs) expect to find them; ETC_FILES in /etc
    (the runner's /etc/expect.txt). Each is a path, or (NAME, PATH) to go
    in under another name. BIN_LINKS: (NAME, TARGET) symlinks in /bin."""
    dirs = [(name, S_IFDIR | 0o755, b"") for name in ("dev", "tmp", "proc")]
    files = []
    for directory, paths, mode in (("bin", bin_programs, 0o755), ("etc", etc_files, 0o644)):
        if paths:
            dirs.append((directory, S_IFDIR | 0o755, b""))
        files += [(f"{directory}/{name}", S_IFREG | mode, read(path))
                  for name, path in map(named, paths)]
    files += [(f"bin/{name}", S_IFLNK | 0o777, target.encode()) for name, target in bin_links]
    return dirs + files + [("init", S_IFREG | 0o755, read(program))]


def self_check():
    """Round-trip archives whose names and sizes hit every padding case."""
    for size in range(9):
        entries = [("dev", S_IFDIR | 0o755, b""),
                   ("a" * (size + 1), S_IFREG | 0o644, bytes(range(size))),
                   ("init", S_IFREG | 0o755, b"\x7fELF" + b"x" * size)]
        archive = make_cpio(entries)
        assert len(archive) % 4 == 0, "archive not padded to 4 bytes"
        assert parse_cpio(archive) == entries, f"round trip failed (size {size})"
    print("cpio self-check passed")


# ---- ISO ----------------------------------------------------------------------

def mkiso(iso, kernel, cmdline, initrd=None):
    """Every test ISO goes through tools/mkiso, so it boots through the same
    GRUB setup as the release ISO; raises CalledProcessError if it fails."""
    extra = ["--initrd", initrd] if initrd else []
    subprocess.run([os.path.join(REPO, "tools", "mkiso"), iso, kernel,
                    "--cmdline", cmdline, *extra], check=True)
    return iso


def kernel_cmdline(args, swap_count=0, kernel_flags=()):
    """GRUB parses the command line like a shell, so each argument is quoted
    to reach the kernel as one word. The first SWAP_COUNT disks are swap;
    KERNEL_FLAGS (uaccess_trace, ...) are added before the `--`."""
    flags = ["quiet", *(shlex.quote(flag) for flag in kernel_flags)]
    if swap_count:
        flags.append("swapon=" + ",".join(qemu.disk_names(swap_count)))
    if args:
        flags += ["--", *(shlex.quote(arg) for arg in args)]
    return " ".join(flags)


def build_iso(tmp, kernel, program, args, bin_programs=(), etc_files=(), swap_count=0,
              kernel_flags=()):
    initrd = os.path.join(tmp, "initrd.cpio")
    with open(initrd, "wb") as f:
        f.write(make_cpio(initramfs_entries(program, bin_programs, etc_files)))
    return mkiso(os.path.join(tmp, "run-program.iso"), kernel,
                 kernel_cmdline(args, swap_count, kernel_flags), initrd)


PT_INTERP = 3


def interpreter(path):
    """The loader a dynamically linked ELF64 program names (PT_INTERP), or
    None: for a static program, and for a file that is no ELF64 (the
    kernel says what is wrong with those)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:5] != b"\x7fELF\x02" or len(data) < 64:
        return None
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        at = phoff + i * phentsize
        if at + 0x28 > len(data):
            return None
        kind, = struct.unpack_from("<I", data, at)
        offset, = struct.unpack_from("<Q", data, at + 0x08)
        size, = struct.unpack_from("<Q", data, at + 0x20)
        if kind == PT_INTERP:
            return data[offset:offset + size].split(b"\0")[0].decode("utf-8", "replace")
    return None


# ---- boot ---------------------------------------------------------------------

class ConsoleCopier:
    """Hands the program's lines to on_output as they arrive and stops the
    boot at the status line."""

    def __init__(self, on_output):
        self.on_output = on_output
        self.status = None
        self.started = False

    def __call__(self, line):
        found = STATUS_LINE.fullmatch(qemu.strip_escapes(line).strip())
        if found:
            self.status = int(found.group(1))
            return True
        if not self.started:
            # Firmware and GRUB leave screen-clearing escapes in front of
            # the first line; the program's own escapes pass untouched.
            line = qemu.strip_escapes(line)
            if not line.strip():
                return False
        if not KERNEL_LOG.match(line):
            self.started = True
            self.on_output(line)
        return False


def run_program(kernel, program, args=(), *, on_output, bin_programs=(),
                etc_files=(), swap=(), other_disks=(), kernel_flags=(), **boot_options):
    """Boot PROGRAM as /init with ARGS (and BIN_PROGRAMS in /bin, ETC_FILES
    in /etc, KERNEL_FLAGS on the kernel's command line); each line of its
    console output goes to on_output. The SWAP images are attached and
    turned on as swap, first = highest priority; OTHER_DISKS are attached
    after them, not turned on. Returns (its exit status, or None if the
    kernel never said it, and the qemu.Boot); boot_options go to qemu.boot."""
    with tempfile.TemporaryDirectory(prefix="faultline-run.") as tmp:
        iso = build_iso(tmp, kernel, program, args, bin_programs, etc_files, len(swap),
                        kernel_flags)
        copier = ConsoleCopier(on_output)
        boot = qemu.boot(iso, on_line=copier, disks=[*swap, *other_disks], **boot_options)
    return copier.status, boot
