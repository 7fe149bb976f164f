# ruff: noqa: F821  (make_data, train and closed_form are the reference's: a mistake file runs on top of solution.py)
import torch
from torch import nn

HINT = (
    "Detach the trained weights: `model.weight[0]` is still part of the model's autograd graph (it requires grad). "
    "Return `model.weight.detach()[0]` and `model.bias.detach()[0]`."
)


def recover(w_true, b_true, seed):
    X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))
    model = nn.Linear(len(w_true), 1)
    train(model, X, y, lr=0.2, epochs=10, batch_size=50)
    w_exact, b_exact = closed_form(X, y)
    return model.weight[0], model.bias[0], w_exact, b_exact  # MISTAKE
