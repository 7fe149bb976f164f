"""16 · Export and inference: a reference solution (learners see this with `pytorch-tutor solution 16`
once they have passed).

Export records what forward does now, for the shapes it is told may vary: so eval() first, an
example with a few rows, dim 0 marked dynamic, and tensor operations instead of Python decisions
on values. The program travels as a .pt2 archive, and inference runs under inference_mode.
"""

import torch
from torch import Tensor, nn

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


# ---- the exercise ---------------------------------------------------------------------------------


def clip_rows(x: Tensor, limit: float) -> Tensor:
    # One tensor expression for both kinds of row, so export can record it: dividing by
    # max(m, limit) scales a row with m > limit by limit / m and leaves the others as they are.
    # Clamping the divisor (rather than clamping limit / m) never divides by zero, so an all-zero
    # row gets a gradient of 1, not nan.
    m = x.abs().amax(dim=1, keepdim=True)
    return x * (limit / m.clamp(min=limit))


def export_model(model: nn.Module, in_features: int) -> torch.export.ExportedProgram:
    # eval() before export: the program records forward as it runs now, so train mode would bake
    # in dropout and batch statistics for good.
    model.eval()
    # A few rows, not one: export specialises a size of 1, which would fix the batch size.
    example = torch.randn(4, in_features)
    batch = torch.export.Dim("batch")  # dim 0 of `x` may be any size
    return torch.export.export(model, (example,), dynamic_shapes={"x": {0: batch}})


def save_program(program: torch.export.ExportedProgram, path: str) -> None:
    # An archive of the graph and the weights: loading it needs no Python class, and no unpickling
    # of a module (torch.save(model) would pickle it).
    torch.export.save(program, path)


def load_program(path: str) -> torch.export.ExportedProgram:
    return torch.export.load(path)


def predict(program: torch.export.ExportedProgram, batches: list[Tensor]) -> Tensor:
    # An ExportedProgram is not callable: .module() gives an nn.Module that runs the graph. Its mode
    # was fixed at export (it cannot be switched with eval()).
    module = program.module()
    # inference_mode: no autograd graph, no version counters; the outputs are inference tensors.
    with torch.inference_mode():
        return torch.cat([module(x) for x in batches])
