"""A learner's source file as bytes: is it text the grader can read?"""

from __future__ import annotations


def text_problem(data: bytes) -> str:
    """What is wrong with `data` as a learner's .py or .ipynb file, as the words after its name
    ("is not a text file"), or "" when it is UTF-8 text."""
    if b"\0" in data:
        return "is not a text file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (byte {exc.start})"
    return ""
