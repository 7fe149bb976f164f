"""pytorch-tutor's grading engine.

Modules, one job each:
  course    find the course folder and its exercises (no torch)
  progress  the learner's progress file (no torch)
  hints     progressive hints and generic hints by kind of mistake (no torch)
  kit       the declaration API instructors use to write checks
  encode    turn any value into plain data that can cross a process boundary
  compare   compare two encoded values and describe the first difference
  probe     run a module's checks and record what came back
  worker    the learner's process: loads their file, runs the probes
  sandbox   starts the worker with limits and collects what it left
  engine    decides pass/fail from reference and learner results
  results   result values (JSON-serialisable dataclasses)
  render    shows results in a terminal or as plain text
  notebook  notebooks: export an exercise, grade a .ipynb with errors pointing at cells
  kernel    `check("03")` inside a notebook (imported only when called)
"""


def check(exercise, course=None):
    """In a Jupyter notebook: grade what this notebook defined for `exercise` ("03"), in a separate
    process; shows the result and returns it (`.passed`). `course`: the course folder if not found from here."""
    from grader.kernel import check as check_in_kernel

    return check_in_kernel(exercise, course)

