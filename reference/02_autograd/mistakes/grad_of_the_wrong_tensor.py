HINT = (
    "`backward()` fills `.grad` on the tensor you differentiated through, your copy that requires grad; "
    "the caller's x never got one, so `x.grad` is None (or an old value). Return the copy's `.grad`."
)


def grad_of(f, x):
    t = x.detach().requires_grad_()
    f(t).backward()
    return x.grad  # MISTAKE
