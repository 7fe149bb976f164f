"""What `pytorch-tutor check 05` establishes, and the known mistakes it recognises.

The dataset checks build `SquaresDataset(n)` and read its length and items. The loader
checks hand `make_loader` a small `TensorDataset` built here, so they test the loader
whatever the learner's dataset does. Shuffling is judged by its properties (a
permutation; same seed, same order; another seed, another order; global RNG untouched),
never by one exact order, since equally correct loaders draw different permutations.
"""

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from grader.kit import Check, Mistake

HINTS = [
    "A Dataset needs `__len__` (how many items) and `__getitem__(i)` (one item, with IndexError past the end). "
    "`make_loader` is a single `DataLoader(...)` call.",
    "Useful calls: `torch.tensor([float(i)])` for a float32 tensor of shape (1,), `raise IndexError(...)`, "
    "`DataLoader(dataset, batch_size=..., shuffle=..., generator=...)` and `torch.Generator().manual_seed(seed)`.",
    "Check the index first: `if not 0 <= i < self.n: raise IndexError(i)`. Give the DataLoader its own seeded "
    "generator rather than calling `torch.manual_seed`, so its order depends on `seed` alone.",
    "Nearly there: `__init__` stores `self.n = n`; `__len__` returns `self.n`; `__getitem__` checks the index, then "
    "`x = torch.tensor([float(i)]); return x, x ** 2`. `make_loader` returns `DataLoader(dataset, "
    "batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))`.",
]


# ---- probes ---------------------------------------------------------------------------------------


def _probe_length(ns, n):
    ds = ns.SquaresDataset(n)
    return {"isinstance(ds, Dataset)": isinstance(ds, Dataset), "len(ds)": len(ds)}


def _probe_items(ns, n, indices):
    ds = ns.SquaresDataset(n)
    return [ds[i] for i in indices]


def _probe_out_of_range(ns, n):
    ds = ns.SquaresDataset(n)
    result = {}
    for i in (n, n + 10, -1):
        try:
            ds[i]
            result[f"ds[{i}]"] = "no error"
        except IndexError:  # only IndexError: any other exception is the learner's to see
            result[f"ds[{i}]"] = "IndexError"
    return result


def _pairs(n: int) -> TensorDataset:
    x = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    return TensorDataset(x, x**2)


def _shapes(batch) -> object:
    try:
        return [list(t.shape) for t in batch]
    except Exception:
        return f"not a list of tensors ({type(batch).__name__})"


def _probe_ordered(ns, n, batch_size, seed):
    loader = ns.make_loader(_pairs(n), batch_size, False, seed)
    batches = list(loader)
    return {
        "isinstance(loader, DataLoader)": isinstance(loader, DataLoader),
        "batch shapes": [_shapes(b) for b in batches],
        "batches": batches,
    }


def _probe_together(ns, n, batch_size):
    return list(ns.make_loader(ns.SquaresDataset(n), batch_size, False))


def _read(batches: list) -> tuple:
    """The order in which a loader over TensorDataset(arange(n)) visited the items, and its batch sizes."""
    try:
        return torch.cat([b[0].reshape(-1) for b in batches]).tolist(), [len(b[0]) for b in batches]
    except Exception:
        return None, None


def _probe_shuffled(ns, n, batch_size, seed, other_seed):
    data = TensorDataset(torch.arange(n))
    before = torch.get_rng_state()
    first = ns.make_loader(data, batch_size, True, seed)
    untouched = torch.equal(torch.get_rng_state(), before)
    loaders = [first, ns.make_loader(data, batch_size, True, seed), ns.make_loader(data, batch_size, True, other_seed)]
    orders = []
    for k, loader in enumerate(loaders):
        torch.manual_seed(1000 + k)  # other code uses torch's global random state between builds and iterations
        orders.append(_read(list(loader)))
    (order, sizes), (again, _), (other, _) = orders
    return {
        "every item exactly once": order is not None and sorted(order) == list(range(n)),
        "batch sizes": sizes,
        "order is shuffled": order != list(range(n)),
        "same seed gives same order": order == again,
        "different seeds give different orders": order != other,
        "global random state left alone": untouched,
    }


