"""`pytorch-tutor doctor`: which layers of the OS boundary around learner code this machine
supports, and for each one it does not, why (from `grader.isolation.boundary.detect`).

Plain text when piped or NO_COLOR is set, like `grader.frontends.render`. No torch.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.frontends.render import table_box
from grader.isolation import landlock_rules
from grader.isolation.layers import DESCRIPTIONS, Layers


def doctor_report(layers: Layers, backend: str = "linux", wall: str | None = None) -> dict:
    """The report as plain data (for --json): a row per layer, in the order they are applied."""
    names = list(DESCRIPTIONS) + [name for name in (*layers.in_force, *dict(layers.missing)) if name not in DESCRIPTIONS]
    rows = []
    for name in dict.fromkeys(names):
        if name in layers.in_force:
            rows.append({"layer": name, "supported": True, "detail": DESCRIPTIONS.get(name, "")})
        elif (why := layers.why_missing(name)) is not None:
            rows.append({"layer": name, "supported": False, "detail": why})
    return {"layers": rows, "writable": layers.writable, "landlock_abi": landlock_rules.ABI, "backend": backend,
            "file_system_wall": wall}


def show_doctor(console: Console, report: dict) -> None:
    table = Table(box=table_box(console), title="pytorch-tutor doctor: the boundary around learner code", title_justify="left")
    for name in ("layer", "here", "what it does, or why it is missing"):
        table.add_column(name, no_wrap=name != "what it does, or why it is missing")
    for row in report["layers"]:
        here = Text("yes", style="green") if row["supported"] else Text("no", style="red")
        table.add_row(row["layer"], here, Text(row["detail"]))
    console.print(table)
    supported = sum(row["supported"] for row in report["layers"])
    console.print(Text(f"{supported} of {len(report['layers'])} layers in force; Landlock ABI {report['landlock_abi']}; "
                       f"the learner writes to {report['writable'] or '(nothing)'}; backend: {report.get('backend', 'linux')}"))
    if not report.get("file_system_wall"):
        console.print(Text("No file-system wall here: learner code can read what your user can (fine for your own "
                           "exercises; `grade` refuses without --unsafe-no-sandbox). Windows never has one."))
