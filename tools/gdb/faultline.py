"""tools/gdb/faultline.py — gdb commands that know faultline's data
structures, loaded by tools/gdbinit (`make gdb`):

  fl-pt ADDR       the four-level walk of ADDR in the current page tables
  fl-vmas [PID]    a process's VMAs (the running one by default)
  fl-extable       the exception table, each entry with its symbols
  fl-ps            every process: pid, tgid, name, state, CR3, kernel stack
  fl-user PROGRAM  a user program's symbols, at the addresses it runs at

and an unwinder that ends `bt` at the syscall and interrupt entry stubs.

The layout constants (DIRECT_MAP, KERNEL_VMA, PIE_BASE) are #defines, which
the kernel's debug info does not carry, so they are read from the headers
that define them: the walk cannot disagree with the kernel's own.
Physical memory is read through the kernel's direct map, which every
address space shares, so the walk needs no QEMU monitor.
"""

import bisect
import os
import re
import struct
import subprocess

import gdb
import gdb.frames
import gdb.unwinder
from gdb.FrameDecorator import FrameDecorator

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def header_constant(path, name):
    """The value of `#define NAME 0x...ul` in REPO/PATH."""
    with open(os.path.join(REPO, path)) as f:
        found = re.search(rf"#define {name} (0x[0-9a-fA-F]+)ul", f.read())
    if not found:
        raise gdb.GdbError(f"faultline.py: no #define {name} in {path}")
    return int(found.group(1), 16)


DIRECT_MAP = header_constant("mm/layout.h", "DIRECT_MAP")
KERNEL_VMA = header_constant("mm/layout.h", "KERNEL_VMA")
PIE_BASE = header_constant("kernel/exec.c", "PIE_BASE")

# Entry bits (Intel SDM vol. 3, 4.5) in the order fl-pt prints them.
PTE_BITS = (("P", 0), ("RW", 1), ("US", 2), ("PWT", 3), ("PCD", 4), ("A", 5),
            ("D", 6), ("PS", 7), ("G", 8), ("NX", 63))
PTE_ADDR_MASK = 0x000ffffffffff000
PTE_SWAP = 1 << 10          # mm/swap.h: a non-present entry holding a swap entry
LEVELS = (("PML4", 39), ("PDPT", 30), ("PD", 21), ("PT", 12))


def u64(value):
    return int(value) & (2**64 - 1)


def address(expression):
    """EXPRESSION as an address: a number, a pointer, or a function or
    variable by name (fl-pt kmain, fl-pt percpu)."""
    value = gdb.parse_and_eval(expression)
    if value.type.strip_typedefs().code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY,
                                             gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        value = value.address
    return u64(value)


def read_phys(pa, size=8):
    """SIZE bytes of physical memory at PA, through the direct map."""
    return bytes(gdb.selected_inferior().read_memory(DIRECT_MAP + pa, size))


def virt_to_phys(va):
    """mm/layout.h's virt_to_phys: the kernel image or the direct map."""
    return va - KERNEL_VMA if va >= KERNEL_VMA else va - DIRECT_MAP


def flags_text(entry):
    return " ".join(f"{name}={(entry >> bit) & 1}" for name, bit in PTE_BITS)


def walk(root, va):
    """The walk of VA from the PML4 at physical ROOT: a list of
    (level name, index, entry), and the physical address or None."""
    steps = []
    table = root
    for depth, (name, shift) in enumerate(LEVELS):
        index = (va >> shift) & 511
        entry, = struct.unpack("<Q", read_phys(table + 8 * index))
        steps.append((name, index, entry))
        if not entry & 1:
            return steps, None
        if depth in (1, 2) and entry & (1 << 7):    # a 1 GiB or 2 MiB page
            size = 1 << shift
            return steps, (entry & PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1))
        table = entry & PTE_ADDR_MASK
    return steps, table | (va & 0xfff)


def current_proc():
    """The running process (percpu.proc), or None in the scheduler."""
    p = gdb.parse_and_eval("percpu.proc")
    return p if u64(p) else None


def procs():
    """Every process, oldest first (kernel/proc.c's list)."""
    p = gdb.parse_and_eval("'kernel/proc.c'::first")
    while u64(p):
        yield p
        p = p["next"]


def find_proc(argument):
    if not argument.strip():
        p = current_proc()
        if p is None:
            raise gdb.GdbError("no current process (the CPU is in the scheduler); give a pid")
        return p
    pid = int(gdb.parse_and_eval(argument))
    for p in procs():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError(f"no process with pid {pid}")


