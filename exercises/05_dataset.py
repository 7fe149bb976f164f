"""05 · Dataset and DataLoader

A *Dataset* is anything that knows its size and can hand out one example by
index: subclass `torch.utils.data.Dataset` and write `__len__` (how many
examples) and `__getitem__(i)` (example number i, e.g. a pair `(x, y)`).
Out-of-range indices must raise `IndexError`, like a list does: Python's
`for item in dataset` loop, and anyone checking your bounds, rely on it.

A *DataLoader* wraps a dataset and yields *batches*: it fetches `batch_size`
examples and stacks them, so items of shape (1,) become a batch of shape
(batch_size, 1) (the last batch may be smaller). With `shuffle=True` it visits
the examples in a random order. To make that order reproducible without
touching the rest of the program, give it its own random number generator:
`torch.Generator().manual_seed(seed)`, not `torch.manual_seed(seed)`, which
resets the random state of everything else too.

Fill in the class and the function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 05
"""

import torch
from torch import Tensor
from torch.utils.data import DataLoader, Dataset


class SquaresDataset(Dataset):
    """The numbers 0 .. n-1 and their squares: item i is the tuple `(x, y)` with
    `x = tensor([float(i)])` and `y = tensor([float(i) ** 2])`, both float32 of shape (1,).

    `len(ds)` is n. Valid indices are 0 .. n-1; any other index, negative ones
    included, raises `IndexError`.

    >>> ds = SquaresDataset(4)
    >>> len(ds)
    4
    >>> ds[3]
    (tensor([3.]), tensor([9.]))
    >>> ds[4]          # raises IndexError, and so does ds[-1]
    """

    def __init__(self, n: int) -> None:
        # TODO
        raise NotImplementedError

    def __len__(self) -> int:
        # TODO
        raise NotImplementedError

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        # TODO
        raise NotImplementedError


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool, seed: int = 0) -> DataLoader:
    """Return a DataLoader over `dataset` that yields batches of `batch_size` examples
    (the last one may be smaller; keep it).

    With `shuffle=False` the examples come in dataset order. With `shuffle=True`
    they come in a random order that depends only on `seed`: two loaders made with
    the same seed give the same order, whatever else uses torch's global random
    state; different seeds give different orders. Do not change the global random state.

    >>> [x.shape for x, y in make_loader(SquaresDataset(10), 4, shuffle=False)]
    [torch.Size([4, 1]), torch.Size([4, 1]), torch.Size([2, 1])]
    >>> [x.flatten().tolist() for x, y in make_loader(SquaresDataset(5), 5, shuffle=True, seed=1)]
    [[4.0, 1.0, 3.0, 0.0, 2.0]]    # some order of 0..4, the same on every call with seed=1
    """
    # TODO
    raise NotImplementedError
