"""JSON from untrusted bytes, bounded before anything is built.

`loads` first runs a small tokenizer over the bytes that allocates nothing per token (a
compiled regex matched in place): it counts values, tokens and nesting depth and measures
every string and bare scalar, and stops at the first limit passed. Only a document within
every limit reaches `json.loads`, so the objects it builds are bounded by `Limits` (at most
`nodes` values, none deeper than `depth`, no string longer than `string` bytes as written).
Every pattern is linear: a string is `"[^"\\\\]*(?:\\\\.[^"\\\\]*)*"`, which never backtracks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_TOKEN = rb'[ \t\r\n]*(?:([\[{])|([\]}])|("[^"\\]*(?:\\.[^"\\]*)*")|([,:])|([^ \t\r\n\[\]{},:"]+))'
_END = rb"[ \t\r\n]*\Z"
_PATTERNS = {bytes: (re.compile(_TOKEN), re.compile(_END)), str: (re.compile(_TOKEN.decode()), re.compile(_END.decode()))}
_OPEN, _CLOSE, _STRING, _PUNCT, _SCALAR = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Limits:
    size: int  # bytes of the whole document
    nodes: int  # values (containers, strings, keys, numbers and constants)
    depth: int = 100  # open brackets at once
    string: int = 64 * 1024  # bytes of one string as written (quotes and escapes included)
    scalar: int = 64  # bytes of one number or constant


class TooLarge(ValueError):
    """The document passes one of the limits: `what` is "size", "depth", "nodes", "string" or "number"."""

    def __init__(self, what: str, message: str):
        super().__init__(message)
        self.what = what


class Malformed(ValueError):
    """The bytes are not JSON."""


def loads(data: str | bytes | bytearray | memoryview, limits: Limits) -> Any:
    """The document in `data`; TooLarge or Malformed before anything is built when it is not within `limits`."""
    if len(data) > limits.size:
        raise TooLarge("size", f"{len(data):,} bytes (the limit is {limits.size:,})")
    scan(data, limits)
    try:
        return json.loads(data if isinstance(data, str) else str(data, "utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Malformed(type(exc).__name__) from None


def scan(data: str | bytes | bytearray | memoryview, limits: Limits) -> None:
    """Count and measure `data`'s tokens; raise at the first limit passed or the first byte that
    cannot start a token. Structure (commas, matching brackets) is left to the parser."""
    token, end = _PATTERNS[str if isinstance(data, str) else bytes]
    match, pos, depth, nodes, tokens = token.match, 0, 0, 0, 0
    most_tokens = 4 * limits.nodes + 8  # commas and colons between values, and the closing brackets
    while (m := match(data, pos)) is not None:
        pos, kind, tokens = m.end(), m.lastindex, tokens + 1
        if kind == _OPEN:
            depth, nodes = depth + 1, nodes + 1
            if depth > limits.depth:
                raise TooLarge("depth", f"nested more than {limits.depth} deep")
        elif kind == _CLOSE:
            depth -= 1
        elif kind != _PUNCT:
            nodes += 1
            _measure(m, kind, limits)
        if nodes > limits.nodes or tokens > most_tokens:
            raise TooLarge("nodes", f"more than {limits.nodes:,} values")
    if end.match(data, pos) is None:
        raise Malformed(f"unexpected byte at offset {pos}")


def _measure(m: re.Match, kind: int, limits: Limits) -> None:
    cap, what = (limits.string, "string") if kind == _STRING else (limits.scalar, "number")
    if m.end() - m.start(kind) > cap:
        raise TooLarge(what, f"a {what} is longer than {cap:,} bytes")
