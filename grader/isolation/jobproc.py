"""The job's processes inside the boundary: I (the namespace's init) and L (the learner), and how
their fate travels back to C, which exits the same way (see `grader.isolation.boundary`).

I reports L's wait status to C over a pipe as "exit N" or "signal N". C reproduces it: `os._exit(N)`,
or SIG_DFL for that signal, unblock it and kill itself with it (core dumps are off: RLIMIT_CORE is 0
for the whole job). A process that ends before the learner ran exits with SETUP_FAILED.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
from typing import TYPE_CHECKING, NoReturn

from grader.isolation import exits, identity, landlock_rules, namespaces, relocate
from grader.isolation import syscalls as sc
from grader.isolation.layers import Layers, Tally

if TYPE_CHECKING:
    from grader.isolation.boundary import Boundary

SETUP_FAILED = 125  # exit status when the job never reached run()
# RLIMIT_NPROC counts threads too: room for the learner's (torch's, a DataLoader's), one a core, beyond
# max_processes. No more: a fork bomb stops at the cap, and every process it holds there competes with
# the keeper for the cores until the keeper sees it (on 2 cores, 80 spinning processes end in seconds).
THREAD_ROOM = max(16, os.cpu_count() or 1)
NOT_LINUX = "not Linux: no namespaces, uid or Landlock (the caller's audit hook and limits still apply)"


def init_process(job, tally: Tally, report_w: int, keep: int | None = None) -> NoReturn:
    """I: pid 1 of the job's PID namespace. Forks L, reaps until L is gone, reports, exits."""
    try:
        sc.die_with_parent()
        namespaces.make_private(tally)
        namespaces.mount_proc(tally)
        pid = os.fork()
        if pid == 0:
            os.close(report_w)
            learner_process(job, tally)
        step_aside(keep=report_w, also=keep)
        status = _reap_until(pid)
        os.write(report_w, fate_text(status).encode())
    except BaseException:
        crash()
    os._exit(0)


def learner_process(job, tally: Tally) -> NoReturn:
    """L: learn the job (`boundary.contain_job`), prepare while privileged, restrict, run."""
    try:
        boundary, prepare, run = job()
        state = prepare()
        writable = _restrict(boundary, tally)
    except BaseException:
        crash()
    _finish(run, state, tally.layers(writable))


def _restrict(boundary: Boundary, tally: Tally) -> str:
    """Every restriction of the learner's process, in order; returns the writable folder. Landlock's
    reading rules are opened first: what the private /tmp is about to cover (Python or the grader
    installed under /tmp) keeps its rules, and is then read through descriptors (`relocate`)."""
    rules = landlock_rules.compute(boundary.readable, boundary.forbidden, (), tally.has("proc"))
    ruleset = landlock_rules.start(rules)
    hidden = relocate.open_all(relocate.hidden_under("/tmp", (*rules.python, *rules.tops)))
    open_before = {path: relocate.open_to_others(path, hidden) for path in rules.python if relocate.moved(path, hidden) != path}
    writable, private = namespaces.private_tmp(boundary.scratch, boundary.tmpfs_bytes, tally)
    hidden = hidden if "/tmp" in private else relocate.close_all(hidden)
    if os.geteuid() == 0 and not tally.has("userns"):  # a uid of its own is to come
        namespaces.reveal((*(t for t in rules.tops if relocate.moved(t, hidden) == t), writable), tally)
    closed = [p for p in rules.python if not (open_before[p] if p in open_before else namespaces.open_to_others(p))]
    uid = identity.pick_uid(tally, closed + ([writable] if namespaces.closed_ancestor(writable) else []))
    identity.write_files(writable, boundary.files, uid)
    identity.become(uid, tally)
    identity.cap_processes(boundary.max_processes + THREAD_ROOM, tally)
    tally.attempt("keyring", sc.join_session_keyring)
    _learner_env(writable)
    sc.prctl(sc.PR_SET_DUMPABLE, 1)  # its /proc files are its own again (changing uid cleared this)
    sc.die_with_parent()  # changing uid cleared this too
    tally.attempt("no_new_privs", sc.prctl, sc.PR_SET_NO_NEW_PRIVS, 1)
    relocate.relocate(hidden)
    landlock_rules.finish(ruleset, private or (writable,), tally)
    os.chdir(writable)
    return writable


