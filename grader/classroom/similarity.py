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
from pathlib import Path

K = 9  # tokens per hashed run
WINDOW = 4  # any shared run of K + WINDOW - 1 tokens is always found
MAX_TOKENS = 50_000  # a larger submission is compared on its first tokens only
MIN_PRINTS = 12  # a file with fewer fingerprints scores against this many: tiny files do not score 1.0
COMMON_SHARE, COMMON_MIN = 0.2, 4  # a fingerprint held by more submissions than this is the class's, not a pair's
THRESHOLD = 0.6  # pairs at or above it are named in the summary and shown in similarity.html
_KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | {"self", "cls"}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


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


def source_of(data: bytes, name: str) -> str:
    """The code of a submission's bytes: the text of a .py file, the code cells of a notebook ("" if unreadable)."""
    text = data.decode("utf-8", errors="replace")
    if not name.endswith(".ipynb"):
        return text
    from grader.errors import TutorError
    from grader.submission.notebook import parse_cells

    try:
        return "\n".join(f"# {label}\n{source}" for label, source in parse_cells(text, name))
    except TutorError:
        return ""


def tokens(text: str, kept: frozenset[str] = frozenset()) -> tuple[list[str], list[tuple[int, int]]]:
    """Normalised tokens of `text` and their (start, end) offsets; up to the first error for code that
    does not tokenize. Names in `kept` (the stub's API) stay as they are; other invented names become "V"."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    raw = [t for t in _raw(text) if t.type not in _SKIP][:MAX_TOKENS]
    out, spans, depth, importing = [], [], 0, False
    for n, tok in enumerate(raw):
        importing = tok.string in ("import", "from") if n == 0 or raw[n - 1].type == tokenize.NEWLINE else importing
        depth = max(0, depth + (tok.string in "([{") - (tok.string in ")]}")) if tok.type == tokenize.OP else depth
        before = (raw[n - 2].string if n > 1 else "", raw[n - 1].string if n else "")
        keyword_arg = depth > 0 and n + 1 < len(raw) and raw[n + 1].string == "=" and before[1] in "(,"
        named = tok.type == tokenize.NAME and (keyword_arg or importing)  # keyword arguments and modules are API
        out.append(tok.string if named else _normal(tok, before, kept))
        start = starts[min(tok.start[0] - 1, len(starts) - 1)] + tok.start[1]
        end = starts[min(tok.end[0] - 1, len(starts) - 1)] + tok.end[1]
        spans.append((start, max(start, end)))
    return out, spans


def _normal(tok: tokenize.TokenInfo, before: tuple[str, str], kept: frozenset[str]) -> str:
    if tok.type == tokenize.NEWLINE:
        return ";"
    if tok.type == tokenize.INDENT:
        return "{"
    if tok.type == tokenize.DEDENT:
        return "}"
    if tok.type == tokenize.STRING:
        return "S"
    if tok.type != tokenize.NAME:
        return tok.string
    attribute = before[1] == "." and before[0] not in ("self", "cls")
    return tok.string if tok.string in _KEEP or tok.string in kept or attribute else "V"


def stub_names(stub_text: str) -> frozenset[str]:
    """The names a stub gives every learner: what it imports and the classes, functions and methods it defines."""
    import ast

    try:
        tree = ast.parse(stub_text)
    except (SyntaxError, ValueError):
        return frozenset()
    names = {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))}
    return frozenset(names)


def grams(words: list[str]) -> list[int]:
    """A stable 64-bit hash of every run of K tokens."""
    return [int.from_bytes(hashlib.blake2b("\x1f".join(words[i:i + K]).encode(), digest_size=8).digest(), "big")
            for i in range(len(words) - K + 1)]


def winnow(hashes: list[int]) -> dict[int, list[int]]:
    """The fingerprints of `hashes`: the rightmost smallest hash of every window of WINDOW, each position once."""
    chosen: dict[int, list[int]] = defaultdict(list)
    last = -1
    for start in range(max(1, len(hashes) - WINDOW + 1)):
        window = hashes[start:start + WINDOW]
        if not window:
            break
        low = min(window)
        at = start + max(i for i, h in enumerate(window) if h == low)
        if at != last:
            chosen[hashes[at]].append(at)
            last = at
    return dict(chosen)


def boilerplate(exercise, stub_text: str) -> tuple[frozenset[str], set[int]]:
    """The stub's names, and every hashed run of the stub, reference solution, styles and mistakes (drafts too)."""
    kept = stub_names(stub_text)
    given = set(grams(tokens(stub_text, kept)[0]))
    folder = Path(exercise.folder)
    for path in [folder / "solution.py", *sorted(folder.glob("styles/*.py")), *sorted(folder.glob("mistakes/*.py"))]:
        try:
            given.update(grams(tokens(path.read_text(encoding="utf-8"), kept)[0]))
        except (OSError, UnicodeDecodeError):
            continue
    return kept, given


def _raw(text: str) -> list[tokenize.TokenInfo]:
    found = []
    try:
        found.extend(tokenize.generate_tokens(io.StringIO(text).readline))
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


def class_pairs(plan) -> list[Pair]:
    """Every exercise's pairs of the class's submissions (the bytes read at plan time), highest first."""
    found: list[Pair] = []
    for exercise in plan.exercises:
        subs = [s for s in plan.submissions if s.exercise == exercise and not s.problem and s.data]
        if len(subs) < 2:
            continue
        try:
            stub = exercise.stub.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            stub = ""
        kept, given = boilerplate(exercise, stub)
        docs = []
        for sub in subs:
            doc = Doc(sub.student, sub.label, source_of(sub.data, sub.rel))
            doc.tokens, doc.spans = tokens(doc.text, kept)
            doc.prints = winnow(grams(doc.tokens))
            docs.append(doc)
        found += compare(exercise.id, docs, given)
    return found
