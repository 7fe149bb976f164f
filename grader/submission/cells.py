"""Lines of notebook code: IPython magics and `check(...)` calls commented out, statements'
first lines, and notebook frame labels ("work.ipynb [cell 3]"). No torch, no nbformat.
"""

from __future__ import annotations

import ast
import contextlib
import re

KEEP_BODY = {"%%time", "%%timeit", "%%capture"}  # cell magics whose body is Python: only their first line goes
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
CELL_LABEL = re.compile(r"^(?P<file>.*) \[(?P<cell>cell \d+|In \[\d+\])\]$")
_MAGIC = re.compile(r"^\s*([%!]|\w+\s*=\s*[%!])|^\s*\??[\w.]+\?{1,2}\s*$")
_CHECK_LINE = re.compile(r"^(from\s+grader[\w.]*\s+import|import\s+grader\b|(\w+\s*=\s*)?(grader\.)?check\s*\()")


def first_line(node: ast.stmt) -> int:
    """The line a statement starts on, its decorators included."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def split_cell(file: str) -> tuple[str, str]:
    """("work.ipynb", "cell 3") for a notebook frame's file, (file, "") for any other."""
    found = CELL_LABEL.match(str(file))
    return (found["file"], found["cell"]) if found else (str(file), "")


def frame_location(frame: list) -> str:
    """"cell 3, line 2" for a notebook frame, "line 2" for a .py one."""
    cell = split_cell(frame[0])[1]
    return f"{cell}, line {frame[1]}" if cell else f"line {frame[1]}"


def split_lines(source: str) -> list[str]:
    """Lines as Python's tokenizer counts them (not str.splitlines, which also splits at form feeds)."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n").split("\n") if text else []


def clean_magics(lines: list[str], label: str, skipped: list[str]) -> list[str]:
    """Comment out IPython magics, shell escapes and `?` help, noting each in `skipped`. Plain Python is left alone."""
    with contextlib.suppress(SyntaxError, ValueError):
        ast.parse("\n".join(lines))
        return lines
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        whole = first.split()[0] not in KEEP_BODY
        skipped.append(f"{label} line 1 `{first}`" + (" (the whole cell)" if whole else ""))
        if whole:
            return ["# " + line for line in lines]
        lines = ["# " + lines[0]] + lines[1:]
    out = []
    for number, line in enumerate(lines, 1):
        if _MAGIC.match(line) and not (number == 1 and first.startswith("%%")):
            skipped.append(f"{label} line {number} `{line.strip()}`")
            line = f"{line[: len(line) - len(line.lstrip())]}pass  # {line.strip()}"
        out.append(line)
    return out


def drop_checks(lines: list[str]) -> list[str]:
    """Comment out top-level `check(...)` calls and grader imports, so grading a notebook does not recurse."""
    try:
        body = ast.parse("\n".join(lines)).body
    except (SyntaxError, ValueError):
        return ["# " + line if _CHECK_LINE.match(line) else line for line in lines]
    out = list(lines)
    for node in body:
        if _is_check(node):
            out[node.lineno - 1 : node.end_lineno] = ["# " + line for line in out[node.lineno - 1 : node.end_lineno]]
    return out


def _is_check(node: ast.stmt) -> bool:
    """A grader import, or a top-level statement that calls `check(...)` or `grader.check(...)`."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
        return any(name.split(".")[0] == "grader" for name in names)
    calls = [] if isinstance(node, DEFS) else [n.func for n in ast.walk(node) if isinstance(n, ast.Call)]
    return any(ast.unparse(func) in ("check", "grader.check") for func in calls)
