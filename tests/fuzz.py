"""tests/fuzz.py — owns the differential random test: user/mmfuzz run on
this host's Linux and on faultline, and their outputs compared.

mmfuzz prints one line per seed ("seed S ops N hash H", the hash of every
step's digest line) and, with -v or as `mmfuzz SEED OPS`, every step's
line. Linux is the reference: a seed whose line differs (or is missing) on
faultline is divergent. For the first divergent seed both sides are run
again step by step and the first differing lines shown, with the command
that does it again. tests/run (the fixed seeds of `make test`) and
tests/fuzz (`make fuzz-mm`) both work through this module.

faultline runs mmfuzz as /init on the swap machine: 64 MiB of RAM and both
swap disks, so that MADV_PAGEOUT and memory pressure really move pages.
"""

import os
import re
import subprocess
import tempfile
import time

import initramfs

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MMFUZZ = os.path.join(REPO, "build", "user", "mmfuzz")
SEEDS_FILE = os.path.join(REPO, "tests", "mmfuzz-seeds.txt")
SWAP_MEMORY = "64M"
SWAP_DISKS = [os.path.join(REPO, "build", name) for name in ("swap-fast.img", "swap-slow.img")]
SEED_LINE = re.compile(r"seed (\d+) ops (\d+) hash ([0-9a-f]{16})$")
CONTEXT = 3          # matching lines shown before the first difference
SHOWN = 6            # differing lines shown


def regression_seeds(path=SEEDS_FILE):
    """The seeds kept because they once diverged: 'SEED  # what it found'."""
    seeds = []
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if words:
                seeds.append(int(words[0]))
    return seeds


def seed_args(seeds, ops, verbose=False):
    """mmfuzz's arguments for a list of seeds: a range when they are one."""
    if list(seeds) == list(range(seeds[0], seeds[0] + len(seeds))):
        args = ["-s", str(seeds[0]), "-n", str(len(seeds))]
    else:
        args = ["-l", ",".join(map(str, seeds))]
    return args + ["-o", str(ops)] + (["-v"] if verbose else [])


