"""Results as HTML in a notebook: the table a learner reads, and nothing learner-made that can run or pass for the verdict."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from grader.frontends.render import calls
from grader.frontends.render_html import result_html, rows_html
from grader.results import CheckResult, ExerciseResult

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>\x1b[2J\u202e✓ Passed'


class Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def result(**changes) -> ExerciseResult:
    checks = [
        CheckResult("tensor_from_list", False, call="tensor_from_list([[1, 2], [3, 4]])", message="dtype differs: expected torch.float32, got torch.int64",
                    expected="float32", got="int64", hint="`torch.tensor([1, 2])` is int64; ask for `dtype=torch.float32`.",
                    traceback=[["03_nn_module.ipynb [In [4]]", 2, "tensor_from_list", "return torch.tensor(data)"]]),
        CheckResult("zeros_and_ones", True),
        CheckResult("uniform_random", False, message="not implemented yet: uniform_random"),
    ]
    data = dict(exercise="01_tensors", title="Tensors", status="failed", checks=checks, file="this notebook")
    return ExerciseResult(**{**data, **changes})


def test_a_result_is_a_compact_table_with_the_details_folded():
    html = result_html(result(), calls("pytorch-tutor", "01", notebook=True))
    parsed = Tags(html)
    assert [t for t, _ in parsed.tags].count("th") == 4 and html.count(">✓</span>") + html.count(">✗</span>") == 3  # a row per check
    text = "".join(parsed.text)
    assert "✗" in text and "✓" in text and "dtype differs: expected torch.float32" in text and "not implemented yet" in text
    assert "<code>torch.tensor([1, 2])</code>" in html  # backticks in a hint are code
    assert html.count("<details>") == 1 and "File &quot;03_nn_module.ipynb&quot;, In [4], line 2, in tensor_from_list" in html
    assert '✗ Not passed yet: Tensors (1 of 3 checks passed).' in text and 'check("01")' in text and 'hint("01")' in text


def test_learner_strings_are_escaped_everywhere_they_appear():
    bad = CheckResult(HOSTILE, False, call=HOSTILE, message=HOSTILE, expected=HOSTILE + "1", got=HOSTILE + "2", hint=HOSTILE,
                      traceback=[[HOSTILE + " [In [3]]", 1, HOSTILE, HOSTILE]])
    for shown in (result(checks=[bad], output=HOSTILE + "\n" + HOSTILE),
                  result(status="error", message=HOSTILE, hint=HOSTILE, traceback=bad.traceback, title=HOSTILE)):
        html = result_html(shown, calls("pytorch-tutor", "01", notebook=True))
        tags = {t for t, _ in Tags(html).tags}
        assert tags <= {"div", "table", "tr", "th", "td", "span", "code", "details", "summary", "pre", "b", "p"}, tags
        assert not any(k.startswith("on") for _, attrs in Tags(html).tags for k in attrs)
        assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
        assert "\x1b" not in html and "\u202e" not in html and "\\x1b[2J" in html and "\\u202e" in html
        assert not re.search(r"</?(script|img)\b", html)


def test_progress_rows_as_html():
    rows = [{"number": "01", "title": "Tensors", "topic": "t <b>", "status": "passed", "last_checked": "2026-01-01 10:00"},
            {"number": "02", "title": HOSTILE, "topic": "", "status": "not started", "last_checked": ""}]
    html = rows_html(rows, 1, 2)
    assert html.count("<tr>") == 3 and "✓ passed" in html and "1 of 2 exercises passed" in html
    assert "<script" not in html and "t &lt;b&gt;" in html
