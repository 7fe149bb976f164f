HINT = (
    "The values are right but the gradient is not: the normaliser `sum(exp(...))` depends on every entry of "
    "the slice, so it must stay in the autograd graph. Only the max shift may be detached (its gradient "
    "terms cancel); `.detach()` or `.item()` on the sum drops the -softmax * (sum of upstream gradients) term."
)


def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True).detach()


def log_softmax(x, dim=-1):
    z = x - x.amax(dim=dim, keepdim=True)
    return z - z.exp().sum(dim=dim, keepdim=True).log().detach()
