"""15 with the head replaced before freezing, the optimizer's groups from filter(), and training that
computes the frozen features under torch.no_grad() and calls the head on them (log_softmax + nll_loss)."""
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
    model = PretrainedNet()
    missing, unexpected = model.load_state_dict(safetensors.torch.load_file(path))
    assert not missing and not unexpected  # strict loading raises before this anyway
    return model.train(False)


def adapt(model, num_classes):
    head = nn.Linear(model.head.in_features, num_classes)
    nn.init.constant_(head.weight, 0.0)
    nn.init.constant_(head.bias, 0.0)
    model.head = head
    for parameter in model.backbone.parameters():
        parameter.requires_grad_(False)
    return model


def make_optimizer(model, lr, weight_decay):
    trainable = list(filter(lambda p: p.requires_grad, model.parameters()))
    matrices = [p for p in trainable if p.ndim > 1]
    vectors = [p for p in trainable if p.ndim <= 1]
    return torch.optim.AdamW([dict(params=matrices, weight_decay=weight_decay), dict(params=vectors, weight_decay=0.0)],
                             lr=lr)


def train_head(model, optimizer, batches):
    model.backbone.eval()
    model.head.train()
    losses = []
    for images, labels in batches:
        with torch.no_grad():  # the backbone is frozen: no graph needed through it
            features = model.backbone(images)
        logits = model.head(features)
        loss = F.nll_loss(F.log_softmax(logits, dim=1), labels)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def fine_tune(path, num_classes, batches, lr, weight_decay):
    model = adapt(load_pretrained(path), num_classes)
    optimizer = make_optimizer(model, lr, weight_decay)
    return model, optimizer, train_head(model, optimizer, batches)