class PageTableWalk(gdb.Command):
    """fl-pt ADDR: walk ADDR through the page tables CR3 points to.
Prints each level's index, entry and flags (P RW US PWT PCD A D PS G NX),
stopping at a not-present entry or a large page, then the physical address."""

    def __init__(self):
        super().__init__("fl-pt", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        if not argument.strip():
            raise gdb.GdbError("usage: fl-pt ADDR")
        va = address(argument)
        cr3 = u64(gdb.parse_and_eval("$cr3"))
        print(f"{va:#x} in the page tables of CR3 {cr3:#x}")
        steps, pa = walk(cr3 & PTE_ADDR_MASK, va)
        for name, index, entry in steps:
            print(f"  {name:<4} [{index:3}] {entry:#018x}  {flags_text(entry)}")
        if pa is not None:
            print(f"  -> frame {pa & ~0xfff:#x}, physical address {pa:#x}")
            return
        entry = steps[-1][2]
        if entry & PTE_SWAP:
            print(f"  -> not present: swapped out (entry {entry:#x}, mm/swap.h)")
        else:
            print(f"  -> not present at {steps[-1][0]}")


class Vmas(gdb.Command):
    """fl-vmas [PID]: the VMAs of process PID, or of the running process."""

    def __init__(self):
        super().__init__("fl-vmas", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        p = find_proc(argument)
        mm = p["mm"]
        if not u64(mm):
            raise gdb.GdbError(f"process {int(p['pid'])} has no address space")
        print(f"VMAs of {int(p['pid'])} ({p['name'].string()}), {int(mm['map_count'])} areas:")
        v = mm["vmas"]
        while u64(v):
            prot = int(v["prot"])
            perms = "".join(c if prot & bit else "-" for c, bit in (("r", 1), ("w", 2), ("x", 4)))
            perms += "s" if bool(v["shared"]) else "p"
            kind = str(v["kind"]).removeprefix("VMA_").lower()
            extra = " locked" if bool(v["locked"]) or bool(v["lock_onfault"]) else ""
            print(f"  {u64(v['start']):016x}-{u64(v['end']):016x} {perms} {kind}{extra}")
            v = v["next"]


_text_symbols = []


def text_symbols():
    """The kernel's code symbols, sorted by address, without the local
    labels NASM emits for its macros (`..@7.insn`): those name no function."""
    if not _text_symbols:
        elf = gdb.current_progspace().filename
        out = subprocess.run(["nm", "-n", elf], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tT" and "@" not in parts[2]:
                _text_symbols.append((int(parts[0], 16), parts[2]))
    return _text_symbols


def symbol_at(addr):
    """'name+offset' for a kernel code address."""
    symbols = text_symbols()
    i = bisect.bisect_right(symbols, (addr, "\xff")) - 1
    if i < 0:
        return "?"
    start, name = symbols[i]
    return f"{name}+{addr - start:#x}"


EX_TYPES = {1: "uaccess"}   # enum ex_type in mm/extable.h


class Extable(gdb.Command):
    """fl-extable: every exception-table entry: the instruction allowed to
fault and where execution resumes, with their symbols."""

    def __init__(self):
        super().__init__("fl-extable", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        start = u64(gdb.parse_and_eval("(unsigned long)&__start___ex_table"))
        stop = u64(gdb.parse_and_eval("(unsigned long)&__stop___ex_table"))
        count = (stop - start) // 12
        data = bytes(gdb.selected_inferior().read_memory(start, stop - start))
        print(f"{count} exception-table entries:")
        for i in range(count):
            insn, fixup, kind = struct.unpack_from("<iii", data, 12 * i)
            at = start + 12 * i
            insn_va, fixup_va = at + insn, at + 4 + fixup
            print(f"  {insn_va:#x} {symbol_at(insn_va):<28} -> {fixup_va:#x} "
                  f"{symbol_at(fixup_va):<28} {EX_TYPES.get(kind, kind)}")


STATES = {"P_RUNNABLE": "runnable", "P_RUNNING": "running", "P_SLEEPING": "sleeping",
          "P_ZOMBIE": "zombie"}


class Ps(gdb.Command):
    """fl-ps: every process: pid, tgid, name, state, the page-table root
(CR3, physical) and the top of its kernel stack; * marks the running one."""

    def __init__(self):
        super().__init__("fl-ps", gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        running = current_proc()
        print(f"  {'PID':>5} {'TGID':>5} {'NAME':<16} {'STATE':<9} {'CR3':>12} KSTACK")
        for p in procs():
            mm = p["mm"]
            cr3 = f"{virt_to_phys(u64(mm['pml4'])):#x}" if u64(mm) else "-"
            mark = "*" if running is not None and u64(p) == u64(running) else " "
            print(f"{mark} {int(p['pid']):5} {int(p['tgid']):5} {p['name'].string():<16} "
                  f"{STATES.get(str(p['state']), str(p['state'])):<9} {cr3:>12} "
                  f"{u64(p['kstack']):#x}")


def elf_type(path):
    with open(path, "rb") as f:
        header = f.read(18)
    if header[:4] != b"\x7fELF":
        raise gdb.GdbError(f"{path} is not an ELF file")
    return struct.unpack_from("<H", header, 16)[0]


ET_EXEC, ET_DYN = 2, 3


class User(gdb.Command):
    """fl-user PROGRAM: load the symbols of user program PROGRAM (a path, or
a name in build/user) where kernel/exec.c loads it: at its linked addresses
(ET_EXEC), or PIE_BASE higher (static PIE). Then `break main` stops in
ring 3, and stepi over `syscall` lands in syscall_entry."""

    def __init__(self):
        super().__init__("fl-user", gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)

    def invoke(self, argument, from_tty):
        name = argument.strip()
        if not name:
            raise gdb.GdbError("usage: fl-user PROGRAM")
        path = name if os.path.isfile(name) else os.path.join(REPO, "build", "user", name)
        if not os.path.isfile(path):
            raise gdb.GdbError(f"no program {name} (nor {path}): make user-progs builds them")
        kind = elf_type(path)
        if kind not in (ET_EXEC, ET_DYN):
            raise gdb.GdbError(f"{path} is neither ET_EXEC nor ET_DYN")
        offset = PIE_BASE if kind == ET_DYN else 0
        gdb.execute(f"add-symbol-file {path} -o {offset:#x}", from_tty=from_tty)


# ---- ending the backtrace at the entry stubs ---------------------------------

# The assembly the CPU enters the kernel through (arch/syscall_entry.asm,
# arch/isr.asm) has no CFI: gdb would take a saved register for a return
# address and wander into user memory. Below them is a struct trapframe,
# not a caller, so their frame is the last one: the unwinder gives it a
# caller at PC 0, where gdb stops, and the frame filter leaves that out of
# `bt` and says instead where the CPU came from.
ENTRY_STUB = re.compile(r"(syscall_entry|trap_common|trap_return|trap_iret|isr\d+)(\.\w+)?$")


def stub_name(pc):
    if pc < KERNEL_VMA:
        return None
    name = symbol_at(pc).split("+")[0]
    return name if ENTRY_STUB.match(name) else None


class EntryFrameId:
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


class EntryUnwinder(gdb.unwinder.Unwinder):
    def __init__(self):
        super().__init__("faultline-entry")

    def __call__(self, pending_frame):
        pc = pending_frame.read_register("rip")
        if stub_name(u64(pc)) is None:
            return None
        sp = pending_frame.read_register("rsp")
        info = pending_frame.create_unwind_info(EntryFrameId(sp, pc))
        info.add_saved_register("rip", gdb.Value(0).cast(pc.type))
        info.add_saved_register("rsp", sp)
        return info


class EntryDecorator(FrameDecorator):
    """An entry stub's frame, naming the context it interrupted: the stub
    has just called into C with RSP at the struct trapframe."""

    def function(self):
        frame = self.inferior_frame()
        name = stub_name(u64(frame.pc()))
        if not name.startswith(("trap_return", "trap_iret")):
            tf = frame.read_register("rsp").cast(
                gdb.lookup_type("struct trapframe").pointer()).dereference()
            ring = 3 if int(tf["cs"]) & 3 == 3 else 0
            return f"{name} [from ring {ring}, rip {u64(tf['rip']):#x}]"
        return name


class EntryFilter:
    """Ends the listing at the first entry stub."""

    def __init__(self):
        self.name = "faultline-entry"
        self.priority = 100
        self.enabled = True

    def filter(self, frames):
        for decorated in frames:
            if stub_name(u64(decorated.inferior_frame().pc())) is not None:
                yield EntryDecorator(decorated)
                return
            yield decorated


PageTableWalk()
Vmas()
Extable()
Ps()
User()
gdb.unwinder.register_unwinder(None, EntryUnwinder(), replace=True)
gdb.frame_filters["faultline-entry"] = EntryFilter()
