"""Result values. A failing exercise is a result, not an exception.

Everything here is plain data and serialises to JSON with `to_dict`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

PASSED, FAILED, ERROR = "passed", "failed", "error"  # error: the code could not be graded


@dataclass
class CheckResult:
    name: str
    passed: bool
    points: float = 1.0
    call: str = ""  # what was called, with what
    message: str = ""  # what went wrong, in one line
    expected: str = ""
    got: str = ""
    hint: str = ""
    mistake: str = ""  # the known mistake recognised, if any
    traceback: list[list] = field(default_factory=list)  # learner frames: [file, line, function, code]
    target: str = ""  # the function under test, whose hint ladder `pytorch-tutor hint` climbs
    differs_at: str = ""  # where the learner's values first differ: one line of their file (grader.judging.where)

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0


@dataclass
class ExerciseResult:
    exercise: str
    title: str
    status: str  # passed | failed | error
    checks: list[CheckResult] = field(default_factory=list)
    message: str = ""  # why it could not be graded, for status "error"
    hint: str = ""
    file: str = ""
    traceback: list[list] = field(default_factory=list)
    output: str = ""  # what the learner's code printed (capped)
    elapsed: float = 0.0
    isolation: list[str] = field(default_factory=list)  # the OS layers in force around the learner's process
    limit: str = ""  # for status "error": the limit the run hit ("time", "memory", "process"), which says nothing of the code's correctness

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks) if self.status != ERROR else 0.0

    @property
    def focus(self) -> str:
        """The function of the first failing check: where the learner's next hint is."""
        return next((c.target for c in self.checks if not c.passed), "")

    @property
    def not_started(self) -> bool:
        """Every check still says "not implemented yet": the learner has not begun (an untouched stub)."""
        return bool(self.checks) and all(c.message.startswith("not implemented yet") for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.checks)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(passed=self.passed, score=self.score, max_score=self.max_score)
        for check, raw in zip(self.checks, data["checks"]):
            raw["score"] = check.score
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> "ExerciseResult":
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["checks"] = [
            CheckResult(**{k: v for k, v in c.items() if k in CheckResult.__dataclass_fields__})
            for c in data.get("checks", [])
        ]
        return cls(**fields)


def exit_status(results: list[ExerciseResult]) -> int:
    """`check`'s exit status: 0 every one passed; 1 one failed (graded: a check failed, or the code cannot
    run); 3 none failed but one was stopped by a time, memory or process limit (no verdict: check again)."""
    if all(r.passed for r in results):
        return 0
    return 3 if all(r.passed or r.limit for r in results) else 1
