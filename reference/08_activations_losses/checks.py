"""What `pytorch-tutor check 08` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

Every check calls the learner's function with each float argument as a fresh leaf that
requires grad, backpropagates, and compares the output and each gradient with the
reference's (which agrees with torch's own functions in values and gradients on every
case here: verified when the exercise was written). softmax and log_softmax go through
`with_gradients`, which backpropagates a fixed random weighting of the output (a plain
sum would hide a wrong Jacobian: the gradient of softmax(x).sum() is 0). The losses are
0-d, so a weighting would only rescale their gradients and make them disagree with the
formulas in the hints: their probe calls `loss.backward()`, as training does.

Torch's built-ins for the same thing are forbidden in the function under test. Large
logits (±100, ±1000) have checks of their own, with tolerances that admit every correct
formulation: `x - logsumexp(x)` rounds the logsumexp near 1000 to float32 (ulp 6e-5), so
its results differ from torch's by up to about 3e-5.
"""

import torch

from grader.kit import Check, backpropagate, short_repr, with_gradients

HINTS = {
    "softmax": [
        "softmax(x) = exp(x) / sum(exp(x)) along `dim`, but exp(100) already overflows float32. "
        "Softmax does not change when you subtract the same number from every entry of a slice.",
        "Subtract each slice's max first: `x.amax(dim=dim, keepdim=True)`; then every exponent is <= 0. "
        "`keepdim=True` keeps the reduced dim (size 1) so it broadcasts back over `x`.",
        "Nearly there: `e = (x - x.amax(dim=dim, keepdim=True)).exp()`, then `return e / e.sum(dim=dim, keepdim=True)`.",
    ],
    "log_softmax": [
        "log(softmax(x)) is -inf wherever softmax rounds to 0; stay in log space instead: "
        "log_softmax(x) = x - log(sum(exp(x))).",
        "With the max shift: `z = x - x.amax(dim=dim, keepdim=True)`; the sum of `z.exp()` is then at least 1, "
        "so its log is finite.",
        "Nearly there: `z = x - x.amax(dim=dim, keepdim=True)`, then `return z - z.exp().sum(dim=dim, keepdim=True).log()`.",
    ],
    "cross_entropy": [
        "Cross-entropy is the mean over the batch of -log(probability the model gives the right class), "
        "computed from raw logits with your own `log_softmax` along dim 1.",
        "First refuse targets that are not class indices: `targets.dtype != torch.long` or a shape other than "
        "`(N,)` raises ValueError. Then pick row i's entry at column targets[i]: "
        "`logp.gather(1, targets.unsqueeze(1))` or `logp[torch.arange(N), targets]`.",
        "Nearly there: after the check, `logp = log_softmax(logits, dim=1)` and "
        "`return -logp[torch.arange(len(targets)), targets].mean()`.",
    ],
    "bce_with_logits": [
        "BCE with logits is -[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))], averaged; but sigmoid(x) rounds to "
        "1.0 for x > 17 in float32, and log(0) is -inf. Simplify the formula before computing it.",
        "The formula simplifies to softplus(x) - x * y, where softplus(x) = log(1 + exp(x)); "
        "`torch.nn.functional.softplus` computes it stably, with the right slope everywhere.",
        "Nearly there: `return (torch.nn.functional.softplus(logits) - logits * targets).mean()`.",
    ],
}

# Built-ins that compute what the learner is asked to write. torch.logsumexp is forbidden
# only where the max shift is the point (softmax, log_softmax); cross_entropy may use it.
SOFTMAX_BUILTINS = [
    "torch.softmax", "torch.log_softmax", "torch.Tensor.softmax", "torch.Tensor.log_softmax",
    "torch.nn.functional.softmax", "torch.nn.functional.log_softmax", "torch.nn.functional.softmin",
    "torch.special.softmax", "torch.special.log_softmax", "torch._softmax", "torch._log_softmax",
]
LOGSUMEXP = ["torch.logsumexp", "torch.Tensor.logsumexp", "torch.special.logsumexp"]
CE_BUILTINS = SOFTMAX_BUILTINS + ["torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss"]
BCE_BUILTINS = [
    "torch.nn.functional.binary_cross_entropy", "torch.nn.functional.binary_cross_entropy_with_logits",
    "torch.binary_cross_entropy_with_logits",
]

