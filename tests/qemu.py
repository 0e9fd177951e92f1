"""tests/qemu.py — owns booting an image in QEMU for the host-side tools.

tests/run and tests/run-program both boot ISOs headless and judge a boot only
by what the kernel says on COM1 and how QEMU exits. Keeping the QEMU command
line in one place means every tool boots the machine the same way, and a
change of firmware or device setup is made once.

How a boot ends (the kernel's side of the contract):
  - isa-debug-exit: the kernel writes v to port 0xf4, QEMU exits with
    (v << 1) | 1, so 0x10 (success) gives 33 and 0x11 (failure) gives 35;
  - a triple fault under -no-reboot ends QEMU with status 0;
  - a hang never ends, hence the per-boot timeout.

Boot media, as checked with QEMU 7.2, SeaBIOS 1.16 and OVMF (Debian 12):
  - 'cdrom': the ISO on the IDE CD drive; SeaBIOS and OVMF boot it.
  - 'usb': the ISO as a usb-storage stick on a qemu-xhci controller, with
    bootindex=0 so the firmware tries it first; SeaBIOS and OVMF both boot
    it (the ISO is hybrid: grub-mkrescue adds an MBR and an EFI partition).

Disks (swap): each file in `disks` is a raw virtio-blk disk; the kernel
names them vda, vdb, ... in the order given (disk_names), as Linux would.

Screen: the display is 'none', but QEMU still emulates the VGA card, and
its human monitor (`monitor`: a Unix socket path, else no monitor at all)
can save what the card shows with `screendump FILE` (screendump), a binary
PPM that read_ppm reads, and type on the PS/2 keyboard with `sendkey`
(sendkeys).
"""

import collections
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

# OVMF (UEFI firmware) as distributions ship it: Debian 12 and Ubuntu have
# the 4 MiB build as OVMF_CODE_4M.fd/OVMF_VARS_4M.fd, older releases the
# 2 MiB OVMF_CODE.fd/OVMF_VARS.fd; the directory is /usr/share/OVMF, and
# /usr/share/ovmf on some. A CODE file is used with the VARS of its own size.
OVMF_DIRS = ("/usr/share/OVMF", "/usr/share/ovmf")
OVMF_PAIRS = (("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"), ("OVMF_CODE.fd", "OVMF_VARS.fd"))


class MissingFirmware(Exception):
    """No OVMF: the message says what was looked for and what to install."""


def find_ovmf(dirs=OVMF_DIRS):
    """(CODE, VARS) paths of the first OVMF pair found in DIRS."""
    for directory in dirs:
        for code, variables in OVMF_PAIRS:
            pair = (os.path.join(directory, code), os.path.join(directory, variables))
            if all(os.path.isfile(path) for path in pair):
                return pair
    names = " or ".join("/".join(pair) for pair in OVMF_PAIRS)
    raise MissingFirmware(f"no UEFI firmware: looked for {names} in {' and '.join(dirs)}; "
                          "install the ovmf package (apt-get install ovmf)")

# Status QEMU exits with when the kernel reports success / failure.
EXIT_SUCCESS = (0x10 << 1) | 1
EXIT_FAILURE = (0x11 << 1) | 1

Boot = collections.namedtuple("Boot", "status serial timed_out")
Boot.__doc__ = """status: QEMU's exit status, None if we killed it (timeout or
stopped by the line callback); serial: all serial output, as text;
timed_out: True if the timeout killed it."""

# Firmware and GRUB redraw the screen with terminal escapes; they end up
# glued to the front of the kernel's first line.
_ESCAPE = re.compile(r"\x1b\[[0-9;:=?]*[A-Za-z]")


def strip_escapes(line):
    """The line without terminal control sequences."""
    return _ESCAPE.sub("", line)


