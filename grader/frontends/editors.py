"""Editor integration files that `init` writes into a new course folder.

`.vscode/tasks.json` holds a "check this exercise" task: it runs `pytorch-tutor check` on the
open exercise file with `--format diagnostics`, and its problem matcher turns each line into a
squiggle in the Problems panel. An existing tasks.json is the learner's and is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.frontends.diagnostics import PATTERN

TASK_LABEL = "check this exercise"


def vscode_tasks(command: str = "pytorch-tutor") -> dict:
    """The tasks.json document: one test task and its problem matcher."""
    matcher = {
        "owner": "pytorch-tutor",
        "source": "pytorch-tutor",
        "fileLocation": ["autoDetect", "${workspaceFolder}"],
        "pattern": {"regexp": PATTERN, "file": 1, "line": 2, "column": 3, "severity": 4, "message": 5},
    }
    task = {
        "label": TASK_LABEL,
        "type": "shell",
        "command": command,
        "args": ["check", "${fileBasenameNoExtension}", "--format", "diagnostics"],
        "options": {"cwd": "${workspaceFolder}"},
        "group": {"kind": "test", "isDefault": True},
        "presentation": {"reveal": "silent", "clear": True},
        "problemMatcher": matcher,
    }
    return {"version": "2.0.0", "tasks": [task]}


def write_editor_files(course_root: Path, command: str = "pytorch-tutor") -> Path | None:
    """Write `.vscode/tasks.json` under the course folder unless one exists; its path, or None if kept."""
    target = course_root / ".vscode" / "tasks.json"
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(vscode_tasks(command), indent=2) + "\n", encoding="utf-8")
    return target
