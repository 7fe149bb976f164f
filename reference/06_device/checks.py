"""What `pytorch-tutor check 06` establishes, and the known mistakes it recognises.

No GPU is needed: moves are checked on the `meta` device (tensors with a shape and
no data), and a small recording model notes where and how `predict_on` runs it.
On a machine with CUDA the same checks also run on `cuda`.
"""

from unittest import mock

import torch
from torch import Tensor, nn

from grader.kit import Check, Mistake, fill_parameters

HINTS = [
    "Ask torch what hardware there is instead of assuming a GPU; then move everything to that one device.",
    "Useful calls: `torch.cuda.is_available()`, `torch.backends.mps.is_available()`, `torch.device(...)`, "
    "`tensor.to(device)` (returns a new tensor), `model.to(device)` (moves in place), `model.eval()`, "
    "`with torch.no_grad():` and `.cpu()`.",
    "`to_device` calls itself on every item: `isinstance(obj, dict)` → a dict comprehension, list → a list, "
    "tuple → `tuple(...)`, a tensor → `obj.to(device)`, anything else → `obj` unchanged.",
    "Nearly there: `model.to(device); model.eval()`, then `with torch.no_grad(): out = model(inputs.to(device))`, "
    "and `return out.cpu()`.",
]

META, CPU = torch.device("meta"), torch.device("cpu")
META_NOTE = "These checks use `torch.device('meta')` as a stand-in for a GPU: meta tensors have a shape and no data."
DEVICES = [META, CPU] + ([torch.device("cuda")] if torch.cuda.is_available() else [])


# ---- pick_device ---------------------------------------------------------------------------


def _probe_pick(ns, cuda: bool, mps: bool):
    with mock.patch("torch.cuda.is_available", return_value=cuda), mock.patch(
        "torch.backends.mps.is_available", return_value=mps
    ):
        device = ns.pick_device()
    if isinstance(device, torch.device) and device.index == 0:
        device = torch.device(device.type)  # "cuda:0" is the same choice as "cuda"
    return device


def _describe_pick(cuda: bool, mps: bool) -> str:
    return f"pick_device() where torch.cuda.is_available() is {cuda} and torch.backends.mps.is_available() is {mps}"


# ---- to_device -----------------------------------------------------------------------------


def _objects() -> list:
    t = torch.arange(6.0).reshape(2, 3)
    return [
        t,
        {"x": t, "label": "cat", "ids": torch.tensor([3, 1, 2]), "n": 3},
        (t, 2.5, None),
        [t[0], (t[1], "id"), {"mask": t > 2}],
        {"batch": ({"a": [t, t.T]}, [1, 2]), "info": None},
        ((t,), [], {}, ()),
    ]


def _show(obj) -> str:
    if isinstance(obj, Tensor):
        return f"tensor(shape={tuple(obj.shape)})"
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in obj.items()) + "}"
    if isinstance(obj, list):
        return "[" + ", ".join(_show(v) for v in obj) + "]"
    if isinstance(obj, tuple):
        return "(" + ", ".join(_show(v) for v in obj) + (",)" if len(obj) == 1 else ")")
    return repr(obj)


# ---- predict_on ----------------------------------------------------------------------------


class MetaOutput(Tensor):
    """The recording model's output on the meta device. Meta tensors hold no data, so
    copying one to the CPU gives zeros of its shape instead of failing."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        to_cpu = func is Tensor.cpu or (func is Tensor.to and any(str(a) == "cpu" for a in (*args[1:], *kwargs.values())))
        if to_cpu:
            return torch.zeros(args[0].shape)
        return super().__torch_function__(func, types, args, kwargs)


class Recorder(nn.Module):
    """A small model that notes where and how its forward runs."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2)
        self.seen = {}

    def forward(self, x: Tensor) -> Tensor:
        self.seen = {
            "parameters on": str(self.linear.weight.device),
            "inputs on": str(x.device),
            "model.training": self.training,
            "torch.is_grad_enabled()": torch.is_grad_enabled(),
        }
        if "meta" in (x.device.type, self.linear.weight.device.type):
            return torch.empty(x.shape[0], 2, device="meta").as_subclass(MetaOutput)
        return self.linear(x)


def _probe_predict(ns, inputs: Tensor, device: torch.device):
    model = Recorder()
    fill_parameters(model)
    out = ns.predict_on(model, inputs, device)
    seen = model.seen or dict.fromkeys(["parameters on", "inputs on", "model.training", "torch.is_grad_enabled()"])
    on = str(out.device) if isinstance(out, Tensor) else None
    if isinstance(out, MetaOutput):
        out = out.as_subclass(Tensor)
    return {**seen, "output on": on, "output": out}


def _describe_predict(inputs: Tensor, device: torch.device) -> str:
    return f"predict_on(a Linear(3, 2) model that records how it runs, inputs of shape {tuple(inputs.shape)}, torch.device('{device}'))"


CHECKS = [
    Check(
        "pick_device",
        target="pick_device",
        args=[(True, False), (False, True), (True, True), (False, False)],
        probe=_probe_pick,
        describe=_describe_pick,
        hint="Ask torch what is there: `torch.cuda.is_available()` first, then `torch.backends.mps.is_available()`, else the CPU.",
    ),
    Check(
        "to_device",
        target="to_device",
        args=[(obj, device) for device in DEVICES for obj in _objects()],
        describe=lambda obj, device: f"to_device({_show(obj)}, torch.device('{device}'))",
        hint=META_NOTE,
    ),
    Check(
        "predict_on",
        target="predict_on",
        args=[(torch.ones(4, 3), device) for device in DEVICES] + [(torch.arange(3.0).reshape(1, 3), CPU)],
        random=lambda g: (torch.randn(int(torch.randint(1, 6, (1,), generator=g)), 3, generator=g), CPU),
        n_random=2,
        probe=_probe_predict,
        describe=_describe_predict,
        hint=META_NOTE,
    ),
]


