"""What `pytorch-tutor check 07` establishes, and the known mistakes it recognises.

Every probe builds small models (deterministic weights from `fill_parameters`), trains them
a few Adam steps on fixed data, and saves with the learner's `save_checkpoint` to a file in a
temporary folder. Whether that file loads with `weights_only=True` is decided in the trusted
process (`Check.transform`): the probe only sends the file's bytes.
"""

import io
import os
import re
import tempfile
import warnings

import torch
from torch import nn

from grader.kit import Check, Mistake, fill_parameters

HINTS = [
    "Save the *state* of the model and the optimizer, not the objects themselves, together with the epoch, "
    "in one dict; loading copies that state back into the model and optimizer you are given.",
    "Useful calls: `model.state_dict()`, `optimizer.state_dict()`, `torch.save(obj, path)`, "
    "`torch.load(path, weights_only=True)`, `model.load_state_dict(...)`, `optimizer.load_state_dict(...)`.",
    "The optimizer has state too: Adam keeps running averages of each gradient and its square. "
    "Without them, resumed training takes different steps than training that never stopped.",
    'Nearly there: `torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), '
    '"epoch": epoch}, path)`; then `ckpt = torch.load(path, weights_only=True)`, '
    '`model.load_state_dict(ckpt["model"])`, `optimizer.load_state_dict(ckpt["optimizer"])`, `return ckpt["epoch"]`.',
]

ARCHS = {"mlp": "a small MLP", "batchnorm": "a small MLP with BatchNorm1d"}


# ---- building blocks, made identically in both processes ----------------------------------------


def _model(arch: str, seed: int = 0) -> nn.Module:
    norm = [nn.BatchNorm1d(4)] if arch == "batchnorm" else []
    model = nn.Sequential(nn.Linear(3, 4), *norm, nn.Tanh(), nn.Linear(4, 2))
    fill_parameters(model, seed)
    return model


def _adam(model: nn.Module, lr: float = 0.05) -> torch.optim.Optimizer:
    return torch.optim.Adam(model.parameters(), lr=lr)


def _train(model: nn.Module, optimizer: torch.optim.Optimizer, batches: list) -> None:
    model.train()
    for x, y in batches:
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()


def _batches(seed: int, n: int) -> list:
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(4, 3, generator=g), torch.randn(4, 2, generator=g)) for _ in range(n)]


def _state(model: nn.Module) -> dict:
    """Every parameter and buffer, by the probe's own names (the learner never names them)."""
    return {name: t.detach().clone() for name, t in model.state_dict().items()}


