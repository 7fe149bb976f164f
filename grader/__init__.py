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
"""
