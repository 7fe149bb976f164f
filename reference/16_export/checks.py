"""What `pytorch-tutor check 16` establishes (docs/authoring.md). Known mistakes: mistakes/*.py.

clip_rows is compared eagerly, values and gradients, and then inside a program that the probe exports
with a dynamic batch (a Python `if` on a value fails there, not eagerly). export_model gets the stub's
Classifier with fixed weights and running statistics, handed over in train mode; what is compared is
observed: the type returned, the model's mode afterwards, which batch sizes the program accepts, and
its logits for each (reseeded first, so a program that still drops out does so alike everywhere).
save_program, load_program and predict get a program the probe exported itself from a small plain
network, independent of the learner's export_model: the file save_program wrote is read back with
torch.export.load by the probe, load_program reads a file the probe wrote with torch.export.save, and
predict's output shows whether it was made under inference_mode (is_inference, requires_grad). All
files go to a fresh temporary folder. torch.export is slow the first time in a process (it imports the
compiler, about a second), then tens of milliseconds per export: the cases are few, and only clip_rows
has random ones.
"""

import contextlib
import io
import logging
import os
import sys
import tempfile

import torch
from torch import nn

from grader.kit import Check, fill_parameters, with_gradients

HINTS = {
    "clip_rows": [
        "Every row is multiplied by a factor: limit / m for a row whose largest absolute value m is above limit, "
        "1 for the others. Compute that factor for all rows at once, with tensor operations.",
        "`x.abs().amax(dim=1, keepdim=True)` is each row's m, shape (N, 1). Dividing by `m.clamp(min=limit)` "
        "instead of m gives limit / m where m > limit and 1 elsewhere, with no Python `if` and no division by zero.",
        "Nearly there: `m = x.abs().amax(dim=1, keepdim=True)`, `return x * (limit / m.clamp(min=limit))`.",
    ],
    "export_model": [
        "Three decisions: the mode the model is exported in, the example batch export traces, and which of its "
        "sizes may change.",
        "`model.eval()` first. Then `torch.export.export(model, (example,), dynamic_shapes={\"x\": {0: "
        "torch.export.Dim(\"batch\")}})` with an example of a few rows: a batch of one would be specialised.",
        "Nearly there: `model.eval()`, `example = torch.randn(4, in_features)`, `return torch.export.export(model, "
        "(example,), dynamic_shapes={\"x\": {0: torch.export.Dim(\"batch\")}})`.",
    ],
    "save_program": [
        "An ExportedProgram has its own file format, with its own save function in torch.export.",
        "`torch.export.save(program, path)` writes the archive; `torch.save` would pickle the object instead.",
        "Nearly there: `torch.export.save(program, path)`.",
    ],
    "load_program": [
        "Read the archive back with the function that matches `torch.export.save`.",
        "`torch.export.load(path)` returns the ExportedProgram (not `torch.load`, which unpickles).",
        "Nearly there: `return torch.export.load(path)`.",
    ],
    "predict": [
        "Get a module that runs the program, run it on every batch with autograd switched off the modern way, and "
        "join the results.",
        "`program.module()` gives the runnable module (an ExportedProgram is not callable, and its module's mode "
        "was fixed at export). Inside `with torch.inference_mode():` run it on each batch; `torch.cat` joins them.",
        "Nearly there: `module = program.module()`, then `with torch.inference_mode(): return "
        "torch.cat([module(x) for x in batches])`.",
    ],
}


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


def _rows(seed: int, n: int, features: int, scale: float = 3.0) -> torch.Tensor:
    return scale * torch.randn(n, features, generator=torch.Generator().manual_seed(seed))


def _dynamic_export(module: nn.Module, example: torch.Tensor):
    return torch.export.export(module, (example,), dynamic_shapes={"x": {0: torch.export.Dim("batch")}})


