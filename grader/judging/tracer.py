"""Record the tensor each torch operation produces while the code under test runs, with the line
of that code it came from, for "where your values first differ" (`grader.judging.where`).

It runs in the learner's process (only when a check failed on values, in a job of its own) and in
the trusted one (on the reference and the correct styles). A `TorchFunctionMode` sees each call as
the code wrote it (`x.amax(...)`, `torch.exp`, `F.linear` inside a layer), and what the code under
test runs inside a `backward()` (`grader.judging.trace_modes`), attributed to the innermost frames in
the file under test. Bounded: MAX_OPS values, MAX_BYTES of tensor data (small
tensors whole, larger ones as moments and samples). Never trusted for the verdict: the trusted side
validates it (`trace_schema`) and may only add a pointer to one of the learner's own lines.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from grader.judging.trace_grads import Grads
from grader.judging.trace_settings import MAX_SETTINGS, RANDOM, Settings
from grader.judging.trace_values import (MAX_BYTES, _compiling, _function, _in_layer_setup, _in_optimizer, _is_parameter,
                                        _modal, _name, _resolved, _tensors, _version, summary)

MAX_OPS = 256
MAX_CALLERS = 4  # frames in the file under test kept per op: its line, and the lines that called it
UNINITIALISED = {"empty", "empty_like", "new_empty", "empty_strided"}
CONVERSIONS = {"item", "tolist", "__float__", "__int__", "__index__"}
COMPUTED, STATE, CHANGED = 0, 1, 2  # an op's "state": computed here, read from outside, read again after a change


class Recorder:
    """The ops recorded while it is active (`with recorder:`), in the order they ran."""

    def __init__(self, files: list[str], max_ops: int = MAX_OPS, max_bytes: int = MAX_BYTES, max_grads: int = 0,
                 max_settings: int = MAX_SETTINGS):
        self.files = {str(Path(f).resolve()) for f in files}
        self.max_ops, self.max_bytes = max_ops, max_bytes
        self.ops: list[dict] = []
        self.known: dict[int, tuple[int, Any]] = {}  # id(tensor) -> (op index, the tensor, kept alive)
        self.bytes, self.truncated = 0, False
        self._state: dict[int, int] = {}  # id(tensor read from outside) -> its version when last recorded
        self._versions: dict[int, int] = {}  # id(tensor recorded) -> its version when recorded
        self._files: dict[str, bool] = {}
        self._mode = None
        self.outer: set[int] | None = None  # during a backward() call: ids of the frames that called it
        self.numbers: list[int] = []  # the ops that are Python numbers the code returned
        self.converted: set[int] = set()  # the ops whose values the code turned into Python numbers
        self._returns = None
        self._busy = False
        self._base = None  # while active: the frame that entered it (a walk up the stack ends there)
        self._grads = Grads(self, max_grads) if max_grads else None
        self._settings = Settings(self, max_settings)

    def __enter__(self) -> "Recorder":
        from grader.judging.trace_modes import function_mode

        from grader.judging.trace_returns import Returns

        self._mode, self._returns = function_mode(self), Returns(self)
        self._base = sys._getframe(1)
        self._settings.__enter__()
        self._mode.__enter__()
        self._returns.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._returns.__exit__(*exc)
        self._mode.__exit__(*exc)
        self._settings.__exit__(*exc)
        self._base = None
        if self._grads is not None:
            self._grads.close()

    def trace(self, result: Any, case: int) -> dict:
        import torch

        outputs = self.outputs(result)
        for i in self.numbers:
            self.ops[i]["data"] = torch.tensor(float(self.ops[i]["data"]), dtype=torch.float64)
        grads = self._grads.ops(self.ops) if self._grads else []
        return {"case": case, "ops": self.ops + grads, "outputs": outputs, "truncated": self.truncated,
                "settings": self._settings.settings(), "returned": self._returns.returned() if self._returns else []}

    def frames(self) -> list[list]:
        """[[line, function], ...] of the frames in the files under test, innermost first (at most MAX_CALLERS);
        none during a backward() call when the innermost is one that called it (the engine's own work)."""
        return self._frames_from(sys._getframe(2), self.outer)

    def frames_at(self, line: int, frame: Any) -> list[list]:
        """[[line, function], ...]: `line` of `frame`'s function, then the frames under test that called it."""
        return [[line, _function(frame)]] + self._frames_from(frame.f_back)[:MAX_CALLERS - 1]

    def _frames_from(self, frame: Any, outer: set | None = None) -> list[list]:
        found = []
        while frame is not None and len(found) < MAX_CALLERS:
            if self.mine(frame.f_code.co_filename):
                if not found and outer is not None and id(frame) in outer:
                    return []
                found.append([frame.f_lineno, _function(frame)])
            if frame is self._base:  # the frame that entered: the frames below it only called the engine
                break
            frame = frame.f_back
        return found

    def mine(self, name: str) -> bool:
        """Whether code of file `name` is under test."""
        found = self._files.get(name)
        if found is None:
            found = self._files[name] = _resolved(name) in self.files
        return found

    def record(self, func: Any, args: tuple, kwargs: dict, out: Any) -> None:
        if self.truncated or self._busy or getattr(func, "__name__", "") in UNINITIALISED or _compiling():
            return
        frames = self.frames()
        if not frames:
            return
        if getattr(func, "__name__", "") in CONVERSIONS and args and self._seen(args[0]):
            self.converted.add(self.known[id(args[0])][0])  # `loss.item()`: a number made from that op's value
        if out is None and getattr(func, "__name__", "") == "__setitem__" and args:
            out = args[0]  # `x[i] = v` changed x: its new value is a value the code computed
        given, made = _tensors((args, kwargs), depth=3), _tensors(out, depth=1)  # torch.cat([a, b]) reads a and b
        made = [t for t in made if not self._unchanged(t)]  # `p.grad`, `x.float()` of a float: a value already recorded
        caller = sys._getframe(2)
        if not made or _in_layer_setup(caller):
            return  # `w.dim()` (no value used), a layer's first weights and buffers (state where the code reads them)
        if _name(func) in RANDOM:
            self._settings.drawn(_name(func), kwargs.get("generator"), frames)
        for read in (t for t in given if not self._seen(t) and all(t is not m for m in made)):
            before = self._state.get(id(read))  # a value from outside (an argument, a layer's weights or buffers)
            if before != read._version:  # as read now: never computed here, never blamed (STATE; CHANGED once an
                self._state[id(read)] = read._version  # optimizer or a layer changed it in place during the run)
                self._add(frames, [], False, read, state=STATE if before is None else CHANGED)
        inputs = sorted({self.known[id(t)][0] for t in given if self._seen(t)})
        # an optimizer's values (its hyperparameters are plain numbers, unseen) and a layer's batch norm or
        # dropout (its mode and statistics set elsewhere) are like state changed during the run
        kind = CHANGED if _in_optimizer(caller) or _modal(func, caller) else COMPUTED
        for tensor in made:
            self._add(frames, inputs, not given, tensor, state=kind, name=_name(func))

    def record_grads(self, args: tuple, before: bool = False) -> None:
        """Around a `backward()` call: the gradients it left on the tensors recorded so far (a leaf's `.grad`),
        computed at the calling line from the value it was called on (and from the gradient it added to); what
        reads them (an optimizer, clipping) then links to them, so a gradient that differs (a loss not divided)
        is named there. `before`: a gradient already there that was never recorded (left from outside) is read
        from outside here, and one added to it is that value changed during the run (never blamed itself)."""
        frames = self.frames()
        if frames and not before:
            self._settings.backwards += 1  # where each zero_grad(), clipping and step comes among them
        if not frames or self.truncated:
            return
        root = sorted({self.known[id(t)][0] for t in _tensors(args, depth=1) if self._seen(t)})
        for _, tensor in list(self.known.values()):
            grad = tensor.grad if tensor.is_leaf and tensor.requires_grad else None
            if grad is None or self._unchanged(grad) or (before and self._seen(grad)):
                continue
            prior = [self.known[id(grad)][0]] if self._seen(grad) else []
            outside = before or any(self.ops[i]["state"] in (STATE, CHANGED) for i in prior)  # added to one from outside
            self._add(frames, [] if before else root + prior, False, grad, state=STATE if before else
                      CHANGED if outside else COMPUTED)

    def outputs(self, result: Any) -> list[int]:
        """For each tensor or number the probe returned, in order: the op that made it, or -1."""
        from grader.judging.trace_returns import places

        return places(self, result)

    def add_number(self, number: Any, line: int, frame: Any, start: int) -> None:
        """A Python number the code returned, made at `line` of `frame`'s function (kept as a float until
        `trace()`: making a tensor here, inside the traced code, would be traced). Its inputs, as near as
        can be told: the values this call of the function turned into numbers, and the numbers the
        functions it called returned (ops `start` on)."""
        from grader.judging.trace_returns import NUMBER

        if len(self.ops) >= self.max_ops:
            self.truncated = True
            return
        frames = self.frames_at(line, frame)
        inputs = [i for i in range(start, len(self.ops)) if i in self.converted or i in self.numbers]
        inputs = inputs if len(inputs) <= 64 else inputs[:32] + inputs[-32:]
        self.numbers.append(len(self.ops))
        self.ops.append({"line": line, "frames": frames, "inputs": inputs, "fresh": False, "state": NUMBER,
                         "name": "", "shape": [], "dtype": "torch.float64", "data": number, "stats": None})

    def add_made(self, tensor: Any, line: int, frame: Any) -> None:
        """A tensor the code returned that no traced op made (`torch.Tensor([...])`), made at `line` of `frame`'s
        function (`grader.judging.trace_returns`)."""
        self._busy = True  # what summarising it runs is not the code's
        try:
            self._add(self.frames_at(line, frame), [], True, tensor)
        finally:
            self._busy = False

    def _unchanged(self, t: Any) -> bool:
        """Whether `t` is a tensor recorded already, unchanged since (its op stays the one later reads link to)."""
        version = _version(t)
        return version is not None and self._seen(t) and self._versions.get(id(t)) == version

    def _seen(self, t: Any) -> bool:
        entry = self.known.get(id(t))
        return entry is not None and entry[1] is t

    def _add(self, frames: list[list], inputs: list[int], fresh: bool, tensor: Any, state: int = COMPUTED,
             name: str = "") -> None:
        if len(self.ops) >= self.max_ops:
            self.truncated = True
            return
        if _is_parameter(tensor) and not state:
            return  # a layer's weights made or updated in place: recorded as state where the code reads them
        found = summary(tensor, self.max_bytes - self.bytes)  # raising (an odd tensor): record() leaves it out
        if found is None:
            return
        if found["data"] is not None:
            self.bytes += found["data"].numel() * found["data"].element_size()
        self._versions[id(tensor)] = _version(tensor)
        self.known[id(tensor)] = (len(self.ops), tensor)
        self.ops.append({"line": frames[0][0], "frames": frames, "inputs": inputs, "fresh": fresh, "state": state,
                         "name": name, **found})
        if self._grads is not None and state in (COMPUTED, STATE):
            self._grads.watch(len(self.ops) - 1, tensor)