def _save_and_read(ns, model, optimizer, epoch) -> torch.Tensor:
    """The bytes `save_checkpoint` wrote, as a uint8 tensor (empty when no file was written)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        ns.save_checkpoint(path, model, optimizer, epoch)
        data = open(path, "rb").read() if os.path.isfile(path) else b""
    return torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else torch.zeros(0, dtype=torch.uint8)


def _round_trip(ns, model, optimizer, epoch, fresh_model, fresh_optimizer):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        ns.save_checkpoint(path, model, optimizer, epoch)
        return ns.load_checkpoint(path, fresh_model, fresh_optimizer)


# ---- check 1: the file, judged in the trusted process --------------------------------------------


def _probe_file(ns, arch, steps, epoch):
    model = _model(arch)
    optimizer = _adam(model)
    _train(model, optimizer, _batches(1, steps))
    moments = [s[k].clone() for s in optimizer.state_dict()["state"].values() for k in ("exp_avg", "exp_avg_sq")]
    state = _state(model)
    return {"file": _save_and_read(ns, model, optimizer, epoch), "model state": state, "moments": moments}


def _tensors(obj) -> list:
    if isinstance(obj, torch.Tensor):
        return [obj.detach()]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        return [t for item in obj for t in _tensors(item)]
    return []


def _holds(saved: list, wanted) -> bool:
    return all(any(s.shape == w.shape and s.dtype == w.dtype and torch.equal(s, w) for s in saved) for w in wanted)


def _load_failure(exc: Exception) -> str:
    """Why `torch.load(..., weights_only=True)` refused the file, in a line."""
    text = str(exc)
    if found := re.search(r"Unsupported global: GLOBAL ([\w.]+)", text):
        return f"fails: the file holds a {found.group(1)} object, not only tensors and plain data"
    detail = text.split("WeightsUnpickler error:")[-1].strip().splitlines()
    return f"fails: {type(exc).__name__}: {detail[0] if detail else ''}".strip()


def _summarise_file(result: dict) -> dict:
    data = result["file"]
    summary = {
        "a file was written at path": data.numel() > 0,
        "torch.load(path, weights_only=True)": "fails: there is no file",
        "holds every tensor of model.state_dict()": False,
        "holds the optimizer's state (Adam's moment estimates)": False,
    }
    if data.numel() == 0:
        return summary
    try:
        with warnings.catch_warnings():  # e.g. about the pickle protocol: the summary says what matters
            warnings.simplefilter("ignore")
            loaded = torch.load(io.BytesIO(data.numpy().tobytes()), weights_only=True)
    except Exception as exc:  # UnpicklingError: the file holds objects other than tensors and plain data
        summary["torch.load(path, weights_only=True)"] = _load_failure(exc)
        return summary
    saved = _tensors(loaded)
    summary["torch.load(path, weights_only=True)"] = "loads"
    summary["holds every tensor of model.state_dict()"] = _holds(saved, result["model state"].values())
    summary["holds the optimizer's state (Adam's moment estimates)"] = _holds(saved, result["moments"])
    return summary


# ---- check 2: loading restores the weights and returns the epoch ---------------------------------


def _probe_restore(ns, arch, epoch):
    model, fresh = _model(arch), _model(arch, seed=1)  # different weights to overwrite
    optimizer = _adam(model)
    _train(model, optimizer, _batches(2, 3))
    returned = _round_trip(ns, model, optimizer, epoch, fresh, _adam(fresh))
    return {"model.state_dict() after loading": _state(fresh), "returned epoch": returned}


# ---- check 3: resumed training is the same as training without a break ---------------------------


def _probe_resume(ns, arch, k, lr):
    batches = _batches(3, 2 * k)
    straight = _model(arch)
    _train(straight, _adam(straight, lr), batches)

    first = _model(arch)
    optimizer = _adam(first, lr)
    _train(first, optimizer, batches[:k])
    resumed = _model(arch, seed=1)  # a fresh model and a fresh optimizer, as after a restart
    resumed_optimizer = _adam(resumed, lr)
    _round_trip(ns, first, optimizer, k, resumed, resumed_optimizer)
    _train(resumed, resumed_optimizer, batches[k:])

    same = all(torch.allclose(a, b) for a, b in zip(_state(straight).values(), _state(resumed).values()))
    return {"same weights as training without a break": same, "weights after resuming": _state(resumed)}


def _pick(g: torch.Generator, options: list):
    return options[int(torch.randint(0, len(options), (1,), generator=g))]


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


CHECKS = [
    Check(
        "the checkpoint file",
        target="save_checkpoint",
        args=[("mlp", 3, 5), ("batchnorm", 2, 12), ("mlp", 1, 0)],
        random=lambda g: (_pick(g, list(ARCHS)), _int(g, 1, 3), _int(g, 0, 50)),
        n_random=2,
        probe=_probe_file,
        transform=_summarise_file,
        describe=lambda arch, steps, epoch: f"save_checkpoint(path, {ARCHS[arch]}, its Adam optimizer after "
        f"{steps} step{'s' * (steps != 1)}, epoch={epoch}), then torch.load(path, weights_only=True)",
        hint="`torch.load(path, weights_only=True)` reads only tensors and plain Python data: save "
        "`model.state_dict()` and `optimizer.state_dict()` (not the objects) with a plain "
        "`torch.save(checkpoint, path)`.",
    ),
    Check(
        "loading restores the model and returns the epoch",
        target="load_checkpoint",
        args=[("mlp", 3), ("batchnorm", 10), ("mlp", 0)],
        random=lambda g: (_pick(g, list(ARCHS)), _int(g, 1, 99)),
        n_random=2,
        probe=_probe_restore,
        describe=lambda arch, epoch: f"save_checkpoint(path, {ARCHS[arch]} trained 3 Adam steps, its optimizer, "
        f"epoch={epoch}), then load_checkpoint(path, the same architecture with other weights, a new Adam optimizer)",
        hint="`load_checkpoint` copies the saved state into the model it is given and returns the saved epoch "
        "as an int.",
    ),
    Check(
        "resumed training matches training without a break",
        target="load_checkpoint",
        args=[("mlp", 3, 0.05), ("batchnorm", 2, 0.1), ("mlp", 1, 0.01)],
        random=lambda g: (_pick(g, list(ARCHS)), _int(g, 1, 3), _pick(g, [0.01, 0.05, 0.1])),
        n_random=2,
        probe=_probe_resume,
        describe=lambda arch, k, lr: f"{ARCHS[arch]} trained {k} Adam(lr={lr}) steps, save_checkpoint, then "
        f"load_checkpoint into a new model and a new Adam optimizer and {k} more steps, compared with "
        f"{2 * k} steps without a break",
        hint="Resuming must restore everything that decides the next step: the model's weights and the "
        "optimizer's state.",
    ),
]


# ---- known mistakes ----------------------------------------------------------------------------


def _save(model_part=lambda m: m.state_dict(), optimizer_part=lambda o: o.state_dict(), epoch_part=lambda e: e):
    def save_checkpoint(path, model, optimizer, epoch):
        checkpoint = {"model": model_part(model), "epoch": epoch_part(epoch)}
        if optimizer_part is not None:
            checkpoint["optimizer"] = optimizer_part(optimizer)
        torch.save(checkpoint, path)

    return save_checkpoint


def _load(restore_model=nn.Module.load_state_dict, weights_only=True, restore_optimizer=True, result=lambda e: e):
    def load_checkpoint(path, model, optimizer):
        checkpoint = torch.load(path, weights_only=weights_only)
        if restore_model is not None:
            restore_model(model, checkpoint["model"])
        if restore_optimizer:
            optimizer.load_state_dict(checkpoint["optimizer"])
        return result(checkpoint["epoch"])

    return load_checkpoint


def _copy_parameters(model, saved_parameters):
    with torch.no_grad():
        for p, saved in zip(model.parameters(), saved_parameters):
            p.copy_(saved)


MISTAKES = [
    Mistake(
        "whole_objects_saved",
        "Save state, not objects: `torch.save(model)` (or a dict holding the model or optimizer) pickles the "
        "objects, and `torch.load(path, weights_only=True)` refuses to rebuild them because unpickling arbitrary "
        "objects can run code. Save `model.state_dict()` and `optimizer.state_dict()` instead.",
        {
            "save_checkpoint": _save(model_part=lambda m: m, optimizer_part=lambda o: o),
            "load_checkpoint": _load(
                lambda model, saved: model.load_state_dict(saved.state_dict()), weights_only=False
            ),
        },
    ),
    Mistake(
        "parameters_generator_saved",
        "`model.parameters()` is a generator, which cannot be pickled; and even as a list it leaves out buffers "
        "such as BatchNorm's running statistics. Save `model.state_dict()`: every parameter and buffer, by name.",
        {"save_checkpoint": _save(model_part=lambda m: m.parameters())},
    ),
    Mistake(
        "parameters_list_saved",
        "`list(model.parameters())` leaves out the model's buffers, such as BatchNorm's `running_mean` and "
        "`running_var`, which are state too. Save `model.state_dict()` (parameters and buffers, by name) and "
        "restore it with `model.load_state_dict(...)`.",
        {
            "save_checkpoint": _save(model_part=lambda m: list(m.parameters())),
            "load_checkpoint": _load(restore_model=_copy_parameters),
        },
    ),
    Mistake(
        "optimizer_not_restored",
        "Restore the optimizer too: `optimizer.load_state_dict(checkpoint[...])`. A new Adam optimizer starts "
        "with empty moment estimates and step count 0, so resumed training takes different steps.",
        {"load_checkpoint": _load(restore_optimizer=False)},
    ),
    Mistake(
        "optimizer_not_saved",
        "The optimizer has state too: Adam keeps a running average of each gradient and of its square, and a step "
        "count. Save `optimizer.state_dict()` in the checkpoint and restore it with `optimizer.load_state_dict(...)`, "
        "or resumed training takes different steps.",
        {"save_checkpoint": _save(optimizer_part=None), "load_checkpoint": _load(restore_optimizer=False)},
    ),
    Mistake(
        "model_not_restored",
        "`torch.load` only reads the file; the model keeps its weights until you call "
        "`model.load_state_dict(checkpoint[...])`, which copies the saved tensors into it.",
        {"load_checkpoint": _load(restore_model=None)},
    ),
    Mistake(
        "returns_nothing",
        "Return the saved epoch from `load_checkpoint`, e.g. `return checkpoint[\"epoch\"]`, so the caller knows "
        "where to resume.",
        {"load_checkpoint": _load(result=lambda epoch: None)},
    ),
    Mistake(
        "epoch_as_tensor",
        "Return the epoch as a Python int: a tensor saved with `torch.tensor(epoch)` comes back as a tensor; "
        "save the int itself, or convert with `int(...)` or `.item()`.",
        {"save_checkpoint": _save(epoch_part=torch.tensor)},
    ),
    Mistake(
        "epoch_off_by_one",
        "Return the epoch exactly as it was saved; whether to resume at `epoch` or `epoch + 1` is the caller's "
        "decision.",
        {"load_checkpoint": _load(result=lambda epoch: epoch + 1)},
    ),
]
