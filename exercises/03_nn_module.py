"""03 · nn.Module

A model is a subclass of `nn.Module`. Its `__init__` must first call
`super().__init__()`, then create the layers and assign them to attributes
(`self.fc1 = nn.Linear(...)`): nn.Module *registers* every layer assigned this
way, or held in `nn.Sequential` / `nn.ModuleList`, so `model.parameters()`
finds their weights (a plain Python list hides them). `forward(self, x)` says
how an input flows through the layers; you call the model as `model(x)`,
which runs `forward`. `nn.Linear(a, b)` maps `a` input features to `b`
output features (its weight has shape (b, a)). A nonlinearity such as ReLU
(`nn.ReLU()`, `torch.relu`) between layers is what makes two layers more
than one big linear map. Each parameter is a tensor with `requires_grad`;
`p.numel()` is how many numbers it holds, and frozen parameters
(`requires_grad_(False)`) are not trained.

Fill in the class and the function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 03
"""

import torch
from torch import Tensor, nn


class TwoLayerNet(nn.Module):
    """Linear(in_features, hidden) → ReLU → Linear(hidden, out_features).

    >>> net = TwoLayerNet(3, 4, 2)
    >>> net(torch.randn(5, 3)).shape
    torch.Size([5, 2])
    >>> sorted(p.shape for p in net.parameters())   # two weights, two biases
    [torch.Size([2]), torch.Size([2, 4]), torch.Size([4]), torch.Size([4, 3])]
    """

    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        """Call `super().__init__()`, then create and assign the two linear layers
        (and the ReLU, if you use the module `nn.ReLU()`)."""
        # TODO
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        """Return the output for a batch `x` of shape (batch, in_features):
        the first layer, then ReLU, then the second layer; shape (batch, out_features).
        Use the layers made in `__init__` and tensor operations only (no `.detach()`,
        `.data` or NumPy), so that autograd can follow the output back to `x` and to
        every parameter.

        >>> net(torch.zeros(1, 3)).shape
        torch.Size([1, 2])
        """
        # TODO
        raise NotImplementedError


def count_parameters(model: nn.Module) -> int:
    """Return the number of trainable numbers in `model`, as a Python int: the total
    `numel()` of its parameters that have `requires_grad`. Frozen ones don't count;
    a parameter shared by two layers counts once.

    >>> count_parameters(nn.Linear(3, 4))   # weight 4x3 + bias 4
    16
    >>> count_parameters(nn.ReLU())
    0
    """
    # TODO
    raise NotImplementedError
