"""How well `grade --similarity` finds copies, and what it costs next to grading.

Generates a class (default 200 students x 3 exercises) in a temporary folder: each student's
file is an independent correct solution, made by mixing the reference solution and its styles
function by function, renaming what a learner names, and adding a few statements of the
student's own; then some students hand in a copy of a classmate's file instead, renamed,
reformatted, its definitions reordered and its comments changed. Prints the recall on the
planted copies, the false positives among independent pairs, the similarity's time, and the
grading time (measured on --graded students and scaled to the class, as grading 600 files on
a shared machine takes long; the scaling is said in the output).

    PYTHONPATH=$PWD python scripts/similarity_bench.py [--students 200] [--copies 30] [--graded 6]
"""

from __future__ import annotations

import argparse
import ast
import io
import keyword
import tokenize
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXERCISES = ("01_tensors", "02_autograd", "03_nn_module")
OWN = [  # statements a student might add at the top of a function body; {v} is a fresh name, {n} a number
    "{v} = {n}", "assert {n} > 0, 'never'", "# step {n}: work it out", "{v} = []", "{v} = None\nif {v} is None:\n    {v} = {n}",
    "{v} = float({n}) * 2", "{v} = {{'k': {n}}}", "print if False else None", "for {v} in range({n} % 3):\n    pass",
]
NAMES = ["tmp", "val", "res", "out", "acc", "buf", "item", "thing", "z", "q", "w", "tot", "cnt", "h", "layer_a", "lin"]


def sources(ex_id: str) -> list[str]:
    folder = ROOT / "reference" / ex_id
    return [p.read_text() for p in [folder / "solution.py", *sorted((folder / "styles").glob("*.py"))]]


def top_level(text: str) -> tuple[list[str], dict[str, str]]:
    """The import lines and the source of each top-level definition of `text`."""
    tree, lines = ast.parse(text), text.splitlines()
    imports = [ast.get_source_segment(text, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    defs = {n.name: "\n".join(lines[n.lineno - 1 - len(n.decorator_list):n.end_lineno])
            for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return imports, defs


def independent(ex_id: str, rng: random.Random) -> str:
    """A correct-looking solution of the student's own: definitions from mixed styles, renamed, with own lines."""
    pool = [top_level(s) for s in sources(ex_id)]
    imports, defs = rng.choice(pool)
    imports, defs = list(imports), dict(defs)
    for name in list(defs):
        other_imports, other = rng.choice(pool)
        if name in other and rng.random() < 0.5:
            defs[name] = other[name]
            imports += [i for i in other_imports if i not in imports]
    stub_doc = ast.get_docstring(ast.parse((ROOT / "exercises" / f"{ex_id}.py").read_text())) or ""
    body = "\n\n\n".join(own_lines(d, rng) for d in defs.values())
    return f'"""{stub_doc}"""\n\n' + "\n".join(imports) + "\n\n\n" + rename(body, rng) + "\n"


def own_lines(definition: str, rng: random.Random) -> str:
    """`definition` with one or two statements of the student's own at the start of each function body."""
    tree, lines = ast.parse(definition), definition.splitlines()
    spots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            first = node.body[1] if len(node.body) > 1 and _is_doc(node.body[0]) else node.body[0]
            spots.append(first.lineno - 1)
    for at in sorted(spots, reverse=True):
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        for _ in range(rng.randint(1, 2)):
            text = rng.choice(OWN).format(v=rng.choice(NAMES) + str(rng.randint(0, 99)), n=rng.randint(1, 999))
            lines[at:at] = [indent + line for line in text.split("\n")]
    return "\n".join(lines)


def _is_doc(node) -> bool:
    return isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant)


def rename(text: str, rng: random.Random) -> str:
    """Every local name (an assignment target or argument not in the stub) renamed the same way throughout."""
    tree = ast.parse(text)
    local = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    local |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args if a.arg != "self"}
    fields = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)}
    new = {name: f"{name}_{rng.choice(NAMES)}{rng.randint(0, 9)}" for name in local | fields if not keyword.iskeyword(name)}
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines, depth, edits = text.splitlines(keepends=True), 0, []
    for n, tok in enumerate(toks):
        depth += (tok.string in "([{") - (tok.string in ")]}") if tok.type == tokenize.OP else 0
        if tok.type != tokenize.NAME or tok.string not in new:
            continue
        before = [t.string for t in toks[max(0, n - 2):n]]
        kwarg = depth > 0 and n + 1 < len(toks) and toks[n + 1].string == "=" and before[-1:] in (["("], [","])
        field = before[-2:] == ["self", "."] and tok.string in fields
        if not kwarg and (field or (before[-1:] != ["."] and tok.string in local)):
            edits.append((*tok.start, tok.string))
    for row, col, name in sorted(edits, reverse=True):
        lines[row - 1] = lines[row - 1][:col] + new[name] + lines[row - 1][col + len(name):]
    return "".join(lines)


