"""Keeping learner code apart: everything that starts, limits, watches and ends learner processes.

Owns the learner's process (worker), the warm zygotes and pool that fork it, the
limits and process-tree clean-up, the in-process guard, the OS boundary a learner process
enters (boundary: namespaces, uid, Landlock; cgroup for a keeper), and how torch is set up in
every grading process. May import grader.judging (the worker runs probes) and the
base modules (errors, results); never the engine or a front end.
"""
