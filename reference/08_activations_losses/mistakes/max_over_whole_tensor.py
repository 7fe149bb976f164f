HINT = (
    "`x.max()` is the max of the whole tensor, not of each slice: a row of logits near 0 beside a row near 1000 "
    "is shifted down to -1000, where exp() is 0 and the row becomes 0 / 0. Shift each slice by its own max: "
    "`x.amax(dim=dim, keepdim=True)`."
)


def softmax(x, dim=-1):
    e = (x - x.max()).exp()  # MISTAKE
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    z = x - x.max()  # MISTAKE
    return z - z.exp().sum(dim=dim, keepdim=True).log()
