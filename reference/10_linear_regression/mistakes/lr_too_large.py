# ruff: noqa: F821  (make_data, train and closed_form are the reference's: a mistake file runs on top of solution.py)
import torch
from torch import nn

HINT = (
    "The learning rate is far too large: each SGD step overshoots the minimum by more than it corrects, so the "
    "loss grows every epoch and the weights blow up to inf and then NaN. For standard-normal features, stay well "
    "below 1 (0.1 works): a bigger step is not a faster fit."
)


def recover(w_true, b_true, seed):
    X, y = make_data(w_true, b_true, 200, 0.01, torch.Generator().manual_seed(seed))
    model = nn.Linear(len(w_true), 1)
    train(model, X, y, lr=5.0, epochs=10, batch_size=50)  # "bigger steps, faster fit"  # MISTAKE
    w_exact, b_exact = closed_form(X, y)
    return model.weight.detach()[0], model.bias.detach()[0], w_exact, b_exact
