HINT = (
    "A reduction along `dim` drops that dim, so its result no longer lines up with `x` (broadcasting matches "
    "shapes from the right). Pass `keepdim=True` to `amax`/`max` and `sum`: the reduced dim stays, with size 1, "
    "and broadcasts back along `dim`."
)


def softmax(x, dim=-1):
    e = (x - x.max(dim=dim).values).exp()  # MISTAKE
    return e / e.sum(dim=dim)


def log_softmax(x, dim=-1):
    z = x - x.max(dim=dim).values  # MISTAKE
    return z - z.exp().sum(dim=dim).log()
