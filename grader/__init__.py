"""pytorch-tutor's grading engine.

At the top, shared by everything:
  errors     the one user-facing error type
  results    result values (JSON-serialisable dataclasses)
  course     find the course folder and its exercises (no torch)
  progress   the learner's progress file (no torch)
  kit        the declaration API instructors use to write checks
  engine     grade one exercise: learner process, reference outcomes, verdict

Sub-packages, each owning one job (their __init__ says what they may import):
  submission  what is graded: a .py file, or a notebook's cells as a script
  judging     probes, encoding, comparison, verdicts and hints
  isolation   starting, limiting, watching and ending learner processes
  frontends   rendering, watch, check --all, the learner's workspace
  classroom   grading a class into a gradebook
  notebooks   notebook export and `check("03")` inside a kernel
  authoring   `new` and `validate` for course authors

Imports run one way: front ends -> engine -> isolation -> judging -> base
(tests/test_layout.py enforces it).
"""


def check(exercise, course=None):
    """In a Jupyter notebook: grade what this notebook defined for `exercise` ("03"), in a separate
    process; shows the result and returns it (`.passed`). `course`: the course folder if not found from here."""
    from grader.notebooks.kernel import check as check_in_kernel

    return check_in_kernel(exercise, course)