def on_linux(args, binary=MMFUZZ, timeout=None):
    """(exit status, output lines) of mmfuzz ARGS on this host."""
    p = subprocess.run([binary, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace").splitlines()


def on_faultline(kernel, args, binary=MMFUZZ, log_path=None, expected=None, **boot_options):
    """(exit status or None, output lines, qemu.Boot) of mmfuzz ARGS as
    faultline's /init on the swap machine. EXPECTED (Linux's output lines)
    goes in as /etc/mmfuzz.expect (mmfuzz -e): a seed that diverges then
    prints its step lines at once, in the same boot."""
    lines = []
    with tempfile.TemporaryDirectory(prefix="mmfuzz.") as tmp:
        etc_files = []
        if expected is not None:
            etc_files = [os.path.join(tmp, "mmfuzz.expect")]
            with open(etc_files[0], "w") as f:
                f.write("".join(line + "\n" for line in expected if SEED_LINE.match(line)))
            args = [*args, "-e", "/etc/mmfuzz.expect"]
        status, boot = initramfs.run_program(
            kernel, binary, args, on_output=lambda line: lines.append(line.rstrip("\r\n")),
            memory=SWAP_MEMORY, swap=SWAP_DISKS, log_path=log_path, etc_files=etc_files,
            **boot_options)
    return status, lines, boot


def kept_steps(lines, seed):
    """The step lines mmfuzz -e printed for SEED, or None."""
    for i, line in enumerate(lines):
        m = SEED_LINE.match(line)
        if m and int(m.group(1)) == seed and i + 1 < len(lines) \
                and lines[i + 1].startswith("seed line differs"):
            steps = []
            for step in lines[i + 2:]:
                if not step.startswith("| "):
                    break
                steps.append(step[2:])
            return steps
    return None


def seed_hashes(lines):
    return {int(m.group(1)): m.group(0) for m in map(SEED_LINE.match, lines) if m}


def divergent(seeds, linux_lines, faultline_lines):
    """The seeds whose line differs between the two runs, in order."""
    want, got = seed_hashes(linux_lines), seed_hashes(faultline_lines)
    return [s for s in seeds if s not in want or want.get(s) != got.get(s)]


def first_difference(linux_lines, faultline_lines):
    """Lines that show where two step-by-step outputs part: a few equal
    lines, then the differing ones from each side."""
    n = 0
    while n < min(len(linux_lines), len(faultline_lines)) and linux_lines[n] == faultline_lines[n]:
        n += 1
    if n == len(linux_lines) == len(faultline_lines):
        return []
    shown = [f"  {line}" for line in linux_lines[max(0, n - CONTEXT):n]]
    shown += [f"- linux:     {line}" for line in linux_lines[n:n + SHOWN]]
    shown += [f"+ faultline: {line}" for line in faultline_lines[n:n + SHOWN]]
    if n >= len(faultline_lines):
        shown.append("+ faultline: (output ends here)")
    return shown


def rerun_command(seed, ops):
    return f"make fuzz-mm FIRST={seed} SEEDS=1 OPS={ops}"


def explain(kernel, seed, ops, faultline_lines=(), **boot_options):
    """Both sides' step lines for SEED, compared: the lines to show. The
    faultline side is the one its long run printed (mmfuzz -e), else a
    rerun of the seed alone."""
    args = [str(seed), str(ops)]
    _, linux_lines = on_linux(args)
    steps = kept_steps(faultline_lines, seed)
    where = "in the long run"
    if steps is None:
        where = "run alone"
        status, steps, boot = on_faultline(kernel, args, **boot_options)
        if status is None:
            steps.append("(no exit status: " +
                         ("timed out)" if boot.timed_out else f"QEMU status {boot.status})"))
    diff = first_difference(*([line for line in side if not SEED_LINE.match(line)]
                              for side in (linux_lines, steps)))
    return ([f"faultline's steps {where}:"] + diff if diff else
            [f"(step lines equal {where}: compare the whole runs)"]) + [
        f"rerun: {rerun_command(seed, ops)}"]


# ---- sysfuzz: single raw calls (`make fuzz-sys`) ----
#
# user/sysfuzz runs as root with hostile arguments, so Linux's side is
# boxed: a fresh pid namespace (the fuzzer is its pid 1, none of the host's
# processes can be named), mount namespace with its own /proc, IPC namespace
# (the message queues it makes are not the host's and go with it), a memory
# cgroup of BOX_MEMORY (v2 memory.max, or v1's memory.limit_in_bytes where
# only v1 is mounted), and a private directory on /dev/shm (a tmpfs, as
# faultline's ramfs is) as its working directory.

SYSFUZZ = os.path.join(REPO, "build", "user", "sysfuzz")
BOX_MEMORY = 256 << 20
CGROUP_V2 = "/sys/fs/cgroup"
CGROUP_V1 = "/sys/fs/cgroup/memory"
CALL_LINE = re.compile(r"(\d+) nr=(\S+) ")
# What fails a fuzz boot in the serial log: a fault, a failed leak check, and
# in the SANITIZE=1 build a UBSan report or a leak canary copied out (whole
# lines, so that the report names the site), as tests/run fails its boots.
KERNEL_TROUBLE = re.compile(r"oops|panic|PANIC|leak check FAILED|(?:ubsan|canary): [^\r\n]*")


def memory_cgroup():
    """A fresh memory cgroup limited to BOX_MEMORY: (its directory, or None
    when this host has none we may make, and what was found)."""
    if os.path.exists(os.path.join(CGROUP_V2, "cgroup.controllers")):
        root, limits = CGROUP_V2, {"memory.max": BOX_MEMORY, "memory.swap.max": 0}
    elif os.path.isdir(CGROUP_V1):
        root, limits = CGROUP_V1, {"memory.limit_in_bytes": BOX_MEMORY}
    else:
        return None, "no memory cgroup mounted"
    path = os.path.join(root, f"faultline-sysfuzz.{os.getpid()}")
    try:
        os.mkdir(path)
        for name, value in limits.items():
            if os.path.exists(os.path.join(path, name)):
                with open(os.path.join(path, name), "w") as f:
                    f.write(str(value))
    except OSError as e:
        return None, f"cannot make a memory cgroup: {e}"
    return path, f"memory cgroup {path}"


def on_linux_boxed(args, binary=SYSFUZZ, timeout=None):
    """(exit status, output lines, how it was boxed) of sysfuzz ARGS on
    this host, inside the box described above."""
    cgroup, how = memory_cgroup()
    enter = f'echo $$ > {cgroup}/cgroup.procs && ' if cgroup else ""
    command = ["sh", "-c", enter + 'exec unshare --fork --pid --mount --mount-proc --ipc "$@"',
               "sh", binary, *args]
    try:
        with tempfile.TemporaryDirectory(prefix="sysfuzz.", dir="/dev/shm") as tmp:
            p = subprocess.run(command, cwd=tmp, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout)
    finally:
        if cgroup:
            os.rmdir(cgroup)
    return p.returncode, p.stdout.decode(errors="replace").splitlines(), how


def call_lines(lines):
    """{call number: (syscall name, line)} of sysfuzz's output."""
    calls = {}
    for line in lines:
        m = CALL_LINE.match(line)
        if m:
            calls[int(m.group(1))] = (m.group(2), line)
    return calls


def call_differences(linux_lines, faultline_lines):
    """{syscall name: [(linux line, faultline line)]} for every call whose
    lines differ; a call missing on one side counts as '(missing)'."""
    want, got = call_lines(linux_lines), call_lines(faultline_lines)
    groups = {}
    for n in sorted(set(want) | set(got)):
        name, line = want.get(n) or got[n]
        other = got.get(n, (name, "(missing)"))[1]
        line = want.get(n, (name, "(missing)"))[1]
        if line != other:
            groups.setdefault(name.split("+")[0], []).append((line, other))
    return groups


# ---- fuzz: the hostile fuzzer (`make fuzz`, and three boots of `make test`) ----
#
# user/fuzz runs as /init: not compared with anything, it passes when it
# reaches its summary line and exits 0 (every call made, init's checks
# held) and the kernel said nothing of an oops, a panic or a leak.

FUZZ = os.path.join(REPO, "build", "user", "fuzz")
FUZZ_PROCS = 4
FUZZ_SUMMARY = re.compile(r"fuzz: seed (\d+): (\d+) calls by \d+ workers in ([0-9.]+) s")


def hostile(kernel, seed, count, procs=FUZZ_PROCS, swap=False, log_path=None, **boot_options):
    """One boot of fuzz SEED COUNT PROCS as /init (on the swap machine if
    SWAP): (problems, the summary line or None, the boot's wall seconds,
    the last output lines, qemu.Boot)."""
    lines = []
    machine = dict(memory=SWAP_MEMORY, swap=SWAP_DISKS) if swap else {}
    start = time.monotonic()
    status, boot = initramfs.run_program(
        kernel, FUZZ, [str(seed), str(count), str(procs)],
        on_output=lambda line: lines.append(line.rstrip("\r\n")), log_path=log_path,
        **machine, **boot_options)
    seconds = time.monotonic() - start
    summary = next((line for line in lines if FUZZ_SUMMARY.match(line)), None)
    problems = sorted({m.group(0) for m in KERNEL_TROUBLE.finditer(boot.serial)})
    if summary is None:
        problems.append("no summary line")
    if status != 0:
        problems.append(f"exit status {status}" if status is not None else
                        "timed out" if boot.timed_out else f"QEMU status {boot.status}")
    return problems, summary, seconds, lines[-40:], boot
