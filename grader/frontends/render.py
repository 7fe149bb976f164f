"""Show results to people: rich in a terminal, plain text when piped or NO_COLOR is set.

Learner output is shown as escaped text inside a labelled box, before the
verdict, so nothing the learner's code prints can pass for the verdict. Every
learner-derived string (output, messages, names, file names, frames) reaches rich as
`Text` made by `safe`, never as markup, with its control characters escaped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.frontends.prose import Prose, TrimmedLines
from grader.submission.cells import split_cell
from grader.results import ERROR, CheckResult, ExerciseResult
from grader.text import clean_block, clean_line


MARKS = "✓✗…—→"
ASCII_MARKS = str.maketrans({"✓": "OK", "✗": "X", "…": "...", "—": "-", "→": "->"})


def make_console(stderr: bool = False) -> Console:
    plain = bool(os.environ.get("NO_COLOR"))
    stream = sys.stderr if stderr else sys.stdout
    ascii_only = {} if can_encode(stream, MARKS) else {"file": AsciiMarks(stream)}  # cp1252: OK and X for ✓ and ✗
    console = Console(stderr=stderr, highlight=False, no_color=plain, emoji=False, soft_wrap=False, **ascii_only)
    if not console.is_terminal and not console.is_jupyter:  # piped: no padding at the ends of lines
        console.file = TrimmedLines(console.file)
    return console


def can_encode(stream, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def degrade_streams() -> None:
    """On a console that cannot encode UTF-8's marks (Windows' cp1252, a C locale), write what it cannot
    encode as `?` rather than fail: for everything printed without the console (typer.echo)."""
    for stream in (sys.stdout, sys.stderr):
        if not can_encode(stream, MARKS) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


class AsciiMarks:
    """A text stream for rich that writes ✓ as OK, ✗ as X, … as ... (and anything else it cannot encode as ?)."""

    def __init__(self, stream):
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None) or "ascii"

    def write(self, text: str) -> int:
        plain = text.translate(ASCII_MARKS).encode(self.encoding, "replace").decode(self.encoding)
        return self.stream.write(plain)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


def table_box(console: Console) -> box.Box:
    return box.ROUNDED if (console.is_terminal or console.is_jupyter) and not console.no_color else box.ASCII


def escape_output(text: str) -> str:
    """Learner output with control characters (ANSI escapes, bidi overrides, NUL) made visible and harmless."""
    return clean_block(text)


def safe(value: object, style: str = "") -> Prose:
    """Learner-derived text for rich: never read as markup, control characters escaped, lines kept
    (as `Prose`: `code` is not split when it wraps)."""
    return Prose(clean_block(value), style=style)


def calls(command: str, number: str, notebook: bool = False) -> dict[str, str]:
    """How the learner checks, asks for a hint, sees the solution: a command, or a call in a notebook cell."""
    return {k: f'{k}("{number}")' if notebook else f"{command} {k} {number}" for k in ("check", "hint", "solution")}


def show_result(console: Console, result: ExerciseResult, command: str, notebook: bool = False) -> None:
    """`notebook`: the verdict names the calls of a notebook cell (`check("03")`), not the commands."""
    number = result.exercise.split("_", 1)[0]
    if result.output.strip():
        body = Text(escape_output(result.output.rstrip()[-4000:]))
        console.print(Panel(body, title="your code printed (not part of the verdict)", box=table_box(console), title_align="left"))
    if result.status == ERROR:
        _show_not_graded(console, result)
    else:
        for check in result.checks:
            _show_check(console, check)
    if result.message and result.status != ERROR:
        console.print(safe(f"note: {result.message}", style="dim"))
    console.print()
    headline, rest = verdict(result, calls(command, number, notebook))
    console.print(Prose.assemble((headline, "bold green" if result.passed else "bold red"), rest))


def _show_not_graded(console: Console, result: ExerciseResult) -> None:
    console.print(safe(f"✗ {result.title}: {result.message}", style="bold red"))
    if result.traceback:
        console.print(Padding(_traceback(result.traceback), (0, 0, 0, 4)))
    if result.hint:
        console.print(Padding(safe(f"hint: {result.hint}", style="yellow"), (0, 0, 0, 4)))


def _show_check(console: Console, check: CheckResult) -> None:
    if check.passed:
        console.print(safe(f"✓ {check.name}", style="green"))
        return
    if check.message.startswith("not implemented yet"):
        console.print(Text.assemble(safe(f"✗ {check.name}", "bold red"), ("  not implemented yet", "dim")))
        return
    console.print(safe(f"✗ {check.name}", style="bold red"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row("called", safe(check.call))
    if check.expected and check.got and check.expected != check.got and check.expected not in check.message:
        grid.add_row("expected", safe(check.expected))
        grid.add_row("got", safe(check.got))
    grid.add_row("problem", safe(check.message))
    if check.traceback:
        grid.add_row("where", _traceback(check.traceback))
    if check.differs_at:
        grid.add_row("differs at", safe(check.differs_at))
    if check.hint:
        grid.add_row("hint", safe(check.hint, style="yellow"))
    console.print(Padding(grid, (0, 0, 0, 4)))


def _traceback(frames: list) -> Text:
    text = Text(overflow="fold")  # long paths wrap; never cut off the file name
    for file, line, func, code in frames:
        head = frame_head(file)
        text.append(clean_line(f"{head}, line {line}, in {func}") + "\n", style="dim")
        if code:
            text.append(f"  {clean_line(code)}\n")
    text.rstrip()
    return text


def frame_head(file: str) -> str:
    """`File "x.py"`; for a notebook frame ("work.ipynb [In [3]]", the line inside the cell) `File "work.ipynb",
    In [3]`, or IPython's `Cell In [3]` inside a kernel whose notebook has no file name."""
    path, cell = split_cell(file)
    if not cell:
        return f'File "{short_path(file)}"'
    return f'File "{short_path(path)}", {cell}' if path.lower().endswith(".ipynb") else f"Cell {cell}"


