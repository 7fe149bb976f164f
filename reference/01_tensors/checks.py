"""What `pytorch-tutor check 01` establishes. Known mistakes: mistakes/*.py."""

import numpy as np
import torch

from grader.kit import Check

HINTS = {
    "tensor_from_list": [
        "Read the docstring's example, then try `torch.tensor(...)` in a Python shell and look at `.dtype`.",
        "`torch.tensor([1, 2])` is int64 because Python ints are; `torch.tensor(data, dtype=...)` chooses the dtype.",
        "Nearly there: `return torch.tensor(data, dtype=torch.float32)`.",
    ],
    "tensor_from_numpy": [
        "There are two ways from NumPy to PyTorch: one copies the data, one shares the array's memory.",
        "`torch.tensor(array)` copies; `torch.from_numpy(array)` shares memory and keeps the array's dtype.",
    ],
    "zeros_and_ones": [
        "PyTorch has a constructor for each: `torch.zeros` and `torch.ones`, taking the shape.",
        "Nearly there: `return torch.zeros(rows, cols), torch.ones(rows, cols)` (a tuple, zeros first).",
    ],
    "uniform_random": [
        "Random numbers are reproducible only after seeding the generator they come from.",
        "`torch.manual_seed(seed)` first, then `torch.rand(rows, cols)` (uniform in [0, 1); `randn` is normal).",
    ],
    "matmul_reshape": [
        "`@` is the matrix product; `*` multiplies element by element.",
        "Nearly there: `return (x @ y).reshape(shape)`; `reshape` reads elements in row-major order.",
    ],
    "add_row_bias": [
        "Broadcasting lines shapes up from the right, so a (cols,) bias already matches each row.",
        "Nearly there: `return matrix + bias` (a new tensor; `+=` would change the caller's matrix).",
    ],
}


def _shape(g: torch.Generator, low: int = 1, high: int = 5) -> tuple[int, int]:
    return tuple(int(n) for n in torch.randint(low, high, (2,), generator=g))


def _random_list(g: torch.Generator) -> tuple:
    rows, cols = _shape(g)
    if torch.randint(0, 2, (1,), generator=g).item():
        return (torch.randint(-9, 10, (rows, cols), generator=g).tolist(),)
    return ((torch.randn(rows, cols, generator=g) * 3).tolist(),)


def _probe_numpy(ns, array):
    """The result, then the result again after the array was changed: it changes with the
    array only when it shares the array's memory (seen in the values, not claimed by a flag)."""
    result = ns.tensor_from_numpy(array)
    snapshot = result.clone() if isinstance(result, torch.Tensor) else result
    array.flat[0] += 100
    return {"result": snapshot, "result after array.flat[0] += 100": result}


def _random_array(g: torch.Generator) -> tuple:
    return (torch.randn(_shape(g), generator=g).numpy(),)


def _probe_bias(ns, matrix, bias):
    result = ns.add_row_bias(matrix, bias)
    snapshot = result.clone() if isinstance(result, torch.Tensor) else result
    return {"result": snapshot, "the matrix passed in, afterwards": matrix}


def _random_bias(g: torch.Generator) -> tuple:
    rows, cols = _shape(g)
    return torch.randn(rows, cols, generator=g), torch.randn(cols, generator=g)


def _random_matmul(g: torch.Generator) -> tuple:
    n, k = _shape(g)
    m = int(torch.randint(1, 5, (1,), generator=g))
    return torch.randn(n, k, generator=g), torch.randn(k, m, generator=g), (m, n)


CHECKS = [
    Check(
        "tensor_from_list",
        target="tensor_from_list",
        args=[([[1, 2], [3, 4]],), ([1.5, -2.0, 3.25],), ([[[7]]],), ([],)],
        random=_random_list,
        hint="Build the tensor with `torch.tensor(data, dtype=torch.float32)`: same nesting, float32 values.",
    ),
    Check(
        "tensor_from_numpy",
        target="tensor_from_numpy",
        args=[(np.arange(6, dtype=np.float32).reshape(2, 3),), (np.array([1.5, 2.5]),), (np.array([[1, 2], [3, 4]]),)],
        random=_random_array,
        probe=_probe_numpy,
        describe=lambda a: f"tensor_from_numpy(np.array of shape {a.shape}, dtype {a.dtype}), then changed the array",
        hint="The tensor must share the array's memory and keep its dtype: `torch.from_numpy(array)`.",
    ),
    Check(
        "zeros_and_ones",
        target="zeros_and_ones",
        args=[(2, 3), (1, 1), (0, 4)],
        random=lambda g: _shape(g),
        hint="Return a tuple `(zeros, ones)` of float32 tensors of shape (rows, cols): `torch.zeros`, `torch.ones`.",
    ),
    Check(
        "uniform_random",
        target="uniform_random",
        args=[(2, 3, 0), (1, 5, 42), (3, 3, 7)],
        random=lambda g: (*_shape(g), int(torch.randint(0, 10_000, (1,), generator=g))),
        hint="Seed first with `torch.manual_seed(seed)`, then draw once with `torch.rand(rows, cols)`.",
    ),
    Check(
        "matmul_reshape",
        target="matmul_reshape",
        args=[
            (torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2), (4,)),
            (torch.arange(6.0).reshape(2, 3), torch.ones(3, 4), (4, 2)),
            (torch.tensor([[2.0]]), torch.tensor([[3.0]]), (1, 1, 1)),
        ],
        random=_random_matmul,
        hint="The matrix product is `x @ y` (not `*`); then `.reshape(shape)` keeps the row-major order.",
    ),
    Check(
        "add_row_bias",
        target="add_row_bias",
        args=[
            (torch.zeros(2, 3), torch.tensor([1.0, 2.0, 3.0])),
            (torch.arange(4.0).reshape(2, 2), torch.tensor([10.0, 20.0])),
        ],
        random=_random_bias,
        probe=_probe_bias,
        describe=lambda m, b: f"add_row_bias(matrix of shape {tuple(m.shape)}, bias of shape {tuple(b.shape)})",
        hint="`matrix + bias` broadcasts the (cols,) bias over every row and makes a new tensor; leave `matrix` as it was.",
    ),
]
