"""macOS: a Seatbelt profile for one spawned learner process, generated from data, applied with
`sandbox-exec -p PROFILE -D NAME=VALUE ... python -m grader.isolation.spawned`.

The profile starts from what a plain process may do (torch needs Apple's frameworks, mach
services and sysctls that could not be listed without a Mac to test on) and takes away, in order,
each rule overriding what comes before it (SBPL: the last matching rule wins):

  - all network access (outbound, inbound, bind);
  - every write, then gives back the job's own folder and the character devices Python needs;
  - reads of every forbidden path (the course's `reference/`, its progress folder, the folder of
    the submission, other submissions), then gives back Python and the grader (which may lie under
    a forbidden folder, a virtual environment inside the course), takes away again what is
    forbidden inside those (the solutions a non-editable install ships in site-packages), and
    gives back the job's folder (which may lie under a forbidden one) and the exercises'
    `checks.py` files (case builders and probes, loaded before any learner code runs; never the
    solution, mistakes or styles beside them);
  - signals to any process outside this sandbox.

Paths travel as `-D` parameters, never spliced into the profile's text (the idea is OpenAI
Codex's: it passes each writable root as a parameter), and are canonicalised first (/tmp is
/private/tmp on macOS). Only /usr/bin/sandbox-exec is trusted where it exists; elsewhere (the
tests on Linux) the first `sandbox-exec` on PATH is used.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

TRUSTED_PATH = "/usr/bin/sandbox-exec"
DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/dtracehelper", "/dev/tty")
_REGEX_SPECIAL = set(".^$*+?()[]{}|\\")


@dataclass(frozen=True)
class Walls:
    """What one job's process may touch: it writes only `job`; it reads anything but `denied`, except
    what lies in `readable` (Python, the grader) and is not in `denied_inside` (solutions shipped in
    site-packages), and except `job` itself and the `checks.py` files of exercises under `checks_root`."""

    job: str
    denied: tuple[str, ...] = ()
    checks_root: str = ""
    readable: tuple[str, ...] = ()
    denied_inside: tuple[str, ...] = ()


def params(walls: Walls, realpath=os.path.realpath) -> dict[str, str]:
    """The -D parameters: JOB, DENIED_i, READABLE_i, INNER_i, CHECKS_ROOT, all canonical."""
    out = {"JOB": realpath(walls.job)}
    for prefix, paths in (("DENIED", walls.denied), ("READABLE", walls.readable), ("INNER", walls.denied_inside)):
        for i, path in enumerate(dict.fromkeys(realpath(p) for p in paths)):
            out[f"{prefix}_{i}"] = path
    if walls.checks_root:
        out["CHECKS_ROOT"] = realpath(walls.checks_root)
    return out


def profile(values: dict[str, str]) -> str:
    """The SBPL text for these parameters (only their names appear in it, and the checks regex)."""
    named = lambda prefix: " ".join(f'(subpath (param "{n}"))' for n in values if n.startswith(prefix))  # noqa: E731
    lines = ["(version 1)", "(allow default)", "(deny network*)",
             "(deny file-write*)", '(allow file-write* (subpath (param "JOB")))',
             "(allow file-write* " + " ".join(f'(literal "{d}")' for d in DEVICES) + ")"]
    if named("DENIED_"):
        lines.append(f"(deny file-read* file-write* {named('DENIED_')})")
        if named("READABLE_"):
            lines.append(f"(allow file-read* {named('READABLE_')})")
        if named("INNER_"):
            lines.append(f"(deny file-read* file-write* {named('INNER_')})")
        lines.append('(allow file-read* file-write* (subpath (param "JOB")))')
    if "CHECKS_ROOT" in values:
        lines.append(f'(allow file-read* (regex #"^{regex_literal(values["CHECKS_ROOT"])}/[^/]+/checks\\.py$"))')
    lines += ["(deny signal)", "(allow signal (target same-sandbox))"]
    return "\n".join(lines) + "\n"


def regex_literal(path: str) -> str:
    """`path` as a POSIX extended regex matching itself; a path that cannot be written in an SBPL
    regex string (a double quote, a control character) is refused."""
    if '"' in path or any(ord(c) < 32 for c in path):
        raise ValueError(f"a path Seatbelt's profile cannot name: {path!r}")
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in path)


def executable() -> str | None:
    """sandbox-exec: /usr/bin's where it exists, else the first on PATH (a stand-in, in the tests)."""
    return TRUSTED_PATH if os.path.exists(TRUSTED_PATH) else shutil.which("sandbox-exec")


def command(argv: list[str], walls: Walls, tool: str) -> list[str]:
    """`argv` run under `tool` (sandbox-exec) with the profile for `walls`."""
    values = params(walls)
    defines = [arg for name, value in values.items() for arg in ("-D", f"{name}={value}")]
    return [tool, "-p", profile(values), *defines, *argv]


def unavailable_reason() -> str | None:
    """Why Seatbelt cannot be used here, or None."""
    return None if executable() else "no sandbox-exec on this machine (it comes with macOS)"