def _exporting(call):
    """`call()`, which exports. An error torch.export raises keeps only its first paragraph: the rest is
    advice for torch developers and a quote of the failing line naming the file (which differs from file
    to file; the traceback shows that line). The half-traced graph torch prints with such an error, and
    the warnings of its shape loggers (also raised on the trusted side, by known mistakes), are held back;
    anything else written to stderr is passed on. The check's hints say what those warnings would."""
    noisy = [logging.getLogger(name) for name in ("torch.fx.experimental.symbolic_shapes",
                                                  "torch._export.non_strict_utils")]
    buffer, graph = io.StringIO(), None
    for logger in noisy:
        logger.disabled = True
    try:
        with contextlib.redirect_stderr(buffer):
            return call()
    except NotImplementedError:
        raise
    except Exception as exc:
        graph = getattr(exc, "partial_fx_graph", None)
        text = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else ""
        if "when calling torch.export.export" in text:
            exc.args = (text.split("\n\n")[0].strip(),)
        raise
    finally:
        for logger in noisy:
            logger.disabled = False
        sys.stderr.write(buffer.getvalue().replace(f"{graph}\n", "") if graph is not None else buffer.getvalue())


def _run(module, x):
    """The program's output for `x`, or the name of the error it raised (a fixed batch size rejects others)."""
    try:
        return module(x)
    except NotImplementedError:
        raise
    except Exception as exc:  # a guard on the batch size: AssertionError or RuntimeError, by torch version
        return f"rejected: {type(exc).__name__}"


# ---- clip_rows ------------------------------------------------------------------------------------


CLIP_CASES = [
    (torch.tensor([[6.0, -3.0], [1.0, 2.0]]), 3.0),  # the docstring's example
    (torch.tensor([[0.5, -7.0, 2.0], [0.0, 0.0, 0.0], [2.5, -1.0, 0.25], [-4.0, 1.0, 3.5]]), 3.0),  # a zero row
    (torch.zeros(0, 4), 2.0),  # an empty batch
    (torch.tensor([[1e6, 2.0], [-3.0, 1e-3]]), 1.5),  # a huge value and a negative maximum
]


class _Clip(nn.Module):
    """A module whose forward is the learner's clip_rows, to export."""

    def __init__(self, fn, limit: float) -> None:
        super().__init__()
        self.fn, self.limit = fn, limit

    def forward(self, x):
        return self.fn(x, self.limit)


EXPORTED_OUT = "outputs of the exported program, for batches of each size"


def _probe_clip_export(ns, limit, example, batches):
    program = _exporting(lambda: _dynamic_export(_Clip(ns.clip_rows, limit), example))
    module = program.module()
    return {EXPORTED_OUT: [_run(module, x) for x in batches]}


def _describe_clip_export(limit, example, batches) -> str:
    return (f"torch.export.export of a module whose forward is clip_rows(x, {limit}), with an example batch of "
            f"{example.shape[0]} rows and dim 0 dynamic; then the program on batches of "
            f"{[b.shape[0] for b in batches]} rows")


DATA_DEPENDENT = ("Export could not record your clip_rows: a Python `if` (or `while`, `and`, `bool()`, `.item()`) "
                  "on a tensor's value is decided once, while tracing, and the value is unknown then. Compute the "
                  "factor for every row with tensor operations: `x * (limit / m.clamp(min=limit))`, or "
                  "`torch.where(...)`.")

# ---- export_model ---------------------------------------------------------------------------------

SIZES = (1, 3, 8)
RETURNED = "type of what it returns"
MODE = "model.training after export_model"
ACCEPTS = f"batch sizes the program accepts, of {', '.join(map(str, SIZES))}"
LOGITS = "the program's logits for a batch of each size"


