"""Jupyter front ends: writing an exercise as a notebook, and `check("03")` inside a kernel.

A front end: may import the engine, grader.submission and the renderer, never another front end.
"""
