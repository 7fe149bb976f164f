"""What `pytorch-tutor check 02` establishes. Known mistakes: mistakes/*.py.

The gradient probes prepare the caller's x (a plain leaf, a leaf that requires grad, one
whose .grad already holds 7s, or a non-leaf computed from a leaf), call the learner's
function, and return the gradient with x itself and the .grad tensors afterwards: whether
the caller's tensors were left alone is read from that data, not from a flag.
"""

import warnings

import torch

from grader.kit import Check, short_repr

HINTS = {
    "grad_of_sum_of_squares": [
        "Autograd only follows tensors that require grad, and the caller's x may not. Start from a copy "
        "of `x` that does, compute the scalar from it, then ask autograd for the gradient.",
        "`t = x.detach().requires_grad_()` is a fresh leaf with x's values; `torch.autograd.grad(y, t)` "
        "returns dy/dt without leaving a `.grad` anywhere.",
        "Nearly there: `t = x.detach().requires_grad_(); (g,) = torch.autograd.grad((t ** 2).sum(), t); return g`.",
    ],
    "grad_of": [
        "Autograd differentiates the scalar `f(t)` with respect to a tensor `t` that requires grad. x may "
        "already require grad, hold a `.grad`, or be part of someone else's graph: don't differentiate through x itself.",
        "`x.detach()` has x's values and no graph; `.requires_grad_()` on it makes a leaf to differentiate "
        "with respect to. `y.backward()` then `t.grad` works too, on that leaf.",
        "Nearly there: `t = x.detach().requires_grad_(); (g,) = torch.autograd.grad(f(t), t); return g`.",
    ],
    "linear_grads": [
        "Make `w` and `b` tensors that require grad (`torch.tensor(w, requires_grad=True)`), build z from "
        "them, and let autograd compute both derivatives.",
        "b appears twice in z = w * b + b: with the same tensor in both places, autograd adds up both paths.",
        "Nearly there: `(w * b + b).backward()`, then `return w.grad.item(), b.grad.item()`.",
    ],
}

FUNCTIONS = {  # what grad_of is given, by how a learner sees it
    "sum(sin(t) * t)": lambda t: (torch.sin(t) * t).sum(),
    "sum(t ** 3)": lambda t: (t**3).sum(),
    "mean(exp(t))": lambda t: torch.exp(t).mean(),
    "sum(relu(t) * 3)": lambda t: (torch.relu(t) * 3).sum(),
    "log(sum(exp(t)))": lambda t: torch.logsumexp(t.reshape(-1), dim=0),
    "sum(t) ** 2": lambda t: t.sum() ** 2,
}


def _probe(call, x, how):
    """x prepared as `how` says, the learner's gradient, then x and every .grad as they are afterwards."""
    leaf = x
    if how == "non-leaf":
        x = leaf * 2
    elif how == "has .grad":
        x.grad = torch.full_like(x, 7.0)
    found = {"gradient": call(x), "x afterwards": x}
    with warnings.catch_warnings():  # reading a non-leaf's .grad warns; None is what we want to see
        warnings.simplefilter("ignore")
        found["x.grad afterwards"] = x.grad
    if x is not leaf:
        found["leaf.grad afterwards"] = leaf.grad
    return found


def _x_text(x, how):
    if how == "non-leaf":
        return f"x = 2 * leaf, a non-leaf, where leaf = {short_repr(x)}"
    if how == "has .grad":
        return f"x = {short_repr(x)}, whose x.grad already holds 7s from an earlier backward"
    return f"x = {short_repr(x)}"


def _random_x(g):
    shape = [int(n) for n in torch.randint(1, 4, (int(torch.randint(0, 3, (1,), generator=g)),), generator=g)]
    x = torch.randn(shape, generator=g)
    how = ["leaf", "requires grad", "non-leaf", "has .grad"][int(torch.randint(0, 4, (1,), generator=g))]
    return x.requires_grad_(how != "leaf"), how


