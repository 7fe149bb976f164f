import torch

HINT = (
    "With y as a column, (n, 1), `lstsq` returns a (d + 1, 1) solution, so w comes out (d, 1) and b (1,). "
    "Pass y as it is, 1-D, or index the column: `s[:-1, 0]`, `s[-1, 0]`."
)


def closed_form(X, y):
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    s = torch.linalg.lstsq(A, y.unsqueeze(1)).solution  # MISTAKE
    return s[:-1], s[-1]