# ---- known mistakes ------------------------------------------------------------------------


def _each_tensor(move):
    """A recursive to_device that moves each tensor with `move(tensor, device)`."""

    def to_device(obj, device):
        if isinstance(obj, Tensor):
            return move(obj, device)
        if isinstance(obj, dict):
            return {k: to_device(v, device) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return type(obj)(to_device(v, device) for v in obj)
        return obj

    return to_device


def _predict_by_cuda(model, inputs, device):
    model.cuda().eval()
    with torch.no_grad():
        return model(inputs.cuda()).cpu()


def _tuples_to_lists(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: _tuples_to_lists(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_tuples_to_lists(v, device) for v in obj]
    return obj


def _non_tensors_fail(obj, device):
    if isinstance(obj, dict):
        return {k: _non_tensors_fail(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_non_tensors_fail(v, device) for v in obj)
    return obj.to(device)


def _non_tensors_dropped(obj, device):
    keep = (Tensor, dict, list, tuple)
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: _non_tensors_dropped(v, device) for k, v in obj.items() if isinstance(v, keep)}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_non_tensors_dropped(v, device) for v in obj if isinstance(v, keep))
    return obj


def _one_level(obj, device):
    move = lambda v: v.to(device) if isinstance(v, Tensor) else v  # noqa: E731
    if isinstance(obj, dict):
        return {k: move(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(move(v) for v in obj)
    return move(obj)


def _predict(move_model=True, move_inputs=True, eval_mode=True, no_grad=True, to_cpu=True):
    def predict_on(model, inputs, device):
        if move_model:
            model.to(device)
        if eval_mode:
            model.eval()
        with torch.set_grad_enabled(not no_grad):
            out = model(inputs.to(device) if move_inputs else inputs)
        return out.cpu() if to_cpu else out

    return predict_on


def _pick(*order: str, as_text: bool = False):
    # Look the functions up at call time, so that the probe's patches apply.
    available = {"cuda": lambda: torch.cuda.is_available(), "mps": lambda: torch.backends.mps.is_available()}

    def pick_device():
        name = next((n for n in order if n not in available or available[n]()), "cpu")
        return name if as_text else torch.device(name)

    return pick_device


CUDA_HINT = (
    "`.cuda()` and `\"cuda\"` assume an NVIDIA GPU, and fail with 'Torch not compiled with CUDA enabled' "
    "without one: move things with `.to(device)`, where `device` is the argument (from `pick_device()`)."
)
MISTAKES = [
    Mistake("always_cuda", "Don't assume a GPU: return `torch.device(\"cuda\")` only when `torch.cuda.is_available()`.", {"pick_device": lambda: torch.device("cuda")}),
    Mistake("ignores_mps", "Apple-silicon GPUs are the `mps` device: when there is no CUDA, check `torch.backends.mps.is_available()` before falling back to the CPU.", {"pick_device": _pick("cuda", "cpu")}),
    Mistake("mps_before_cuda", "Order matters: check `torch.cuda.is_available()` first, and only then `torch.backends.mps.is_available()`.", {"pick_device": _pick("mps", "cuda")}),
    Mistake("device_as_string", "Return a `torch.device`, e.g. `torch.device(\"cuda\")`, not the string \"cuda\".", {"pick_device": _pick("cuda", "mps", as_text=True)}),
    Mistake("calls_cuda_unconditionally", CUDA_HINT, {"to_device": _each_tensor(lambda t, d: t.cuda()), "predict_on": _predict_by_cuda}),
    Mistake("tensor_to_not_reassigned", "`tensor.to(device)` returns a new tensor and leaves the original where it was (unlike `module.to(device)`): return the result of `.to(...)`.", {"to_device": _each_tensor(lambda t, d: t)}),  # as if `t.to(d)`'s result were dropped
    Mistake("tuples_become_lists", "A tuple must stay a tuple: build it with `tuple(to_device(item, device) for item in obj)`; only lists become lists.", {"to_device": _tuples_to_lists}),
    Mistake("non_tensors_fail", "Only tensors have `.to(device)`: return numbers, strings and None unchanged (`return obj` at the end).", {"to_device": _non_tensors_fail}),
    Mistake("non_tensors_dropped", "Keep every value: items that are not tensors stay in the result, unchanged.", {"to_device": _non_tensors_dropped}),
    Mistake("not_recursive", "Containers can hold containers: call `to_device` recursively on every value, so tensors nested at any depth are moved.", {"to_device": _one_level}),
    Mistake("model_not_moved", "The model's parameters must be on the same device as the inputs: call `model.to(device)`.", {"predict_on": _predict(move_model=False)}),
    Mistake("inputs_not_moved", "Move the inputs too: `inputs.to(device)` returns a copy on `device`, use that copy.", {"predict_on": _predict(move_inputs=False)}),
    Mistake("no_eval", "Call `model.eval()` before inference: in training mode dropout drops units and batch norm uses batch statistics.", {"predict_on": _predict(eval_mode=False)}),
    Mistake("no_no_grad", "Wrap inference in `with torch.no_grad():` so autograd records no graph: it saves memory and time.", {"predict_on": _predict(no_grad=False)}),
    Mistake("output_left_on_device", "Bring the outputs back with `.cpu()`: code after inference (NumPy, printing, plotting) expects CPU tensors.", {"predict_on": _predict(to_cpu=False)}),
]