LARGE = "With logits of ±100 or ±1000, exp() overflows to inf (float32 ends near exp(88.7)) or underflows to 0, "
BIG_TOL = {"rtol": 1e-4, "atol": 1e-4}  # admits x - logsumexp(x) rounding near 1000 (see the module docstring)
GRADIENT = ("The values are right, the gradient is not: every part of the formula must stay in the autograd "
            "graph (only the max shift may be detached, since it cancels).")


# ---- inputs, made identically in both processes --------------------------------------------------


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(seed: int, *shape: int, scale: float = 3.0, dtype=torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=_gen(seed), dtype=dtype) * scale


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high, (1,), generator=g))


def _random_softmax(g: torch.Generator) -> tuple:
    shape = [_int(g, 1, 5) for _ in range(_int(g, 1, 4))]
    return torch.randn(shape, generator=g) * 3, _int(g, -len(shape), len(shape))


def _random_large(g: torch.Generator) -> tuple:
    """Logits spread over [-1000, 1000], or a row of huge ones next to an ordinary row."""
    shape = [_int(g, 2, 5), _int(g, 2, 6)]
    x = torch.rand(shape, generator=g) * 2000 - 1000
    if _int(g, 0, 2):
        x[0] = x[0] / 1000  # rows of very different scales: each needs its own max
    return x, _int(g, -2, 2)


def _random_ce(g: torch.Generator) -> tuple:
    n, c = _int(g, 2, 7), _int(g, 2, 7)
    return torch.randn(n, c, generator=g) * 3, torch.randint(0, c, (n,), generator=g)


def _random_ce_large(g: torch.Generator) -> tuple:
    n, c = _int(g, 2, 6), _int(g, 2, 6)
    return torch.rand(n, c, generator=g) * 2000 - 1000, torch.randint(0, c, (n,), generator=g)


def _random_bce(g: torch.Generator) -> tuple:
    shape = [_int(g, 1, 5) for _ in range(_int(g, 1, 3))]
    logits = torch.randn(shape, generator=g) * 3
    soft = _int(g, 0, 2)
    targets = torch.rand(shape, generator=g) if soft else torch.randint(0, 2, shape, generator=g).float()
    return logits, targets


def _random_bce_large(g: torch.Generator) -> tuple:
    shape = [_int(g, 1, 4), _int(g, 2, 5)]
    logits = (torch.rand(shape, generator=g) * 2000 - 1000)
    return logits, torch.randint(0, 2, shape, generator=g).float()


def _loss_gradients(target: str, names: tuple[str, ...]):
    """`with_gradients` for a loss: `backward()` of the loss itself when it is 0-d (what training does);
    any other output still gets a fixed random weighting of every entry."""

    def probe(ns, *args):
        leaves = [a.detach().clone().requires_grad_(True) if _float_tensor(a) else a for a in args]
        loss = getattr(ns, target)(*leaves)
        if _float_tensor(loss) and loss.requires_grad and loss.dim() == 0:
            loss.backward()
        else:
            backpropagate(loss)
        found = {"output": loss}
        for name, arg, leaf in zip(names, args, leaves):
            if _float_tensor(arg):
                found[f"gradient of {name}"] = leaf.grad
        return found

    probe.__doc__ = f"{target}(...) with gradients"
    return probe


def _float_tensor(value) -> bool:
    return isinstance(value, torch.Tensor) and value.is_floating_point()


# ---- how calls are shown ----------------------------------------------------------------------------


def _tensor_text(t) -> str:
    if isinstance(t, torch.Tensor) and t.numel() > 6:
        dtype = str(t.dtype).removeprefix("torch.")
        extra = "" if t.dtype == torch.float32 else f", dtype={dtype}"
        return f"a tensor of shape {tuple(t.shape)}{extra}, values in [{t.min().item():.3g}, {t.max().item():.3g}]"
    return short_repr(t)