def pick_accel(requested=None):
    """'kvm' if asked for and usable, else 'tcg'; asking for an unusable KVM
    exits 2, because a silent fall-back would make timings meaningless."""
    if requested in (None, "tcg"):
        return "tcg"
    problem = _kvm_problem() if requested == "kvm" else "want tcg or kvm"
    if problem:
        print(f"error: --accel {requested}: {problem}", file=sys.stderr)
        sys.exit(2)
    return "kvm"


def _kvm_problem(dev="/dev/kvm", cpuinfo="/proc/cpuinfo"):
    """Why KVM cannot be used here, or None if it can (DEV and CPUINFO are
    parameters for tests/friction, which gives it a CPU without vmx/svm)."""
    try:
        os.close(os.open(dev, os.O_RDWR))
    except OSError as err:
        return f"cannot open {dev} read-write ({err.strerror})"
    with open(cpuinfo) as cpuinfo:
        flags = set(cpuinfo.read().split())
    if not flags & {"vmx", "svm"}:
        return "the CPU has no vmx/svm (hardware virtualisation) flag"
    return None


# Deterministic instruction counting (TCG only): with shift=0 the virtual
# clock advances 2^0 = 1 ns per guest instruction, and the TSC is derived
# from it, so rdtsc counts instructions; align=off keeps QEMU from sleeping
# to hold the guest to wall time. bench/ and run-program --icount use it.
ICOUNT_ARGS = ("-icount", "shift=0,align=off")


def accel_args(accel, cpu=None):
    """KVM can only offer the host's own CPU; TCG emulates any, so take the
    one with every feature QEMU knows. CPU names another model, for a boot
    that must see what a machine without some feature does."""
    return ["-accel", accel, "-cpu", cpu or ("host" if accel == "kvm" else "max")]


def qemu_command(image, firmware, media, memory, accel, cpu, vars_copy,
                 disks, extra_args, monitor=None):
    """The full QEMU argument list for one boot."""
    cmd = _machine_args(memory, accel, cpu, monitor)
    cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    cmd += _firmware_args(firmware, vars_copy) + _media_args(image, media)
    return cmd + disk_args(disks) + list(extra_args)


def _machine_args(memory, accel, cpu=None, monitor=None):
    """The machine every boot gets, faultline's or Linux's: CPU, memory,
    headless, serial on stdio, no reboot."""
    monitor_arg = f"unix:{monitor},server=on,wait=off" if monitor else "none"
    return ["qemu-system-x86_64", *accel_args(accel, cpu), "-m", memory,
            "-display", "none", "-serial", "stdio", "-monitor", monitor_arg,
            "-no-reboot",
            # No NIC: a failed disk boot would otherwise sit in PXE for minutes.
            "-nic", "none"]


def boot_kernel(kernel, initrd, append, *, memory="256M", accel="tcg", disks=(),
                extra_args=(), timeout=600, on_line=None):
    """Boot a Linux kernel image straight from QEMU (-kernel, -initrd,
    -append: no firmware disk, no GRUB) on the same machine as boot();
    tools/bench's reference run of Debian's Linux. Returns a Boot tuple."""
    cmd = _machine_args(memory, accel) + ["-kernel", kernel, "-initrd", initrd,
                                          "-append", append]
    return _run(cmd + disk_args(disks) + list(extra_args), timeout,
                on_line or (lambda line: None), None)


