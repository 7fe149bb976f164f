"""`Check.transform`: what the trusted side makes of a probe's result before comparing.

For the reference and the known mistakes it runs in the trusted process. For a learner's
result it runs in a separate, bounded process under the same boundary as learner code
(`engine` asks the pool for an "inspect" job), because a transform may read data the
learner made, such as 07's checkpoint file with `torch.load(..., weights_only=True)`.
"""

from __future__ import annotations

from typing import Any


def transformed(check: Any, outcomes: list[dict]) -> list[dict]:
    """Apply the check's transform to every value outcome (errors pass through)."""
    if check.transform is None:
        return outcomes
    from grader.judging.encode import decode, encode

    result = []
    for outcome in outcomes:
        if "value" in outcome:
            try:
                outcome = {**outcome, "value": encode(check.transform(decode(outcome["value"])))}
            except Exception as exc:
                outcome = {"error": {"type": type(exc).__name__, "message": str(exc)[:1000], "frames": []}}
        result.append(outcome)
    return result
