"""What `pytorch-tutor check 07` establishes. Known mistakes: mistakes/*.py.

Every probe builds small models (deterministic weights from `fill_parameters`), trains them a few
Adam steps on fixed data, and saves with the learner's `save_checkpoint` to a file in a temporary
folder. Whether that file loads with `weights_only=True` is decided by `Check.transform`, never in
the learner's process (the probe only sends the file's bytes) and, for a learner's file, never in
the trusted one either: the engine runs the transform in a separate bounded process.
"""

import io
import os
import re
import tempfile
import warnings

import torch
from torch import nn
from torch.utils._pytree import tree_leaves

from grader.kit import Check, fill_parameters

HINTS = {
    "save_checkpoint": [
        "Save the *state* of the model and of the optimizer, not the objects themselves, with the epoch, in one dict.",
        "`model.state_dict()` holds every parameter and buffer, `optimizer.state_dict()` Adam's moment estimates "
        "and step count; `torch.save(checkpoint, path)` writes them so that `torch.load(path, weights_only=True)` "
        "reads them.",
        'Nearly there: `torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, '
        "path)`.",
    ],
    "load_checkpoint": [
        "Loading copies the saved state back into the model and the optimizer you are given, and returns the epoch.",
        "`torch.load(path, weights_only=True)` reads the dict back; `model.load_state_dict(...)` and "
        "`optimizer.load_state_dict(...)` copy it in. Without the optimizer's state, resumed training takes "
        "other steps.",
        'Nearly there: `ckpt = torch.load(path, weights_only=True)`, `model.load_state_dict(ckpt["model"])`, '
        '`optimizer.load_state_dict(ckpt["optimizer"])`, `return ckpt["epoch"]`.',
    ],
}

ARCHS = {"mlp": "a small MLP", "batchnorm": "a small MLP with BatchNorm1d"}


def _model(arch: str, seed: int = 0) -> nn.Module:
    norm = [nn.BatchNorm1d(4)] if arch == "batchnorm" else []
    model = nn.Sequential(nn.Linear(3, 4), *norm, nn.Tanh(), nn.Linear(4, 2))
    fill_parameters(model, seed)
    return model


def _trained(arch: str, batches: list, lr: float = 0.05, seed: int = 0) -> tuple[nn.Module, torch.optim.Optimizer]:
    """A model and its Adam optimizer after one step per batch (none: as built)."""
    model = _model(arch, seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    _train(model, optimizer, batches)
    return model, optimizer


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


def _saved(ns, model, optimizer, epoch, then):
    """`then(path)` after the learner's save_checkpoint wrote to `path`, in a fresh temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        ns.save_checkpoint(path, model, optimizer, epoch)
        return then(path)


def _read(path: str) -> torch.Tensor:
    """The file's bytes as a uint8 tensor (empty when there is no file)."""
    data = open(path, "rb").read() if os.path.isfile(path) else b""
    return torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else torch.zeros(0, dtype=torch.uint8)


def _resumed(ns, arch: str, batches: list, epoch: int, lr: float = 0.05):
    """save_checkpoint of a model trained on `batches`, then load_checkpoint into a new model with other
    weights and a new optimizer, as after a restart: (what it returned, the new model, the new optimizer)."""
    model, optimizer = _trained(arch, batches, lr)
    fresh, fresh_optimizer = _trained(arch, [], lr, seed=1)
    returned = _saved(ns, model, optimizer, epoch, lambda path: ns.load_checkpoint(path, fresh, fresh_optimizer))
    return returned, fresh, fresh_optimizer


# ---- check 1: the file, judged by the transform -------------------------------------------------


def _probe_file(ns, arch, steps, epoch):
    model, optimizer = _trained(arch, _batches(1, steps))
    moments = [s[k].clone() for s in optimizer.state_dict()["state"].values() for k in ("exp_avg", "exp_avg_sq")]
    state = _state(model)
    return {"file": _saved(ns, model, optimizer, epoch, _read), "model state": state, "moments": moments}


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
    """What the file holds. The model's state and Adam's moments it is searched for come from the probe, so
    they pass through: the comparison confirms them against the reference's, which the trusted side computed."""
    data, state, moments = result["file"], result["model state"], result["moments"]
    summary = {
        "a file was written at path": data.numel() > 0,
        "torch.load(path, weights_only=True)": "fails: there is no file",
        "holds every tensor of model.state_dict()": False,
        "holds the optimizer's state (Adam's moment estimates)": False,
    }
    if data.numel() > 0:
        try:
            with warnings.catch_warnings():  # e.g. about the pickle protocol: the summary says what matters
                warnings.simplefilter("ignore")
                loaded = torch.load(io.BytesIO(data.numpy().tobytes()), weights_only=True)
        except Exception as exc:  # UnpicklingError: the file holds objects other than tensors and plain data
            summary["torch.load(path, weights_only=True)"] = _load_failure(exc)
        else:
            saved = [t for t in tree_leaves(loaded) if isinstance(t, torch.Tensor)]  # at any depth, in any layout
            summary["torch.load(path, weights_only=True)"] = "loads"
            summary["holds every tensor of model.state_dict()"] = _holds(saved, state.values())
            summary["holds the optimizer's state (Adam's moment estimates)"] = _holds(saved, moments)
    return {**summary, "model.state_dict() when saved": state, "Adam's moment estimates when saved": moments}


# ---- checks 2 and 3: loading restores the model, the optimizer and the epoch ----------------------


def _probe_restore(ns, arch, epoch):
    returned, fresh, _ = _resumed(ns, arch, _batches(2, 3), epoch)
    return {"model.state_dict() after loading": _state(fresh), "returned epoch": returned}


def _probe_resume(ns, arch, k, lr):
    """The weights after k steps, a save and a load, and k more steps: the reference's equal those of
    2k steps without a break (the probe trains no such model: the comparison is with the reference)."""
    batches = _batches(3, 2 * k)
    _, resumed, resumed_optimizer = _resumed(ns, arch, batches[:k], k, lr)
    _train(resumed, resumed_optimizer, batches[k:])
    return {"weights after resuming": _state(resumed)}


def _pick(g: torch.Generator, options: list):
    return options[int(torch.randint(0, len(options), (1,), generator=g))]


def _int(g: torch.Generator, low: int, high: int) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=g))