def disguise(text: str, rng: random.Random) -> str:
    """A copy: renamed, its top-level definitions reordered, comments changed, blank lines added."""
    tree, lines = ast.parse(text), text.splitlines()
    head_end = min((n.lineno - 1 for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))), default=len(lines))
    defs = [_segment(lines, n) for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    rng.shuffle(defs)
    body = "\n\n\n\n".join(defs)
    body = "\n".join(line.split("  #")[0] + ("  # mine" if rng.random() < 0.1 else "") for line in body.splitlines())
    return "\n".join(lines[:head_end]) + "\n\n" + rename(body, rng) + "\n"


def _segment(lines: list[str], node) -> str:
    return "\n".join(lines[node.lineno - 1 - len(node.decorator_list):node.end_lineno])


def make_class(folder: Path, students: int, copies: int, rng: random.Random) -> set[tuple[str, str, str]]:
    """Write the class; the planted copies as (exercise, source student, copier)."""
    names = [f"s{n:03d}" for n in range(students)]
    files = {(s, ex): independent(ex, rng) for s in names for ex in EXERCISES}
    planted = set()
    for _ in range(copies):
        ex, (source, copier) = rng.choice(EXERCISES), rng.sample(names, 2)
        if any(ex == e and copier in (a, b) for e, a, b in planted) or any(ex == e and source == b for e, a, b in planted):
            continue
        files[copier, ex] = disguise(files[source, ex], rng)
        planted.add((ex, source, copier))
    for (student, ex), text in files.items():
        (folder / student).mkdir(exist_ok=True)
        (folder / student / f"{ex}.py").write_text(text)
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--graded", type=int, default=6, help="students graded to time grading (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from grader.classroom import plan as classroom
    from grader.classroom.copies import class_pairs
    from grader.classroom.similarity import THRESHOLD
    from grader.course import find_course

    course = find_course(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hw"
        folder.mkdir()
        planted = make_class(folder, args.students, args.copies, random.Random(args.seed))
        found = classroom.plan(course, folder, Path(tmp) / "book", ",".join(EXERCISES))
        start = time.perf_counter()
        pairs = class_pairs(found)
        cost = time.perf_counter() - start
        flagged = {(p.exercise, *sorted((p.a.student, p.b.student))) for p in pairs if p.score >= THRESHOLD}
        copied = {(e, *sorted((a, b))) for e, a, b in planted}
        hits = len(flagged & copied)
        independent_pairs = len(EXERCISES) * args.students * (args.students - 1) // 2 - len(copied)
        print(f"class: {args.students} students x {len(EXERCISES)} exercises, {len(copied)} planted copies")
        print(f"recall on planted copies (score >= {THRESHOLD}): {hits}/{len(copied)} = {hits / max(1, len(copied)):.1%}")
        print(f"false positives among {independent_pairs} independent pairs: {len(flagged - copied)}")
        print(f"similarity time: {cost:.2f} s for {len(found.submissions)} files")
        if args.graded:
            grading_time(course, folder, Path(tmp), args.graded, len(found.submissions), cost)


def grading_time(course, folder: Path, tmp: Path, graded: int, files: int, cost: float) -> None:
    """Grade the first `graded` students' files, and scale to the class's `files`: the start (until the first
    file is done: the warm workers' torch import) once, then the rate at which the files after it finished."""
    import shutil

    from grader.classroom import grading, plan as classroom

    sample = tmp / "sample"
    for student in sorted(p.name for p in folder.iterdir())[:graded]:
        shutil.copytree(folder / student, sample / student)
    found = classroom.plan(course, sample, tmp / "sample-book", ",".join(EXERCISES))
    done: list[float] = []
    start = time.perf_counter()
    run = grading.grade_class(course, found, unsafe=True, on_result=lambda *_: done.append(time.perf_counter()))
    took, first = time.perf_counter() - start, done[0] - start
    per_file = (done[-1] - done[0]) / max(1, len(done) - 1)
    scaled = first + per_file * (files - 1)
    passed = sum(e["status"] == "passed" for per in run.book.values() for e in per.values())
    print(f"grading time: {took:.1f} s for {len(done)} files ({passed} passed, jobs = cores): the first done after "
          f"{first:.1f} s, then one every {per_file:.2f} s; scaled to {files} files: {scaled:.0f} s")
    print(f"similarity cost: {cost / scaled:.2%} of the grading time (target <= 10%)")


if __name__ == "__main__":
    main()
