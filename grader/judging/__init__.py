"""Deciding a verdict: run probes, encode what came back, compare it with the reference,
and explain the first difference with a hint.

May import only the base modules (errors, results); never isolation, the engine or a front end.
"""
