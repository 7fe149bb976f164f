"""10 the d2l "from scratch" way: torch.normal for the data, a hand-written SGD update (zeroing after it),
the loss written out, normal equations for the closed form, and .detach() for predictions."""
import torch
from torch import nn


def make_data(w_true, b_true, n, noise_std, generator):
    X = torch.normal(0.0, 1.0, (n, len(w_true)), generator=generator)
    y = torch.matmul(X, w_true) + b_true
    y = y + torch.normal(0.0, noise_std if noise_std > 0 else 1.0, (n,), generator=generator) * (noise_std > 0)
    return X, y


def sgd(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()


def train(model, X, y, lr, epochs, batch_size):
    history = []
    for epoch in range(epochs):
        total, count = 0.0, 0
        for start in range(0, X.shape[0], batch_size):
            stop = min(start + batch_size, X.shape[0])
            y_hat = model(X[start:stop]).reshape(-1)
            loss = ((y_hat - y[start:stop]) ** 2).mean()
            loss.backward()
            sgd(model.parameters(), lr)
            total, count = total + float(loss), count + 1
        history.append(total / count)
    return history


def predict(model, X):
    return model(X).detach().reshape(-1)


def closed_form(X, y):
    A = torch.cat([X, X.new_ones(X.shape[0], 1)], dim=1)
    s = torch.linalg.solve(A.T @ A, A.T @ y)
    return s[:-1], s[-1]


def recover(w_true, b_true, seed):
    X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))
    net = nn.Linear(X.shape[1], 1)
    train(net, X, y, lr=0.5, epochs=60, batch_size=200)  # full-batch gradient descent
    w, b = closed_form(X, y)
    return net.weight.data[0].clone(), net.bias.data[0].clone(), w, b
