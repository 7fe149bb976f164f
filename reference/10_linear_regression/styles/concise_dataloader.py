"""10 the d2l "concise" way: a TensorDataset and a DataLoader (shuffle=False), F.mse_loss on (b, 1) shapes,
inference_mode for predictions, and the pseudo-inverse with the ones column in front."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def make_data(w_true, b_true, n, noise_std, generator):
    features = torch.randn((n, w_true.numel()), generator=generator)
    noise = torch.randn((n, 1), generator=generator).mul(noise_std)
    labels = features @ w_true.reshape(-1, 1) + b_true + noise
    return features, labels.reshape(n)


def train(model, X, y, lr, epochs, batch_size):
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False)
    trainer = torch.optim.SGD(model.parameters(), lr)
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for features, labels in loader:
            trainer.zero_grad(set_to_none=False)
            loss = F.mse_loss(model(features), labels.unsqueeze(-1))
            loss.backward()
            trainer.step()
            batch_losses.append(loss.item())
        losses.append(torch.tensor(batch_losses, dtype=torch.float64).mean().item())
    return losses


def predict(model, X):
    with torch.inference_mode():
        return model(X).flatten()


def closed_form(X, y):
    A = torch.hstack([torch.ones_like(X[:, :1]), X])
    s = torch.linalg.pinv(A) @ y
    return s[1:], s[0]


def recover(w_true, b_true, seed):
    X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))
    model = nn.Sequential(nn.Linear(len(w_true), 1))
    train(model, X, y, 0.1, 10, 20)
    layer = model[0]
    return (*(p.detach().reshape(-1)[: len(w_true)] for p in (layer.weight,)), layer.bias.detach().squeeze(),
            *closed_form(X, y))
