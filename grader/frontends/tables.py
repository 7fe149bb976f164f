"""Tables and summaries: `list`, `check --all`, `validate` and `grade`'s progress and summary.

Plain text when piped or NO_COLOR is set, like `grader.frontends.render`. Learner-derived
cells are `Text` (`render.safe`), never markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.frontends.render import safe, table_box, untouched
from grader.results import ERROR, ExerciseResult
from grader.text import clean_line


def show_list(console: Console, rows: list[dict], done: int, total: int) -> None:
    table = Table(box=table_box(console), title="pytorch-tutor exercises", title_justify="left")
    widths = {"#": 2, "status": len("not started"), "last checked": 16}
    for name in ("#", "exercise", "status", "last checked", "topic"):  # the title and the topic wrap, never cut
        table.add_column(name, no_wrap=name not in ("exercise", "topic"), min_width=widths.get(name),
                         ratio=1 if name == "topic" else None, justify="right" if name == "#" else "left")
    styles = {"passed": "green", "failing": "red", "not started": "dim"}
    for row in rows:
        status = Text(row["status"], style=styles.get(row["status"], ""))
        table.add_row(row["number"], safe(row["title"]), status, safe(row["last_checked"] or "-"), safe(row["topic"]))
    console.print(table)
    console.print(progress_line(done, total, console))


def progress_line(done: int, total: int, console: Console) -> Text:
    width = 30
    filled = round(width * done / total) if total else 0
    bar_chars = ("█", "░") if console.is_terminal and not console.no_color else ("#", "-")
    return Text.assemble(
        "progress ", (bar_chars[0] * filled, "green"), bar_chars[1] * (width - filled), f" {done}/{total} exercises passed"
    )


def show_validation(console: Console, exercise, problems: list) -> None:
    """✓ sound (with its warnings, if any), or ✗ and every problem; each named with its file and declaration."""
    real = [p for p in problems if not p.warning]
    warned = [p for p in problems if p.warning]
    note = f" ({len(warned)} warning{'s' * (len(warned) != 1)})" if warned else ""
    if not real:
        console.print(Text(f"✓ {exercise.id}: sound{note}", style="green"))
    else:
        console.print(Text(f"✗ {exercise.id}: {len(real)} problem{'s' * (len(real) != 1)}{note}", style="bold red"))
    for problem in real:
        console.print(Padding(Text(f"- {problem.text()}"), (0, 0, 0, 4)))
    for problem in warned:
        console.print(Padding(Text(f"- warning: {problem.text()}", style="yellow"), (0, 0, 0, 4)))


def show_paths(console: Console, paths: list[str]) -> None:
    """The paths `validate` grades a reference along (past the first, only a reference sound on the first)."""
    later = " (past the warm pool, the references of sound exercises)" if len(paths) > 1 else ""
    console.print(Text(f"Paths graded{later}: {'; '.join(paths)}.", style="dim"))


def show_all_results(console: Console, results: list[ExerciseResult], command: str) -> None:
    """One table for `check --all`: a line per exercise, its first problem, and the total."""
    table = Table(box=table_box(console), title="pytorch-tutor check --all", title_justify="left")
    for name in ("exercise", "verdict", "checks", "first problem"):
        table.add_column(name, no_wrap=name != "first problem", overflow="fold")
    styles = {"passed": "green", "failed": "red", "error": "red"}
    for r in results:
        passed = sum(c.passed for c in r.checks)
        first = r.message if r.status == ERROR else next((f"{c.name}: {c.message}" for c in r.checks if not c.passed), "")
        fresh = untouched(r)
        verdict = Text("not started", style="dim") if fresh else Text(r.status, style=styles.get(r.status, ""))
        table.add_row(safe(r.exercise), verdict, f"{passed}/{len(r.checks)}", safe("" if fresh else first))
    console.print(table)
    done = sum(r.passed for r in results)
    console.print(progress_line(done, len(results), console))
    todo = next((r for r in results if not r.passed), None)
    if todo is not None:
        console.print(Text(f"Next: `{command} check {todo.exercise.split('_', 1)[0]}` shows the details and hints."))


def grade_progress(console: Console, total: int):
    """`with grade_progress(console, n) as advance:` a live bar in a terminal, else one plain line per submission."""
    from contextlib import contextmanager

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def progress():
        if not console.is_terminal or console.no_color:
            done = iter(range(1, total + 1))
            yield lambda sub, entry, cached: console.print(Text(
                f"[{next(done)}/{total}] {clean_line(sub.label)}: {entry['score']:g}/{entry['max_score']:g} "
                f"{clean_line(entry['status'])}" + (" (unchanged, from the cache)" if cached else "")))
            return
        columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"))
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("", total=total)
            yield lambda sub, entry, cached: bar.update(task, advance=1, description=escape(clean_line(sub.label)))

    return progress()


def show_grade_summary(console: Console, summary: dict) -> None:
    """`grade`'s summary: warnings, pass rates and mean scores per exercise, the most frequent known
    mistakes, the isolation layers in force."""
    for warning in summary["warnings"]:
        console.print(Text.assemble(("warning: ", "yellow"), clean_line(warning)))
    table = Table(box=table_box(console), title="class results", title_justify="left")
    for name in ("exercise", "passed / submitted", "pass rate", "mean score", "errors", "limits"):
        table.add_column(name, no_wrap=True, justify="left" if name == "exercise" else "right")
    for row in summary["exercises"]:
        rate = "-" if row["pass_rate"] is None else f"{row['pass_rate']:.0%}"
        mean = "-" if row["mean_score"] is None else f"{row['mean_score']:g} / {row['max_score']:g}"
        table.add_row(safe(row["exercise"]), f"{row['passed']} / {row['submitted']}", rate, mean, str(row["errors"]),
                      str(row.get("limits", 0)))
    _print_whole(console, table)
    if summary["mistakes"]:
        top = Table(box=table_box(console), title="most frequent known mistakes", title_justify="left")
        for name in ("exercise", "mistake", "students"):
            top.add_column(name, no_wrap=True, justify="right" if name == "students" else "left")
        for m in summary["mistakes"][:10]:
            top.add_row(safe(m["exercise"]), safe(m["mistake"]), str(m["students"]))
        _print_whole(console, top)
    _show_similar(console, summary.get("similarity"))
    _show_history(console, summary.get("history"))
    layers = ", ".join(clean_line(layer) for layer in summary["isolation"]) or "none reported"
    console.print(Text(f"isolation: {layers}"))
    s = summary
    console.print(safe(
        f"{s['students']} students, {s['submissions']} submissions: {s['graded']} graded, {s['cached']} unchanged "
        f"(from the cache), {s['not_submitted']} not submitted; scored 0: {s['errors']} for an error in the file, "
        f"{s.get('limits', 0)} stopped by a time, memory or process limit. Gradebook: {s['out']}"))


def _show_similar(console: Console, pairs: list[dict] | None) -> None:
    """The most similar pairs of submissions (None: not compared)."""
    if pairs is None:
        return
    if not pairs:
        console.print(Text("similarity: no pair of submissions stands out (similarity.html in the gradebook)"))
        return
    top = Table(box=table_box(console), title="most similar pairs", title_justify="left")
    for name in ("exercise", "students", "score", "shared"):
        top.add_column(name, no_wrap=True, justify="left" if name in ("exercise", "students") else "right")
    for p in pairs:
        top.add_row(clean_line(p["exercise"]), " & ".join(clean_line(s) for s in p["students"]), f"{p['score']:g}",
                    str(p["shared"]))
    _print_whole(console, top)


def _show_history(console: Console, block: dict | None) -> None:
    """Per exercise, the known mistakes students met before passing (learner-reported; None: no history handed in)."""
    if not block or not block["mistakes_before_pass"]:
        return
    top = Table(box=table_box(console), title_justify="left",
                title=f"met before passing (learner-reported, {block['students']})")
    for name in ("exercise", "mistake", "students"):
        top.add_column(name, no_wrap=True, justify="right" if name == "students" else "left")
    for m in block["mistakes_before_pass"][:15]:
        top.add_row(clean_line(m["exercise"]), clean_line(m["mistake"]), str(m["students"]))
    _print_whole(console, top)


def _print_whole(console: Console, table: Table) -> None:
    """In a terminal, as wide as the terminal; piped, as wide as the table needs, so no header or cell is cut."""
    if console.is_terminal:
        console.print(table)
        return
    from rich.measure import Measurement

    width = console.width
    console.width = max(width, Measurement.get(console, console.options.update(width=10_000), table).maximum)
    try:
        console.print(table)
    finally:
        console.width = width
