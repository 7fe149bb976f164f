"""The individual soundness checks `validate` runs on one exercise. Each returns Problems,
made with `problem(file, declaration, message)`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from grader.course import Course, Exercise

MIN_LADDER = 2  # hints per function: a nudge, then nearly the answer
MIN_SINGLE_LADDER = 3  # an exercise with one list for everything
KINDS = {"type", "length", "keys", "shape", "dtype", "device", "requires_grad", "values", "unreadable", "raised", "forbidden"}


def static_problems(exercise: Exercise, checks: Any, reference: Any, problem) -> list:
    from grader.judging.hints import WHOLE, ladders
    from grader.judging.spy import resolve

    found = _ladder_problems(exercise, checks, ladders(exercise.checks), WHOLE, problem)
    names = [c.name for c in checks.CHECKS]
    for name in sorted({n for n in names if names.count(n) > 1}):
        found.append(problem(exercise.checks, f"CHECKS {name!r}", "the name is used more than once"))
    known = set(names) | {c.target for c in checks.CHECKS}
    for check in checks.CHECKS:
        decl = f"CHECKS {check.name!r}"
        if not hasattr(reference, check.target):
            found.append(problem(exercise.solution, decl, f"target `{check.target}` is not defined in the reference"))
        for name in check.forbid:
            try:
                resolve(name)
            except (ImportError, AttributeError):
                found.append(problem(exercise.checks, decl, f"forbid names {name!r}, which does not exist"))
        found += [problem(exercise.checks, decl, f"depends_on names {d!r}, which is no check and no target")
                  for d in check.depends_on if d not in known]
    found += _file_problems(exercise, problem)
    return found


def _ladder_problems(exercise: Exercise, checks: Any, found: dict, whole: str, problem) -> list:
    if whole in found:
        short = len(found[whole]) < MIN_SINGLE_LADDER
        return [problem(exercise.checks, "HINTS", f"needs at least {MIN_SINGLE_LADDER} hints, from a nudge to nearly the answer")] if short else []
    out = []
    for target in dict.fromkeys(c.target for c in checks.CHECKS):
        if len(found.get(target, [])) < MIN_LADDER:
            out.append(problem(exercise.checks, f"HINTS[{target!r}]", f"needs a ladder of at least {MIN_LADDER} hints for `{target}`"))
    return out


def _file_problems(exercise: Exercise, problem) -> list:
    from grader.judging.mistakes import mistake_files

    found = []  # the stub's own bar: grader.authoring.bar
    for mistake in mistake_files(exercise.mistakes):
        if not mistake.hint:
            found.append(problem(mistake.path, "HINT", 'needs a line `HINT = "..."`: what the learner is told'))
        elif mistake.unreviewed:
            found.append(problem(mistake.path, "HINT", "is a draft mined from a class: read its code, write the hint "
                                 "the learner is told, and name the file after the mistake"))
    return found


def case_problems(exercise: Exercise, problem) -> list:
    """Cases must not depend on the global random state at the time the checks module is imported."""
    from grader.judging.encode import encode
    from grader.judging.loader import load_module
    from grader.judging.matching import same_outcome
    from grader.judging.probe import seed_everything

    seen = []
    for seed in (1, 2):
        seed_everything(seed)
        module = load_module(exercise.checks, f"pytorch_tutor_validate_{exercise.id}_{seed}")
        seen.append({c.name: [{"value": encode(list(a))} for a in c.cases()] for c in module.CHECKS})
    found = []
    for name, cases in seen[0].items():
        for i, (a, b) in enumerate(zip(cases, seen[1].get(name, []))):
            if not same_outcome(a, b):
                found.append(problem(exercise.checks, f"CHECKS {name!r}", f"case {i + 1} changes with the global random state "
                                     "when the checks module is imported: build random inputs from the generator `random=` "
                                     "receives, or inside the probe"))
                break
    return found


def reference_problems(course: Course, exercise: Exercise, checks: Any, pool, problem, graded: list | None = None) -> list:
    """The reference passes every check, twice alike; `graded` gets the first result (the warm pool's path)."""
    from grader.engine import check_exercise
    from grader.judging.reference import reference_outcomes

    first = check_exercise(course, exercise, exercise.solution, pool=pool)
    if graded is not None:
        graded.append(first)
    if first.status == "error":
        return [problem(exercise.solution, "", f"the reference cannot be graded: {first.message}")]
    found = [problem(exercise.solution, f"CHECKS {c.name!r}", f"the reference fails its own check: {c.message}")
             for c in first.checks if not c.passed]
    second = check_exercise(course, exercise, exercise.solution, pool=pool)
    if _comparable(first) != _comparable(second):
        found.append(problem(exercise.checks, "CHECKS", "grading is not deterministic: two runs of the reference differ"))
    expected = reference_outcomes(exercise)[2]
    for check in checks.CHECKS:
        called = sorted({n for o in expected[check.name] for n in o.get("forbidden", [])})
        if called:
            found.append(problem(exercise.solution, f"CHECKS {check.name!r}", f"the reference calls what it forbids: {called}"))
        found += _hint_key_problems(exercise, check, expected[check.name], problem)
    return found


def _hint_key_problems(exercise: Exercise, check: Any, outcomes: list, problem) -> list:
    keys = {str(k) for o in outcomes if "value" in o and isinstance(o["value"], dict) for k in o["value"].get("keys", [])}
    bad = [h for h in check.hints if h not in KINDS and h not in keys
           and not (h.rpartition(".")[0] in keys and h.rpartition(".")[2] in KINDS)]  # "key.kind": both must exist
    return [problem(exercise.checks, f"CHECKS {check.name!r}", f"hints key {h!r} is neither a result key ({sorted(keys)}) "
                    f"nor a kind of difference ({sorted(KINDS)})") for h in bad]


def stub_problems(course: Course, exercise: Exercise, pool, problem) -> list:
    from grader.engine import check_exercise

    result = check_exercise(course, exercise, exercise.stub, pool=pool)
    if result.status == "error":
        return [problem(exercise.stub, "", f"the untouched stub cannot be graded: {result.message}")]
    passing = [problem(exercise.stub, f"CHECKS {c.name!r}", "the untouched stub passes this check; it must fail until "
                       "the learner writes code") for c in result.checks if c.passed]
    return passing + [problem(exercise.stub, f"CHECKS {c.name!r}", f"the untouched stub fails this check with \"{c.message}\", "
                              "not \"not implemented yet\": its target must `raise NotImplementedError`")
                      for c in result.checks if not c.passed and not c.message.startswith("not implemented yet")]


def style_problems(course: Course, exercise: Exercise, pool, problem) -> list:
    found = []
    for style, result in zip(exercise.styles, _graded(course, exercise, exercise.styles, pool)):
        failing = [f"{c.name}: {c.message}" for c in result.checks if not c.passed]
        if result.status != "passed":
            found.append(problem(style, "", f"a correct style fails: {result.message or '; '.join(failing)}"))
    return found


def _graded(course: Course, exercise: Exercise, files: list, pool) -> list:
    """`files` graded as learners' files, as many at a time as the pool has zygotes (one without a pool)."""
    from concurrent.futures import ThreadPoolExecutor

    from grader.engine import check_exercise

    with ThreadPoolExecutor(getattr(pool, "size", 1)) as threads:
        return list(threads.map(lambda file: check_exercise(course, exercise, file, pool=pool, point=False), files))


def mistake_problems(course: Course, exercise: Exercise, checks: Any, pool, problem) -> list:
    """Every mistake fails a check with its own hint: on the trusted side, and as a learner's file."""
    from grader.judging.reference import mistake_book, reference_outcomes
    from grader.judging.verdict import judge_all

    expected, book = reference_outcomes(exercise)[2], mistake_book(exercise)
    found, loaded = [], []
    for mistake in book.mistakes:
        if book.module(mistake) is None:
            found.append(problem(mistake.path, "", "the mistake file cannot be loaded on top of the reference"))
            continue
        outcomes = {c.name: book.outcomes(mistake, c) for c in checks.CHECKS}
        found += _recognised(mistake, judge_all(checks.CHECKS, expected, outcomes, book), "", problem)
        loaded.append(mistake)
    for mistake, verdicts in zip(loaded, _as_learner(course, exercise, loaded, pool)):
        found += _recognised(mistake, verdicts, " when graded as a learner's file", problem)
    return found


def _recognised(mistake, verdicts: list, how: str, problem) -> list:
    failing = [v for v in verdicts if not v.passed]
    if not failing:
        return [problem(mistake.path, "", f"is not detected{how}: it passes every check")]
    if any(v.mistake == mistake.name and v.hint == mistake.hint for v in failing):
        return []
    others = sorted({v.mistake for v in failing if v.mistake})
    why = f"it is taken for {', '.join(others)}" if others else "it gets the generic hint"
    return [problem(mistake.path, "", f"fails{how}, but never with its own hint: {why}")]


def _as_learner(course: Course, exercise: Exercise, mistakes: list, pool) -> list:
    """Each mistake's checks when its file (composed onto the reference) is graded as a learner's."""
    from grader.judging.mistakes import composed_source

    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-validate-") as tmp:
        files = []
        for i, mistake in enumerate(mistakes):
            learner = Path(tmp) / str(i) / f"{exercise.id}.py"
            learner.parent.mkdir()
            learner.write_text(composed_source(mistake.path, exercise.solution), encoding="utf-8")
            files.append(learner)
        return [result.checks for result in _graded(course, exercise, files, pool)]


def _comparable(result: Any) -> list:
    from dataclasses import asdict

    return [asdict(c) for c in result.checks]
