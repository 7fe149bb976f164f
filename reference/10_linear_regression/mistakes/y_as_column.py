import torch

HINT = (
    "Keep y as shape (n,), one target per row, which `X @ w_true` already is. The d2l book reshapes it to (n, 1); "
    "here the model's (n, 1) predictions are squeezed instead."
)


def make_data(w_true, b_true, n, noise_std, generator):
    X = torch.randn(n, len(w_true), generator=generator)
    y = X @ w_true + b_true
    y += noise_std * torch.randn(n, generator=generator)
    return X, y.reshape(-1, 1)  # MISTAKE
