"""15 with names: safe_open to read the checkpoint tensor by tensor, freezing by parameter name, an
optimizer built in a loop over named_parameters, and only the BatchNorm layers switched to eval mode."""
import safetensors.torch
import torch
from safetensors import safe_open
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
    with safe_open(path, framework="pt") as checkpoint:
        state = {key: checkpoint.get_tensor(key) for key in checkpoint.keys()}
    model = PretrainedNet()
    model.load_state_dict(state, strict=True)
    model.eval()
    return model


def adapt(model, num_classes):
    for name, parameter in model.named_parameters():
        if name.startswith("backbone."):
            parameter.requires_grad = False
    model.head = nn.Linear(8, num_classes)
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
    return model


def make_optimizer(model, lr, weight_decay):
    decay, no_decay = [], []
    for _, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        (decay if parameter.dim() >= 2 else no_decay).append(parameter)
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=lr, betas=(0.9, 0.999), eps=1e-8,
    )


def train_head(model, optimizer, batches):
    model.train()
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()  # the only layers of this backbone whose behaviour depends on the mode
    criterion = nn.CrossEntropyLoss()
    losses = []
    for images, labels in batches:
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    return losses


def fine_tune(path, num_classes, batches, lr, weight_decay):
    model = load_pretrained(path)
    model = adapt(model, num_classes)
    optimizer = make_optimizer(model, lr, weight_decay)
    losses = train_head(model, optimizer, batches)
    return model, optimizer, losses
