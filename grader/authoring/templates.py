"""The files `pytorch-tutor new` writes: a complete, sound example exercise ({id}, {title},
{number} are filled in; literal braces are doubled)."""

STUB = '''"""{number} · {title}

TODO (author): teach the topic here in a few lines, the way the other exercises do:
what the idea is, which PyTorch calls it uses, and the rule each function must keep.

Fill in the function below, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check {number}
"""

import torch
from torch import Tensor


def scale_and_shift(x: Tensor, scale: float, shift: float) -> Tensor:
    """Return `x * scale + shift`: same shape and dtype as `x`, a new tensor (leave `x` as it is),
    and differentiable with respect to `x`.

    >>> scale_and_shift(torch.tensor([1.0, 2.0]), 2.0, 1.0)
    tensor([3., 5.])
    """
    # TODO: one line of PyTorch
    raise NotImplementedError
'''

SOLUTION = '''"""{number} · {title}: a reference solution (learners see this with `pytorch-tutor solution {number}`
once they have passed)."""

import torch
from torch import Tensor


def scale_and_shift(x: Tensor, scale: float, shift: float) -> Tensor:
    # Arithmetic with Python numbers works element by element and keeps x's shape and dtype;
    # it builds a new tensor that autograd can differentiate, and leaves x unchanged.
    return x * scale + shift
'''

CHECKS = '''"""What `pytorch-tutor check {number}` establishes (docs/authoring.md). Known mistakes: mistakes/*.py."""

import torch

from grader.kit import Check, with_gradients

HINTS = {{
    "scale_and_shift": [
        "Tensors support arithmetic with Python numbers, element by element.",
        "Multiply first, then add: `x * scale` is a tensor, and adding `shift` keeps its shape.",
        "Nearly there: `return x * scale + shift`.",
    ],
}}

CHECKS = [
    Check(
        "scale_and_shift",
        target="scale_and_shift",
        args=[(torch.tensor([1.0, 2.0]), 2.0, 1.0), (torch.zeros(2, 3), -1.5, 0.25)],
        random=lambda g: (torch.randn(3, 4, generator=g), float(torch.rand(1, generator=g)) * 4 - 2, 0.5),
        probe=with_gradients("scale_and_shift", names=("x",)),
        describe=lambda x, scale, shift: f"scale_and_shift(x of shape {{tuple(x.shape)}}, {{scale:.3g}}, {{shift:.3g}})",
        hints={{"gradient of x": "The gradient of `x * scale + shift` with respect to x is `scale` everywhere: "
                                 "check that the output is computed from x itself."}},
        hint="Compare your formula with the docstring: the order of scaling and shifting matters.",
    ),
]
'''

MISTAKES = {
    "shift_then_scale": '''HINT = "You added `shift` before multiplying: `(x + shift) * scale` is not `x * scale + shift`."


def scale_and_shift(x, scale, shift):
    return (x + shift) * scale
''',
    "detached": '''HINT = "The output was cut off from autograd (`.detach()`, `.item()` or NumPy), so no gradient reaches `x`."


def scale_and_shift(x, scale, shift):
    return (x * scale + shift).detach()
''',
    "scaled_in_place": '''HINT = (
    "`x.mul_(...)` changes the caller's tensor in place; autograd refuses that on a leaf that requires grad. "
    "Write `x * scale + shift`, which makes a new tensor."
)


def scale_and_shift(x, scale, shift):
    return x.mul_(scale).add_(shift)
''',
    "scale_truncated": '''HINT = "`int(scale)` drops the fraction of `scale`; multiply by the float itself."


def scale_and_shift(x, scale, shift):
    return x * int(scale) + shift
''',
}

STYLES = {
    "functional_ops": '''import torch


def scale_and_shift(x, scale, shift):
    return torch.add(torch.mul(x, scale), shift)
''',
    "method_chain": '''def scale_and_shift(x, scale, shift):
    return x.mul(scale).add(shift)
''',
    "reversed_operands": '''def scale_and_shift(x, scale, shift):
    return shift + scale * x
''',
}