WEIGHTS_ONLY_HINT = (
    "`torch.load(path, weights_only=True)` reads only tensors and plain Python data: save `model.state_dict()` and "
    "`optimizer.state_dict()` (not the objects) with a plain `torch.save(checkpoint, path)`."
)
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
        hints={
            "a file was written at path": "Write the checkpoint to the `path` you are given: "
            "`torch.save(checkpoint, path)`.",
            "torch.load(path, weights_only=True)": WEIGHTS_ONLY_HINT,
            "holds every tensor of model.state_dict()": "Save `model.state_dict()`: every parameter and every buffer "
            "(BatchNorm's running statistics too), each a tensor, by name.",
            "holds the optimizer's state (Adam's moment estimates)": "Save `optimizer.state_dict()` too: Adam's "
            "running averages of each gradient and of its square decide its next steps.",
        },
        hint=WEIGHTS_ONLY_HINT,
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
        hints={
            "model.state_dict() after loading": "`model.load_state_dict(checkpoint[...])` copies the saved tensors, "
            "every parameter and buffer, into the model you are given.",
            "returned epoch": "Return the epoch exactly as it was saved, as a Python int.",
        },
        hint="`load_checkpoint` copies the saved state into the model it is given and returns the saved epoch "
        "as an int.",
        depends_on=["save_checkpoint"],
    ),
    Check(
        "resumed training matches training without a break",
        target="load_checkpoint",
        args=[("mlp", 3, 0.05), ("batchnorm", 2, 0.1), ("mlp", 1, 0.01)],
        random=lambda g: (_pick(g, list(ARCHS)), _int(g, 1, 3), _pick(g, [0.01, 0.05, 0.1])),
        n_random=2,
        probe=_probe_resume,
        describe=lambda arch, k, lr: f"{ARCHS[arch]} trained {k} Adam(lr={lr}) steps, save_checkpoint, then "
        f"load_checkpoint into a new model and a new Adam optimizer and {k} more steps: expected the weights of "
        f"{2 * k} steps without a break",
        hints={
            "weights after resuming": "Resumed training took other steps than training without a break: restore "
            "everything that decides the next step, the model's state and the optimizer's "
            "(`optimizer.load_state_dict(...)`).",
        },
        hint="Resuming must restore everything that decides the next step: the model's weights and the "
        "optimizer's state.",
        depends_on=["save_checkpoint"],
    ),
]
