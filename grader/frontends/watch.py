"""`pytorch-tutor watch`: re-check the current exercise every time the learner saves it.

Each check is sent to the course's warm grading server when one answers (`server`, given by
the command line: it starts one and waits for it); else, or when it stops answering, a warm
worker of our own (see `grader.isolation.pool`, started once, at the first such check) grades
it, so a re-check costs the check's own compute, not a torch import, and the verdict is the
same either way. Events come from two threads into one
queue: file changes (watchfiles, on the exercises folder so editors that save by
rename or through a temp file are seen) and key presses (h hint, l list,
n next, r re-check, q quit). Quitting or Ctrl-C closes the pool: no process is left.
"""

from __future__ import annotations

import ast
import contextlib
import queue
import sys
import threading
from pathlib import Path

from grader.course import Course, Exercise
from grader.progress import PASSED, Progress

KEYS = "[h] hint  [l] list  [n] next  [r] re-check  [q] quit"


class Watch:
    def __init__(self, course: Course, console, command: str, poll: bool = False, start: Exercise | None = None,
                 server=None):
        """`start`: the exercise to open first (default: the earliest not yet passed). `server`: the course's
        grading server (`ready()`, `check(exercise_id)`: its result, or None to grade here), or None."""
        self.course, self.console, self.command, self.poll = course, console, command, poll
        self.server, self.pool = server, None
        self.progress = Progress(course.state_dir)
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.stop = threading.Event()
        self.current = start or first_unpassed(course, self.progress) or course.exercises[0]

    def run(self) -> None:
        if self.server is not None and not self.server.ready():
            self.server = None
        with contextlib.ExitStack() as self.stack, _keys_mode():
            threading.Thread(target=self._watch_files, daemon=True).start()
            threading.Thread(target=self._read_keys, daemon=True).start()
            self._open(self.current)
            try:
                while self._handle(*self.events.get()):
                    pass
            finally:
                self.stop.set()

    def _handle(self, kind: str, value: str) -> bool:
        if kind == "key" and value in ("q", "\x03", ""):
            return False
        if kind == "file" or value == "r":
            self._check()
        elif value == "h":
            self._hint()
        elif value == "l":
            self._list()
        elif value == "n":
            self._open(next_exercise(self.course, self.current))
        return True

    def _open(self, exercise: Exercise) -> None:
        from grader.frontends.render import safe, short_path

        self.current = exercise
        self.console.rule(safe(f"{exercise.id}: {exercise.title}"))
        self.console.print(safe(task_text(exercise.stub)))  # the learner's file: its docstring is learner text
        self.console.print(safe(f"Edit {short_path(exercise.stub)} and save; I re-check it each time.  {KEYS}", style="dim"))
        self._check()

    def _check(self) -> None:
        from grader.engine import check_exercise
        from grader.frontends.render import show_result

        ex = self.current
        result = self.server.check(ex.id) if self.server is not None else None  # recorded by the server
        if result is None:
            result = check_exercise(self.course, ex, ex.stub, pool=self._pool())
            self.progress.record_result(ex.id, result)
        show_result(self.console, result, self.command)
        self.console.print(KEYS, style="dim", markup=False)
        if result.passed:
            self.console.print(f"🎉 Well done! Compare with the reference: `{self.command} solution {ex.number:02d}`.", style="bold green")
            following = first_unpassed(self.course, self.progress)
            if following is not None:
                self._open(following)
            elif following is None:
                self.console.print("You have passed every exercise of the course.", style="bold green")

    def _pool(self):
        """Our own warm worker, started at the first check the server did not grade; closed on the way out."""
        from grader.isolation.backend import Pool

        if self.pool is None:
            self.pool = self.stack.enter_context(Pool(1))
        return self.pool

    def _hint(self) -> None:
        from grader.frontends.render import safe
        from grader.judging.hints import choose_ladder

        focus = str(self.progress.entry(self.current.id).get("focus") or "")
        target, hints = choose_ladder(self.current.checks, None, focus)
        if hints:
            index = self.progress.next_hint(self.current.id, len(hints), target)
            about = f" for `{target}`" if target else ""
            last = " (the last hint)" if index + 1 == len(hints) else ""
            self.console.print(safe(f"Hint {index + 1} of {len(hints)}{about}{last}: {hints[index]}", style="yellow"))

    def _list(self) -> None:
        from grader.frontends.tables import show_list
        from grader.frontends.workspace import list_rows

        rows = list_rows(self.course, self.progress)
        show_list(self.console, rows, sum(r["status"] == PASSED for r in rows), len(rows))

    def _watch_files(self) -> None:
        from watchfiles import watch

        folder = self.current.stub.parent
        for changes in watch(folder, stop_event=self.stop, force_polling=self.poll, step=30, rust_timeout=200):
            if any(Path(path).name == self.current.stub.name for _, path in changes):
                self.events.put(("file", self.current.stub.name))

    def _read_keys(self) -> None:
        while not self.stop.is_set():
            key = sys.stdin.read(1)
            if key in ("\n", "\r", " "):
                continue
            self.events.put(("key", key.lower()))
            if key in ("", "q"):
                return


def first_unpassed(course: Course, progress: Progress) -> Exercise | None:
    """The earliest exercise of the course not yet passed (an earlier one still failing comes before
    the next in order); None when every exercise is passed."""
    done = {ex_id for ex_id, entry in progress.read().items() if entry.get("status") == PASSED}
    return next((ex for ex in course.exercises if ex.id not in done), None)


def next_exercise(course: Course, current: Exercise) -> Exercise:
    order = list(course.exercises)
    return order[(order.index(current) + 1) % len(order)]


def task_text(stub: Path) -> str:
    """The stub's module docstring: what this exercise teaches and asks."""
    try:
        return (ast.get_docstring(ast.parse(stub.read_text(encoding="utf-8"))) or "").strip()
    except (OSError, SyntaxError, ValueError):
        return ""


@contextlib.contextmanager
def _keys_mode():
    """Single key presses without Enter when stdin is a terminal; restored on the way out."""
    try:
        import termios
        import tty
    except ImportError:  # Windows: keys are read a line at a time (the key, then Enter)
        termios = None
    if not sys.stdin.isatty() or termios is None:
        yield
        return

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
