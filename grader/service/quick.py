"""The `pytorch-tutor` console script: a warm grading server may answer before typer is imported
(`grader.service.handover`); everything else is the full command line, cli.py."""

from __future__ import annotations

import sys


def main() -> None:
    from grader import interrupts
    from grader.service.handover import grade_here, hand_over, prestart

    interrupts.install()  # before any work: a Ctrl-C that code not ours drops is still noted
    hand_over(sys.argv[1:])
    prestart(sys.argv[1:])
    grade_here(sys.argv[1:])  # a single cold check: without typer
    from cli import main as command_line

    command_line()
