"""Grading a whole class: find the submissions (plan), grade them on a warm pool, the
content-hash cache, and the gradebook files.

A front end: may import the engine and everything below it, never another front end.
"""
