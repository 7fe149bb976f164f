"""15 · Transfer learning

A network trained on a large data set has learned features that serve other
tasks too. Transfer learning keeps its *backbone* (everything up to the
features) and trains only a new *head* (the final classifier) for your own
classes: from few examples, in little time. Five steps, each with its trap:

1. Load the pretrained weights into the architecture they were trained with.
   Checkpoints are shared as `.safetensors` files, which hold only tensors, so
   reading one cannot run code as unpickling a `.pt` file can:
   `safetensors.torch.load_file(path)` gives the state_dict back, and
   `model.load_state_dict(state)` copies it in (strict by default: every key
   must match, so a wrong prefix raises instead of silently loading nothing).
   torchvision's `resnet18(weights=ResNet18_Weights.DEFAULT)` downloads and
   loads in one call (its old `pretrained=True` is deprecated); here the
   "pretrained" weights come from `pretrained_state`, so it works offline.
2. Freeze the backbone: `model.backbone.requires_grad_(False)` clears
   requires_grad on every parameter inside, so backward computes no gradient
   for them. `model.backbone.requires_grad = False`, without the call, only
   sets an attribute that nothing reads.
3. Replace the head: assign a new layer to the attribute that `forward` uses,
   `model.head = nn.Linear(in_features, num_classes)`; a new layer's
   parameters require grad. Here it starts at zero, as ViT and BiT
   fine-tuning do: every class starts equally likely.
4. Build the optimizer after 2 and 3, over the parameters that require grad
   and only those. An optimizer keeps the list it was given: one built before
   the head was replaced trains the old head, not the new one, and a frozen
   parameter inside AdamW still moves whenever it has a `.grad` (left from
   before it was frozen, or zeros kept by `zero_grad(set_to_none=False)`),
   because weight decay shrinks it anyway. Decay the weights, not biases or
   norm parameters: 12's two groups, which Hugging Face's Trainer also builds
   from the parameters that require grad.
5. Keep the frozen batch norm in eval mode. requires_grad=False stops a
   BatchNorm's weight and bias, not its running mean and variance: in train
   mode every forward pass pulls them towards the new data's statistics (and
   normalises with the batch's). `model.train()` followed by
   `model.backbone.eval()` trains the head and keeps the backbone as it was.

Useful calls: `safetensors.torch.load_file`, `model.load_state_dict`,
`model.eval()`, `module.requires_grad_(False)`, `nn.Linear`, `nn.init.zeros_`,
`model.parameters()`, `p.requires_grad`, `p.ndim`, `torch.optim.AdamW`,
`F.cross_entropy`. This builds on 07 (state_dicts), 11 (AdamW and the training
step), 12 (batch norm's running statistics, train vs eval, weight-decay groups)
and 13 (a small CNN like the one below).

Fill in the five functions, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 15
"""

import safetensors.torch
import torch
import torch.nn.functional as F  # noqa: F401 (you will need F.cross_entropy)
from torch import Tensor, nn

# ---- given: the "pretrained" network and its checkpoint (do not change these) ---------------------


class PretrainedNet(nn.Module):
    """A small CNN for 1 x 8 x 8 images, "pretrained" on 10 classes:

        backbone  Conv2d(1, 4, 3, padding=1) -> BatchNorm2d(4) -> ReLU
                  -> Conv2d(4, 8, 3, stride=2, padding=1) -> BatchNorm2d(8) -> ReLU
                  -> AdaptiveAvgPool2d(1) -> Flatten                      # (N, 8) features
        head      Linear(8, 10)                                            # (N, 10) logits
    """

    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.Conv2d(4, 8, 3, stride=2, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.head = nn.Linear(8, 10)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.backbone(x))


def pretrained_state(seed: int = 0) -> dict[str, Tensor]:
    """PretrainedNet's state_dict as a real checkpoint would hold it (weights, biases and batch
    norm's running statistics), made from a seeded generator: it stands in for one trained on a
    large data set."""
    g = torch.Generator().manual_seed(seed)
    with torch.device("meta"):  # only the names and shapes: no memory, no random initialisation
        layout = PretrainedNet().state_dict()
    state = {}
    for name, t in layout.items():
        if name.endswith("num_batches_tracked"):
            state[name] = torch.tensor(5000)
        elif name.endswith("running_var"):
            state[name] = torch.rand(t.shape, generator=g) + 0.5
        elif name in ("backbone.1.weight", "backbone.4.weight"):  # batch norm's scales, near 1
            state[name] = 1 + 0.2 * torch.randn(t.shape, generator=g)
        elif t.ndim >= 2:  # convolution kernels and the head's weight
            state[name] = 0.5 * torch.randn(t.shape, generator=g)
        else:  # biases and running means
            state[name] = 0.1 * torch.randn(t.shape, generator=g)
    return state


