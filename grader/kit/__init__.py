"""The declaration API for exercise authors: `from grader.kit import Check, with_gradients, ...`.

An exercise's `reference/NN_name/checks.py` declares:

    HINTS = {"softmax": ["a nudge", "the API to use", "nearly the answer"], ...}   # a ladder per function
    CHECKS = [Check(...), ...]                                                      # what to run and compare

and each known mistake is a learner-style file `reference/NN_name/mistakes/<name>.py` with a
`HINT = "..."` line. A `Check` runs a *probe* on the learner's module and on the reference with
the same inputs; the grader compares what the probes return (type, shape, dtype, device, values,
gradients). checks.py is loaded in the learner's process too (the probes run there), so it must
hold nothing that behaves like the reference. See docs/authoring.md.
"""

from grader.kit.check import Check
from grader.kit.probes import backpropagate, fill_parameters, grads_by_shape, parameter_shapes, short_repr, with_gradients

__all__ = ["Check", "backpropagate", "fill_parameters", "grads_by_shape", "parameter_shapes", "short_repr", "with_gradients"]