def _show_dim(name: str):
    def describe(x, dim=None):
        return f"{name}({_tensor_text(x)})" if dim is None else f"{name}({_tensor_text(x)}, dim={dim})"
    return describe


def _show_loss(name: str):
    return lambda logits, targets: f"{name}(logits={_tensor_text(logits)}, targets={_tensor_text(targets)})"


# ---- cross_entropy must refuse targets that are not class indices ----------------------------------


def _probe_refuses(ns, logits, targets):
    """What the call did, in words: "raised ValueError" (the answer wanted), "raised IndexError" (another
    error, named so the learner sees what their code actually did), or "returned without raising"."""
    try:
        ns.cross_entropy(logits, targets)
    except NotImplementedError:
        raise  # the stub: "not implemented yet", not "did not raise"
    except Exception as exc:
        return {"outcome": f"raised {type(exc).__name__}"}
    return {"outcome": "returned without raising"}


def _one_hot(targets: torch.Tensor, classes: int) -> torch.Tensor:
    return (targets.unsqueeze(1) == torch.arange(classes)).long()


_IDX = torch.tensor([2, 0, 3])
_BAD_TARGETS = [
    (_randn(30, 3, 4), _one_hot(_IDX, 4).float(), "one-hot float targets of shape (3, 4)"),
    (_randn(31, 3, 4), _IDX.float(), "class indices as floats, tensor([2., 0., 3.])"),
    (_randn(32, 3, 4), _one_hot(_IDX, 4), "one-hot int64 targets of shape (3, 4)"),
    (_randn(33, 3, 4), torch.tensor([2, 0]), "int64 targets of shape (2,) for 3 rows of logits"),
]


def _show_refusal(logits, targets) -> str:
    what = next((text for _, t, text in _BAD_TARGETS if t.shape == targets.shape and t.dtype == targets.dtype), "")
    return f"cross_entropy(logits of shape {tuple(logits.shape)}, {what or _tensor_text(targets)}): must raise ValueError"


# ---- the checks ---------------------------------------------------------------------------------------


