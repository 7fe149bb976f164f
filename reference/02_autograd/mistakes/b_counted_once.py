import torch

HINT = (
    "b appears twice in z = w * b + b, and autograd adds up both paths: dz/db = w + 1, not w. "
    "Use the same tensor `b` in both places and call `backward()` once."
)


def linear_grads(w, b):
    w = torch.tensor(w, requires_grad=True)
    b1 = torch.tensor(b, requires_grad=True)
    b2 = torch.tensor(b, requires_grad=True)
    z = w * b1 + b2
    z.backward()
    return w.grad.item(), b1.grad.item()
