"""15 the modern way for big checkpoints: the model built on the meta device (no memory, no random
initialisation) and the checkpoint's tensors assigned into it; everything frozen and then a new head
added (a new layer's parameters require grad); modes set with train(True) / train(False)."""
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


# ---- the exercise, in this style ----------------------------------------------------------------


def load_pretrained(path):
    with torch.device("meta"):
        model = PretrainedNet()
    model.load_state_dict(safetensors.torch.load_file(path), assign=True)  # take the checkpoint's tensors as they are
    return model.eval()


def adapt(model, num_classes):
    model.requires_grad_(False)  # everything that exists now: the backbone and the old head
    head = nn.Linear(model.head.in_features, num_classes)  # created after freezing: it trains
    head.weight.detach().zero_()
    head.bias.detach().zero_()
    model.head = head
    return model


def make_optimizer(model, lr, weight_decay):
    groups = [{"params": [], "weight_decay": weight_decay}, {"params": [], "weight_decay": 0.0}]
    for parameter in model.parameters():
        if parameter.requires_grad:
            groups[0 if parameter.ndim >= 2 else 1]["params"].append(parameter)
    return torch.optim.AdamW(groups, lr=lr, weight_decay=0.5)  # each group sets its own weight_decay


def train_head(model, optimizer, batches):
    model.train(True)
    model.backbone.train(False)
    losses = []
    for images, labels in batches:
        optimizer.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(images), labels, reduction="mean")
        loss.backward()
        optimizer.step()
        losses.append(loss.detach().item())
    return losses


def fine_tune(path, num_classes, batches, lr, weight_decay):
    model = adapt(load_pretrained(path), num_classes)
    optimizer = make_optimizer(model, lr, weight_decay)
    losses = train_head(model, optimizer, batches)
    return model, optimizer, losses
