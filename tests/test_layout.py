"""Imports run one way: front ends -> engine -> isolation -> judging -> base.

Read from the source with `ast` (lazy imports inside functions count too), so a new
module that reaches the wrong way fails here instead of silently tangling the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import modules of a lower layer, or of its own sub-package.
LAYERS = [
    ["grader.isolation.filelock"],  # OS-specific, so in isolation/, but depends on nothing: progress and history lock with it
    ["grader.errors", "grader.results", "grader.text", "grader.history", "grader.boundedjson", "grader.torchversions",
     "grader.interrupts"],
    ["grader.course", "grader.progress"],
    ["grader.stubs"],  # the pristine stubs, read from git or the package
    ["grader.judging", "grader.submission"],
    ["grader.isolation", "grader.kit"],
    ["grader.engine"],
    ["grader.frontends.render", "grader.frontends.render_html", "grader.frontends.tables"],  # what every front end shows results with
    ["grader.frontends", "grader.classroom", "grader.notebooks"],
    ["grader.service"],  # the warm grading server runs the front ends' jobs
    ["grader.authoring"],  # validate grades along every front end's path
    ["cli", "grader", "grader.notebooks.api"],
    ["grader.service.quick"],  # the console script: the server's hand-over, then cli  # entry points: the command line, and `from grader import check, ...`
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(name: str) -> tuple[int, str]:
    """(rank, the layer entry that holds `name`): the longest matching prefix wins."""
    best = (-1, "")
    for rank, entries in enumerate(LAYERS):
        for entry in entries:
            if (name == entry or name.startswith(entry + ".")) and len(entry) > len(best[1]):
                best = (rank, entry)
    assert best[0] >= 0, f"{name} is in no layer: add it to LAYERS in tests/test_layout.py"
    return best


def _grader_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            base = node.module
            found |= {f"{base}.{a.name}" if base == "grader" else base for a in node.names}
    return {n for n in found if n == "cli" or n.startswith("grader")}


def _sub_package(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "grader" and len(parts) > 2 else name


def _violations(me: str, imports: set[str]) -> list[str]:
    rank, _ = _layer(me)
    wrong = []
    for target in sorted(imports):
        if target == "grader" and me != "grader":
            continue  # the package itself, for `grader.check`
        their_rank, _ = _layer(target)
        own = target.startswith(me + ".")  # a package importing its own modules
        same_package = own or (_sub_package(target) == _sub_package(me) and me.count(".") >= 2)
        if their_rank >= rank and not same_package:
            wrong.append(f"{me} (layer {rank}) imports {target} (layer {their_rank})")
    return wrong


def test_imports_run_one_way():
    files = [ROOT / "cli.py", *sorted((ROOT / "grader").rglob("*.py"))]
    wrong = [v for path in files for v in _violations(_module_name(path), _grader_imports(path))]
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_the_rule_catches_wrong_way_imports(tmp_path):
    """The check itself can fail: a lazy upward import, and one front end importing another."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from grader.engine import check_exercise\n")
    assert _violations("grader.judging.compare", _grader_imports(bad))
    assert _violations("grader.classroom.grading", {"grader.frontends.watch"})
    assert not _violations("grader.classroom.grading", {"grader.classroom.cache", "grader.engine"})


def test_the_readme_layout_names_only_modules_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("```")[1]
    named = [word for line in layout.splitlines() if line.startswith("  ") and not line.startswith("   ")
             for word in line.split() if word.endswith(".py") and word[0].isalpha()]
    assert named and all((ROOT / "grader" / name).is_file() for name in named), named
