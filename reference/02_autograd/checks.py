"""What `pytorch-tutor check 02` establishes, and the known mistakes it recognises."""

import warnings

import torch

from grader.kit import Check, Mistake, short_repr

HINTS = [
    "Autograd only follows tensors that require grad. Start from a copy of `x` that does, "
    "compute the scalar, then ask autograd for the gradient.",
    "Useful calls: `x.detach()` (same values, no graph), `.requires_grad_()`, "
    "`torch.autograd.grad(y, t)` (returns dy/dt), or `y.backward()` then `t.grad`, and `.item()`.",
    "Don't call `backward()` through the caller's `x`: it would leave a `.grad` on it (or on the leaf it "
    "came from). `x.detach().requires_grad_()` makes a fresh leaf you can differentiate freely.",
    "Nearly there: `t = x.detach().requires_grad_(); (g,) = torch.autograd.grad(f(t), t); return g`. "
    "For `linear_grads`, make `w` and `b` tensors with `requires_grad=True`, call `(w * b + b).backward()` "
    "and return `(w.grad.item(), b.grad.item())`.",
]


# Functions given to grad_of. The docstring's first line is how a learner sees them.
def sin_times_t(t):
    "sum(sin(t) * t)"
    return (torch.sin(t) * t).sum()


def cubes(t):
    "sum(t ** 3)"
    return (t**3).sum()


def mean_exp(t):
    "mean(exp(t))"
    return torch.exp(t).mean()


def relu_times_3(t):
    "sum(relu(t) * 3)"
    return (torch.relu(t) * 3).sum()


def logsumexp(t):
    "log(sum(exp(t)))"
    return torch.logsumexp(t.reshape(-1), dim=0)


def square_of_sum(t):
    "sum(t) ** 2"
    return t.sum() ** 2


FUNCTIONS = [sin_times_t, cubes, mean_exp, relu_times_3, logsumexp, square_of_sum]


# How the caller's x is prepared: as given, a non-leaf computed from it, or with a .grad already set.
def _prepare(x, how):
    if how == "non-leaf":
        return x * 2, x
    if how == "has .grad":
        x.grad = torch.full_like(x, 7.0)
    return x, None


def _probe(call, x, how):
    x, leaf = _prepare(x, how)
    gradient = call(x)
    with warnings.catch_warnings():  # reading .grad of a non-leaf warns; None is what we want to see
        warnings.simplefilter("ignore")
        result = {"gradient": gradient, "x.grad afterwards": x.grad, "x.requires_grad afterwards": x.requires_grad}
    if leaf is not None:
        result["leaf.grad afterwards"] = leaf.grad
    return result


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


def _random_f_x(g):
    f = FUNCTIONS[int(torch.randint(0, len(FUNCTIONS), (1,), generator=g))]
    return (f, *_random_x(g))


def _rg(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


def _random_wb(g):
    return tuple(round(float(v), 3) for v in torch.randn(2, generator=g) * 3)


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
        "and leave the caller's x without a `.grad` and with its `requires_grad` unchanged.",
    ),
    Check(
        "grad_of",
        target="grad_of",
        args=[
            (sin_times_t, torch.tensor([0.5, -1.0, 2.0]), "leaf"),
            (cubes, torch.tensor(1.5), "leaf"),
            (mean_exp, torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64), "leaf"),
            (sin_times_t, _rg([-0.5, 1.0, 2.5]), "requires grad"),
            (relu_times_3, _rg([-1.0, 0.5, 2.0]), "has .grad"),
            (logsumexp, _rg([[0.1, -0.2], [1.5, 0.0]]), "non-leaf"),
            (square_of_sum, _rg(2.0), "non-leaf"),
        ],
        random=_random_f_x,
        n_random=5,
        probe=lambda ns, f, x, how: _probe(lambda t: ns.grad_of(f, t), x, how),
        describe=lambda f, x, how: f"grad_of(f, x) with f(t) = {short_repr(f)} and {_x_text(x, how)}",
        hint="Return d f(x) / dx as computed by autograd, a plain tensor shaped like x, "
        "and leave the caller's x without a `.grad` and with its `requires_grad` unchanged.",
    ),
    Check(
        "linear_grads",
        target="linear_grads",
        args=[(2.0, 5.0), (-1.0, 3.0), (0.0, 0.0), (1.5, -2.5)],
        random=_random_wb,
        describe=lambda w, b: f"linear_grads(w={w!r}, b={b!r}) for z = w * b + b",
        hint="dz/dw = b and dz/db = w + 1; return them as a tuple of two Python floats.",
    ),
]