def untouched(result: ExerciseResult) -> bool:
    """Every check still says "not implemented yet": the learner has not started."""
    return result.not_started


def short_path(file: str | Path) -> str:
    """A path relative to the working directory when the file is under it, else as given; control
    characters escaped (a file name is learner text)."""
    try:
        rel = os.path.relpath(file)
    except ValueError:
        return clean_line(file)
    return clean_line(file if rel.startswith("..") else rel)


def verdict(result: ExerciseResult, how: dict[str, str]) -> tuple[str, str]:
    """(the headline, what to do next) under a result; `how` from `calls`."""
    passed = sum(c.passed for c in result.checks)
    if result.passed:
        return f"✓ Passed: {result.title}, all {passed} checks. ", f"See the reference solution with `{how['solution']}`."
    score = f"{passed} of {len(result.checks)} checks passed" if result.status != ERROR else "not graded"
    if result.limit:
        return (f"✗ Not graded: {result.title} (stopped by the {result.limit} limit). ",
                f"This says nothing about your answer yet: fix what is named above, or run `{how['check']}` again "
                "if the machine was busy.")
    if untouched(result):
        return (f"✗ Not started: {result.title}. ", f"Open {short_path(result.file)}, replace each `raise NotImplementedError` "
                f"with your code, then run `{how['check']}`.")
    return (f"✗ Not passed yet: {result.title} ({score}). ",
            f"Fix the first failing check, then run `{how['check']}` again; `{how['hint']}` gives a hint.")


def show_error(console: Console, message: str, hint: str = "") -> None:
    console.print(safe(f"error: {message}", style="bold red"))
    if hint:
        console.print(safe(hint, style="yellow"))


def show_code(console: Console, path: Path) -> None:
    """Python source, whole: highlighted and soft-wrapped (never cut) in a terminal, exactly as written when piped."""
    source = path.read_text(encoding="utf-8")
    if not console.is_terminal or console.no_color:
        console.out(source.rstrip("\n"), highlight=False)  # copied or redirected: the file itself, no line cut
        return
    from rich.syntax import Syntax

    console.print(Syntax(source, "python", line_numbers=True, theme="ansi_dark", word_wrap=True))
