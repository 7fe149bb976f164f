HINT = (
    "`x.requires_grad_()` and `backward()` change the caller's tensor: it keeps the `.grad` and the "
    "`requires_grad` you gave it. Work on `t = x.detach().requires_grad_()` instead, a fresh leaf."
)


def grad_of_sum_of_squares(x):
    x.requires_grad = True
    loss = (x ** 2).sum()
    loss.backward()
    return x.grad


def grad_of(f, x):
    x.requires_grad_()
    f(x).backward()
    return x.grad