def _random_n(g: torch.Generator, low: int = 1, high: int = 200) -> int:
    return int(torch.randint(low, high, (1,), generator=g))


def _random_items(g: torch.Generator) -> tuple:
    n = _random_n(g, 2, 300)
    return n, torch.randint(0, n, (4,), generator=g).tolist()


def _random_ordered(g: torch.Generator) -> tuple:
    return _random_n(g, 1, 30), _random_n(g, 1, 9), _random_n(g, 0, 100)


def _random_shuffled(g: torch.Generator) -> tuple:
    seed = _random_n(g, 0, 10_000)
    return _random_n(g, 40, 120), _random_n(g, 1, 20), seed, seed + _random_n(g, 1, 1000)


CHECKS = [
    Check(
        "length",
        target="SquaresDataset",
        args=[(5,), (1,), (0,), (37,)],
        random=lambda g: (_random_n(g),),
        n_random=2,
        probe=_probe_length,
        describe=lambda n: f"ds = SquaresDataset({n}); isinstance(ds, Dataset), len(ds)",
        hint="Subclass `torch.utils.data.Dataset`, keep `n` in `__init__` and return it from `__len__`.",
    ),
    Check(
        "items",
        target="SquaresDataset",
        args=[(5, [0, 1, 2, 3, 4]), (1, [0]), (100, [0, 9, 50, 99])],
        random=_random_items,
        probe=_probe_items,
        describe=lambda n, idx: f"ds = SquaresDataset({n}); [ds[i] for i in {idx}]",
        hint="Item i is the tuple `(torch.tensor([float(i)]), torch.tensor([float(i) ** 2]))`.",
    ),
    Check(
        "out-of-range index raises IndexError",
        target="SquaresDataset",
        args=[(5,), (1,), (0,)],
        random=lambda g: (_random_n(g),),
        n_random=2,
        probe=_probe_out_of_range,
        describe=lambda n: f"ds = SquaresDataset({n}); ds[{n}], ds[{n + 10}], ds[-1]",
        hint="Valid indices are 0 .. n-1: check `if not 0 <= i < self.n:` and `raise IndexError(...)`.",
    ),
    Check(
        "batches in dataset order (shuffle=False)",
        target="make_loader",
        args=[(10, 4, 0), (8, 8, 0), (7, 1, 3), (3, 5, 0)],
        random=_random_ordered,
        probe=_probe_ordered,
        describe=lambda n, b, s: f"list(make_loader(TensorDataset of {n} pairs (x, x**2), "
        f"batch_size={b}, shuffle=False, seed={s}))",
        hint="Return `DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, ...)`; keep the smaller last batch.",
    ),
    Check(
        "your dataset through your loader",
        target="make_loader",
        args=[(10, 4), (5, 2), (3, 3)],
        n_random=0,
        probe=_probe_together,
        describe=lambda n, b: f"list(make_loader(SquaresDataset({n}), batch_size={b}, shuffle=False))",
    ),
    Check(
        "shuffled order comes from the seed",
        target="make_loader",
        args=[(50, 8, 0, 1), (50, 50, 1, 2), (64, 5, 123, 321), (100, 16, 7, 2024)],
        random=_random_shuffled,
        n_random=2,
        probe=_probe_shuffled,
        describe=lambda n, b, s, t: f"make_loader(TensorDataset of {n} items, batch_size={b}, shuffle=True) "
        f"twice with seed={s} and once with seed={t}, torch.manual_seed(...) called in between, then iterated",
        hint="Pass `generator=torch.Generator().manual_seed(seed)` to the DataLoader: the shuffled order then "
        "depends on `seed` alone.",
    ),
]


# ---- known mistakes -------------------------------------------------------------------------------


