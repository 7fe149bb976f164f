"""Write an exercise as a Jupyter notebook: the task text, the imports, one code
cell per task, and a last cell that grades them with `check("NN")`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from grader.errors import TutorError
from grader.submission.cells import DEFS, first_line

CHECK_CELL = '# Run this cell to grade what you defined above (in a separate process).\nfrom grader import check\n\ncheck("{number}")'


def export_notebook(exercise, target: Path, force: bool = False, source: Path | None = None) -> Path:
    """Write `exercise` (from its exercise file, or from `source`) as a notebook: task text, imports,
    a cell per task, a check cell."""
    if target.exists() and not force:
        raise TutorError(f"{target} already exists and may hold your work; it was left as it is.", hint="Use --force to replace it with a fresh notebook.")
    import nbformat

    try:
        tree = ast.parse(text := (source or exercise.stub).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TutorError(f"Cannot read the exercise file {exercise.stub}: {exc}.", hint=f"`pytorch-tutor reset {exercise.number:02d}` restores it.") from None
    except SyntaxError as exc:
        raise TutorError(f"{exercise.stub} has a SyntaxError on line {exc.lineno}, so no notebook was written.", hint=f"Fix it, or restore the stub with `pytorch-tutor reset {exercise.number:02d}`.") from None
    lines, v4 = text.splitlines(), nbformat.v4
    code = {True: [], False: []}  # task or not -> source segments
    for node in tree.body[1 if ast.get_docstring(tree) else 0 :]:
        code[isinstance(node, DEFS)].append("\n".join(lines[first_line(node) - 1 : node.end_lineno]))
    cells = [v4.new_markdown_cell(_markdown(exercise, tree)), v4.new_code_cell("\n".join(code[False]))]
    cells += [v4.new_code_cell(c) for c in code[True]] + [v4.new_code_cell(CHECK_CELL.format(number=f"{exercise.number:02d}"))]
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    meta = {"kernelspec": kernel, "language_info": {"name": "python"}, "pytorch_tutor": {"exercise": exercise.id}}
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(v4.new_notebook(cells=cells, metadata=meta), str(target))
    return target


def _markdown(exercise, tree: ast.Module) -> str:
    title, _, body = (ast.get_docstring(tree) or exercise.title).partition("\n")
    paragraphs = re.split(r"\n\s*\n", body.strip())
    while paragraphs and ("pytorch-tutor check" in paragraphs[-1] or paragraphs[-1].rstrip().endswith("run:")):
        paragraphs.pop()  # "then run: pytorch-tutor check NN" is the terminal's way; the last cell is the notebook's
    parts = [f"# {title.strip()}", f"*{exercise.topic}*" if exercise.topic else "", _fence("\n\n".join(paragraphs)), "## Your tasks"]
    for node in (n for n in tree.body if isinstance(n, DEFS)):
        parts += [f"### `{node.name}`", _fence(ast.get_docstring(node) or "")]
        for sub in (n for n in node.body if isinstance(n, DEFS) and ast.get_docstring(n)):
            parts += [f"#### `{node.name}.{sub.name}`", _fence(ast.get_docstring(sub))]
    parts.append("Fill in each code cell below, replacing `raise NotImplementedError`, and run it (Shift+Enter). "
                 "The last cell grades what you defined, in a separate process, and records your progress.")
    return "\n\n".join(p for p in parts if p)


def _fence(text: str) -> str:
    """Docstring text as markdown: doctest examples (`>>>` up to a blank line) in Python code blocks."""
    out, inside = [], False
    for line in text.splitlines():
        if not inside and line.startswith(">>>"):
            out.append("```python")
            inside = True
        elif inside and not line.strip():
            out.append("```")
            inside = False
        out.append(line)
    return "\n".join(out + ["```"] * inside)


def how_to_open(folder: Path) -> str:
    """How to open notebooks in `folder` with what this machine has: Jupyter if it is installed, else how to get it."""
    import shutil

    if shutil.which("jupyter-lab"):
        return f"`jupyter lab {folder}`"
    if shutil.which("jupyter-notebook"):
        return f"`jupyter notebook {folder}`"
    return (f"Jupyter is not installed here: `pip install jupyterlab`, then `jupyter lab {folder}`; "
            "or open the .ipynb file in VS Code (its Jupyter extension)")