# Known-wrong variants. Each is the whole function as a learner might write it.
def _no_requires_grad(f, x):
    return torch.autograd.grad(f(x), x)[0]


def _backward_on_x(f, x):
    x.requires_grad_(True)
    f(x).backward()
    return x.grad


def _clone_without_detach(f, x):
    t = x.clone().requires_grad_()
    f(t).backward()
    return t.grad


def _grad_of_wrong_tensor(f, x):
    t = x.detach().requires_grad_()
    f(t).backward()
    return x.grad


def _returned_loss(f, x):
    t = x.detach().requires_grad_()
    loss = f(t)
    loss.backward()
    return loss


def _func_grad_undetached(f, x):
    return torch.func.grad(f)(x)


def _both(wrong):
    """Replace both gradient functions with the same wrong idea (quietly: some read a non-leaf's .grad)."""

    def grad_of(f, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return wrong(f, x)

    return {"grad_of": grad_of, "grad_of_sum_of_squares": lambda x: grad_of(lambda t: (t**2).sum(), x)}


MISTAKES = [
    Mistake(
        "forgot_requires_grad",
        "Autograd only tracks tensors that require grad, and the caller's x may not. Differentiate with "
        "respect to a copy that does: `t = x.detach().requires_grad_()`, then use `t` everywhere.",
        _both(_no_requires_grad),
    ),
    Mistake(
        "backward_on_callers_x",
        "`x.requires_grad_()` and `backward()` change the caller's tensor: it keeps the `.grad` and the "
        "`requires_grad` you gave it. Work on `t = x.detach().requires_grad_()` instead, a fresh leaf.",
        _both(_backward_on_x),
    ),
    Mistake(
        "clone_without_detach",
        "When x requires grad, `x.clone()` is part of x's graph: it is a non-leaf, so its `.grad` stays None, "
        "and `backward()` fills the caller's `x.grad` instead. Use `x.detach().clone()` (or just `x.detach()`).",
        _both(_clone_without_detach),
    ),
    Mistake(
        "grad_of_the_wrong_tensor",
        "`backward()` fills `.grad` on the tensor you differentiated through, your copy that requires grad; "
        "the caller's x never required grad, so `x.grad` is None. Return the copy's `.grad`.",
        _both(_grad_of_wrong_tensor),
    ),
    Mistake(
        "returned_the_loss",
        "You returned the scalar f(x) itself. The gradient is a tensor shaped like x: after `loss.backward()` "
        "it is in `t.grad`, or `torch.autograd.grad(loss, t)` returns it.",
        _both(_returned_loss),
    ),
    Mistake(
        "func_grad_keeps_graph",
        "`torch.func.grad(f)(x)` differentiates through x's own graph when x requires grad, so the gradient "
        "itself requires grad. Return a plain tensor: call it on `x.detach()`.",
        _both(_func_grad_undetached),
    ),
    Mistake(
        "b_counted_once",
        "b appears twice in z = w * b + b, and autograd adds up both paths: dz/db = w + 1, not w. "
        "Use the same tensor `b` in both places and call `backward()` once.",
        {"linear_grads": lambda w, b: (b, w)},
    ),
    Mistake(
        "grads_swapped",
        "The order matters: return `(dz/dw, dz/db)`, that is `(w.grad.item(), b.grad.item())`.",
        {"linear_grads": lambda w, b: (w + 1.0, b)},
    ),
    Mistake(
        "grads_as_tensors",
        "`w.grad` is a 0-d tensor; `.item()` turns it into the Python float asked for.",
        {"linear_grads": lambda w, b: (torch.tensor(b), torch.tensor(w + 1.0))},
    ),
]