def save_pretrained(path: str, seed: int = 0) -> None:
    """Write `pretrained_state(seed)` to `path` as a .safetensors file, the checkpoint `load_pretrained` reads."""
    safetensors.torch.save_file(pretrained_state(seed), path)


# ---- yours ----------------------------------------------------------------------------------------


def load_pretrained(path: str) -> PretrainedNet:
    """Return a PretrainedNet holding exactly the weights and batch-norm statistics of the
    .safetensors checkpoint at `path` (as `save_pretrained` writes it), in eval mode, ready to
    predict. Read the file itself: other seeds make other checkpoints. Every key must match.

    >>> save_pretrained("pretrained.safetensors")
    >>> model = load_pretrained("pretrained.safetensors")
    >>> model.training, model.head.out_features
    (False, 10)
    """
    # TODO
    raise NotImplementedError


def adapt(model: PretrainedNet, num_classes: int) -> PretrainedNet:
    """Prepare the pretrained `model` for a new task with `num_classes` classes, in place, and return it:

    - freeze the backbone: every parameter of `model.backbone` gets requires_grad=False;
    - replace `model.head` with a new `nn.Linear(8, num_classes)` (8: the old head's `in_features`)
      whose weight and bias are zeros, and which trains (requires_grad=True).

    Nothing else changes: the backbone keeps its weights and running statistics.

    >>> model = adapt(load_pretrained("pretrained.safetensors"), num_classes=3)
    >>> [name for name, p in model.named_parameters() if p.requires_grad]
    ['head.weight', 'head.bias']
    >>> model(torch.rand(2, 1, 8, 8))          # a zero head: equal logits for every class
    tensor([[0., 0., 0.],
            [0., 0., 0.]], grad_fn=<AddmmBackward0>)
    """
    # TODO
    raise NotImplementedError


def make_optimizer(model: nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """Return `torch.optim.AdamW` over the parameters of `model` that require grad, and only
    those, in two parameter groups, in this order (as 12's `param_groups`):

        {"params": [trainable parameters with p.ndim >= 2], "weight_decay": weight_decay}
        {"params": [trainable parameters with p.ndim < 2],  "weight_decay": 0.0}

    with learning rate `lr` for both, and AdamW's other settings left at their defaults. Both
    groups are always there, even when one is empty; the order inside a group does not matter.
    Frozen parameters (requires_grad=False) are in neither.

    >>> optimizer = make_optimizer(adapt(load_pretrained("pretrained.safetensors"), 3), lr=0.01, weight_decay=0.1)
    >>> [[tuple(p.shape) for p in g["params"]] for g in optimizer.param_groups]
    [[(3, 8)], [(3,)]]
    """
    # TODO
    raise NotImplementedError


def train_head(model: PretrainedNet, optimizer: torch.optim.Optimizer, batches: list[tuple[Tensor, Tensor]]) -> list[float]:
    """Train with `optimizer` (the caller's: use it as it is) for one pass over `batches`, a list of
    `(images, labels)` pairs (float32 (N, 1, 8, 8) and int64 (N,)), and return the batch losses
    as Python floats, in order.

    First put the model in train mode and then `model.backbone` in eval mode: its BatchNorm
    layers then normalise with, and keep, the pretrained running statistics, while the rest
    trains (the model may arrive in either mode). Then for each batch: clear the gradients,
    `F.cross_entropy(model(images), labels)` (the mean over the batch), backward, step.

    >>> model = adapt(load_pretrained("pretrained.safetensors"), 3)
    >>> torch.manual_seed(0); batches = [(torch.rand(4, 1, 8, 8), torch.tensor([0, 1, 2, 0]))] * 2
    >>> train_head(model, make_optimizer(model, 0.1, 0.01), batches)   # a zero head's first loss is log(3)
    [1.0986123085021973, 1.0512663125991821]
    """
    # TODO
    raise NotImplementedError


def fine_tune(
    path: str, num_classes: int, batches: list[tuple[Tensor, Tensor]], lr: float, weight_decay: float
) -> tuple[PretrainedNet, torch.optim.AdamW, list[float]]:
    """The whole recipe: load the checkpoint at `path`, adapt the model to `num_classes`, build its
    optimizer (`lr`, `weight_decay`), train the head on `batches`, and return `(model, optimizer,
    losses)`. Use your four functions, in the order that makes the optimizer hold the new head.
    """
    # TODO
    raise NotImplementedError
