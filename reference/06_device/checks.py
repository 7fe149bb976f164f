"""What `pytorch-tutor check 06` establishes. Known mistakes: mistakes/*.py.

No GPU is needed: `pick_device` runs in a simulated machine (every availability query torch
offers answers alike), moves are checked on the `meta` device (tensors with a shape and no
data) as a stand-in for a GPU, and on a machine with CUDA (or a Mac with MPS) the same checks also run on `cuda`
(or `mps`).
"""

import re
from contextlib import ExitStack
from unittest import mock

import torch
from torch import Tensor, nn
from torch.utils._pytree import tree_map

from grader.kit import Check, fill_parameters

HINTS = {
    "pick_device": [
        "Ask torch what hardware there is instead of assuming a GPU, in the order the docstring gives.",
        "`torch.cuda.is_available()` first, then `torch.backends.mps.is_available()`, else the CPU; "
        "return a `torch.device`, not a string.",
        'Nearly there: `if torch.cuda.is_available(): return torch.device("cuda")`, the same for "mps", '
        'then `return torch.device("cpu")`.',
    ],
    "to_device": [
        "Containers can hold containers: handle one level, and call `to_device` itself on every item.",
        "A tensor → `obj.to(device)` (a new tensor); a dict → a dict comprehension; a list → a list; "
        "a tuple → `tuple(...)`; anything else (numbers, strings, None) → `obj` unchanged.",
    ],
    "predict_on": [
        "Inference needs the model and the inputs on one device, the model in evaluation mode, and no autograd graph.",
        "`model.to(device)` moves the parameters in place, `inputs.to(device)` returns a copy; then `model.eval()`, "
        "`with torch.no_grad():` and `.cpu()`.",
        "Nearly there: `model.to(device); model.eval()`, then `with torch.no_grad(): out = model(inputs.to(device))`, "
        "and `return out.cpu()`.",
    ],
}

META, CPU = torch.device("meta"), torch.device("cpu")
META_NOTE = "These checks use `torch.device('meta')` as a stand-in for a GPU: meta tensors have a shape and no data."
ACCELERATORS = [torch.device(kind) for kind, there in (("cuda", torch.cuda.is_available()),
                                                         ("mps", torch.backends.mps.is_available())) if there]
DEVICES = [META, CPU] + ACCELERATORS  # a Mac with Apple silicon also runs them on `mps`


def _probe_pick(ns, cuda: bool, mps: bool):
    """pick_device() on a simulated machine: every way torch offers to ask (torch.cuda, torch.backends,
    torch.mps, torch.accelerator) gives the same answer, so any correct way of asking works."""
    accelerator = torch.device("cuda") if cuda else torch.device("mps") if mps else None
    answers = {  # one line per backend
        "torch.cuda.is_available": cuda, "torch.cuda.device_count": int(cuda), "torch.backends.cuda.is_built": True,
        "torch.backends.mps.is_available": mps, "torch.mps.device_count": int(mps), "torch.backends.mps.is_built": True,
        "torch.accelerator.is_available": bool(accelerator), "torch.accelerator.device_count": int(bool(accelerator)),
        "torch.accelerator.current_accelerator": accelerator, "torch.xpu.is_available": False,
    }
    with ExitStack() as patches:
        for name, answer in answers.items():
            patches.enter_context(mock.patch(name, return_value=answer))
        device = ns.pick_device()
    if isinstance(device, torch.device) and device.index == 0:
        device = torch.device(device.type)  # "cuda:0" is the same choice as "cuda"
    return device


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _probe_move(ns, obj, device):
    """to_device's result, with memory addresses taken out of its strings: `'<generator object ... at 0x7f..>'`
    differs from run to run, and without the address the mistake that makes it can be recognised."""
    return tree_map(lambda v: _ADDRESS.sub("", v) if isinstance(v, str) else v, ns.to_device(obj, device))


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
    if isinstance(obj, (list, tuple)):
        inner = ", ".join(_show(v) for v in obj) + ("," if len(obj) == 1 and isinstance(obj, tuple) else "")
        return f"[{inner}]" if isinstance(obj, list) else f"({inner})"
    return repr(obj)


