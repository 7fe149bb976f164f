import torch

HINT = "The order matters: return `(dz/dw, dz/db)`, that is `(w.grad.item(), b.grad.item())`."


def linear_grads(w, b):
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    (w * b + b).backward()
    return b.grad.item(), w.grad.item()  # MISTAKE
