"""`pytorch-tutor new NN_name`: a new exercise that is a small working example.

Writes the stub, the reference, the checks file and one entry in course.toml.
`pytorch-tutor validate NN` accepts the result as it is; the author then
replaces the example function with their own, keeping the same shape.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.course import Course
from grader.errors import TutorError

ID_PATTERN = re.compile(r"^(\d{2})_[a-z][a-z0-9_]*$")

STUB = '''"""{title}

TODO (author): teach the topic here in a few lines, the way the other exercises do.

Fill in the function below, then run `pytorch-tutor check {number}`.
"""

import torch
from torch import Tensor


def scale_and_shift(x: Tensor, scale: float, shift: float) -> Tensor:
    """Return `x * scale + shift`: same shape and dtype as `x`, differentiable with respect to `x`.

    >>> scale_and_shift(torch.tensor([1.0, 2.0]), 2.0, 1.0)
    tensor([3., 5.])
    """
    # TODO: one line of PyTorch
    raise NotImplementedError
'''

REFERENCE = '''"""Reference solution for {id}. Only the trusted grader process loads this file."""

import torch
from torch import Tensor


def scale_and_shift(x: Tensor, scale: float, shift: float) -> Tensor:
    return x * scale + shift
'''

CHECKS = '''"""What to check for {id}: HINTS, CHECKS and MISTAKES (see docs/authoring.md)."""

import torch

from grader.kit import Check, Mistake

HINTS = [
    "Tensors support arithmetic with Python numbers, element by element.",
    "Multiply first, then add: `x * scale` is a tensor, and adding `shift` keeps its shape.",
    "`return x * scale + shift`",
]


def _output_and_gradient(ns, x, scale, shift):
    """Call the learner's function on a leaf that requires grad; return its output and d(sum)/dx."""
    x = x.clone().requires_grad_(True)
    out = ns.scale_and_shift(x, scale, shift)
    if isinstance(out, torch.Tensor) and out.requires_grad:
        out.sum().backward()
    return {{"output": out.detach() if isinstance(out, torch.Tensor) else out, "gradient": x.grad}}


CHECKS = [
    Check(
        name="scale_and_shift",
        target="scale_and_shift",
        args=[(torch.tensor([1.0, 2.0]), 2.0, 1.0), (torch.zeros(2, 3), -1.5, 0.25)],
        random=lambda g: (torch.randn(3, 4, generator=g), float(torch.rand(1, generator=g)) * 4 - 2, 0.5),
        probe=_output_and_gradient,
        describe=lambda x, scale, shift: f"scale_and_shift(x of shape {{tuple(x.shape)}}, {{scale:.3g}}, {{shift:.3g}})",
        hint="Compare your formula with the docstring: the order of scaling and shifting matters.",
    ),
]

MISTAKES = [
    Mistake(
        "shift_then_scale",
        "You added `shift` before multiplying: `(x + shift) * scale` is not `x * scale + shift`.",
        {{"scale_and_shift": lambda x, scale, shift: (x + shift) * scale}},
    ),
    Mistake(
        "detached",
        "The output was detached from autograd (`.detach()`, `.item()` or NumPy), so no gradient reaches `x`.",
        {{"scale_and_shift": lambda x, scale, shift: (x * scale + shift).detach()}},
    ),
]
'''


def new_exercise(course: Course, ex_id: str, title: str, topic: str = "") -> list[Path]:
    """Create the files of a new exercise and its course.toml entry; returns the files written."""
    match = ID_PATTERN.match(ex_id)
    if not match:
        raise TutorError(f"{ex_id!r} is not a valid exercise id.", "Use two digits, an underscore and a lowercase name, e.g. 08_losses.")
    _refuse_clashes(course, ex_id, match.group(1))
    meta = course.root / "reference" / "course.toml"
    if not meta.is_file():
        raise TutorError(f"{course.root} has no reference/course.toml to add the exercise to.")
    fields = {"id": ex_id, "title": title, "number": match.group(1)}
    files = {
        course.root / "exercises" / f"{ex_id}.py": STUB.format(**fields),
        course.root / "reference" / f"{ex_id}.py": REFERENCE.format(**fields),
        course.root / "reference" / f"{ex_id}_checks.py": CHECKS.format(**fields),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with meta.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[exercise]]\nid = "{ex_id}"\ntitle = {_toml_str(title)}\ntopic = {_toml_str(topic or "TODO: one line")}\n')
    return list(files)


def _refuse_clashes(course: Course, ex_id: str, number: str) -> None:
    for ex in course.exercises:
        if ex.id.split("_", 1)[0] == number:
            raise TutorError(f"Exercise number {number} is taken by {ex.id}.", "Pick the next free number.")
    for path in (course.root / "exercises" / f"{ex_id}.py", course.root / "reference" / f"{ex_id}.py"):
        if path.exists():
            raise TutorError(f"{path} already exists; nothing was written.")


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
