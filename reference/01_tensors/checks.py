"""What `pytorch-tutor check 01` establishes, and the known mistakes it recognises."""

import numpy as np
import torch

from grader.kit import Check, Mistake

HINTS = [
    "Each function is one or two lines of PyTorch. Read the docstring's example, then try it in a Python shell.",
    "Useful calls: `torch.tensor(data, dtype=...)`, `torch.from_numpy`, `torch.zeros`/`torch.ones`, "
    "`torch.manual_seed` + `torch.rand`, `x @ y`, `.reshape(...)`, and `+` with broadcasting.",
    "Watch the dtypes: `torch.tensor([1, 2])` is int64; pass `dtype=torch.float32`. "
    "`torch.tensor(array)` copies a NumPy array, `torch.from_numpy(array)` shares its memory.",
    "Nearly there: `torch.tensor(data, dtype=torch.float32)`, `torch.from_numpy(array)`, "
    "`(torch.zeros(r, c), torch.ones(r, c))`, `torch.manual_seed(seed); return torch.rand(r, c)`, "
    "`(x @ y).reshape(shape)`, `matrix + bias`.",
]


def _shape(g: torch.Generator, low: int = 1, high: int = 5) -> tuple[int, int]:
    return tuple(int(n) for n in torch.randint(low, high, (2,), generator=g))


def _random_list(g: torch.Generator) -> tuple:
    rows, cols = _shape(g)
    if torch.randint(0, 2, (1,), generator=g).item():
        return (torch.randint(-9, 10, (rows, cols), generator=g).tolist(),)
    return ((torch.randn(rows, cols, generator=g) * 3).tolist(),)


def _probe_numpy(ns, array):
    result = ns.tensor_from_numpy(array)
    snapshot = result.clone() if isinstance(result, torch.Tensor) else result
    array.flat[0] += 100
    try:
        shares = bool(isinstance(result, torch.Tensor) and result.reshape(-1)[0].item() == array.flat[0])
    except Exception:
        shares = False
    return {"shares_memory_with_array": shares, "result": snapshot}


def _random_array(g: torch.Generator) -> tuple:
    return (torch.randn(_shape(g), generator=g).numpy(),)


def _probe_bias(ns, matrix, bias):
    before = matrix.clone()
    result = ns.add_row_bias(matrix, bias)
    return {"result": result, "matrix_unchanged": torch.equal(matrix, before)}


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
    ),
    Check(
        "tensor_from_numpy",
        target="tensor_from_numpy",
        args=[(np.arange(6, dtype=np.float32).reshape(2, 3),), (np.array([1.5, 2.5]),), (np.array([[1, 2], [3, 4]]),)],
        random=_random_array,
        probe=_probe_numpy,
        describe=lambda a: f"tensor_from_numpy(np.array of shape {a.shape}, dtype {a.dtype}), then changed the array",
    ),
    Check(
        "zeros_and_ones",
        target="zeros_and_ones",
        args=[(2, 3), (1, 1), (0, 4)],
        random=lambda g: _shape(g),
    ),
    Check(
        "uniform_random",
        target="uniform_random",
        args=[(2, 3, 0), (1, 5, 42), (3, 3, 7)],
        random=lambda g: (*_shape(g), int(torch.randint(0, 10_000, (1,), generator=g))),
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
    ),
]

MISTAKES = [
    Mistake(
        "int_dtype_from_list",
        "`torch.tensor([1, 2])` is int64 because Python ints are; ask for `dtype=torch.float32`.",
        {"tensor_from_list": lambda data: torch.tensor(data)},
    ),
    Mistake(
        "float64_from_list",
        "float64 is double precision; PyTorch's default float type is float32: use `dtype=torch.float32`.",
        {"tensor_from_list": lambda data: torch.tensor(data, dtype=torch.float64)},
    ),
    Mistake(
        "numpy_copied",
        "`torch.tensor(array)` copies the data; `torch.from_numpy(array)` shares memory with the array.",
        {"tensor_from_numpy": lambda array: torch.tensor(array)},
    ),
    Mistake(
        "numpy_converted_to_float32",
        "Keep the array's dtype: `torch.Tensor(array)` and `.float()` make a float32 copy; "
        "`torch.from_numpy(array)` shares memory and keeps the dtype.",
        {"tensor_from_numpy": lambda array: torch.Tensor(array)},
    ),
    Mistake(
        "zeros_ones_swapped",
        "The tuple's order matters: return `(zeros, ones)`.",
        {"zeros_and_ones": lambda r, c: (torch.ones(r, c), torch.zeros(r, c))},
    ),
    Mistake(
        "zeros_ones_as_list",
        "Return a tuple, `return zeros, ones`, not a list.",
        {"zeros_and_ones": lambda r, c: [torch.zeros(r, c), torch.ones(r, c)]},
    ),
    Mistake(
        "zeros_ones_transposed",
        "Shapes are (rows, cols): `torch.zeros(rows, cols)`.",
        {"zeros_and_ones": lambda r, c: (torch.zeros(c, r), torch.ones(c, r))},
    ),
    Mistake(
        "random_not_seeded",
        "Random numbers are only reproducible after `torch.manual_seed(seed)`, called before `torch.rand`.",
        {"uniform_random": lambda r, c, seed: torch.rand(r, c)},
    ),
    Mistake(
        "random_normal",
        "`torch.randn` samples a normal distribution; uniform samples in [0, 1) come from `torch.rand`.",
        {"uniform_random": lambda r, c, seed: (torch.manual_seed(seed), torch.randn(r, c))[1]},
    ),
    Mistake(
        "elementwise_product",
        "`*` multiplies element by element; the matrix product is `x @ y` (or `torch.matmul`).",
        {"matmul_reshape": lambda x, y, shape: (x * y).reshape(shape)},
    ),
    Mistake(
        "matmul_order",
        "The matrix product is not commutative: `x @ y` is not `y @ x`.",
        {"matmul_reshape": lambda x, y, shape: (y @ x).reshape(shape)},
    ),
    Mistake(
        "transposed_before_reshape",
        "`reshape` reads elements in row-major order; transposing first changes which values go where.",
        {"matmul_reshape": lambda x, y, shape: (x @ y).T.reshape(shape)},
    ),
    Mistake(
        "bias_added_in_place",
        "`matrix += bias` changes the caller's tensor in place; `matrix + bias` makes a new one.",
        {"add_row_bias": lambda m, b: m.add_(b)},
    ),
    Mistake(
        "bias_added_to_columns",
        "Broadcasting lines shapes up from the right: a (m,) bias is added to every row as is; "
        "`bias.unsqueeze(1)` would add it down the columns.",
        {"add_row_bias": lambda m, b: m + b.unsqueeze(1)},
    ),
]
