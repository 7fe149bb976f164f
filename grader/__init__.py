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


# In a notebook cell: `from grader import check, hint, progress, solution, init`. Each is a thin
# wrapper, so that importing grader imports neither torch nor the rest of the package.


def check(exercise, course=None):
    """In a Jupyter notebook: grade what this notebook defined for `exercise` ("03"), in a separate,
    warm, isolated process; shows the result and returns it (`.passed`). `course`: the course folder
    if it is not found from here."""
    from grader.notebooks.api import check as check_in_kernel

    return check_in_kernel(exercise, course)


def hint(exercise, function=None, course=None):
    """Show the next hint for `exercise` (for `function`: default, the one your last check failed on)."""
    from grader.notebooks.api import hint as show_hint

    return show_hint(exercise, function, course)


def progress(course=None):
    """Show every exercise of the course and your status in it."""
    from grader.notebooks.api import progress as show_progress

    return show_progress(course)


def solution(exercise, force=False, course=None):
    """Show the reference solution of `exercise`, once you have passed it (or with force=True)."""
    from grader.notebooks.api import solution as show_solution

    return show_solution(exercise, force, course)


def init(directory="pytorch-course", notebooks=True):
    """Create a course folder here (stubs, and a notebook per exercise) and make it this kernel's course."""
    from grader.notebooks.api import init as make_course

    return make_course(directory, notebooks)
