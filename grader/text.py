"""Learner-derived text made safe to show: no control characters reach a terminal, a
gradebook or JSON meant for people.

Everything that came from the learner's process or the learner's files (output,
exception text, reprs, type names, frame text, notebook labels, file and student
names) goes through one of these before it is shown. Control characters (C0, C1,
DEL) and Unicode format characters (bidirectional overrides, zero-width joiners)
become visible escapes such as `\\x1b` or `\\u202e`, so an ANSI sequence cannot
repaint the screen and a right-to-left override cannot reorder a line.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean_line(text: object, limit: int = 2000) -> str:
    """One line of learner-derived text: every control character escaped, newlines included,
    cut to `limit` characters."""
    value = text if isinstance(text, str) else str(text)
    value = _CONTROL.sub(_escape, value)
    value = "".join(c if unicodedata.category(c) != "Cf" else f"\\u{ord(c):04x}" for c in value)
    return value if len(value) <= limit else value[: limit - 3] + "..."


def clean_block(text: object, limit: int = 1_000_000) -> str:
    """Several lines of learner-derived text (what it printed): newlines and tabs kept,
    every other control character escaped."""
    value = text if isinstance(text, str) else str(text)
    lines = value.replace("\r\n", "\n").split("\n")
    kept = "\n".join(clean_line(line.replace("\t", "    "), limit) for line in lines)
    return kept if len(kept) <= limit else kept[:limit]