def _firmware_args(firmware, vars_copy):
    if firmware == "bios":
        return []               # QEMU's default firmware is SeaBIOS
    if firmware == "uefi":
        code, _ = find_ovmf()
        return ["-drive", f"if=pflash,format=raw,readonly=on,file={code}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    raise ValueError(f"firmware must be 'bios' or 'uefi', not {firmware!r}")


def _media_args(image, media):
    if media == "cdrom":
        return ["-drive", f"file={image},format=raw,media=cdrom,if=none,id=boot",
                "-device", "ide-cd,drive=boot,bootindex=0"]
    if media == "usb":
        # snapshot=on: the stick looks writable to the guest, the ISO stays as built.
        return ["-device", "qemu-xhci,id=xhci",
                "-drive", f"file={image},format=raw,if=none,id=boot,snapshot=on",
                "-device", "usb-storage,bus=xhci.0,drive=boot,bootindex=0"]
    raise ValueError(f"media must be 'cdrom' or 'usb', not {media!r}")


def disk_names(count):
    """The kernel's names for the first COUNT disks of disk_args."""
    return ["vd" + chr(ord("a") + i) for i in range(count)]


def disk_args(disks):
    """Each file in DISKS as a raw virtio-blk disk, on PCI in this order, so
    the kernel finds them as vda, vdb, ... (make run uses this too).
    snapshot=on: the guest's writes (swapped-out pages) go to a throwaway
    overlay, so the images stay as built and parallel boots can share them."""
    args = []
    for i, path in enumerate(disks):
        file = path.replace(",", ",,")     # QEMU's escape for a comma in a value
        args += ["-drive", f"file={file},format=raw,if=none,id=disk{i},snapshot=on",
                 "-device", f"virtio-blk-pci,drive=disk{i}"]
    return args


def boot(image, *, firmware="bios", media="cdrom", memory="256M",
         accel="tcg", cpu=None, disks=(), extra_args=(), timeout=120,
         on_line=None, log_path=None, monitor=None, serial_input=None):
    """Boot IMAGE and feed each serial line (without CR/LF) to on_line.
    SERIAL_INPUT (bytes), if given, is typed into the serial port once
    GRUB has spoken (see _pump), then ^D (twice after an unfinished line),
    which the kernel's console takes as the end of input, as a terminal's
    line discipline does.

    If on_line returns a true value the boot has told us enough and QEMU is
    killed. The serial log is also written to log_path as it arrives, so a
    boot that hangs still leaves its log behind. Returns a Boot tuple.
    """
    with tempfile.TemporaryDirectory(prefix="faultline-qemu.") as tmp:
        # OVMF writes its boot entries into VARS; a fresh copy per boot keeps
        # boots independent of each other and the system file untouched.
        vars_copy = os.path.join(tmp, "OVMF_VARS.fd")
        if firmware == "uefi":
            shutil.copyfile(find_ovmf()[1], vars_copy)
        cmd = qemu_command(image, firmware, media, memory, accel, cpu,
                           vars_copy, disks, extra_args, monitor)
        log = open(log_path, "wb") if log_path else None
        try:
            return _run(cmd, timeout, on_line or (lambda line: None), log, serial_input)
        finally:
            if log:
                log.close()


CTRL_D = b"\x04"


def _type_into(pipe, data):
    """Writes DATA and the end-of-input ^D to QEMU's stdin (the serial
    port), from a thread: QEMU reads only as fast as the UART drains."""
    try:
        pipe.write(data + (CTRL_D if data.endswith(b"\n") or not data else 2 * CTRL_D))
        pipe.close()
    except OSError:
        pass                    # QEMU is gone: nothing left to type into


def _run(cmd, timeout, on_line, log, serial_input=None):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stdin=subprocess.DEVNULL if serial_input is None else subprocess.PIPE)
    typist = None
    if serial_input is not None:
        typist = threading.Thread(target=_type_into, args=(proc.stdin, serial_input), daemon=True)
    try:
        serial, stopped, timed_out = _pump(proc.stdout, timeout, on_line, log,
                                           typist.start if typist else None)
        if stopped or timed_out:
            proc.kill()
        # Otherwise QEMU closed the serial pipe because it is exiting.
        status = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    if stopped or timed_out:
        status = None
    return Boot(status, serial.decode("utf-8", "replace"), timed_out)


# kernel/panic.c's last words: the machine is stopped for good, so is the boot.
HALTED = "faultline: halted after the panic"