def plain(boundary: Boundary, prepare, run, why: str = NOT_LINUX) -> NoReturn:
    """Off Linux (or with the boundary switched off, `why`): prepare, write the files into the scratch
    folder, run there."""
    try:
        state = prepare()
        identity.write_files(boundary.scratch, boundary.files, None)
        _learner_env(boundary.scratch)
        os.chdir(boundary.scratch)
    except BaseException:
        crash()
    _finish(run, state, Layers((), (("boundary", why),), boundary.scratch))


LEARNER_NAME = "learner"  # USER/LOGNAME: a fresh uid has no passwd entry, and getpass.getuser() (torch's compiler) asks


def _learner_env(writable: str) -> None:
    """The learner's environment names only what it may use: its folder as HOME, TMPDIR and torch's
    compiler caches, and a user name (torch 2.11's inductor calls getpass.getuser())."""
    os.environ["HOME"] = os.environ["TMPDIR"] = writable
    os.environ["USER"] = os.environ["LOGNAME"] = LEARNER_NAME
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.join(writable, "torchinductor")
    os.environ["TRITON_CACHE_DIR"] = os.path.join(writable, "triton")
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None  # forget a cached /tmp


def _finish(run, state, layers: Layers) -> NoReturn:
    """Run the learner's part, then exit (`exits.run_and_exit`)."""
    exits.run_and_exit(lambda: run(state, layers))


def close_above_3(keep: int | None = None) -> None:
    """Close every fd above 3 but `keep`."""
    if keep is None:
        os.closerange(4, 2**31 - 1)
    else:
        os.closerange(4, keep)
        os.closerange(keep + 1, 2**31 - 1)


def step_aside(keep: int, also: int | None = None) -> None:
    """In C and I once their child is forked: hold none of the learner's fds (stderr stays, for a
    crash report; `keep` is the report pipe, which is fd 3 where the caller left fd 3 unopened; `also`,
    the pipe a spare's job comes on, is L's alone), and leave every signal that Python handles at its default."""
    for fd in {0, 1, 3, also} - {keep, None}:
        try:
            os.close(fd)
        except OSError:
            pass
    for sig in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}:
        if callable(signal.getsignal(sig)):
            signal.signal(sig, signal.SIG_DFL)


def _reap_until(pid: int) -> int | None:
    """Reap children (orphans come to pid 1) until `pid` has ended; its wait status."""
    while True:
        try:
            got, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return None
        if got == pid:
            return status


def fate_text(status: int | None) -> str:
    if status is not None and os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status) if status is not None else SETUP_FAILED}"


def read_fate(report_r: int, pid: int) -> tuple[str, int]:
    """In C: how L ended, as I told it; I's own fate where I ended without telling."""
    data = os.read(report_r, 64)  # I's one write, once L has ended; I is left to end on its own (its keeper reaps it)
    os.close(report_r)
    kind, _, number = data.decode(errors="replace").partition(" ")
    if kind not in ("exit", "signal") or not number.isdigit():
        _, status = os.waitpid(pid, 0)  # I ended without telling
        kind, _, number = fate_text(status).partition(" ")
    return kind, int(number)


def die_like(kind: str, number: int) -> NoReturn:
    """Exit with `number`, or die by signal `number` (exit 128 + it where that signal does not kill)."""
    if kind == "signal":
        faulthandler.disable()
        if number not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {number})
        os.kill(os.getpid(), number)
        number = 128 + number
    os._exit(number)


def crash() -> NoReturn:
    """Print what went wrong (to stderr) and exit SETUP_FAILED."""
    try:
        exits.print_exception()
    finally:
        os._exit(SETUP_FAILED)
