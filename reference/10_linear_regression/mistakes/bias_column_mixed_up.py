import torch

HINT = (
    "The column of ones went in front of X, so the solution is `[b, w_1, ..., w_d]`: b is the entry that "
    "multiplies the ones column. Put the ones last (`torch.cat([X, ones], dim=1)`) or read `s[0]` as b and `s[1:]` as w."
)


def closed_form(X, y):
    A = torch.cat([torch.ones(len(X), 1, dtype=X.dtype), X], dim=1)
    s = torch.linalg.lstsq(A, y).solution
    return s[:-1], s[-1]