class MetaOutput(Tensor):
    """The model's output on the meta device. Meta tensors hold no data, so copying one to the
    CPU gives zeros of its shape (keeping `requires_grad`) instead of failing."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        targets = [a for a in (*args[1:], *kwargs.values()) if isinstance(a, (str, torch.device))]
        if func is Tensor.cpu or (func is Tensor.to and any(str(a).split(":")[0] == "cpu" for a in targets)):
            return torch.zeros(args[0].shape).requires_grad_(args[0].requires_grad)
        return super().__torch_function__(func, types, args, kwargs)


class Model(nn.Module):
    """Linear(3, 2) then Dropout(0.5), so training mode changes the outputs. It keeps its last output as
    it computed it: its device shows where it ran, its requires_grad whether autograd recorded a graph."""

    def __init__(self):
        super().__init__()
        self.linear, self.dropout, self.computed = nn.Linear(3, 2), nn.Dropout(0.5), None

    def forward(self, x: Tensor) -> Tensor:
        out = self.dropout(self.linear(x))  # on mixed devices torch raises, as it would on a GPU
        self.computed = out.as_subclass(MetaOutput) if out.device == META else out
        return self.computed


def _plain(t):
    return t.as_subclass(Tensor) if isinstance(t, MetaOutput) else t


def _probe_predict(ns, inputs: Tensor, device: torch.device):
    model = Model()
    fill_parameters(model)
    out = ns.predict_on(model, inputs, device)
    parameters = [p.as_subclass(Tensor) for p in model.parameters()]  # where they are, whether they require grad
    return {"the model's output": _plain(model.computed), "returned": _plain(out), "the model's parameters": parameters}


CHECKS = [
    Check(
        "pick_device",
        target="pick_device",
        args=[(True, False), (False, True), (True, True), (False, False)],
        probe=_probe_pick,
        describe=lambda cuda, mps: f"pick_device() on a machine where CUDA is {'' if cuda else 'not '}available "
        f"and MPS is {'' if mps else 'not '}available",
        hints={"type": 'Return a `torch.device`, such as `torch.device("cuda")`, not a string or anything else.'},
        hint="Ask torch what is there: `torch.cuda.is_available()` first, then `torch.backends.mps.is_available()`, "
        "else the CPU.",
    ),
    Check(
        "to_device",
        target="to_device",
        args=[(obj, device) for device in DEVICES for obj in _objects()],
        probe=_probe_move,
        describe=lambda obj, device: f"to_device({_show(obj)}, torch.device('{device}'))",
        hints={
            "device": "`tensor.to(device)` returns a new tensor (the original stays where it was): return what it "
            "returns, for tensors nested at any depth too. " + META_NOTE,
            "type": "Keep each container's type: a dict stays a dict, a list a list, a tuple a tuple.",
            "raised": "Return what is not a tensor, dict, list or tuple unchanged: only tensors have `.to(device)`, "
            "and a string is no container to recurse into (a `str` is a `Sequence` of strings, each one again).",
        },
        hint=META_NOTE,
    ),
    Check(
        "predict_on",
        target="predict_on",
        args=[(torch.ones(4, 3), device) for device in DEVICES] + [(torch.arange(3.0).reshape(1, 3), CPU)],
        random=lambda g: (torch.randn(int(torch.randint(1, 6, (1,), generator=g)), 3, generator=g), CPU),
        n_random=2,
        probe=_probe_predict,
        describe=lambda inputs, device: f"predict_on(a Linear(3, 2) then Dropout(0.5) model, inputs of shape "
        f"{tuple(inputs.shape)}, torch.device('{device}'))",
        hints={
            "the model's output.type": "Run the model on the inputs, `model(inputs.to(device))`, and return that.",
            "the model's output.device": "The model ran on the wrong device: move the model (`model.to(device)`) "
            "and the inputs (`inputs.to(device)`) to the `device` you are given. " + META_NOTE,
            "the model's output.values": "The outputs differ, as in training mode, where dropout zeroes some at "
            "random: call `model.eval()` before inference.",
            "the model's output.requires_grad": "Autograd recorded a graph while the model ran: run it inside "
            "`with torch.no_grad():` (detaching the result afterwards is too late to save the memory).",
            "returned.device": "Bring the outputs back with `.cpu()`: code after inference expects CPU tensors.",
            "the model's parameters": "Leave the model on `device` and its parameters as they are: switch gradient "
            "tracking off for the computation (`with torch.no_grad():`), not with `requires_grad_(False)`.",
            "raised": "If the error names two devices: every tensor of one operation must be on one device, so move "
            "both the model and the inputs to `device`.",
        },
        hint=META_NOTE,
    ),
]
