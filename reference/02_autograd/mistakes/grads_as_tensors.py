import torch

HINT = "`w.grad` is a 0-d tensor; `.item()` turns it into the Python float asked for."


def linear_grads(w, b):
    w = torch.tensor(w, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    z = w * b + b
    z.backward()
    return w.grad, b.grad  # MISTAKE
