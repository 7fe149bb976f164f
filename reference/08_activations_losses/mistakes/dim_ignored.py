HINT = (
    "Use the `dim` argument: softmax normalises each slice along `dim` (dim=1: each row of a (N, C) batch; "
    "dim=0: each column), so the max and the sum must be taken along `dim`, not always along the last dim."
)


def softmax(x, dim=-1):
    e = (x - x.amax(dim=-1, keepdim=True)).exp()  # MISTAKE
    return e / e.sum(dim=-1, keepdim=True)


def log_softmax(x, dim=-1):
    z = x - x.amax(dim=-1, keepdim=True)  # MISTAKE
    return z - z.exp().sum(dim=-1, keepdim=True).log()
