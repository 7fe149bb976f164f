"""16 with vector_norm(inf) and torch.maximum, a tuple of dynamic shapes with a minimum, and torch.concat."""
import torch
from torch import Tensor, nn
from torch.export import Dim, ExportedProgram

# ---- given: the trained model to deploy (do not change it) ----------------------------------------


class Classifier(nn.Module):
    """Logits for `classes` classes from rows of `in_features` numbers: each row is first clipped
    with your `clip_rows(x, limit)`, then

        Linear(in_features, 16) -> BatchNorm1d(16) -> ReLU -> Dropout(0.2) -> Linear(16, classes)

    The forward takes one argument, `x`, of shape (N, in_features).
    """

    def __init__(self, in_features: int = 4, classes: int = 3, limit: float = 3.0) -> None:
        super().__init__()
        self.limit = limit
        self.net = nn.Sequential(
            nn.Linear(in_features, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, classes)
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(clip_rows(x, self.limit))



def clip_rows(x: Tensor, limit: float) -> Tensor:
    largest = torch.linalg.vector_norm(x, ord=float("inf"), dim=1, keepdim=True)
    divisor = torch.maximum(largest, torch.tensor(limit, dtype=x.dtype))
    return x * limit / divisor


def export_model(model: nn.Module, in_features: int) -> ExportedProgram:
    model = model.eval()
    batch = Dim("n", min=1)
    return torch.export.export(model, args=(torch.zeros(3, in_features),), dynamic_shapes=({0: batch},))


def save_program(program: ExportedProgram, path: str) -> None:
    torch.export.save(program, path)


def load_program(path: str) -> ExportedProgram:
    return torch.export.load(path)


def predict(program: ExportedProgram, batches: list[Tensor]) -> Tensor:
    run = program.module()
    with torch.inference_mode():
        logits = [run(b) for b in batches]
        return torch.concat(logits)
