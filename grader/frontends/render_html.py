"""Show results in Jupyter and Colab as HTML: a compact table of checks (✓/✗, the problem,
the hint) with the details of each failure folded in a <details>, and the verdict below.

Every string that may come from the learner (messages, reprs, output, frames, file names)
goes through `grader.text` and then `html.escape`, so what learner code printed or raised
can neither run script nor pass for the verdict. The plain-text twin is `render`.
Nothing here imports torch.
"""

from __future__ import annotations

import html
import re

from grader.frontends.render import frame_head, verdict
from grader.results import ERROR, CheckResult, ExerciseResult
from grader.text import clean_block, clean_line

GREEN, RED, AMBER, DIM = "#1a7f37", "#cf222e", "#9a6700", "opacity:0.7"
_TICK = re.compile(r"`([^`]+)`")
_BOX = 'class="pytorch-tutor" style="font-family:var(--jp-ui-font-family,sans-serif);line-height:1.4"'
_CELL = "text-align:left;vertical-align:top;padding:2px 8px"


def text(value: object, limit: int = 2000) -> str:
    """One line of (possibly learner-derived) text, safe inside HTML; `code` in backticks as <code>."""
    return _TICK.sub(r"<code>\1</code>", html.escape(clean_line(value, limit)))


def block(value: object) -> str:
    """Several lines (what the learner's code printed), safe inside a <pre>."""
    return f'<pre style="white-space:pre-wrap;margin:4px 0">{html.escape(clean_block(value))}</pre>'


def result_html(result: ExerciseResult, how: dict[str, str]) -> str:
    """The whole result; `how` names the calls to suggest (`render.calls`)."""
    parts = []
    if result.output.strip():
        parts.append(f"<details><summary>your code printed (not part of the verdict)</summary>{block(result.output.rstrip()[-4000:])}</details>")
    parts.append(_not_graded(result) if result.status == ERROR else _checks_table(result.checks))
    if result.message and result.status != ERROR:
        parts.append(f'<div style="{DIM}">note: {text(result.message)}</div>')
    headline, rest = verdict(result, how)
    colour = GREEN if result.passed else RED
    parts.append(f'<p style="margin:6px 0"><b style="color:{colour}">{text(headline)}</b>{text(rest)}</p>')
    return f"<div {_BOX}>{''.join(parts)}</div>"


def _checks_table(checks: list[CheckResult]) -> str:
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("", "check", "problem", "hint"))
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{"".join(map(_check_row, checks))}</table>'


def _check_row(check: CheckResult) -> str:
    mark = f'<span style="color:{GREEN}">✓</span>' if check.passed else f'<span style="color:{RED}">✗</span>'
    problem, hint = "", ""
    if not check.passed and check.message.startswith("not implemented yet"):
        problem = f'<span style="{DIM}">not implemented yet</span>'
    elif not check.passed:
        problem, hint = text(check.message) + _details(check), f'<span style="color:{AMBER}">{text(check.hint)}</span>'
    cells = (mark, f"<code>{text(check.name, 200)}</code>", problem, hint)
    return "<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>"


def _details(check: CheckResult) -> str:
    rows = [("called", text(check.call))]
    if check.expected and check.got and check.expected != check.got and check.expected not in check.message:
        rows += [("expected", text(check.expected)), ("got", text(check.got))]
    if check.traceback:
        rows.append(("where", traceback_html(check.traceback)))
    if check.differs_at:
        rows.append(("differs at", text(check.differs_at)))
    body = "".join(f'<tr><td style="{_CELL};{DIM}">{k}</td><td style="{_CELL}">{v}</td></tr>' for k, v in rows)
    return f"<details><summary>details</summary><table>{body}</table></details>"


def _not_graded(result: ExerciseResult) -> str:
    parts = [f'<p style="margin:4px 0"><b style="color:{RED}">✗ {text(result.title)}: </b>{text(result.message)}</p>']
    if result.traceback:
        parts.append(traceback_html(result.traceback))
    if result.hint:
        parts.append(f'<p style="color:{AMBER};margin:4px 0">hint: {text(result.hint)}</p>')
    return "".join(parts)


def traceback_html(frames: list) -> str:
    lines = []
    for file, line, func, code in frames:
        lines.append(f'<span style="{DIM}">{text(f"{frame_head(file)}, line {line}, in {func}")}</span>')
        if code:
            lines.append("  " + html.escape(clean_line(code)))
    return f'<pre style="white-space:pre-wrap;margin:4px 0">{chr(10).join(lines)}</pre>'


def rows_html(rows: list[dict], passed: int, total: int) -> str:
    """`progress()`: every exercise with its status, as `pytorch-tutor list` shows it."""
    marks = {"passed": f'<span style="color:{GREEN}">✓ passed</span>', "failing": f'<span style="color:{RED}">✗ failing</span>'}
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("#", "exercise", "status", "last checked", "topic"))
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in (
            text(r["number"]), text(r["title"]), marks.get(r["status"], f'<span style="{DIM}">{text(r["status"])}</span>'),
            text(r["last_checked"] or "-"), f'<span style="{DIM}">{text(r["topic"])}</span>')) + "</tr>" for r in rows)
    return (f'<div {_BOX}><table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'
            f"<p>{passed} of {total} exercises passed.</p></div>")


def message_html(title: str, body: str, after: str = "", colour: str = "") -> str:
    """A titled message (a hint, an error): `title` bold, `body` below, `after` dimmed."""
    style = f"color:{colour}" if colour else ""
    tail = f'<div style="{DIM}">{text(after)}</div>' if after else ""
    return f'<div {_BOX}><b style="{style}">{text(title)}</b><div>{text(body, 10_000)}</div>{tail}</div>'


def code_html(title: str, source: str) -> str:
    """A file's source (`solution("03")`), escaped, under a title."""
    return f"<div {_BOX}><b>{text(title)}</b>{block(source)}</div>"
