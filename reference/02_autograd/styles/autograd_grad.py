"""Style: torch.autograd.grad everywhere, on tensors made with torch.tensor / as_tensor."""

import torch


def grad_of_sum_of_squares(x):
    t = x.detach().clone().requires_grad_(True)
    y = (t * t).sum()
    return torch.autograd.grad(y, t)[0]


def grad_of(f, x):
    t = x.detach().requires_grad_(True)
    return torch.autograd.grad(outputs=f(t), inputs=[t])[0]


def linear_grads(w, b):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    dw, db = torch.autograd.grad(w * b + b, (w, b))
    return float(dw), float(db)
