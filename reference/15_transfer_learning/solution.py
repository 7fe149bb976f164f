"""15 · Transfer learning: a reference solution (learners see this with `pytorch-tutor solution 15`
once they have passed).

The order is the lesson: load, freeze, replace the head, and only then build the optimizer, from
the parameters that still require grad. While training, the frozen backbone stays in eval mode,
because requires_grad=False freezes parameters, not batch norm's running statistics.
"""

import safetensors.torch
import torch
import torch.nn.functional as F
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


# ---- the exercise ---------------------------------------------------------------------------------


def load_pretrained(path: str) -> PretrainedNet:
    # safetensors holds tensors and nothing else: reading it cannot run code, unlike unpickling.
    state = safetensors.torch.load_file(path)
    model = PretrainedNet()
    # strict=True (the default) raises on a missing or unexpected key; strict=False would hide a
    # checkpoint that does not fit and leave the random initialisation in place.
    model.load_state_dict(state)
    # eval(): batch norm normalises with the running statistics it was trained with, so a prediction
    # does not depend on the rest of the batch.
    return model.eval()


def adapt(model: PretrainedNet, num_classes: int) -> PretrainedNet:
    # requires_grad_(False) on the module reaches every parameter inside it (the convolutions and the
    # batch norms' weight and bias); `model.backbone.requires_grad = False` would only set an attribute.
    model.backbone.requires_grad_(False)
    # Assign the new layer to the attribute forward() uses, so it replaces the old head rather than
    # sitting next to it. A new layer's parameters require grad.
    head = nn.Linear(model.head.in_features, num_classes)
    # A zero head predicts every class equally likely at first, and its first gradient, (p - y) times
    # the features, is not zero: it learns from step one (ViT and BiT fine-tune this way).
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    model.head = head
    return model


def make_optimizer(model: nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    # Only the parameters that train: AdamW skips a parameter whose .grad is None, but a frozen one
    # with any .grad at all (old gradients, zeros kept by zero_grad(set_to_none=False)) would still be
    # shrunk by weight decay.
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in trainable if p.ndim >= 2], "weight_decay": weight_decay},  # weights
        {"params": [p for p in trainable if p.ndim < 2], "weight_decay": 0.0},  # biases, norm parameters
    ]
    return torch.optim.AdamW(groups, lr=lr)


def train_head(model: PretrainedNet, optimizer: torch.optim.Optimizer, batches: list[tuple[Tensor, Tensor]]) -> list[float]:
    # train() first, then eval() on the backbone: in this order the frozen batch norms use (and keep)
    # the pretrained running statistics, and whatever the head holds (Dropout, in bigger models) trains.
    # model.train() after backbone.eval() would switch the backbone back to train mode.
    model.train()
    model.backbone.eval()
    losses = []
    for images, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()  # gradients reach the head only: the backbone's parameters do not require grad
        optimizer.step()
        losses.append(loss.item())
    return losses


def fine_tune(
    path: str, num_classes: int, batches: list[tuple[Tensor, Tensor]], lr: float, weight_decay: float
) -> tuple[PretrainedNet, torch.optim.AdamW, list[float]]:
    model = adapt(load_pretrained(path), num_classes)
    # After adapt: an optimizer keeps the parameter list it was given, so it must be built once the
    # new head exists and the backbone is frozen.
    optimizer = make_optimizer(model, lr, weight_decay)
    return model, optimizer, train_head(model, optimizer, batches)