def _trained(ns, seed: int, in_features: int) -> nn.Module:
    """The stub's Classifier with fixed weights and running statistics, in train mode."""
    model = ns.Classifier(in_features=in_features)
    fill_parameters(model, seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    for name, buffer in model.named_buffers():
        if name.endswith("running_mean"):
            buffer.copy_(torch.randn(buffer.shape, generator=g))
        elif name.endswith("running_var"):
            buffer.copy_(torch.rand(buffer.shape, generator=g) + 0.5)
    return model.train()


def _probe_export(ns, seed, in_features):
    model = _trained(ns, seed, in_features)
    program = _exporting(lambda: ns.export_model(model, in_features))
    found = {RETURNED: type(program).__name__, MODE: getattr(model, "training", None), ACCEPTS: None, LOGITS: None}
    if not isinstance(program, torch.export.ExportedProgram):
        return found
    module = program.module()
    torch.manual_seed(seed)  # a program exported in train mode drops out: alike, whatever the learner's code drew
    outs = {f"batch of {n}": _run(module, _rows(seed + n, n, in_features)) for n in SIZES}
    found[ACCEPTS] = [n for n in SIZES if isinstance(outs[f"batch of {n}"], torch.Tensor)]
    found[LOGITS] = {key: out.detach() if isinstance(out, torch.Tensor) else None for key, out in outs.items()}
    return found


def _describe_export(seed, in_features) -> str:
    return (f"export_model(Classifier(in_features={in_features}) with fixed weights and running statistics, in train "
            f"mode, {in_features}); then program.module() on batches of {', '.join(map(str, SIZES))} rows")


EXPORT_HINTS = {
    RETURNED: "Return what `torch.export.export(...)` returns, the ExportedProgram itself (not `program.module()`).",
    MODE: "Call `model.eval()` before exporting, and leave the model in eval mode.",
    ACCEPTS: "The program must accept a batch of any size: pass `dynamic_shapes={\"x\": {0: "
    "torch.export.Dim(\"batch\")}}` and an example batch of at least 2 rows. Without dynamic_shapes every size of "
    "the example is fixed; an example of one row specialises the batch size to 1.",
    LOGITS: "The program gives other logits than the model in eval mode: export records forward as it runs at that "
    "moment, so call `model.eval()` before `torch.export.export`, not after (the program keeps dropout and batch "
    "statistics otherwise).",
    "raised": "Export failed. With a named `Dim`, an example batch of one row makes export refuse (\"specialized "
    "it to be a constant (1)\"): use a few rows. A data-dependent error comes from clip_rows (see its check).",
}

# ---- save_program, load_program, predict: a program the probe exports itself ---------------------


class _Plain(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, x):
        return self.net(x)


def _program(seed: int):
    model = _Plain()
    fill_parameters(model, seed=seed)
    return _dynamic_export(model.eval(), _rows(seed, 4, 4))


def _in_folder(then):
    with tempfile.TemporaryDirectory() as folder:
        return then(os.path.join(folder, "model.pt2"))


READ_BACK = "what torch.export.load reads from the file"
OUTPUTS = "the loaded program's logits for batches of 2 and 5 rows"


def _outputs(program, seed):
    module = program.module()
    return [module(_rows(seed + n, n, 4)).detach() for n in (2, 5)]


def _probe_save(ns, seed):
    def save_and_read(path):
        ns.save_program(_program(seed), path)
        if not os.path.exists(path):
            return {READ_BACK: "no file at path", OUTPUTS: None}
        quiet = logging.getLogger("torch.export")
        quiet.disabled = True  # else it logs a traceback for a file that is not an archive
        try:
            loaded = torch.export.load(path)
        except Exception as exc:  # not an ExportedProgram archive (a pickle, say)
            return {READ_BACK: f"torch.export.load raised {type(exc).__name__}", OUTPUTS: None}
        finally:
            quiet.disabled = False
        return {READ_BACK: type(loaded).__name__, OUTPUTS: _outputs(loaded, seed)}

    return _in_folder(save_and_read)


SAVE_HINTS = {
    READ_BACK: "The file must be an ExportedProgram archive that `torch.export.load` reads: write it with "
    "`torch.export.save(program, path)`. `torch.save` pickles the object, a different format (and loading a pickle "
    "may run code).",
    OUTPUTS: "Save the program you are given, as it is.",
}


def _probe_load(ns, seed):
    def write_and_load(path):
        torch.export.save(_program(seed), path)
        loaded = ns.load_program(path)
        if not isinstance(loaded, torch.export.ExportedProgram):
            return {RETURNED: type(loaded).__name__, OUTPUTS: None}
        return {RETURNED: type(loaded).__name__, OUTPUTS: _outputs(loaded, seed)}

    return _in_folder(write_and_load)


LOAD_HINTS = {
    RETURNED: "Return the ExportedProgram that `torch.export.load(path)` gives (call `.module()` only to run it).",
}

PREDICTED = "returned logits"
INFERENCE = "out.is_inference()"


def _probe_predict(ns, seed, sizes):
    out = ns.predict(_program(seed), [_rows(seed + i, n, 4) for i, n in enumerate(sizes)])
    return {PREDICTED: out, INFERENCE: out.is_inference() if isinstance(out, torch.Tensor) else None}


def _describe_predict(seed, sizes) -> str:
    return f"predict(an ExportedProgram of a small network, batches of {list(sizes)} rows)"


PREDICT_HINTS = {
    f"{PREDICTED}.requires_grad": "The logits require grad: autograd recorded the whole forward. Run the batches "
    "inside `with torch.inference_mode():`.",
    INFERENCE: "The logits are not inference tensors: run the batches under `torch.inference_mode()`, the faster "
    "successor of `torch.no_grad()` for pure inference.",
    PREDICTED: "One row of logits per input row, batch after batch in order: `torch.cat` along dim 0.",
}


CHECKS = [
    Check(
        "clip_rows",
        target="clip_rows",
        args=CLIP_CASES,
        random=lambda g: (3 * torch.randn(_int(g, 1, 6), _int(g, 1, 5), generator=g), [1.0, 2.5][_int(g, 0, 1)]),
        n_random=2,
        probe=with_gradients("clip_rows", names=("x",)),
        hint="Scale each row by limit / m where its largest absolute value m is above limit, by 1 elsewhere: "
        "`x * (limit / x.abs().amax(dim=1, keepdim=True).clamp(min=limit))`.",
    ),
    Check(
        "clip_rows under torch.export",
        target="clip_rows",
        args=[(3.0, _rows(1, 4, 3), [_rows(2, 1, 3), _rows(3, 6, 3)]), (1.5, _rows(4, 3, 5), [_rows(5, 2, 5)])],
        probe=_probe_clip_export,
        describe=_describe_clip_export,
        hints={"raised": DATA_DEPENDENT, EXPORTED_OUT: DATA_DEPENDENT},
        hint=DATA_DEPENDENT,
        depends_on=["clip_rows"],
    ),
    Check(
        "export_model",
        target="export_model",
        args=[(1, 4), (2, 6)],  # no random cases: each export costs time, and the weights are the probe's anyway
        probe=_probe_export,
        describe=_describe_export,
        hints=EXPORT_HINTS,
        hint="`model.eval()`, then `torch.export.export` with an example of a few rows and dim 0 of `x` dynamic.",
        depends_on=["clip_rows under torch.export"],
    ),
    Check(
        "save_program",
        target="save_program",
        args=[(1,)],
        probe=_probe_save,
        describe=lambda seed: "save_program(an ExportedProgram of a small network, a path ending in .pt2); then "
        "torch.export.load(path)",
        hints=SAVE_HINTS,
        hint="`torch.export.save(program, path)`.",
    ),
    Check(
        "load_program",
        target="load_program",
        args=[(3,)],
        probe=_probe_load,
        describe=lambda seed: "load_program(a .pt2 file written by torch.export.save)",
        hints=LOAD_HINTS,
        hint="`return torch.export.load(path)`.",
    ),
    Check(
        "predict",
        target="predict",
        args=[(5, (3, 1, 4)), (6, (2,))],
        probe=_probe_predict,
        describe=_describe_predict,
        hints=PREDICT_HINTS,
        hint="`program.module()`, each batch under `torch.inference_mode()`, `torch.cat`.",
    ),
]