def _pump(pipe, timeout, on_line, log, on_first_output=None):
    """Read PIPE until EOF, the deadline, on_line asking to stop, or HALTED.
    Returns (all bytes, stopped by on_line, timed out). on_first_output is
    called when the first bytes arrive: GRUB writes them once it has set up
    the serial port, which empties the UART of anything typed before."""
    deadline = time.monotonic() + timeout
    data = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(data), False, True
        ready, _, _ = select.select([pipe], [], [], left)
        if not ready:
            continue
        chunk = os.read(pipe.fileno(), 65536)
        if on_first_output and chunk:
            on_first_output()
            on_first_output = None
        if log:
            log.write(chunk)
            log.flush()
        start = data.rfind(b"\n") + 1      # first byte not yet handed out
        data += chunk
        for line in _lines(bytes(data[start:]), at_eof=not chunk):
            if on_line(line) or line == HALTED:
                return bytes(data), True, False
        if not chunk:
            return bytes(data), False, False


def _lines(tail, at_eof):
    """The complete lines in TAIL, as text without CR/LF. A partial last line
    waits for more bytes, unless no more will come."""
    lines = tail.split(b"\n")
    partial = lines.pop()
    if at_eof and partial:
        lines.append(partial)
    return [line.decode("utf-8", "replace").replace("\r", "") for line in lines]


MONITOR_PROMPT = b"(qemu) "


def _until_prompt(sock):
    data = b""
    while not data.endswith(MONITOR_PROMPT):
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("QEMU closed the monitor")
        data += chunk
    return data


def screendump(monitor, path, timeout=30):
    """Save the screen of the QEMU whose monitor socket is MONITOR to PATH
    (binary PPM). For the VGA card QEMU draws the file before the monitor
    answers, so it is complete when this returns."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(monitor)
        _until_prompt(sock)
        sock.sendall(f"screendump {path}\n".encode())
        _until_prompt(sock)


# QEMU's sendkey names (qcodes) for the characters a test types.
_KEY_NAMES = {" ": "spc", "-": "minus", "=": "equal", ",": "comma", ".": "dot", "/": "slash",
              ";": "semicolon", "'": "apostrophe", "\\": "backslash", "[": "bracket_left",
              "]": "bracket_right", "`": "grave_accent", "\t": "tab", "\n": "ret"}
_SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
            "(": "9", ")": "0", "_": "minus", "+": "equal", ":": "semicolon", "<": "comma",
            ">": "dot", "?": "slash", '"': "apostrophe", "|": "\\", "{": "[", "}": "]",
            "~": "`"}


def key_name(ch):
    """The sendkey argument that types CH on a US keyboard."""
    if ch.isascii() and ch.isupper():
        return "shift-" + ch.lower()
    if ch in _SHIFTED:
        return "shift-" + key_name(_SHIFTED[ch])
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return ch
    if ch in _KEY_NAMES:
        return _KEY_NAMES[ch]
    raise ValueError(f"no sendkey name for {ch!r}")


def sendkeys(monitor, text, timeout=30):
    """Type TEXT on the PS/2 keyboard of the QEMU whose monitor socket is
    MONITOR, one `sendkey` (press and release) per character."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(monitor)
        _until_prompt(sock)
        for ch in text:
            sock.sendall(f"sendkey {key_name(ch)}\n".encode())
            _until_prompt(sock)


