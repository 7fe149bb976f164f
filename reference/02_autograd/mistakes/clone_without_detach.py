HINT = (
    "When x requires grad, `x.clone()` is part of x's graph: it is a non-leaf, so its `.grad` stays None, "
    "and `backward()` fills the caller's `x.grad` instead. Use `x.detach().clone()` (or just `x.detach()`)."
)


def grad_of_sum_of_squares(x):
    x = x.clone()
    x.requires_grad_(True)
    (x ** 2).sum().backward()
    return x.grad


def grad_of(f, x):
    x = x.clone().requires_grad_(True)
    f(x).backward()
    return x.grad
