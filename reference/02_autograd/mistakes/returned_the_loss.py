HINT = (
    "You returned the scalar f(x) itself. The gradient is a tensor shaped like x: after `loss.backward()` "
    "it is in `t.grad`, or `torch.autograd.grad(loss, t)` returns it."
)


def grad_of(f, x):
    t = x.detach().requires_grad_()
    loss = f(t)
    loss.backward()
    return loss  # MISTAKE
