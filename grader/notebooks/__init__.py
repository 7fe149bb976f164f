"""Jupyter front ends: writing an exercise as a notebook (export), and the calls a notebook cell
makes (api: check, hint, progress, solution, init). `check("03")` takes the cells the kernel ran
(kernel) to the kernel's grading server (client, on the kernel's side; server, a separate trusted
process with a warm pool), and shows the result (display: HTML, or plain text).

A front end: may import the engine, grader.submission and the renderers, never another front end;
api is an entry point (like cli.py) and may.
"""
