"""01 · Tensors

A tensor is PyTorch's n-dimensional array. Every tensor has a *shape*
(`t.shape`), a *dtype* (`t.dtype`: float32 by default for floats, int64 for
Python ints) and a *device* (`t.device`: "cpu" here). You make tensors from
Python lists (`torch.tensor`), from NumPy arrays (`torch.from_numpy`, which
shares memory instead of copying), or with factories (`torch.zeros`,
`torch.ones`, `torch.rand`). Random numbers are reproducible once you seed the
generator (`torch.manual_seed`). `x @ y` is the matrix product, `reshape`
changes the shape without changing the order of elements, and *broadcasting*
lets a 1-D tensor be added to every row of a matrix.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 01
"""

import numpy as np
import torch
from torch import Tensor


def tensor_from_list(data: list) -> Tensor:
    """Return a float32 tensor holding `data`, a (nested) list of ints or floats.

    >>> tensor_from_list([[1, 2], [3, 4]])
    tensor([[1., 2.],
            [3., 4.]])
    """
    # TODO
    raise NotImplementedError


def tensor_from_numpy(array: np.ndarray) -> Tensor:
    """Return a tensor that shares memory with `array` (no copy): changing one changes the other.

    >>> a = np.zeros(3); t = tensor_from_numpy(a); a[0] = 5.0; t
    tensor([5., 0., 0.], dtype=torch.float64)
    """
    # TODO
    raise NotImplementedError


def zeros_and_ones(rows: int, cols: int) -> tuple[Tensor, Tensor]:
    """Return a tuple `(zeros, ones)` of float32 tensors, each of shape (rows, cols).

    >>> zeros_and_ones(1, 2)
    (tensor([[0., 0.]]), tensor([[1., 1.]]))
    """
    # TODO
    raise NotImplementedError


def uniform_random(rows: int, cols: int, seed: int) -> Tensor:
    """Return a float32 tensor of shape (rows, cols) of uniform samples in [0, 1),
    reproducible from `seed`: the same values as `torch.manual_seed(seed); torch.rand(rows, cols)`.

    >>> uniform_random(1, 2, seed=0)
    tensor([[0.4963, 0.7682]])
    """
    # TODO
    raise NotImplementedError


def matmul_reshape(x: Tensor, y: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Return the matrix product of the 2-D tensors `x` and `y`, reshaped to `shape`.

    >>> matmul_reshape(torch.ones(2, 3), torch.ones(3, 2), (4,))
    tensor([3., 3., 3., 3.])
    """
    # TODO
    raise NotImplementedError


def add_row_bias(matrix: Tensor, bias: Tensor) -> Tensor:
    """Return `matrix` (shape (n, m)) with the 1-D `bias` (shape (m,)) added to every row,
    by broadcasting. Do not change `matrix` itself.

    >>> add_row_bias(torch.zeros(2, 3), torch.tensor([1., 2., 3.]))
    tensor([[1., 2., 3.],
            [1., 2., 3.]])
    """
    # TODO
    raise NotImplementedError
