"""The settings the code under test chose, recorded by a `grader.judging.tracer.Recorder` beside its ops, for
"where your values first differ" when no value says (`grader.judging.pointer_settings`): a torch layer made
(its class and `extra_repr()`: `Linear(in_features=8, out_features=4, bias=True)`), a module's mode set
(`train()`, `eval()`), its parameters frozen or not (`requires_grad_()`), an optimizer made (its class, and
each param group's options and how many parameters, frozen ones among them, it holds) and a data loader
made (its batch size, its sampler, the seed its shuffle draws from), and each optimizer step's learning rates
(at the line that set them: the optimizer or a scheduler made, a scheduler stepped), and the modes each module
the code set one of ends the run with (at the line that last set it).

While recording, those methods of torch are wrapped (and put back after): each call made from a line of
the files under test (the innermost one, as for an op) is one setting, described by the effect it had.
Bounded: MAX_SETTINGS of them, each description at most MAX_TEXT characters. What a wrapper does never
changes what the call does or returns; a description that cannot be made leaves the setting out.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

MAX_SETTINGS = 64
MAX_TEXT = 400


class Settings:
    """While active: the settings made by code of `recorder`'s files, in `found` ({"line", "frames", "name",
    "value", "after": how many ops were recorded before it} each)."""

    def __init__(self, recorder: Any, limit: int = MAX_SETTINGS):
        self.recorder, self.limit = recorder, limit
        self.found: list[dict] = []
        self._pending: list[tuple[dict, Any]] = []  # (a layer's setting, the layer): described once it is made
        self._saved: list[tuple] = []
        self._depth = 0  # inside a wrapped call: what it calls itself (train() of each child) is its own
        self._setters: dict[int, tuple[list, list]] = {}  # id(optimizer) -> (frames, its lrs) of the line that last set them
        self._steps = 0  # optimizer steps taken by the code
        self._modes: dict[int, tuple[Any, list]] = {}  # id(module) -> (the module, frames of the last train() on it)
        self._hook = None

    def __enter__(self) -> "Settings":
        try:
            self._install()
        except Exception:  # a torch without one of them: no settings, and nothing left wrapped
            self.__exit__()
        return self

    def _install(self) -> None:
        import torch
        from torch.optim.optimizer import register_optimizer_step_pre_hook

        targets = [(torch.nn.Module, "__init__", _module), (torch.nn.Module, "train", _mode),
                   (torch.nn.Module, "requires_grad_", _frozen), (torch.optim.Optimizer, "__init__", _optimizer),
                   (torch.utils.data.DataLoader, "__init__", _loader),
                   (torch.optim.lr_scheduler.LRScheduler, "__init__", _scheduler),
                   (torch.optim.lr_scheduler.LRScheduler, "step", _scheduled)]
        for owner, attribute, describe in targets:
            original = owner.__dict__[attribute]
            self._saved.append((owner, attribute, original))
            setattr(owner, attribute, self._wrapped(original, attribute, describe))
        self._hook = register_optimizer_step_pre_hook(self._stepped)

    def __exit__(self, *exc: Any) -> None:
        for owner, attribute, original in reversed(self._saved):
            setattr(owner, attribute, original)
        self._saved = []
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    def settings(self) -> list[dict]:
        """The settings recorded, each layer's described now that it is made (`Module.__init__` runs first)."""
        self.recorder._busy = True
        try:
            for setting, module in self._pending:
                with contextlib.suppress(Exception):
                    setting["value"] = f"{type(module).__name__}({module.extra_repr()})"[:MAX_TEXT]
        finally:
            self.recorder._busy = False
        self._pending = []
        return [s for s in self.found if s["value"] is not None] + self._final_modes()

    def _final_modes(self) -> list[dict]:
        """The mode each module the code set one of (`train()`, `eval()`) ends the run with, with each of its
        submodules' (`T` train, `E` eval), at the line that last set it."""
        after, found = len(self.recorder.ops), []
        for module, frames in list(self._modes.values())[:max(0, self.limit - len(self.found))]:
            with contextlib.suppress(Exception):
                modes = "".join("T" if m.training else "E" for m in module.modules())
                found.append({"line": frames[0][0], "frames": frames, "name": "mode",
                              "value": f"{_layer(module)}: {modes}"[:MAX_TEXT], "after": after})
        return found

    def _wrapped(self, original: Any, attribute: str, describe: Any) -> Any:
        settings = self

        def wrapper(this, *args, **kwargs):
            outer = settings._depth == 0
            settings._depth += 1
            try:
                out = original(this, *args, **kwargs)
            finally:
                settings._depth -= 1
            if outer:
                with contextlib.suppress(Exception):  # recording never changes what the code does
                    settings._note(describe, this, args, kwargs, sys._getframe(1))
            return out

        wrapper.__name__, wrapper.__qualname__ = attribute, getattr(original, "__qualname__", attribute)
        return wrapper

    def _note(self, describe: Any, this: Any, args: tuple, kwargs: dict, caller: Any) -> None:
        recorder = self.recorder
        if len(self.found) >= self.limit or recorder._busy or _compiling():
            return
        frames = recorder._frames_from(caller)
        if not frames:
            return
        recorder._busy = True  # what describing it runs is not the code's
        try:
            found = describe(this, args, kwargs)
        finally:
            recorder._busy = False
        if found is not None and found[0] == "train":
            self._modes[id(this)] = (this, frames)
        if found is not None and found[0] in ("optimizer", "scheduler", ""):  # the line that set its learning rates
            optimizer = this if found[0] == "optimizer" else this.optimizer
            self._setters[id(optimizer)] = (frames, _lrs(optimizer))
        if found is not None and found[0]:
            name, value = found
            setting = {"line": frames[0][0], "frames": frames, "name": name, "value": value,
                       "after": len(recorder.ops)}
            if value is None:
                self._pending.append((setting, this))
            else:
                setting["value"] = value[:MAX_TEXT]
            self.found.append(setting)

    def _stepped(self, optimizer: Any, args: tuple, kwargs: dict) -> None:
        """Before an optimizer's step: the learning rates it steps with, as the k-th step the code took, at the
        line that set them (the optimizer made, a scheduler made or stepped); none where something else did
        (a param group written to)."""
        with contextlib.suppress(Exception):
            if len(self.found) >= self.limit or self.recorder._busy or _compiling() or \
                    not self.recorder._frames_from(sys._getframe(1)):
                return
            self._steps += 1
            frames, lrs = self._setters.get(id(optimizer), (None, None))
            if frames is not None and lrs == _lrs(optimizer):
                self.found.append({"line": frames[0][0], "frames": frames, "name": "step",
                                   "value": f"step {self._steps}: lr={lrs}", "after": len(self.recorder.ops)})


