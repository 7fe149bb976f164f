"""Text for people in a terminal or a pipe: prose whose `code` never breaks across lines, and a
stream that drops the spaces rich pads lines with when the output is not a terminal."""

from __future__ import annotations

import io
import re

from rich.text import Text

_CODE = re.compile(r"`[^`\n]+`")
_GLUE = "\ue000"  # stands in for a space inside `code` while a line is wrapped: one cell wide, not whitespace


class Prose(Text):
    """Text whose `code in backticks` is never split across two lines when it wraps (unless it is
    wider than a whole line): `pytorch-tutor check 03` stays one piece to copy."""

    def wrap(self, console, width: int, **options):
        plain = self.plain
        chars = list(plain)
        for match in _CODE.finditer(plain):
            if match.end() - match.start() <= width:
                chars[match.start():match.end()] = match.group().replace(" ", _GLUE)
        if chars == list(plain):
            return super().wrap(console, width, **options)
        glued = self.copy()
        glued.plain = "".join(chars)
        lines = Text.wrap(glued, console, width, **options)
        for line in lines:
            line.plain = line.plain.replace(_GLUE, " ")
        return lines


class TrimmedLines(io.TextIOBase):
    """A text stream that drops the spaces rich pads lines with, for output that is not a terminal."""

    def __init__(self, target):
        self.target, self.pending = target, ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            self.target.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.target.write(self.pending)
            self.pending = ""
        self.target.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self.target, "encoding", "utf-8")
