"""16 · Export and inference

A trained model leaves Python's training loop to serve predictions: in a server,
on a phone, from C++. `torch.export.export(model, (example,), dynamic_shapes=...)`
runs `forward` once on an example input and records every tensor operation it
performs into an `ExportedProgram`: a graph of ATen operations plus the weights,
with no Python left in it. (It replaces TorchScript, `torch.jit.trace` and
`torch.jit.script`, which are deprecated.) Four things decide whether the
program is the model you meant:

1. The mode. Export records the forward *as it runs now*: a model still in train
   mode is recorded with dropout on and batch norm using (and updating) the
   batch's statistics, for ever. Call `model.eval()` before exporting; the
   program's `.module()` cannot be switched to eval afterwards.
2. The shapes. Every size of the example is fixed in the program unless you
   mark it dynamic: `batch = torch.export.Dim("batch")`, then
   `dynamic_shapes={"x": {0: batch}}` (keyed by forward's argument name; dim 0
   of `x` is the batch). Export treats a size of 1 as special, so an example
   batch of ONE row specialises the batch size to 1 (with a named Dim, export
   refuses; with `Dim.AUTO` it silently makes a batch-of-1-only program). Use an
   example with a few rows.
3. Control flow. Only tensor operations are recorded. A Python `if` on a
   tensor's *value* (`if x.abs().max() > limit:`) cannot be, since the value is
   unknown while tracing: export raises a data-dependent error. Compute both
   branches with tensor operations instead (`torch.where`, `torch.clamp`,
   `torch.maximum`), or use `torch.cond`.
4. The file. `torch.export.save(program, "model.pt2")` writes an archive of the
   graph and the weights; `torch.export.load(path)` gives the ExportedProgram
   back without your Python class. `torch.save(model)` pickles the module
   instead: loading it needs your class's code and `weights_only=False`, which
   may run any code in the file (07).

Inference then needs no autograd at all: under `torch.inference_mode()` no graph
is recorded and the outputs are inference tensors (`out.is_inference()` is
True), which is cheaper than `torch.no_grad()`. Run `program.module()` (an
ExportedProgram is not called directly).

Useful calls: `torch.export.export`, `torch.export.Dim`, `torch.export.save`,
`torch.export.load`, `program.module()`, `torch.inference_mode`, `torch.cat`,
`Tensor.amax`, `torch.clamp`. This builds on 03 (nn.Module), 06 (eval() and
no_grad for inference), 07 (saving and loading, weights_only) and 12 (dropout
and batch norm in train vs eval mode).

Fill in the five functions, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 16
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


# ---- yours ----------------------------------------------------------------------------------------


def clip_rows(x: Tensor, limit: float) -> Tensor:
    """Scale down the rows of `x` (shape (N, F), float) that hold a value larger than `limit` in
    absolute value: such a row is multiplied by `limit / m`, where `m` is its largest absolute
    value, so that its largest absolute value becomes `limit`; every other row (an all-zero row
    too) is returned as it is. Return a tensor of the same shape and dtype, differentiable in `x`;
    `x` is not changed. `limit > 0`; N may be 0.

    It must be exportable: use tensor operations only, no Python `if` or loop on values in `x`.

    >>> clip_rows(torch.tensor([[6.0, -3.0], [1.0, 2.0]]), 3.0)
    tensor([[ 3.0000, -1.5000],
            [ 1.0000,  2.0000]])
    """
    # TODO
    raise NotImplementedError


def export_model(model: nn.Module, in_features: int) -> torch.export.ExportedProgram:
    """Export `model` (a Classifier, handed over in train mode, as it comes from training) for
    inference and return the `torch.export.ExportedProgram`:

    - switch the model to eval mode first (it stays in eval mode afterwards);
    - export it with `torch.export.export` on an example batch you make: float32, shape
      (B, in_features) with B >= 2 rows (any values);
    - with dim 0 of `x`, the batch, dynamic: the program accepts a batch of any size,
      1 included, and gives the model's eval-mode logits for it.

    >>> program = export_model(Classifier(), 4)
    >>> program.module()(torch.zeros(7, 4)).shape
    torch.Size([7, 3])
    """
    # TODO
    raise NotImplementedError


def save_program(program: torch.export.ExportedProgram, path: str) -> None:
    """Save the exported `program` to `path` (a file name ending in .pt2) as an ExportedProgram
    archive, one that `torch.export.load(path)` reads back.

    >>> save_program(program, "classifier.pt2")
    """
    # TODO
    raise NotImplementedError


def load_program(path: str) -> torch.export.ExportedProgram:
    """Load and return the ExportedProgram saved at `path` (by `torch.export.save`).

    >>> load_program("classifier.pt2").module()(torch.zeros(2, 4)).shape
    torch.Size([2, 3])
    """
    # TODO
    raise NotImplementedError


def predict(program: torch.export.ExportedProgram, batches: list[Tensor]) -> Tensor:
    """Run the exported `program` on each tensor of `batches` (a non-empty list of batches, which
    may differ in size), in order, under `torch.inference_mode()`, and return all the logits
    concatenated along dim 0: shape (total rows, classes), an inference tensor
    (`out.is_inference()` is True, `out.requires_grad` False).

    >>> predict(program, [torch.zeros(2, 4), torch.zeros(5, 4)]).shape
    torch.Size([7, 3])
    """
    # TODO
    raise NotImplementedError
