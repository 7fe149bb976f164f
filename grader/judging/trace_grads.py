"""The gradients a backward() leaves for the values a `grader.judging.tracer.Recorder` recorded (the
gradient of what was differentiated with respect to each value the code computed, and each value it read
that requires one), for "where your values first differ" when only gradients differ
(`grader.judging.pointer_grads`): a value whose gradient differs while the gradients of every value
computed from it match is where the backward pass first goes wrong, at the line that used it.

A hook on each such tensor (at most `limit` of them, each kept once: the first backward's), as the
learner's process records it; what a hook runs is not the code's (never recorded), and a hook never
changes the gradient (it returns None) nor raises into the backward pass.
"""

from __future__ import annotations

import contextlib
from typing import Any

GRAD = 4  # an op's "state": the gradient left for the value of op inputs[0]
MAX_GRADS = 64


class Grads:
    def __init__(self, recorder: Any, limit: int = MAX_GRADS):
        self.recorder, self.limit = recorder, limit
        self.found: dict[int, dict] = {}  # op index -> the summary of its value's gradient (the first to arrive)
        self.hooked = 0
        self._handles: list = []

    def watch(self, index: int, tensor: Any) -> None:
        """Keep the gradient that arrives for `tensor`, the value of op `index`."""
        if self.hooked >= self.limit or not getattr(tensor, "requires_grad", False) or \
                not tensor.dtype.is_floating_point:
            return
        with contextlib.suppress(Exception):  # a tensor that takes no hooks: no gradient kept
            self._handles.append(tensor.register_hook(lambda grad, index=index: self._arrived(index, grad)))
            self.hooked += 1

    def close(self) -> None:
        """Remove every hook (when the recording ends: a tensor that outlives it keeps none)."""
        for handle in self._handles:
            with contextlib.suppress(Exception):
                handle.remove()
        self._handles.clear()

    def _arrived(self, index: int, grad: Any) -> None:
        from grader.judging.trace_values import summary

        if index in self.found or grad is None:
            return
        recorder = self.recorder
        busy, recorder._busy = recorder._busy, True  # what summarising it runs is not the code's
        with contextlib.suppress(Exception):  # tracing never changes what the code computes
            found = summary(grad, recorder.max_bytes - recorder.bytes)
            if found is not None:
                self.found[index] = found
                recorder.bytes += found["data"].numel() * found["data"].element_size() if found["data"] is not None \
                    else 0
        recorder._busy = busy

    def ops(self, forward: list[dict]) -> list[dict]:
        """The gradients as ops after the `forward` ones, in the order of the values they belong to."""
        return [{"line": forward[i]["line"], "frames": forward[i]["frames"], "inputs": [i], "fresh": False,
                 "state": GRAD, "name": "grad", **self.found[i]} for i in sorted(self.found) if i < len(forward)]