class _Squares(Dataset):
    """Like the reference; each mistake below changes one thing."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.item(i)

    def item(self, i):
        x = torch.tensor([float(i)])
        return x, x**2


class _NoIndexError(_Squares):
    def __getitem__(self, i):
        return self.item(i)


class _NegativeAllowed(_Squares):
    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return self.item(i)


class _IntItems(_Squares):
    def item(self, i):
        return torch.tensor([i]), torch.tensor([i * i])


class _ScalarItems(_Squares):
    def item(self, i):
        return torch.tensor(float(i)), torch.tensor(float(i) ** 2)


class _Swapped(_Squares):
    def item(self, i):
        x = torch.tensor([float(i)])
        return x**2, x


class _LenOffByOne(_Squares):
    def __len__(self):
        return self.n - 1


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _global_seed_loader(dataset, batch_size, shuffle, seed=0):
    torch.manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)


MISTAKES = [
    Mistake(
        "no_index_error",
        "`__getitem__` must raise `IndexError` for an index outside 0 .. n-1, as a list does: without it a "
        "`for x in dataset` loop never ends. Check the index before computing the item.",
        {"SquaresDataset": _NoIndexError},
    ),
    Mistake(
        "negative_index_allowed",
        "Negative indices are out of range too in this exercise: check `0 <= i < self.n`, not only `i < self.n` "
        "(tensor indexing happily reads `t[-1]`, the last element).",
        {"SquaresDataset": _NegativeAllowed},
    ),
    Mistake(
        "int_tensors",
        "`torch.tensor([i])` is int64 because `i` is a Python int; models and losses want float32: "
        "use `torch.tensor([float(i)])`.",
        {"SquaresDataset": _IntItems},
    ),
    Mistake(
        "scalar_items",
        "x and y must each have shape (1,), not (): `torch.tensor(float(i))` and indexing a 1-D tensor give 0-d "
        "tensors. Use `torch.tensor([float(i)])`, so that a batch stacks into shape (batch_size, 1).",
        {"SquaresDataset": _ScalarItems},
    ),
    Mistake(
        "x_y_swapped",
        "An item is `(input, target)`: return `(x, y)` with x the number and y its square, in that order.",
        {"SquaresDataset": _Swapped},
    ),
    Mistake(
        "len_off_by_one",
        "`__len__` is the number of items, n; the DataLoader asks it how many indices to visit.",
        {"SquaresDataset": _LenOffByOne},
    ),
    Mistake(
        "batch_size_ignored",
        "Pass `batch_size=batch_size` to the DataLoader: its default is 1 item per batch.",
        {"make_loader": lambda ds, b, shuffle, seed=0: DataLoader(ds, shuffle=shuffle, generator=_gen(seed))},
    ),
    Mistake(
        "shuffle_ignored",
        "Pass `shuffle=shuffle` to the DataLoader: by default it visits the items in order.",
        {"make_loader": lambda ds, b, shuffle, seed=0: DataLoader(ds, batch_size=b, generator=_gen(seed))},
    ),
    Mistake(
        "always_shuffled",
        "Pass the `shuffle` argument on, not `shuffle=True`: with `shuffle=False` the items come in dataset order.",
        {"make_loader": lambda ds, b, shuffle, seed=0: DataLoader(ds, batch_size=b, shuffle=True, generator=_gen(seed))},
    ),
    Mistake(
        "seed_ignored",
        "With `shuffle=True` and no generator, the DataLoader draws its order from torch's global random state, "
        "so `seed` changes nothing. Pass `generator=torch.Generator().manual_seed(seed)`.",
        {"make_loader": lambda ds, b, shuffle, seed=0: DataLoader(ds, batch_size=b, shuffle=shuffle)},
    ),
    Mistake(
        "global_seed",
        "`torch.manual_seed(seed)` resets the random state of the whole program, and the loader only draws its "
        "order later, when it is iterated, after other code may have used random numbers. Give the DataLoader "
        "a generator of its own: `generator=torch.Generator().manual_seed(seed)`.",
        {"make_loader": _global_seed_loader},
    ),
]
