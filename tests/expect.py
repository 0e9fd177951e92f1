"""tests/expect.py — owns judging the ring-3 programs: user/expect.txt, the
TAP they print, and the "ok - NAME" result lines both runners print.

tests/run-linux runs the programs on this host (Linux is the reference) and
tests/run runs them as faultline's /init. Judging both through this one
module keeps their result lines identical, so the two counts can be compared
line for line. The runners differ only in how a death by signal reaches us,
which each passes in (host_signal_status, faultline_signal_status).
"""

import collections
import os
import re
import signal
import threading

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECT = os.path.join(REPO, "user", "expect.txt")
USER_BUILD = os.path.join(REPO, "build", "user")
TAIL_LINES = 20

# "ok 1 - name", "not ok 2 - name # reason"; number and dash are optional in TAP.
TAP_RESULT = re.compile(r"(not ok|ok)\b\s*\d*\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$")
# A plan may carry a directive: "1..0 # SKIP why" skips the whole program.
TAP_PLAN = re.compile(r"1\.\.(\d+)(?:\s*#\s*(.*))?$")

# A line of user/expect.txt: how the program must end (kind and its
# argument, None for tap), then option words. An option says how to set up
# the machine, not how to judge, so tests/run-linux ignores them all.
Expectation = collections.namedtuple("Expectation", "kind arg options")
ARG_COUNT = {"tap": 0, "exit": 1, "signal": 1}
OPTIONS = {
    # tests/run boots the program with 64M of RAM and swap disks, so that
    # it really pages; on Linux it uses whatever swap the host has.
    "swap",
    # tests/run puts every built program in the boot's /bin: the program
    # execs others from $BIN_DIR (default /bin). Without it /bin is empty,
    # which keeps the boot small (megabytes less for GRUB to load).
    "bin",
    # tests/run boots the program by itself instead of in one of the ring-3
    # runner's boots: a long program is then a job of its own, which the
    # other core can run beside.
    "alone",
}


def host_signal_status(signo):
    """subprocess reports a child killed by signal s as -s."""
    return -signo


def faultline_signal_status(signo):
    """faultline reports an init killed by signal s as 128 + s, as shells do."""
    return 128 + signo


def how_it_ended(status, signal_status):
    for sig in signal.Signals:
        if status == signal_status(sig):
            return f"killed by {sig.name}"
    return f"exit {status}"


def read_expectations(path=EXPECT):
    """NAME -> Expectation from user/expect.txt. An unknown option is an
    error, so a misspelt one cannot quietly change nothing."""
    table = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            kind = words[1] if len(words) > 1 else ""
            args = words[2:2 + ARG_COUNT.get(kind, 0)]
            options = words[2 + len(args):]
            if (kind not in ARG_COUNT or len(args) != ARG_COUNT[kind]
                    or not OPTIONS.issuperset(options)):
                raise SystemExit(f"{path}:{number}: cannot read {line.strip()!r}")
            table[words[0]] = Expectation(kind, args[0] if args else None,
                                          frozenset(options))
    return table


def built_programs(build_dir):
    if not os.path.isdir(build_dir):
        return []
    paths = {n: os.path.join(build_dir, n) for n in os.listdir(build_dir)}
    return sorted(n for n, path in paths.items()
                  if os.path.isfile(path) and os.access(path, os.X_OK))


def runnable(build_dir, table, names, results):
    """(name, absolute path) of each program to run: NAMES, or every program
    built or listed. A program without a line, or a line without a program,
    is recorded as a failure here, so the table cannot drift from user/*.c."""
    built = built_programs(build_dir)
    chosen = []
    for name in names or sorted(set(built) | set(table)):
        path = os.path.abspath(os.path.join(build_dir, name))
        if name not in table:
            results.record(False, f"{name}: has a line in user/expect.txt")
        elif name not in built:
            results.record(False, f"{name}: built as {path}")
        else:
            chosen.append((name, path))
    return chosen


class Results:
    """Counts results and prints them. tests/run boots in threads: the lock
    keeps the counts right, and holding it (it is re-entrant) around a
    program's judging keeps that program's lines together."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.lock = threading.RLock()

    def record(self, ok, name, details=()):
        with self.lock:
            if ok:
                self.passed += 1
            else:
                self.failed += 1
            print(f"{'ok' if ok else 'not ok'} - {name}", flush=True)
            self.show(details)
        return ok

    def show(self, lines):
        with self.lock:
            for line in lines:
                print(f"    {line}", flush=True)

    def summary(self):
        """Print the last line; the exit status is 0 only if nothing failed
        and something ran."""
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.passed and not self.failed else 1


def judge_tap(name, status, output, results, signal_status):
    """One result per TAP line, each with its diagnostics, then one for the
    plan and the exit status. True if all passed."""
    lines = output.splitlines()
    count = failed = 0
    plan = None
    plan_note = ""
    for i, line in enumerate(lines):
        if TAP_PLAN.match(line):
            plan = int(TAP_PLAN.match(line).group(1))
            plan_note = TAP_PLAN.match(line).group(2) or ""
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        count += 1
        failed += m.group(1) != "ok"
        diags = []
        for follow in lines[i + 1:]:
            if not follow.startswith("#"):
                break
            diags.append(follow)
        directive = m.group(3) or ""
        note = f" # {directive}" if directive.upper().startswith("SKIP") else ""
        results.record(m.group(1) == "ok", f"{name}: {m.group(2)}{note}",
                       diags if m.group(1) != "ok" else ())
    # done_testing() exits 1 when a case failed; that case is already counted.
    want = 1 if failed else 0
    complete = plan == count and status == want
    skip = f" # {plan_note}" if plan_note.upper().startswith("SKIP") else ""
    results.record(complete, f"{name}: ran to the end (plan 1..{count}, exit {want}){skip}",
                   () if complete else
                   [f"plan {'1..%d' % plan if plan is not None else 'missing'}, "
                    f"{count} results, {how_it_ended(status, signal_status)}"]
                   + lines[-TAIL_LINES:])
    return complete and not failed


def judge(name, expectation, status, output, results, signal_status):
    """Record how the program NAME did against its line in user/expect.txt;
    True if everything passed."""
    kind, arg = expectation.kind, expectation.arg
    if kind == "tap":
        return judge_tap(name, status, output, results, signal_status)
    want = signal_status(signal.Signals[arg]) if kind == "signal" else int(arg)
    ok = status == want
    return results.record(ok, f"{name}: {how_it_ended(want, signal_status)}",
                          () if ok else [f"got {how_it_ended(status, signal_status)}"]
                          + output.splitlines()[-TAIL_LINES:])
