"""What `pytorch-tutor check 05` establishes. Known mistakes: mistakes/*.py.

The dataset checks build `SquaresDataset(n)` and read its length and items. The loader checks
hand `make_loader` small `TensorDataset`s built here (never squares: nothing here behaves like
the answer), so they test the loader whatever the learner's dataset does. Shuffling is judged
by its properties (a permutation; same seed, same order; another seed, another order), which the
trusted side computes from the batches themselves (`transform`), never by one exact order, since
equally correct loaders draw different permutations.
"""

import itertools

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from grader.kit import Check

HINTS = {
    "SquaresDataset": [
        "A Dataset needs `__len__` (how many items) and `__getitem__(i)` (one item, and IndexError for an index "
        "outside 0 .. n-1).",
        "Useful calls: `torch.tensor([float(i)])` for a float32 tensor of shape (1,), and `raise IndexError(...)`.",
        "Check the index first: `if not 0 <= i < self.n: raise IndexError(i)`, then build the item.",
        "Nearly there: `__init__` stores `self.n = n`; `__len__` returns `self.n`; `__getitem__` checks the index, "
        "then `x = torch.tensor([float(i)]); return x, x ** 2`.",
    ],
    "make_loader": [
        "`make_loader` is a single `DataLoader(...)` call.",
        "`DataLoader(dataset, batch_size=..., shuffle=..., generator=...)`; `torch.Generator().manual_seed(seed)` "
        "is a random number generator of its own, that nothing else draws from.",
        "Nearly there: `return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, "
        "generator=torch.Generator().manual_seed(seed))`.",
    ],
}

LOOP = "items a `for x in ds` loop reads"  # Python's loop stops at the first IndexError (checked by Python itself)
GLOBAL = "torch.rand(4) right after make_loader"  # what the rest of the program draws next from torch's global RNG


def _probe_length(ns, n):
    ds = ns.SquaresDataset(n)
    return {"isinstance(ds, Dataset)": isinstance(ds, Dataset), "len(ds)": len(ds)}


def _probe_items(ns, n, indices):
    ds = ns.SquaresDataset(n)
    return [ds[i] for i in indices]


def _probe_out_of_range(ns, n):
    ds = ns.SquaresDataset(n)
    result = {}
    for name, i in (("ds[n]", n), ("ds[n + 10]", n + 10), ("ds[-1]", -1)):
        try:
            ds[i]
            result[name] = "no error"
        except IndexError:  # only IndexError: any other exception is the learner's to see
            result[name] = "IndexError"
    result[LOOP] = sum(1 for _ in itertools.islice(ds, n + 3))
    return result


def _labelled(n: int) -> TensorDataset:
    """n pairs (x, label), x counting up from 0: the order of the batches shows the order of the items."""
    x = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    return TensorDataset(x, torch.arange(n) % 3)


def _probe_ordered(ns, n, batch_size, seed):
    loader = ns.make_loader(_labelled(n), batch_size, False, seed)
    return {"isinstance(loader, DataLoader)": isinstance(loader, DataLoader), "batches": list(loader)}


def _probe_together(ns, n, batch_size):
    return list(ns.make_loader(ns.SquaresDataset(n), batch_size, False))


def _probe_shuffled(ns, n, batch_size, seed, other_seed):
    """The batches of three loaders over TensorDataset(arange(n)), and what torch's global random state gives
    right after the first one is made (the trusted side turns the batches into properties)."""
    data = TensorDataset(torch.arange(n))
    loaders = {"seed": ns.make_loader(data, batch_size, True, seed)}
    found = {GLOBAL: torch.rand(4)}
    loaders["same seed"] = ns.make_loader(data, batch_size, True, seed)
    loaders["other seed"] = ns.make_loader(data, batch_size, True, other_seed)
    for k, (name, loader) in enumerate(loaders.items()):
        torch.manual_seed(1000 + k)  # other code uses torch's global random state between builds and iterations
        found[name] = list(loader)
    return found


def _order(batches) -> list | None:
    try:
        return torch.cat([b[0].reshape(-1) for b in batches]).tolist()
    except Exception:  # not batches of tensors: the properties below say so
        return None


def _shuffle_properties(found: dict) -> dict:
    """Trusted side: what the loaders' batches show. (Exact orders differ between correct loaders.)"""
    order, again, other = (_order(found.get(k)) for k in ("seed", "same seed", "other seed"))
    try:
        sizes = [len(b[0]) for b in found["seed"]]
    except Exception:
        sizes = None
    return {
        "every item exactly once": order is not None and sorted(order) == list(range(len(order))),
        "batch sizes": sizes,
        "order is shuffled": order is not None and order != sorted(order),
        "same seed gives same order": order == again,
        "different seeds give different orders": order != other,
        GLOBAL: found.get(GLOBAL),
    }


def _n(g: torch.Generator, low: int = 1, high: int = 200) -> int:
    return int(torch.randint(low, high, (1,), generator=g))


def _random_items(g: torch.Generator) -> tuple:
    n = _n(g, 2, 300)
    return n, torch.randint(0, n, (4,), generator=g).tolist()