def _rg(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


# Hints by what differs, for both gradient checks.
GRADIENT_HINTS = {
    "gradient.type": "Return the gradient tensor. A `.grad` is only filled on a leaf that requires grad, after "
    "`backward()`: read it from the copy you differentiated, or use `torch.autograd.grad`, which returns it.",
    "gradient.shape": "The gradient of a scalar with respect to x has x's shape: return dy/dt, not y itself.",
    "gradient.requires_grad": "Return a plain tensor: differentiate a detached leaf (`x.detach().requires_grad_()`), "
    "so the gradient is not itself part of a graph.",
    "gradient.values": "These are not the derivatives of the scalar at x. Note that `backward()` adds into a `.grad` "
    "that already holds something: differentiate a fresh leaf `t = x.detach().requires_grad_()`.",
    "x afterwards": "Leave the caller's x as it was: `x.requires_grad_()` (or changing x in place) changes their "
    "tensor. Work on `t = x.detach().requires_grad_()` instead.",
    "x.grad afterwards": "`backward()` through the caller's x left a `.grad` on it. Differentiate a fresh leaf "
    "`t = x.detach().requires_grad_()`, or use `torch.autograd.grad`, which fills no `.grad`.",
    "leaf.grad afterwards": "x was computed from a leaf that requires grad, and your `backward()` went on through x "
    "into that leaf's `.grad`. Cut x from its graph first: `x.detach()`.",
    "raised": "The usual error here is 'element 0 of tensors does not require grad': autograd differentiates only "
    "with respect to tensors that require grad. Start from `t = x.detach().requires_grad_()`.",
}

CHECKS = [
    Check(
        "grad_of_sum_of_squares",
        target="grad_of_sum_of_squares",
        args=[
            (torch.tensor([1.0, -2.0, 3.0]), "leaf"),
            (torch.tensor(-1.5), "leaf"),
            (torch.tensor([[0.5, 2.0], [-3.0, 0.0]], dtype=torch.float64), "leaf"),
            (_rg([2.0, -0.5]), "requires grad"),
            (_rg([1.0, 4.0, -2.0]), "has .grad"),
            (_rg([[1.0, -1.0], [0.25, 3.0]]), "non-leaf"),
        ],
        random=_random_x,
        probe=lambda ns, x, how: _probe(ns.grad_of_sum_of_squares, x, how),
        describe=lambda x, how: f"grad_of_sum_of_squares(x) with {_x_text(x, how)}",
        hint="Return the gradient 2 * x as computed by autograd, a plain tensor shaped like x, "
        "and leave the caller's x as it was: no `.grad` on it, its `requires_grad` unchanged.",
        hints=GRADIENT_HINTS,
        depends_on=["grad_of"],  # the reference's calls it; a learner's may
    ),
    Check(
        "grad_of",
        target="grad_of",
        args=[
            ("sum(sin(t) * t)", torch.tensor([0.5, -1.0, 2.0]), "leaf"),
            ("sum(t ** 3)", torch.tensor(1.5), "leaf"),
            ("mean(exp(t))", torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64), "leaf"),
            ("sum(sin(t) * t)", _rg([-0.5, 1.0, 2.5]), "requires grad"),
            ("sum(relu(t) * 3)", _rg([-1.0, 0.5, 2.0]), "has .grad"),
            ("log(sum(exp(t)))", _rg([[0.1, -0.2], [1.5, 0.0]]), "non-leaf"),
            ("sum(t) ** 2", _rg(2.0), "non-leaf"),
        ],
        random=lambda g: (list(FUNCTIONS)[int(torch.randint(0, len(FUNCTIONS), (1,), generator=g))], *_random_x(g)),
        n_random=5,
        probe=lambda ns, f, x, how: _probe(lambda t: ns.grad_of(FUNCTIONS[f], t), x, how),
        describe=lambda f, x, how: f"grad_of(f, x) with f(t) = {f} and {_x_text(x, how)}",
        hint="Return d f(x) / dx as computed by autograd, a plain tensor shaped like x, "
        "and leave the caller's x as it was: no `.grad` on it, its `requires_grad` unchanged.",
        hints=GRADIENT_HINTS,
    ),
    Check(
        "linear_grads",
        target="linear_grads",
        args=[(2.0, 5.0), (-1.0, 3.0), (0.0, 0.0), (1.5, -2.5)],
        random=lambda g: tuple(round(float(v), 3) for v in torch.randn(2, generator=g) * 3),
        describe=lambda w, b: f"linear_grads(w={w!r}, b={b!r}) for z = w * b + b",
        hint="dz/dw = b and dz/db = w + 1; return them as a tuple of two Python floats.",
        hints={"values": "dz/dw = b and dz/db = w + 1 (b is used twice, and autograd adds up both uses); "
               "return them in that order, `(dz/dw, dz/db)`."},
    ),
]
