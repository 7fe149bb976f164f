"""Style: .backward() on a detached clone, reading .grad from the clone."""

import torch


def grad_of(f, x):
    leaf = x.detach().clone()
    leaf.requires_grad = True
    loss = f(leaf)
    loss.backward()
    return leaf.grad


def grad_of_sum_of_squares(x):
    return grad_of(lambda t: (t ** 2).sum(), x)


def linear_grads(w, b):
    w_t = torch.tensor([w], requires_grad=True)
    b_t = torch.tensor([b], requires_grad=True)
    z = w_t * b_t + b_t
    z.backward()
    return (w_t.grad.item(), b_t.grad.item())
