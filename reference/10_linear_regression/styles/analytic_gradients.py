"""10 without autograd in the loop: the MSE gradient written out (2/b · Aᵀ(A θ - y)), the parameters updated
in place by hand, a linear map for predictions, QR for the closed form."""
import torch
from torch import nn


def make_data(w_true, b_true, n, noise_std, generator):
    X = torch.empty(n, w_true.shape[0]).normal_(generator=generator)
    eps = torch.empty(n).normal_(generator=generator)
    return X, torch.addmv(b_true + noise_std * eps, X, w_true)


def train(model, X, y, lr, epochs, batch_size):
    w, b = model.weight, model.bias  # (1, d) and (1,)
    out = []
    with torch.no_grad():
        for _ in range(epochs):
            losses = []
            for xb, yb in zip(X.split(batch_size), y.split(batch_size)):
                residual = xb @ w[0] + b[0] - yb
                losses.append(residual.pow(2).mean().item())
                scale = 2.0 / len(xb)
                grad_w, grad_b = scale * (residual @ xb), scale * residual.sum()
                w[0] -= lr * grad_w
                b[0] -= lr * grad_b
            out.append(sum(losses) / len(losses))
    return out


def predict(model, X):
    with torch.no_grad():
        return X @ model.weight[0] + model.bias


def closed_form(X, y):
    A = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], 1)
    Q, R = torch.linalg.qr(A)
    s = torch.linalg.solve_triangular(R, (Q.T @ y).unsqueeze(1), upper=True).squeeze(1)
    return s[:-1], s[-1]


def recover(w_true, b_true, seed):
    X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))
    model = nn.Linear(len(w_true), 1)
    train(model, X, y, 0.2, 40, 50)
    w_exact, b_exact = closed_form(X, y)
    return model.weight[0].detach().clone(), model.bias.detach().reshape(()), w_exact, b_exact
