"""`pytorch-tutor server run|status|stop` for the course at hand."""

from __future__ import annotations

import json

from grader.errors import TutorError

ACTIONS = ("run", "status", "stop")


def server_command(root, action: str, idle: float | None) -> tuple[int, str]:
    """(exit status, what to print) for one action on the server of the course at `root`."""
    from grader.service import client, server

    if action not in ACTIONS:
        raise TutorError(f"There is no server action {action!r}.", hint="Choose one of: " + ", ".join(ACTIONS))
    if action == "run":
        if server.main(str(root), idle) != 0:
            raise TutorError(f"A grading server of {root} is running already.", hint="`pytorch-tutor server stop` ends it.", exit_code=1)
        return 0, "The grading server ended."
    reply = client.ask(root, {"kind": action}, seconds=10)
    if reply is None:
        return (1 if action == "status" else 0), f"No grading server of {root} is running."
    if action == "stop":
        return 0, f"Stopped the grading server of {root}."
    status = reply.get("status")
    return 0, json.dumps(status, indent=2) if isinstance(status, dict) else "The grading server sent no status."