def _compiling() -> bool:
    from grader.judging.trace_values import _compiling as compiling

    return compiling()


def _module(module: Any, args: tuple, kwargs: dict) -> tuple[str, None] | None:
    """A torch layer made (a class of the code's own: none), described when the trace ends."""
    kind = type(module)
    if not kind.__module__.startswith("torch.nn."):
        return None
    return f"module_{kind.__name__}", None


def _mode(module: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    return "train", f"{_layer(module)}.train({bool(module.training)})"


def _frozen(module: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    flags = sorted({p.requires_grad for p in module.parameters()})
    return "requires_grad", f"{_layer(module)}.requires_grad_({flags})"


def _layer(module: Any) -> str:
    return f"{type(module).__name__}({module.extra_repr()})"


def _optimizer(optimizer: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    groups = []
    for group in optimizer.param_groups:
        params = list(group["params"])
        frozen = sum(not p.requires_grad for p in params)
        options = ", ".join(f"{k}={_option(v)}" for k, v in sorted(group.items()) if k != "params")
        groups.append(f"[{len(params)} params ({frozen} frozen), {sum(p.numel() for p in params)} values; {options}]")
    return "optimizer", f"{type(optimizer).__name__}: " + " ".join(groups)


def _scheduler(scheduler: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    return "scheduler", f"{type(scheduler).__name__}: lr={_lrs(scheduler.optimizer)}"


def _scheduled(scheduler: Any, args: tuple, kwargs: dict) -> tuple[str, None]:
    return "", None  # a scheduler stepped: not a setting of its own; the learning rates it set show at the next step


def _lrs(optimizer: Any) -> list[str]:
    return [_option(group["lr"]) for group in optimizer.param_groups]


def _option(value: Any) -> str:
    """An option as the effect it has: a number (a tensor's too) by its value, anything else by its type."""
    import torch

    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if type(value) in (int, float):
        return f"{float(value):.6g}"  # computed another way, the same number to 6 digits
    if type(value) in (bool, str, type(None)):
        return repr(value)
    if type(value) is tuple and all(type(v) in (int, float) for v in value):
        return "(" + ", ".join(f"{float(v):.6g}" for v in value) + ")"
    return type(value).__name__


def _loader(loader: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    """What decides the batches: their size, whether the last is dropped, the order (in order, or shuffled
    from which seed)."""
    sampler = getattr(loader.batch_sampler, "sampler", loader.sampler)
    size = getattr(loader.batch_sampler, "batch_size", loader.batch_size)
    drop = getattr(loader.batch_sampler, "drop_last", loader.drop_last)
    order = type(sampler).__name__
    if order == "RandomSampler":
        generator = sampler.generator or loader.generator
        order += f" seeded {generator.initial_seed()}" if generator is not None else " from the global generator"
    return "loader", f"batch_size={size}, drop_last={drop}, order={order}"
