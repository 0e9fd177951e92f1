"""tests/consolecheck.py — the checks that use faultline as a person at the
console would: the shell through the serial port (`shell`), and a command
typed on the PS/2 keyboard with QEMU's sendkey and read back from the
screen (`keyboard-bios`, `keyboard-uefi`). tests/run runs them as part of
`make test`; each records its results and shows the serial tail on failure.
"""

import os
import tempfile
import time

import initramfs
import qemu
import screentext

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---- the keyboard -----------------------------------------------------------------

# The keyboard checks boot the release ISO through its GRUB menu, under each
# firmware, as a student's machine would, wait until the shell's login has
# printed its list of commands (READY, the last line of `help`), type TYPED
# through QEMU's sendkey (PS/2 scan codes, through kernel/drivers/ps2kbd.c
# and the console's line discipline), and want ANSWER back on serial, and on
# the screen both the command line the shell echoed and the answer.
KEYBOARD = dict(ready="help         this list", typed="echo Typed_on: the keyboard!",
                answer="Typed_on: the keyboard!")
KEYBOARD_CHECKS = {"keyboard-bios": "bios", "keyboard-uefi": "uefi"}


class KeyboardSession:
    """Watches the serial lines of a keyboard boot: notes the text grid
    (the kernel's screen: line), types once the shell is ready, takes the
    screendump at ANSWER and stops the boot there."""

    def __init__(self, tmp):
        self.monitor = os.path.join(tmp, "monitor.sock")
        self.dump = os.path.join(tmp, "screen.ppm")
        self.grid = None
        self.typed = self.answered = False
        self.error = None

    def __call__(self, raw_line):
        line = qemu.strip_escapes(raw_line).strip()
        self.grid = self.grid or screentext.grid(line)
        try:
            if line.startswith(KEYBOARD["ready"]) and not self.typed:
                self.typed = True
                time.sleep(0.5)  # the prompt follows; the tty keeps early keys anyway
                qemu.sendkeys(self.monitor, KEYBOARD["typed"] + "\n")
            elif line == KEYBOARD["answer"]:
                self.answered = True
                time.sleep(0.2)  # the next timer tick paints the screen
                qemu.screendump(self.monitor, self.dump)
                return True
        except OSError as err:
            self.error = f"QEMU monitor: {err}"
            return True
        return qemu.is_fault(line)

    def problems(self):
        if self.error:
            return [self.error]
        if not self.grid:
            return ["no 'screen: framebuffer ..., text CxR from (X,Y)' line on serial"]
        if not self.typed:
            return [f"never saw the shell's {KEYBOARD['ready']!r}"]
        if not self.answered:
            return [f"typed {KEYBOARD['typed']!r}, but {KEYBOARD['answer']!r} never came back"]
        shown = screentext.read_screen(self.dump, *self.grid)
        missing = []
        if not any(row.endswith("# " + KEYBOARD["typed"]) for row in shown):
            missing.append(f"the screen does not show the prompt and {KEYBOARD['typed']!r}")
        if KEYBOARD["answer"] not in shown:
            missing.append(f"the screen does not show {KEYBOARD['answer']!r} on a line of its own")
        return missing + (["the screen shows:"] + [f"  |{row}" for row in shown if row]
                          if missing else [])


def run_keyboard_check(args, results, name, log_path):
    firmware = KEYBOARD_CHECKS[name]
    with tempfile.TemporaryDirectory(prefix="faultline-keyboard.") as tmp:
        session = KeyboardSession(tmp)
        boot = qemu.boot(args.iso, firmware=firmware, accel=args.accel, timeout=args.timeout,
                         on_line=session, log_path=log_path, monitor=session.monitor)
        problems = session.problems() if not boot.timed_out or session.answered else [
            f"timed out after {args.timeout:g} s"] + session.problems()
    results.record(not problems, f"{name}: the release ISO under {firmware.upper()}: a command"
                   " typed on the PS/2 keyboard into the shell, answered on serial and on the"
                   " screen", problems)
    if problems:
        results.show_tail(name, boot.serial)


