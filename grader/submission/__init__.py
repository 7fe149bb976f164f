"""What is graded: a learner's .py file, or a notebook's code cells turned into a script
whose frames map back to cells.

May import only the base modules (errors, results); the engine and the front ends use it.
"""
