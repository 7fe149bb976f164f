import torch

HINT = (
    "exp() overflows: float32 ends near exp(88.7), so exp(100) is inf and inf / inf is nan, while exp(-1000) "
    "is 0. Subtract each slice's max first, `x - x.amax(dim=dim, keepdim=True)`: softmax does not change, and "
    "every exponent is <= 0."
)


def softmax(x, dim=-1):
    e = torch.exp(x)  # MISTAKE
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    return x - torch.log(torch.exp(x).sum(dim=dim, keepdim=True))  # MISTAKE
