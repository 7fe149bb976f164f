"""`grade --similarity`: renamed and reordered copies are found, independent solutions and the
course's own code are not, and the report is safe to open."""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path

import pytest

from conftest import COURSE, ROOT, cli, copy_course
from grader.classroom import plan as classroom
from grader.classroom import simreport
from grader.classroom.copies import class_pairs
from grader.classroom.similarity import THRESHOLD, tokens

sys.path.insert(0, str(ROOT / "scripts"))
import similarity_bench as bench  # noqa: E402  the bench's class generator

EXERCISES = ("01_tensors", "02_autograd", "03_nn_module")


def small_class(folder: Path, seed: int = 3) -> set[tuple]:
    """Six students with their own solutions; two of them hand in disguised copies of a classmate's."""
    rng = random.Random(seed)
    names = [f"s{n}" for n in range(6)]
    files = {(s, ex): bench.independent(ex, rng) for s in names for ex in EXERCISES}
    files["s4", "03_nn_module"] = bench.disguise(files["s1", "03_nn_module"], rng)
    files["s5", "02_autograd"] = bench.disguise(files["s2", "02_autograd"], rng)
    for (student, ex), text in files.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        (folder / student / f"{ex}.py").write_text(text)
    return {("03_nn_module", "s1", "s4"), ("02_autograd", "s2", "s5")}


def flagged(pairs) -> set[tuple]:
    return {(p.exercise, *sorted((p.a.student, p.b.student))) for p in pairs if p.score >= THRESHOLD}


def test_renamed_and_reordered_copies_are_found_and_nothing_else(tmp_path):
    planted = small_class(tmp_path / "hw")
    found = classroom.plan(COURSE, tmp_path / "hw", tmp_path / "book", ",".join(EXERCISES))
    assert flagged(class_pairs(found)) == planted


def test_the_stub_reference_styles_and_mistakes_are_not_evidence(tmp_path):
    """Students who hand in the untouched stub, the reference or a style score 0 against each other."""
    folder = ROOT / "reference" / "03_nn_module"
    given = [ROOT / "exercises" / "03_nn_module.py", folder / "solution.py", *sorted(folder.glob("styles/*.py")),
             *sorted(folder.glob("mistakes/*.py"))]
    for n, path in enumerate(given):
        for copy in ("a", "b"):
            (tmp_path / "hw" / f"{copy}{n}").mkdir(parents=True)
            (tmp_path / "hw" / f"{copy}{n}" / "03_nn_module.py").write_text(path.read_text())
    found = classroom.plan(COURSE, tmp_path / "hw", tmp_path / "book", "03")
    assert flagged(class_pairs(found)) == set()


def test_renaming_and_reformatting_do_not_change_the_tokens():
    a = "def f(x):\n    total = 0  # sum\n    for v in x:\n        total += v\n    return total\n"
    b = "def f( x ):\n\n    # my own loop\n    acc=0\n    for item   in x:\n        acc += item\n\n    return acc\n"
    c = "def f(x):\n    total = 1\n    for v in x:\n        total *= v\n    return total\n"
    assert tokens(a)[0] == tokens(b)[0] != tokens(c)[0]


def test_the_report_escapes_every_learner_string_and_quotes_formulas(tmp_path):
    source = "import torch\n\n" + "\n".join(f"def helper_{n}(x):\n    return x * {n} + len('</pre><script>')\n"
                                             for n in range(12))
    for name in ("=HYPERLINK(1)", "<i>bob", "carol\x1b[2J"):
        (tmp_path / "hw" / name).mkdir(parents=True)
        (tmp_path / "hw" / name / "01_tensors.py").write_text(source)
    found = classroom.plan(COURSE, tmp_path / "hw", tmp_path / "book", "01")
    files, top = simreport.report(found, None)
    page = files["similarity.html"]
    assert "<script>" not in page and "<i>bob" not in page and "&lt;i&gt;bob" in page and "\x1b" not in page
    assert "&lt;/pre&gt;&lt;script&gt;" in page and "<mark>" in page
    rows = list(csv.reader(io.StringIO(files["similarity.csv"])))
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert len(top) == 3 and all(p["score"] == 1.0 for p in top)


def test_a_class_of_two_is_compared_only_when_asked(tmp_path):
    for name in ("ann", "ben"):
        (tmp_path / "hw" / name).mkdir(parents=True)
        (tmp_path / "hw" / name / "01_tensors.py").write_text("x = 1\n")
    found = classroom.plan(COURSE, tmp_path / "hw", tmp_path / "book", "01")
    assert simreport.report(found, None) == ({}, None)
    assert set(simreport.report(found, True)[0]) == {"similarity.csv", "similarity.html"}


def test_notebooks_and_files_that_do_not_parse_are_compared_without_error(tmp_path):
    code = "def tensor_from_list(data):\n" + "".join(f"    v{n} = data[{n}] * {n}\n" for n in range(20)) + "    return v1\n"
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": code}
    notebook = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})
    for name, file, text in [("nb", "01_tensors.ipynb", notebook), ("py", "01_tensors.py", code + "  (\n"),
                             ("bad", "01_tensors.ipynb", "{not json")]:
        (tmp_path / "hw" / name).mkdir(parents=True)
        (tmp_path / "hw" / name / file).write_text(text)
    found = classroom.plan(COURSE, tmp_path / "hw", tmp_path / "book", "01")
    assert flagged(class_pairs(found)) == {("01_tensors", "nb", "py")}


@pytest.mark.slow
def test_grade_writes_the_report_into_the_gradebook_and_names_the_copies(tmp_path):
    course_dir = copy_course(tmp_path / "course")
    small_class(tmp_path / "hw")
    result = cli(course_dir, "grade", str(tmp_path / "hw"), "-e", "02,03", "--json", "--unsafe-no-sandbox")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert {(p["exercise"], *p["students"]) for p in summary["similarity"]} == {
        ("03_nn_module", "s1", "s4"), ("02_autograd", "s2", "s5")}
    book = tmp_path / "hw-gradebook"
    assert (book / "similarity.html").is_file() and "s4" in (book / "similarity.csv").read_text()
    again = cli(course_dir, "grade", str(tmp_path / "hw"), "-e", "02,03", "--json", "--no-similarity",
                "--unsafe-no-sandbox")
    assert again.exit_code == 0, again.output  # the earlier report is part of the gradebook, not a stranger
    assert "similarity" not in json.loads(again.stdout[again.stdout.index("{"):])
