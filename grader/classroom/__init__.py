"""Grading a whole class: find the submissions and read each once (plan, snapshot), grade
those copies on a warm pool (grading), the content-hash cache, the gradebook's entries
(gradebook) and files (bookfiles), and the summary.

A front end: may import the engine and everything below it, never another front end.
"""