# ---- the shell on the serial console ------------------------------------------

SHELL_CHECK = "shell"
INITRD = os.path.join(REPO, "build", "initrd.cpio")
# A fresh prompt starts a line; the line editor's redraws start with \r.
PROMPT = rb"\nfaultline:[^\r\n]*# "
CTRL_C, CTRL_D, CTRL_Z, DEL, UP = "\x03", "\x04", "\x1a", "\x7f", "\x1b[A"
# (what this step shows, keys typed, what must come back before the next
# prompt). Keys are a text, or a list of texts and pauses in seconds; they
# go in as a terminal sends them: CR for enter, DEL for backspace, ESC [ A
# for the up arrow.
SHELL_STEPS = [
    ("a pipeline", "echo hello | cat\r", "\r\nhello\r\n"),
    ("redirections > >> <", "echo x > /tmp/f; echo y >> /tmp/f; cat < /tmp/f\r", "\r\nx\r\ny\r\n"),
    ("a failing command, then $?", "false; echo status=$?\r", "status=1\r\n"),
    ("a demo, by name from /bin", "segvdemo > /tmp/out; echo demo=$?\r",
     "demo=0\r\n"),
    ("^C ends a program that never reads", ["yes > /dev/null\r", 1.0, CTRL_C], "^C"),
    ("", "echo after=$?\r", "after=130\r\n"),
    ("the up arrow brings the last line back", UP + "\r", "echo after=$?\x1b[J\r\nafter=0\r\n"),
    ("^Z stops the foreground job", ["sleep 100\r", 1.0, CTRL_Z], "Stopped"),
    ("", "kill -9 %1; sleep 1; jobs\r", "Killed"),
    ("canonical mode: cat edits a line with DEL, ^D ends the input",
     ["cat\r", 0.5, "abc" + DEL + "d\r", 0.5, CTRL_D], "abc\b \bd\r\nabd\r\n"),
]


def shell_iso(args, tmp):
    """The release ISO's kernel and initramfs, booted without the menu."""
    return initramfs.mkiso(os.path.join(tmp, "shell.iso"), args.kernel, "quiet", INITRD)


def shell_step(console, keys, want, timeout):
    """Type KEYS (text, or a list of texts and pauses in seconds); the
    output up to the next prompt, which must contain WANT."""
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, str):
            console.send(key)
        else:
            time.sleep(key)
    shown = console.expect(PROMPT, timeout=timeout)
    return want in shown, shown


def run_shell_check(args, results, name, log_path):
    """Boot the release initramfs (init, busybox's ash, the demos) and use
    its shell through the serial port as a person would; each step is one
    result, and `exit 3` must end the boot with init's status 3."""
    with tempfile.TemporaryDirectory(prefix="faultline-shell.") as tmp:
        iso = shell_iso(args, tmp)
        with qemu.Console(iso, accel=args.accel, log_path=log_path) as console:
            try:
                console.expect(PROMPT, timeout=args.timeout)
                results.record(True, f"{name}: boots to the prompt")
                for what, keys, want in SHELL_STEPS:
                    ok, shown = shell_step(console, keys, want, args.timeout)
                    results.record(ok, f"{name}: {what or keys.strip()}",
                                   () if ok else [f"wanted {want!r} in {shown!r}"])
                console.send("exit 3\r")
                console.expect("faultline: init exited with status 3", timeout=args.timeout)
                status = console.wait_exit(args.timeout)
                results.record(status == qemu.EXIT_SUCCESS, f"{name}: exit 3 ends the boot",
                               () if status == qemu.EXIT_SUCCESS else [f"QEMU status {status}"])
            except (TimeoutError, EOFError) as err:
                results.record(False, f"{name}: {err}")
                results.show_tail(name, console.seen.decode("utf-8", "replace"))


# The boots that type into a console, by name: each a function of
# (args, results, name, log_path) that records its results.
CONSOLE_CHECKS = {**{name: run_keyboard_check for name in KEYBOARD_CHECKS},
                  SHELL_CHECK: run_shell_check}
