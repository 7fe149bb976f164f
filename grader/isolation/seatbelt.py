"""macOS: a Seatbelt profile for one spawned learner process, generated from data, applied with
`sandbox-exec -p PROFILE -D NAME=VALUE ... python -m grader.isolation.spawned`.

The profile starts from `(deny default)`, as Codex CLI's and Chromium's do, and gives back only
what Python and torch need (`grader.isolation.seatbelt_rules`, where each entry says why): exec of
this Python's interpreter and nothing else, reads of the system's libraries and frameworks, of
this Python and the grader, and of the job's own folder, which is the only place it may write.
SBPL's last matching rule wins, so what follows the system's part is ordered:

  - reads of every forbidden path (the course's `reference/`, its progress folder, the folder of
    the submission, other submissions) are denied, even stat();
  - Python and the grader are given back (they may lie under a forbidden folder: a virtual
    environment inside the course), with the folder the grader is imported from (listing only);
  - what is forbidden inside those is denied again (the solutions a non-editable install ships
    in site-packages);
  - the job's folder is given back, read and write, and the exercises' `checks.py` files, read
    (case builders and probes, loaded before any learner code runs; never the solution, mistakes
    or styles beside them);
  - network, all of it, denied once more at the end, whatever came before.

Paths travel as `-D` parameters, never spliced into the profile's text (the idea is OpenAI
Codex's: it passes each writable root as a parameter), and are canonicalised first (/tmp is
/private/tmp on macOS). Only /usr/bin/sandbox-exec is trusted where it exists; elsewhere (the
tests on Linux) the first `sandbox-exec` on PATH is used.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass

from grader.isolation import seatbelt_rules as rules

TRUSTED_PATH = "/usr/bin/sandbox-exec"
_REGEX_SPECIAL = set(".^$*+?()[]{}|\\")


@dataclass(frozen=True)
class Walls:
    """What one job's process may touch: it writes only `job`; it reads the system's libraries, what lies in
    `readable` (Python, the grader) and is not in `denied` or `denied_inside`, the folders in `listable`
    (their entries' names only), `job` itself and the `checks.py` files of exercises under `checks_root`;
    it may exec only `executables`."""

    job: str
    denied: tuple[str, ...] = ()
    checks_root: str = ""
    readable: tuple[str, ...] = ()
    denied_inside: tuple[str, ...] = ()
    executables: tuple[str, ...] = ()
    listable: tuple[str, ...] = ()


PARAMS = (("DENIED", "denied"), ("READABLE", "readable"), ("INNER", "denied_inside"), ("EXEC", "executables"), ("LIST", "listable"))


def params(walls: Walls, realpath=os.path.realpath) -> dict[str, str]:
    """The -D parameters: JOB, DENIED_i, READABLE_i, INNER_i, EXEC_i, LIST_i, CHECKS_ROOT, all canonical."""
    out = {"JOB": realpath(walls.job)}
    for prefix, field in PARAMS:
        for i, path in enumerate(dict.fromkeys(realpath(p) for p in getattr(walls, field))):
            out[f"{prefix}_{i}"] = path
    if walls.checks_root:
        out["CHECKS_ROOT"] = realpath(walls.checks_root)
    return out


def profile(values: dict[str, str]) -> str:
    """The SBPL text for these parameters (only their names appear in it, and the checks regex)."""
    lines = ["(version 1)", "(deny default)", *_system(values)]
    lines += _course(values)
    lines += ["; no network, whatever is allowed above", "(deny network*)"]
    return "\n".join(lines) + "\n"


def _named(values: dict[str, str], prefix: str, kind: str = "subpath") -> str:
    return " ".join(f'({kind} (param "{n}"))' for n in values if n.startswith(prefix + "_"))


def _quoted(kind: str, names) -> str:
    return " ".join(f'({kind} "{n}")' for n in names)


def _system(values: dict[str, str]) -> list[str]:
    """What Python and torch need from macOS itself, and exec of this Python only."""
    lines = [line for op, why in rules.UNFILTERED for line in (f"; {why}", f"(allow {op})")]
    lines += [f"(allow {op} (target same-sandbox))" for op in rules.SAME_SANDBOX]
    if "EXEC_0" in values:  # never a bare (allow process-exec): that would allow every file
        lines += ["; exec: this Python's interpreter, nothing else", f"(allow process-exec {_named(values, 'EXEC', 'literal')})"]
    lines.append(f"(allow sysctl-read {_quoted('sysctl-name', rules.SYSCTL_NAMES)} {_quoted('sysctl-name-prefix', rules.SYSCTL_PREFIXES)})")
    lines += [f"; {name}: {why}" for name, why in rules.MACH_SERVICES + rules.XPC_SERVICES]
    lines.append(f"(allow mach-lookup {_quoted('global-name', [n for n, _ in rules.MACH_SERVICES])} "
                 f"{_quoted('xpc-service-name', [n for n, _ in rules.XPC_SERVICES])})")
    lines.append(f"(allow iokit-open {_quoted('iokit-connection', rules.IOKIT_CONNECTIONS)} "
                 f"{_quoted('iokit-user-client-class', rules.IOKIT_USER_CLIENTS)})")
    lines.append(f"(allow file-read* {_quoted('subpath', rules.SYSTEM_READ)} {_quoted('literal', rules.SYSTEM_FILES)})")
    lines.append(f"(allow file-map-executable {_quoted('subpath', rules.SYSTEM_EXECUTABLE_MAPS)})")
    lines.append(f"(allow file-read* file-write-data file-ioctl {_quoted('literal', rules.DEVICES_READ_WRITE)})")
    lines.append(f"(allow file-read* {_quoted('literal', rules.DEVICES_READ)})")
    lines.append(f'(allow file-read-data file-write-data (subpath "{rules.DEVICE_FD_FOLDER}"))')
    return lines


def _course(values: dict[str, str]) -> list[str]:
    """The walls of this job, in the order that makes them right (the last matching rule wins)."""
    lines = []
    if "DENIED_0" in values:
        lines += ["; the course's forbidden paths, even stat()", f"(deny file-read* file-write* {_named(values, 'DENIED')})"]
    given_back = " ".join(filter(None, [_named(values, "READABLE"), _named(values, "LIST", "literal")]))
    if given_back:
        lines += ["; Python and the grader (maybe under a forbidden folder)", f"(allow file-read* {given_back})"]
    if "READABLE_0" in values:
        lines.append(f"(allow file-map-executable {_named(values, 'READABLE')})")
    if "INNER_0" in values:
        lines += ["; forbidden inside those: shipped solutions", f"(deny file-read* file-write* file-map-executable {_named(values, 'INNER')})"]
    lines += ["; the job's own folder", '(allow file-read* file-write* (subpath (param "JOB")))']
    if "CHECKS_ROOT" in values:
        lines.append(f'(allow file-read* (regex #"^{regex_literal(values["CHECKS_ROOT"])}/[^/]+/checks\\.py$"))')
    return lines


def regex_literal(path: str) -> str:
    """`path` as a POSIX extended regex matching itself; a path that cannot be written in an SBPL
    regex string (a double quote, a control character) is refused."""
    if '"' in path or any(ord(c) < 32 for c in path):
        raise ValueError(f"a path Seatbelt's profile cannot name: {path!r}")
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in path)


def interpreter() -> tuple[str, ...]:
    """The files exec'd to start this Python: the executable as named and as resolved, the base one of a
    virtual environment, and a framework build's Python.app (its bin/python3 re-execs that)."""
    base = getattr(sys, "_base_executable", sys.executable)
    app = os.path.join(sys.base_prefix, "Resources", "Python.app", "Contents", "MacOS", "Python")
    found = [sys.executable, base, app]
    return tuple(dict.fromkeys(p for path in found if path and os.path.exists(path) for p in (path, os.path.realpath(path))))


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