def read_ppm(path):
    """(width, height, RGB bytes, 3 per pixel, rows top to bottom) of a
    binary PPM (P6) with 8-bit channels, as QEMU's screendump writes it."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:      # magic, width, height, maxval; '#' starts a comment
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit binary PPM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + 3 * width * height]


class Console:
    """A boot driven through its serial port, as a person at a terminal
    would: QEMU's stdin is what is typed on COM1, its stdout what COM1
    shows. send() types bytes; expect() waits for a pattern in what
    came since the last match. Use as a context manager: QEMU is killed
    on the way out if it has not exited; status is then its exit status
    (None if killed). The log goes to log_path as it arrives."""

    def __init__(self, image, *, firmware="bios", media="cdrom", memory="256M",
                 accel="tcg", cpu=None, disks=(), log_path=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="faultline-qemu.")
        vars_copy = os.path.join(self.tmp.name, "OVMF_VARS.fd")
        if firmware == "uefi":
            shutil.copyfile(find_ovmf()[1], vars_copy)
        cmd = qemu_command(image, firmware, media, memory, accel, cpu, vars_copy, disks, ())
        self.log = open(log_path, "wb") if log_path else None
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.seen = bytearray()   # everything COM1 showed
        self.pos = 0              # where the next expect() starts looking
        self.status = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.status = self.proc.wait()
        if self.status < 0:
            self.status = None
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()
        if self.log:
            self.log.close()
        self.tmp.cleanup()

    def send(self, data):
        self.proc.stdin.write(data.encode() if isinstance(data, str) else data)
        self.proc.stdin.flush()

    def _read(self, timeout):
        """More output within TIMEOUT seconds; False at end of file."""
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0))
        if not ready:
            return True
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if self.log:
            self.log.write(chunk)
            self.log.flush()
        self.seen += chunk
        return bool(chunk)

    def expect(self, pattern, timeout=60):
        """Wait for PATTERN (a regular expression over bytes, or a plain
        str) in the output after the last match; returns the text from
        there to the match's end. Raises TimeoutError (or EOFError when
        QEMU ended) with what came instead."""
        regex = re.compile(pattern if isinstance(pattern, bytes) else re.escape(pattern.encode()))
        deadline = time.monotonic() + timeout
        while True:
            found = regex.search(self.seen, self.pos)
            if found:
                text = self.seen[self.pos:found.end()].decode("utf-8", "replace")
                self.pos = found.end()
                return text
            left = deadline - time.monotonic()
            got = self._read(left) if left > 0 else True
            if left <= 0 or not got:
                tail = self.seen[self.pos:].decode("utf-8", "replace")
                error = TimeoutError if got else EOFError
                raise error(f"waited for {pattern!r}, got {tail[-400:]!r}")

    def wait_exit(self, timeout=60):
        """Read to the end of the output: QEMU's exit status."""
        deadline = time.monotonic() + timeout
        while self._read(deadline - time.monotonic()):
            if time.monotonic() >= deadline:
                raise TimeoutError("QEMU did not exit")
        return self.proc.wait(timeout=30)


def is_fault(line):
    """Whether a serial line is the kernel's report of its own fault: an
    oops, a panic, or (in the SANITIZE=1 build) undefined behaviour found by
    kernel/ubsan.c, which the kernel survives but which is a bug all the same."""
    return "PANIC" in line or "KERNEL OOPS" in line or "ubsan: " in line


# `make run` boots QEMU by hand but wants the same accelerator choice and
# disks as the tests:
#   python3 tests/qemu.py --accel-args tcg|kvm [--disk FILE]... [--uefi-vars FILE]
# prints e.g. "-accel tcg -cpu max -drive file=FILE,... -device virtio-blk-pci,..."
# With --uefi-vars, OVMF's firmware too, its variable store a fresh copy in FILE.
if __name__ == "__main__":
    import argparse
    import shlex
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accel-args", metavar="ACCEL", required=True,
                        help="print the QEMU options for ACCEL (tcg or kvm)")
    parser.add_argument("--disk", metavar="FILE", action="append", default=[],
                        help="and for FILE as the next virtio disk (vda, vdb, ...)")
    parser.add_argument("--uefi-vars", metavar="FILE",
                        help="boot OVMF (UEFI), its variables copied fresh into FILE")
    options = parser.parse_args()
    firmware = []
    if options.uefi_vars:
        try:
            shutil.copyfile(find_ovmf()[1], options.uefi_vars)
        except MissingFirmware as missing:
            sys.exit(f"tests/qemu.py: {missing}")
        firmware = _firmware_args("uefi", options.uefi_vars)
    print(shlex.join(accel_args(pick_accel(options.accel_args)) + disk_args(options.disk)
                     + firmware))

