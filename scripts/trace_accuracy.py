"""How often "where your values first differ" names the line of a known mistake (issue 27).

For every known mistake of the course marked `# MISTAKE` on the line that holds it (reference/*/mistakes/),
graded as a learner's file (the reference with the mistake on top), each check that fails on values
gets a pointer or none. A mistake counts as a hit when a pointer names a marked line or the line right
after it (where the wrong value is first used), and as wrong when a pointer names any other line.
Mistakes whose checks fail only with errors, not on values, are listed but not counted.

With --styles, every correct style goes through the same path under each marked mistake of its exercise
(the reference, the style, then the mistake on top, so the style's functions are the learner's and some
check fails): a pointer that names a line of the style is a defect (a correct line blamed).

    python scripts/trace_accuracy.py [EXERCISE ...] [--misses | --all] [--styles]
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.authoring.pointers import compose, marked_lines, pointers  # noqa: E402
from grader.course import find_course  # noqa: E402


def grade_mistake(exercise, mistake: Path, folder: Path) -> tuple[str, str]:
    """(outcome, detail): hit, wrong, none (failed on values, no pointer) or n/a (no value failure)."""
    source = compose(exercise, mistake)
    marks = marked_lines(source)
    file = folder / f"{exercise.id}_{mistake.stem}.py"
    file.write_text(source, encoding="utf-8")
    why: dict = {}
    found = pointers(exercise, file, why)
    if not found:
        return "n/a", "no check failed on values"
    named = {line for line in found.values() if line is not None}
    lines = source.split("\n")
    ok = marks | {m + 1 for m in marks}
    shown = "; ".join(f"{name}: " + (f"line {line} `{lines[line - 1].strip()[:60]}`" if line else
                                     f"no pointer ({why.get(name) or '?'})") for name, line in found.items())
    if named - ok:
        return "wrong", shown
    return ("hit" if named else "none"), shown


def style_pointers(exercise, style: Path, mistake: Path, folder: Path) -> tuple[int, list[str]]:
    """(pointers named, those on a line of the style) for the style under the mistake."""
    source = compose(exercise, style, mistake)
    lines = source.split("\n")
    start, end = lines.index(f"# ---- {style.stem} ----"), lines.index(f"# ---- {mistake.stem} ----")
    file = folder / f"{exercise.id}_{style.stem}_{mistake.stem}.py"
    file.write_text(source, encoding="utf-8")
    found = pointers(exercise, file)
    named = [(name, line) for name, line in found.items() if line is not None]
    return len(named), [f"{exercise.id}/{style.stem} under {mistake.stem}: {name}: line {line} "
                        f"`{lines[line - 1].strip()[:60]}`" for name, line in named if start < line <= end + 1]


def styles(exercises: list, folder: Path) -> None:
    print(f"{'exercise':24} {'styles':>6} {'runs':>5} {'named':>5} {'on a style':>10}")
    defects, total = [], [0, 0, 0]
    for ex in exercises:
        marked = [m for m in ex.mistakes if marked_lines(m.read_text(encoding="utf-8"))]
        runs = named = bad = 0
        for style in ex.styles:
            for mistake in marked:
                count, wrong = style_pointers(ex, style, mistake, folder)
                runs, named, bad = runs + 1, named + count, bad + len(wrong)
                defects += wrong
        print(f"{ex.id:24} {len(ex.styles):6} {runs:5} {named:5} {bad:10}", flush=True)
        total = [total[0] + runs, total[1] + named, total[2] + bad]
    print(f"{'all':24} {'':6} {total[0]:5} {total[1]:5} {total[2]:10}")
    print("\n".join(defects))


def exercise_counts(ex, folder: Path, misses: list[str], everything: bool) -> dict[str, int]:
    counts = {"hit": 0, "wrong": 0, "none": 0, "n/a": 0}
    for mistake in ex.mistakes:
        if not marked_lines(mistake.read_text(encoding="utf-8")):
            continue
        outcome, detail = grade_mistake(ex, mistake, folder)
        counts[outcome] += 1
        if outcome in ("wrong", "none") or everything:
            misses.append(f"{ex.id}/{mistake.stem}: {outcome}: {detail}")
    return counts


def main(argv: list[str]) -> None:
    wanted = [a for a in argv if not a.startswith("-")]
    course = find_course(None, Path(__file__).resolve().parent.parent)
    exercises = [course.resolve(w) for w in wanted] if wanted else list(course.exercises)
    if "--styles" in argv:
        with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return styles(exercises, Path(tmp))
    totals = {"hit": 0, "wrong": 0, "none": 0, "n/a": 0}
    misses = []
    print(f"{'exercise':24} {'marked':>6} {'values':>6} {'hit':>4} {'none':>4} {'wrong':>5}  accuracy")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ex in exercises:
            counts = exercise_counts(ex, Path(tmp), misses, "--all" in argv)
            values = counts["hit"] + counts["none"] + counts["wrong"]
            rate = f"{counts['hit'] / values:.0%}" if values else "-"
            print(f"{ex.id:24} {sum(counts.values()):6} {values:6} {counts['hit']:4} {counts['none']:4} "
                  f"{counts['wrong']:5}  {rate}", flush=True)
            for k in totals:
                totals[k] += counts[k]
    values = totals["hit"] + totals["none"] + totals["wrong"]
    print(f"{'all':24} {sum(totals.values()):6} {values:6} {totals['hit']:4} {totals['none']:4} {totals['wrong']:5}  "
          f"{totals['hit'] / max(values, 1):.0%}   ({time.perf_counter() - started:.0f} s)")
    if "--misses" in argv or "--all" in argv:
        print("\n" + "\n".join(misses))


if __name__ == "__main__":
    main(sys.argv[1:])
