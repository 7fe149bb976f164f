"""Which submissions of an exercise look copied from each other: winnowing over normalised tokens.

Each submission is read with Python's own `tokenize` (a notebook: its code cells) and
normalised: comments and blank lines dropped, every string one token, and every name the
learner invented (not a keyword, builtin, attribute of a module, or name the stub already
uses) the same token, so renaming and reformatting change nothing. Runs of K tokens are
hashed (a stable hash: the same class gives the same report) and winnowed (Schleimer,
Wilkerson & Aiken, SIGMOD 2003) into fingerprints; reordering functions keeps them.
Fingerprints found in the stub, the reference solution, its styles or its mistakes are
boilerplate and dropped, as are those most of the class shares. A pair's score is its
shared fingerprints over the smaller side's. Nothing here runs learner code or imports torch.

copydetect (PyPI) does the same, but needs matplotlib and numpy, and hashes with Python's
salted `hash()`, so its scores change from one run to the next.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field

K = 9  # tokens per hashed run
WINDOW = 4  # any shared run of K + WINDOW - 1 tokens is always found
MAX_TOKENS = 50_000  # a larger submission is compared on its first tokens only
MIN_PRINTS = 12  # a file with fewer fingerprints scores against this many: tiny files do not score 1.0
COMMON_SHARE, COMMON_MIN = 0.2, 4  # a fingerprint held by more submissions than this is the class's, not a pair's
THRESHOLD = 0.6  # pairs at or above it are named in the summary and shown in similarity.html
_KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | {"self", "cls"}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_OTHER = {tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}", tokenize.STRING: "S"}
_BASE, _MOD = 1_000_003, (1 << 61) - 1  # the rolling hash of a run of K tokens


@dataclass
class Doc:
    """One submission's normalised tokens, where each lies in `text`, and its fingerprints."""

    student: str
    label: str
    text: str
    tokens: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # (start, end) offsets into text
    prints: dict[int, list[int]] = field(default_factory=dict)  # hash -> first token of each run


@dataclass
class Pair:
    exercise: str
    a: Doc
    b: Doc
    shared: int
    score: float


def tokens(text: str, kept: frozenset[str] = frozenset()) -> tuple[list[str], list[tuple[int, int]]]:
    """Normalised tokens of `text` and their (start, end) offsets; up to the first error for code that
    does not tokenize. Names in `kept` (the stub's API) stay as they are; other invented names become "V"."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    raw = _raw(text)
    out, spans, depth, importing = [], [], 0, False
    strings = [t.string for t in raw]
    for n, tok in enumerate(raw):
        word = tok.string
        if tok.type == tokenize.OP:
            depth = depth + 1 if word in "([{" else max(0, depth - 1) if word in ")]}" else depth
        elif tok.type == tokenize.NAME:
            importing = word in ("import", "from") if n == 0 or raw[n - 1].type == tokenize.NEWLINE else importing
            keyword_arg = depth > 0 and strings[n + 1:n + 2] == ["="] and strings[n - 1:n] in (["("], [","])
            if not (importing or keyword_arg or word in _KEEP or word in kept or _attribute(strings, n)):
                word = "V"  # a name the learner chose
        else:
            word = _OTHER.get(tok.type, word)
        out.append(word)
        start = starts[min(tok.start[0] - 1, len(starts) - 1)] + tok.start[1]
        end = starts[min(tok.end[0] - 1, len(starts) - 1)] + tok.end[1]
        spans.append((start, max(start, end)))
    return out, spans


def _attribute(strings: list[str], n: int) -> bool:
    """`strings[n]` is an attribute (after a dot), not of `self` or `cls`: an API's name, kept."""
    return n > 0 and strings[n - 1] == "." and (n < 2 or strings[n - 2] not in ("self", "cls"))


def grams(words: list[str]) -> list[int]:
    """A stable hash of every run of K tokens: each token's blake2b, rolled (Rabin-Karp) over the run."""
    ids, codes = {}, []
    for word in words:
        if word not in ids:
            ids[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=7).digest(), "big")
        codes.append(ids[word])
    if len(codes) < K:
        return []
    top, h = pow(_BASE, K - 1, _MOD), 0
    for code in codes[:K]:
        h = (h * _BASE + code) % _MOD
    out = [h]
    for old, new in zip(codes, codes[K:]):
        h = ((h - old * top) * _BASE + new) % _MOD
        out.append(h)
    return out


def winnow(hashes: list[int]) -> dict[int, list[int]]:
    """The fingerprints of `hashes`: the rightmost smallest hash of every window of WINDOW, each position once."""
    chosen: dict[int, list[int]] = defaultdict(list)
    last = -1
    for start in range(max(1, len(hashes) - WINDOW + 1)):
        at = start
        for i in range(start + 1, min(start + WINDOW, len(hashes))):
            if hashes[i] <= hashes[at]:
                at = i
        if at < len(hashes) and at != last:
            chosen[hashes[at]].append(at)
            last = at
    return dict(chosen)


def _raw(text: str) -> list[tokenize.TokenInfo]:
    """The first MAX_TOKENS tokens that count, read one at a time: a submission's tokens are never all
    built at once (2 MB of `1,` would be 2 million of them in the grader's memory)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type not in _SKIP:
                found.append(tok)
                if len(found) == MAX_TOKENS:
                    break
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return found


def compare(exercise_id: str, docs: list[Doc], given: set[int]) -> list[Pair]:
    """Every pair of `docs` sharing a fingerprint, highest score first; boilerplate and the class's common runs dropped."""
    holders: dict[int, set[int]] = defaultdict(set)
    for n, doc in enumerate(docs):
        doc.prints = {h: at for h, at in doc.prints.items() if h not in given}
        for h in doc.prints:
            holders[h].add(n)
    common = max(COMMON_MIN, COMMON_SHARE * len(docs))
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for h, who in holders.items():
        if len(who) > common:
            for n in who:
                docs[n].prints.pop(h, None)
            continue
        ordered = sorted(who)
        for i, x in enumerate(ordered):
            for y in ordered[i + 1:]:
                shared[x, y] += 1
    pairs = [Pair(exercise_id, docs[x], docs[y], count, _score(count, docs[x], docs[y]))
             for (x, y), count in shared.items()]
    return sorted(pairs, key=lambda p: (-p.score, -p.shared, p.a.student, p.b.student))


def _score(count: int, a: Doc, b: Doc) -> float:
    return round(min(1.0, count / max(MIN_PRINTS, min(len(a.prints), len(b.prints)))), 3)
