"""Learner-derived text (tests/hostile.py's MARKUP: rich markup, `[link=...]`, ANSI and OSC 8
escapes, a bidi override, NUL) reaches no front end as markup or as raw terminal control: check,
check --all, watch, list, grade, hint, and a notebook's text and HTML. Each is drawn on a colour
terminal console; the output must hold no learner escape, no hyperlink, and the markup as written."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

import hostile
from conftest import cli, copy_course
from grader.results import CheckResult, ExerciseResult

EVIL = " ".join(hostile.MARKUP)
OWN_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colours: the only escapes allowed through


def terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=400, highlight=False, emoji=False)


def assert_inert(shown: str) -> None:
    rest = OWN_STYLE.sub("", shown)
    assert "\x1b" not in rest and "\x07" not in rest, repr(rest[:2000])
    assert "\u202e" not in shown and "\x00" not in shown
    assert "]8;" not in rest.replace("\\x1b]8;", ""), "a hyperlink reached the terminal"
    assert "[/x]" in rest and "[link=http://x]a[/link]" in rest and "\\x1b" in rest and "\\u202e" in rest


def evil_result(status: str = "failed") -> ExerciseResult:
    check = CheckResult(f"check {EVIL}", False, call=f"softmax({EVIL})", message=f"your code raised ValueError: {EVIL}",
                        expected="a tensor", got=EVIL, hint="try again", traceback=[[f"/tmp/{EVIL}.py", 3, EVIL, EVIL]],
                        differs_at=f"line 3: {EVIL} — the first value your code computed that no correct computation produces")
    return ExerciseResult("01_tensors", "Tensors", status, [check], message=EVIL if status == "error" else "",
                          file=f"/tmp/{EVIL}.py", output=EVIL, traceback=[[EVIL, 1, EVIL, EVIL]])


@pytest.mark.parametrize("status", ["failed", "error"])
def test_check_shows_learner_text_as_text(status):
    from grader.frontends.render import show_result

    console = terminal()
    show_result(console, evil_result(status), "pytorch-tutor")
    assert_inert(console.file.getvalue())


def test_check_all_shows_learner_text_as_text():
    from grader.frontends.tables import show_all_results

    console = terminal()
    show_all_results(console, [evil_result(), evil_result("error")], "pytorch-tutor")  # MarkupError on [/x] before
    assert_inert(console.file.getvalue())


def test_list_and_grade_show_learner_text_as_text():
    from grader.frontends.tables import grade_progress, show_grade_summary, show_list

    console = terminal()
    show_list(console, [{"number": "01", "title": "Tensors", "status": "failing", "last_checked": EVIL, "topic": "t"}], 0, 1)
    summary = {"warnings": [EVIL], "exercises": [], "mistakes": [{"exercise": "01", "mistake": EVIL, "students": 1}],
               "isolation": [EVIL], "students": 1, "submissions": 1, "graded": 1, "cached": 0, "errors": 0,
               "not_submitted": 0, "out": EVIL}
    show_grade_summary(console, summary)
    assert_inert(console.file.getvalue())
    plain = Console(file=io.StringIO(), no_color=True, width=400)
    with grade_progress(plain, 1) as advance:
        advance(type("Sub", (), {"label": EVIL})(), {"score": 0, "max_score": 6, "status": EVIL}, False)
    assert "[/x]" in plain.file.getvalue() and "\x1b" not in plain.file.getvalue()


def test_watch_shows_the_learners_docstring_as_text(tmp_path: Path, monkeypatch):
    from grader.course import find_course
    from grader.frontends.watch import Watch

    course = find_course(copy_course(tmp_path / "course"))
    exercise = course.resolve("01")
    exercise.stub.write_text('"""' + EVIL.encode("unicode_escape").decode() + '"""\n', encoding="utf-8")  # the real characters
    console = terminal()
    watch = Watch(course, console, "pytorch-tutor")
    monkeypatch.setattr(watch, "_check", lambda: None)
    watch._open(exercise)
    assert_inert(console.file.getvalue())


def test_notebook_text_and_html_show_learner_text_escaped():
    from grader.frontends.render import calls, show_result
    from grader.frontends.render_html import result_html
    from grader.notebooks.display import plain_text

    html = result_html(evil_result(), calls("pytorch-tutor", "01", notebook=True))
    assert "<a " not in html and "\x1b" not in html and "\u202e" not in html and "\x00" not in html
    assert "[link=http://x]a[/link]" in html and "\\x1b" in html
    text = plain_text(lambda c: show_result(c, evil_result(), "pytorch-tutor", notebook=True))
    assert "\x1b" not in text and "[/x]" in text and "\u202e" not in text


def test_hint_and_check_file_escape_learner_given_names(tmp_path: Path):
    course = copy_course(tmp_path / "course")
    hinted = cli(course, "hint", "01", "[/x][link=http://x]a[/link]\x1b]8;;http://x\x1b\\")
    assert hinted.exit_code == 2 and "\x1b" not in hinted.output and "[/x]" in hinted.output, hinted.output
    evil = tmp_path / "work\x1b]8;;http:x\x1b\\[red]\u202e.py"  # no slash: one file name
    evil.write_text((course / "exercises/01_tensors.py").read_text())
    checked = cli(course, "check", "01", "--file", str(evil))
    assert checked.exit_code == 1, checked.output
    assert "\x1b" not in checked.output and "\u202e" not in checked.output
    assert "progress not recorded: " in checked.output and "\\x1b]8;;http:x\\x1b\\[red]" in checked.output