def _random_shuffled(g: torch.Generator) -> tuple:
    seed = _n(g, 0, 10_000)
    return _n(g, 40, 120), _n(g, 1, 20), seed, seed + _n(g, 1, 1000)


CHECKS = [
    Check(
        "length",
        target="SquaresDataset",
        args=[(5,), (1,), (0,), (37,)],
        random=lambda g: (_n(g),),
        n_random=2,
        probe=_probe_length,
        describe=lambda n: f"ds = SquaresDataset({n}); isinstance(ds, Dataset), len(ds)",
        hints={
            "isinstance(ds, Dataset)": "Subclass `torch.utils.data.Dataset`: `class SquaresDataset(Dataset):`.",
            "len(ds)": "Keep `n` in `__init__` and return it from `__len__`: the number of items.",
        },
    ),
    Check(
        "items",
        target="SquaresDataset",
        args=[(5, [0, 1, 2, 3, 4]), (1, [0]), (100, [0, 9, 50, 99])],
        random=_random_items,
        probe=_probe_items,
        describe=lambda n, idx: f"ds = SquaresDataset({n}); [ds[i] for i in {idx}]",
        hint="Item i is the tuple `(torch.tensor([float(i)]), torch.tensor([float(i) ** 2]))`.",
        hints={
            "dtype": "x and y are float32: `torch.tensor([float(i)])`; `torch.tensor([i])` is int64, as Python ints are.",
            "shape": "x and y each have shape (1,): `torch.tensor([float(i)])`, with the brackets, so that a "
            "batch of them stacks into shape (batch_size, 1).",
            "values": "Item i is `(x, y)` with x = i and y = i ** 2, in that order.",
        },
    ),
    Check(
        "out-of-range index raises IndexError",
        target="SquaresDataset",
        args=[(5,), (1,), (0,)],
        random=lambda g: (_n(g),),
        n_random=2,
        probe=_probe_out_of_range,
        describe=lambda n: f"ds = SquaresDataset({n}); ds[{n}], ds[{n + 10}], ds[-1], then for x in ds: ...",
        hint="Valid indices are 0 .. n-1: check `if not 0 <= i < self.n:` and `raise IndexError(...)`.",
        hints={
            "ds[-1]": "Negative indices are out of range too: check `0 <= i`, not only `i < self.n` (tensor "
            "indexing would read `t[-1]`, the last element).",
            LOOP: "A `for` loop over a dataset asks for items 0, 1, 2, ... until `__getitem__` raises IndexError: "
            "raise it for every index from n on.",
        },
    ),
    Check(
        "batches in dataset order (shuffle=False)",
        target="make_loader",
        args=[(10, 4, 0), (8, 8, 0), (7, 1, 3), (3, 5, 0)],
        random=lambda g: (_n(g, 1, 30), _n(g, 1, 9), _n(g, 0, 100)),
        probe=_probe_ordered,
        describe=lambda n, b, s: f"list(make_loader(TensorDataset of {n} pairs (x, label), "
        f"batch_size={b}, shuffle=False, seed={s}))",
        hint="Return `DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, ...)`; keep the smaller last batch.",
        hints={
            "isinstance(loader, DataLoader)": "Return the `DataLoader(...)` itself, not a list of its batches or "
            "another object.",
            "batches.length": "Pass `batch_size=batch_size` to the DataLoader (its default is 1), and keep the "
            "smaller last batch (no `drop_last=True`).",
            "batches.values": "With `shuffle=False` the batches come in dataset order: pass `shuffle=shuffle` on.",
        },
    ),
    Check(
        "your dataset through your loader",
        target="make_loader",
        args=[(10, 4), (5, 2), (3, 3)],
        n_random=0,
        probe=_probe_together,
        describe=lambda n, b: f"list(make_loader(SquaresDataset({n}), batch_size={b}, shuffle=False))",
        hint="Each batch is a pair (inputs, targets) of stacked tensors, in the dataset's order when shuffle=False; "
        "let `DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)` do the batching.",
        depends_on=("SquaresDataset",),
    ),
    Check(
        "shuffled order comes from the seed",
        target="make_loader",
        args=[(50, 8, 0, 1), (50, 50, 1, 2), (64, 5, 123, 321), (100, 16, 7, 2024)],
        random=_random_shuffled,
        n_random=2,
        probe=_probe_shuffled,
        transform=_shuffle_properties,
        describe=lambda n, b, s, t: f"make_loader(TensorDataset of {n} items, batch_size={b}, shuffle=True) "
        f"twice with seed={s} and once with seed={t}, torch.manual_seed(...) called in between, then iterated",
        hint="Pass `generator=torch.Generator().manual_seed(seed)` to the DataLoader: the shuffled order then "
        "depends on `seed` alone.",
        hints={
            "order is shuffled": "Pass `shuffle=shuffle` to the DataLoader: with `shuffle=True` it visits the items "
            "in a random order.",
            GLOBAL: "`make_loader` changed torch's global random state, which the rest of the program draws from: "
            "seed a generator of its own, `torch.Generator().manual_seed(seed)`, instead of `torch.manual_seed`.",
        },
    ),
]
