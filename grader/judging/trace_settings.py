"""The settings the code under test chose, recorded by a `grader.judging.tracer.Recorder` beside its ops, for
"where your values first differ" when no value says, or before the first wrong value
(`grader.judging.pointer_settings`): a torch layer made (its class and `extra_repr()`); a module's mode set
(`train()`, `eval()`) and the modes it ends the run with (or, none set, is returned in); its parameters frozen
(`requires_grad_()`); an optimizer made (its class, each param group's options and how many parameters,
frozen ones among them, it holds); a scheduler made; a data loader made (its batch size, its sampler, the seed
its shuffle draws from); a checkpoint saved (the shape of what `torch.save` got); a grad mode entered
(`torch.no_grad()`, `torch.inference_mode()`); the type of a module or other torch object returned (a
device's or dtype's value);
each optimizer step's learning rates, at the line that set them (the optimizer or a scheduler made, a
scheduler stepped); where each zero_grad(), clipping and scheduler step came among the steps and backward()
calls; and each random draw (from which generator, seeded how, leaving it in which state). The kinds are
described in `grader.judging.trace_setting_kinds`.

While recording, those methods of torch are wrapped (and put back after): each call made from a line of
the files under test (the innermost one, as for an op) is one setting, described by the effect it had.
Bounded: MAX_SETTINGS of them, each description at most MAX_TEXT characters. What a wrapper does never
changes what the call does or returns; a description that cannot be made leaves the setting out.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from grader.judging.trace_setting_kinds import MAX_TEXT, ORDER, layer_text, learning_rates, wrapped
from grader.judging.trace_values import _compiling

MAX_SETTINGS = 64
RANDOM = {"rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like", "multinomial", "normal",
          "bernoulli", "uniform", "random", "exponential", "poisson", "geometric", "cauchy", "log_normal"}


class Settings:
    """While active: the settings made by code of `recorder`'s files, in `found` ({"line", "frames", "name",
    "value", "after": how many ops were recorded before it} each)."""

    def __init__(self, recorder: Any, limit: int = MAX_SETTINGS):
        self.recorder, self.limit = recorder, limit
        self.found: list[dict] = []
        self._pending: list[tuple[dict, Any]] = []  # (a layer's setting, the layer): described once it is made
        self._saved: list[tuple] = []
        self._depth = 0  # inside a wrapped call: what it calls itself (train() of each child) is its own
        self._setters: dict[int, tuple[list, list]] = {}  # id(optimizer) -> (frames, lrs) of the line that set them
        self._steps = 0  # optimizer steps taken by the code
        self._modes: dict[int, tuple[Any, list]] = {}  # id(module) -> (the module, frames of the last train() on it)
        self.backwards = 0  # backward() calls of the code's since its last optimizer step
        self._counts: dict[str, int] = {}  # name -> how many of those settings in order were made
        self._hook = None

    def __enter__(self) -> "Settings":
        try:
            self._install()
        except Exception:  # a torch without one of them: no settings, and nothing left wrapped
            self.__exit__()
        return self

    def _install(self) -> None:
        from torch.optim.optimizer import register_optimizer_step_pre_hook

        targets = wrapped()
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
                    setting["value"] = layer_text(module)[:MAX_TEXT]
        finally:
            self.recorder._busy = False
        self._pending = []
        return [s for s in self.found if s["value"] is not None] + self._final_modes()

    def returned(self, value: Any, frames: list[list]) -> None:
        """A module, or another of torch's objects, the code returned at the line of `frames`: its type (a device's
        or dtype's value) is chosen there, and, where the code set none of a module's modes, the modes it goes out
        in (as it was made or given)."""
        import torch

        with contextlib.suppress(Exception):
            if len(self.found) >= self.limit:
                return
            text = f"{type(value).__name__}: {value}" if isinstance(value, (torch.device, torch.dtype)) else \
                type(value).__name__
            found = [("returned", text)]
            if isinstance(value, torch.nn.Module) and not any(id(m) in self._modes for m in value.modules()):
                found.append(("mode", f"{layer_text(value)}: {_modes(value.modules())}"))
            for name, text in found[:self.limit - len(self.found)]:
                self.found.append({"line": frames[0][0], "frames": frames, "name": name, "value": text[:MAX_TEXT],
                                   "after": len(self.recorder.ops)})

    def _final_modes(self) -> list[dict]:
        """The mode each module the code set one of (`train()`, `eval()`) ends the run with, with each of its
        submodules' (`T` train, `E` eval), at the line that last set it."""
        after, found = len(self.recorder.ops), []
        for module, frames in list(self._modes.values())[:max(0, self.limit - len(self.found))]:
            with contextlib.suppress(Exception):
                found.append({"line": frames[0][0], "frames": frames, "name": "mode",
                              "value": f"{layer_text(module)}: {_modes(module.modules())}"[:MAX_TEXT], "after": after})
        return found

    def _wrapped(self, original: Any, attribute: str, describe: Any) -> Any:
        settings = self

        def wrapper(*args, **kwargs):
            outer = settings._depth == 0
            settings._depth += 1
            try:
                out = original(*args, **kwargs)
            finally:
                settings._depth -= 1
            if outer:
                with contextlib.suppress(Exception):  # recording never changes what the code does
                    settings._note(describe, args[0] if args else None, args[1:], kwargs, sys._getframe(1))
            return out

        wrapper.__name__, wrapper.__qualname__ = attribute, getattr(original, "__qualname__", attribute)
        return wrapper

    def _note(self, describe: Any, this: Any, args: tuple, kwargs: dict, caller: Any) -> None:
        recorder = self.recorder
        if len(self.found) >= self.limit or recorder._busy or _compiling():
            return
        frames = recorder._frames_from(caller)
        if not frames or (getattr(describe, "direct", False) and not recorder.mine(caller.f_code.co_filename)):
            return
        recorder._busy = True  # what describing it runs is not the code's
        try:
            found = describe(this, args, kwargs)
        finally:
            recorder._busy = False
        if found is None:
            return
        name, value = found
        if name == "train":
            self._modes[id(this)] = (this, frames)
        if name in ("optimizer", "scheduler", "scheduler_step"):  # the line that set its learning rates
            optimizer = this if name == "optimizer" else this.optimizer
            self._setters[id(optimizer)] = (frames, learning_rates(optimizer))
        if value is ORDER:  # the n-th of its kind: where it came among the steps and backward() calls
            self._counts[name] = self._counts.get(name, 0) + 1
            value = f"#{self._counts[name]}: after {self._steps} steps, {self.backwards} backward since the last"
        setting = {"line": frames[0][0], "frames": frames, "name": name, "value": value, "after": len(recorder.ops)}
        if value is None:
            self._pending.append((setting, this))
        else:
            setting["value"] = value[:MAX_TEXT]
        self.found.append(setting)

    def drawn(self, name: str, generator: Any, frames: list[list]) -> None:
        """A random op at the line of `frames`: the n-th draw, from which generator (one of the code's own or the
        global one), seeded how, and the state it left that generator in (what every later draw depends on)."""
        import zlib

        import torch

        with contextlib.suppress(Exception):
            if len(self.found) >= self.limit:
                return
            source = generator if isinstance(generator, torch.Generator) else torch.default_generator
            state = zlib.crc32(source.get_state().numpy().tobytes())
            self._counts["draw"] = self._counts.get("draw", 0) + 1
            value = (f"#{self._counts['draw']}: {name} from {'its own' if source is generator else 'the global'} "
                     f"generator seeded {source.initial_seed()}, leaving it at {state:08x}")
            self.found.append({"line": frames[0][0], "frames": frames, "name": "draw", "value": value,
                               "after": len(self.recorder.ops)})

    def _stepped(self, optimizer: Any, args: tuple, kwargs: dict) -> None:
        """Before an optimizer's step: the learning rates it steps with, as the k-th step the code took, at the
        line that set them (the optimizer made, a scheduler made or stepped); none where something else did
        (a param group written to)."""
        with contextlib.suppress(Exception):
            if len(self.found) >= self.limit or self.recorder._busy or _compiling() or \
                    not self.recorder._frames_from(sys._getframe(1)):
                return
            self._steps, self.backwards = self._steps + 1, 0
            frames, lrs = self._setters.get(id(optimizer), (None, None))
            if frames is not None and lrs == learning_rates(optimizer):
                self.found.append({"line": frames[0][0], "frames": frames, "name": "step",
                                   "value": f"#{self._steps}: lr={lrs}", "after": len(self.recorder.ops)})


def _modes(modules: Any) -> str:
    return "".join("T" if m.training else "E" for m in modules)