CHECKS = [
    Check(
        "softmax",
        target="softmax",
        args=[
            (torch.tensor([1.0, 2.0, 3.0]),),
            (torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), 1),
            (_randn(1, 3, 3), 1),
            (_randn(2, 2, 3, 4), 0),
            (torch.tensor([[0.0, float("-inf"), 1.0], [2.0, 0.5, float("-inf")]]), -1),
            (torch.tensor([[5.0]]), 1),
            (_randn(3, 2, 3, dtype=torch.float64), -1),
            (torch.zeros(0, 4), -1),
        ],
        random=_random_softmax,
        probe=with_gradients("softmax", names=("x",)),
        describe=_show_dim("softmax"),
        forbid=SOFTMAX_BUILTINS + LOGSUMEXP,
        hint="Each slice along `dim` must sum to 1; keep the shape and dtype of `x`.",
        hints={"gradient of x": GRADIENT},
    ),
    Check(
        "softmax of large logits (±100, ±1000)",
        target="softmax",
        args=[
            (torch.tensor([[1000.0, 999.0, 998.0], [-1000.0, 0.0, 5.0]]), 1),
            (torch.tensor([[100.0, -100.0, 0.0], [1000.0, 1000.0, -1000.0]]), -1),
            (torch.tensor([[-1000.0, -999.5, -1003.0]]), 1),
            (torch.tensor([[[1000.0], [0.0]], [[-1000.0], [-100.0]]]), 0),
        ],
        random=_random_large,
        probe=with_gradients("softmax", names=("x",)),
        describe=_show_dim("softmax"),
        forbid=SOFTMAX_BUILTINS + LOGSUMEXP,
        hint=LARGE + "so exp(x) / sum(exp(x)) gives nan. Subtract each slice's own max along `dim` first.",
        hints={"gradient of x": GRADIENT},
        **BIG_TOL,
    ),
    Check(
        "log_softmax",
        target="log_softmax",
        args=[
            (torch.tensor([1.0, 2.0, 3.0]),),
            (torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), 1),
            (_randn(4, 3, 3), 1),
            (_randn(5, 2, 3, 4), 0),
            (torch.tensor([[5.0]]), 1),
            (_randn(6, 2, 3, dtype=torch.float64), -1),
        ],
        random=_random_softmax,
        probe=with_gradients("log_softmax", names=("x",)),
        describe=_show_dim("log_softmax"),
        forbid=SOFTMAX_BUILTINS + LOGSUMEXP,
        hint="log_softmax(x) = x - log(sum(exp(x))) along `dim`: every entry is <= 0, and exp() of the result sums to 1.",
        hints={"gradient of x": GRADIENT},
    ),
    Check(
        "log_softmax of large logits (±100, ±1000)",
        target="log_softmax",
        args=[
            (torch.tensor([[1000.0, 999.0, 998.0], [-1000.0, 0.0, 5.0]]), 1),
            (torch.tensor([[1000.0, 0.0], [-100.0, 100.0]]), -1),
            (torch.tensor([[-1000.0, -999.5, -1003.0]]), 1),
            (torch.tensor([[[1000.0], [0.0]], [[-1000.0], [-100.0]]]), 0),
        ],
        random=_random_large,
        probe=with_gradients("log_softmax", names=("x",)),
        describe=_show_dim("log_softmax"),
        forbid=SOFTMAX_BUILTINS + LOGSUMEXP,
        hint=LARGE + "and log(0) is -inf. Shift by each slice's max, and take the log of the sum, not of softmax.",
        hints={"gradient of x": GRADIENT},
        **BIG_TOL,
    ),
    Check(
        "cross_entropy",
        target="cross_entropy",
        args=[
            (_randn(7, 3, 3), torch.tensor([2, 0, 1])),
            (_randn(8, 4, 3), torch.tensor([0, 2, 1, 2])),
            (_randn(9, 1, 5), torch.tensor([4])),
            (_randn(10, 2, 4, dtype=torch.float64), torch.tensor([3, 0])),
        ],
        random=_random_ce,
        probe=_loss_gradients("cross_entropy", ("logits", "targets")),
        describe=_show_loss("cross_entropy"),
        forbid=CE_BUILTINS,
        depends_on=["log_softmax"],
        hint="The loss is a 0-d tensor: the mean over the N rows of -log_softmax(logits, dim=1)[i, targets[i]].",
        hints={
            "output.type": "Return the loss as a 0-d tensor (no `.item()`): training calls `backward()` on it.",
            "gradient of logits": "The gradient of mean cross-entropy is (softmax(logits) - one_hot(targets)) / N: "
            "keep the whole computation in the autograd graph.",
        },
    ),
    Check(
        "cross_entropy of large logits (±100, ±1000)",
        target="cross_entropy",
        args=[
            (torch.tensor([[1000.0, 0.0, -1000.0], [100.0, 100.0, -100.0], [-1000.0, -999.0, -1000.0]]),
             torch.tensor([2, 0, 1])),
            (torch.tensor([[100.0, -100.0], [-1000.0, 1000.0]]), torch.tensor([0, 0])),
        ],
        random=_random_ce_large,
        probe=_loss_gradients("cross_entropy", ("logits", "targets")),
        describe=_show_loss("cross_entropy"),
        forbid=CE_BUILTINS,
        depends_on=["log_softmax"],
        hint=LARGE + "so the loss must come from a log_softmax that shifts by the max, never from log(softmax).",
        hints={"gradient of logits": "The gradient of mean cross-entropy is (softmax(logits) - one_hot(targets)) / N, "
               "finite for any logits: keep the whole computation in the autograd graph, and shift by the max."},
        **BIG_TOL,
    ),
    Check(
        "cross_entropy refuses targets that are not class indices",
        target="cross_entropy",
        args=[(logits, targets) for logits, targets, _ in _BAD_TARGETS],
        probe=_probe_refuses,
        describe=_show_refusal,
        forbid=CE_BUILTINS,
        hint="Check `targets` before using it: `if targets.dtype != torch.long or targets.shape != logits.shape[:1]: "
        "raise ValueError(...)`.",
    ),
    Check(
        "bce_with_logits",
        target="bce_with_logits",
        args=[
            (torch.tensor([0.2, 0.7, 0.9, 0.4]), torch.tensor([0.0, 1.0, 1.0, 0.0])),
            (_randn(11, 2, 3), torch.rand(2, 3, generator=_gen(12))),
            (torch.tensor([[3.0]]), torch.tensor([[1.0]])),
            (_randn(13, 5, dtype=torch.float64), torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0], dtype=torch.float64)),
        ],
        random=_random_bce,
        probe=_loss_gradients("bce_with_logits", ("logits", "targets")),
        describe=_show_loss("bce_with_logits"),
        forbid=BCE_BUILTINS,
        hint="The loss is a 0-d tensor: the mean over every element of -[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))].",
        hints={
            "output.type": "Return the loss as a 0-d tensor (no `.item()`): training calls `backward()` on it.",
            "gradient of logits": "The gradient with respect to the logits is (sigmoid(x) - y) / n: keep the whole "
            "computation in the autograd graph.",
            "gradient of targets": "The gradient with respect to the targets is -x / n.",
        },
    ),
    Check(
        "bce_with_logits of large logits (±100, ±1000)",
        target="bce_with_logits",
        args=[
            (torch.tensor([100.0, -100.0, 1000.0, -1000.0]), torch.tensor([1.0, 0.0, 0.0, 1.0])),
            (torch.tensor([[100.0, -1000.0], [1000.0, -100.0]]), torch.tensor([[0.3, 0.9], [1.0, 0.0]])),
        ],
        random=_random_bce_large,
        probe=_loss_gradients("bce_with_logits", ("logits", "targets")),
        describe=_show_loss("bce_with_logits"),
        forbid=BCE_BUILTINS,
        hint=LARGE + "and sigmoid(x) rounds to exactly 0 or 1, so log(sigmoid(x)) or log(1 - sigmoid(x)) is -inf. "
        "Use softplus(x) - x * y.",
        hints={"gradient of logits": "The gradient with respect to the logits is (sigmoid(x) - y) / n, which lies in "
               "[-1/n, 1/n] for any logits; a nan or inf there comes from an exp or a log that overflowed."},
        **BIG_TOL,
    ),
    # The convention this check tests: the loss is smooth at x = 0, so its gradient there is the derivative,
    # sigmoid(0) - y, on every torch. A formula with a kink at 0 (clamp, relu, abs) gets whatever one-sided
    # slope its op gives there, which is not that (and for clamp changed in torch 2.15: 1 before, 0 since).
    Check(
        "bce_with_logits at logits of exactly 0 (a zero-initialised output layer)",
        target="bce_with_logits",
        args=[
            (torch.zeros(4), torch.tensor([1.0, 0.0, 0.5, 1.0])),
            (torch.zeros(2, 3), torch.tensor([[0.0, 1.0, 1.0], [0.25, 0.0, 1.0]])),
        ],
        probe=_loss_gradients("bce_with_logits", ("logits", "targets")),
        describe=_show_loss("bce_with_logits"),
        forbid=BCE_BUILTINS,
        hint="At x = 0 the loss is log(2) - 0 * y for every element, and its slope is sigmoid(0) - y = 0.5 - y.",
        hints={"gradient of logits": "At x = 0 the slope of the loss is sigmoid(0) - y = 0.5 - y (divided by n). "
               "Autograd takes one side of a kink such as `max(x, 0)`, `clamp` or `abs(x)` (which side depends on the "
               "op, and for `clamp` on the torch version), so a formula built from them can have the right values and "
               "the wrong gradient exactly at 0; `torch.nn.functional.softplus` has none."},
    ),
]
