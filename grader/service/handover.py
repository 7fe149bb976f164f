"""The command line's first step, before typer, rich or torch is imported.

`pytorch-tutor check NN [--file F] [--json | --format F]`, `check --all` and `hint NN [FUNCTION]` are
handed to the course's warm server; its validated answer is printed and the command ends here.
A single `check NN` no server answered is graded here, still without typer (`grade_here`); anything
else falls through to the full command line (cli.py). After a `check` or `hint` the server could not
answer, a server is started in the background for the next one (`watch` starts and uses one itself:
`grader.service.remote`). `--no-server` or `$PYTORCH_TUTOR_NO_SERVER=1`: neither.
"""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

STARTS = ("check", "watch", "hint")  # the commands after which a server is worth having


def hand_over(args: list[str]) -> None:
    """Answer `check` or `hint` through the server and exit, or arrange for a server to start after this command."""
    from grader.service import client

    parsed = _parse(args)
    if parsed is None or client.disabled() or "--no-server" in args:
        return
    command, course, options = parsed
    root = course_root(course)
    if root is None:
        return  # the full command line explains
    if options is not None:
        code = (_answer if command == "check" else _hint)(root, options)
        if code is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)  # nothing else to run or clean up: skip the interpreter's tear-down
    if command != "watch":  # watch starts (and waits for) one itself
        atexit.register(client.start, root)


def prestart(args: list[str]) -> None:
    """A single `check` that no server answered: what its grading needs starts now, before typer is imported
    (on the portable backend, its learner's process: it imports torch while this one parses and loads the course)."""
    command = _command(args)
    if command is not None and command[1][:1] == ["check"] and not {"--all", "--help", "-h"} & set(command[1]):
        from grader.isolation.backend import prestart as backend_prestart

        backend_prestart()


def grade_here(args: list[str]) -> None:
    """A single `check NN` that no server answered: grade it here without typer, and exit (the atexit hook
    `hand_over` registered still starts a server for the next one). Anything else returns, for cli.py."""
    parsed = _parse(args)
    if parsed is None or parsed[0] != "check" or parsed[2] is None or parsed[2]["all"]:
        return
    from grader.frontends.checkone import check_alone

    _, course, options = parsed
    exit_now(check_alone(course or None, options["exercise"], options["file"], options["format"], "pytorch-tutor"))


def exit_now(code: int) -> None:
    """Exit with `code` as sys.exit would after a cold check (output flushed, atexit hooks run: the server's
    start), but without the interpreter's tear-down: with torch loaded, freeing every module's objects takes
    longer than all the check did after the learner's code ended. The check's processes are gone by now."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _answer(root: Path, options: dict) -> int | None:
    """Print the server's answer to a check; its exit status, or None to grade cold instead."""
    from grader.service import client, reply

    request = client.check_request(root, options["exercise"], options["file"], options["format"])
    answer = client.ask(root, {**request, "kind": "all"} if options["all"] else request, seconds=60 * 60)
    try:
        if answer is None or "fault" in answer:
            return None
        if "error" in answer:
            return _error(answer["error"])
        results = reply.results(answer.get("results")) if options["all"] else [reply.result(answer.get("result"))]
        sys.stdout.write(_output(results, options["format"], answer.get("text"), options["all"]))
    except reply.Malformed:
        return None
    from grader.results import exit_status

    return exit_status(results)


def _hint(root: Path, options: dict) -> int | None:
    """Print the server's hint (it moved the progress on); its exit status, or None to answer cold instead."""
    from grader.service import client, reply

    request = {"kind": "hint", "course": str(root), **options, "width": client.terminal_width(), "colour": client.colour_system()}
    answer = client.ask(root, request, seconds=60)
    try:
        if answer is None or "fault" in answer:
            return None
        if "error" in answer:
            return _error(answer["error"])
        sys.stdout.write(reply.terminal_text(answer.get("text")))
    except reply.Malformed:
        return None
    return 0


def _error(data) -> int:
    """Print an error reply as the full command line would (plainly); its exit status."""
    from grader.service import reply

    message, hint, code = reply.error(data)
    sys.stderr.write(f"error: {message}\n" + (f"{hint}\n" if hint else ""))
    return code


def _output(results: list, fmt: str, text, every: bool) -> str:
    """What the full command line prints for these results in this format."""
    from grader.service import reply

    if fmt == "json":
        import json

        return (json.dumps([r.to_dict() for r in results], indent=2) if every else results[0].to_json()) + "\n"
    if fmt == "diagnostics":
        from grader.frontends.diagnostics import diagnostic_lines

        return "".join(line + "\n" for r in results for line in diagnostic_lines(r))
    return reply.terminal_text(text)


def _parse(args: list[str]) -> tuple[str, str | None, dict | None] | None:
    """(command, --course, the check's options if the server can answer it) or None."""
    command = _command(args)
    if command is None:
        return None
    course, args = command
    if not args or args[0] not in STARTS or "--help" in args:
        return None
    options = {"check": _check_options, "hint": _hint_options}.get(args[0], lambda _: None)(args[1:])
    return args[0], course, options


def _command(args: list[str]) -> tuple[str | None, list[str]] | None:
    """(--course or $PYTORCH_TUTOR_COURSE, the command and its arguments), or None for an odd --course."""
    course = os.environ.get("PYTORCH_TUTOR_COURSE")
    while args and args[0].startswith("--course"):
        if args[0] == "--course" and len(args) > 1:
            course, args = args[1], args[2:]
        elif args[0].startswith("--course="):
            course, args = args[0].split("=", 1)[1], args[1:]
        else:
            return None
    return course, args


def _hint_options(args: list[str]) -> dict | None:
    """`hint EXERCISE [FUNCTION]`, nothing else (the rest is the full command line's to explain)."""
    if not 1 <= len(args) <= 2 or any(a.startswith("-") for a in args):
        return None
    return {"exercise": args[0], "function": args[1] if len(args) == 2 else None}


def _check_options(args: list[str]) -> dict | None:
    options, as_json = {"exercise": None, "file": None, "format": "text", "all": False}, False
    while args:
        head, args = args[0], args[1:]
        if head in ("--file", "-f", "--format") and args:
            options["file" if head != "--format" else "format"], args = args[0], args[1:]
        elif head == "--json":
            as_json = True  # whatever --format says, as the full command line does
        elif head == "--no-server":
            pass
        elif head == "--all":
            options["all"] = True
        elif not head.startswith("-") and options["exercise"] is None:
            options["exercise"] = head
        else:
            return None  # --all, or something only the full command line understands
    ok = (options["exercise"] is None) == options["all"] and options["format"] in ("text", "json", "diagnostics")
    options["format"] = "json" if as_json else options["format"]
    ok = ok and not (options["all"] and options["file"])
    return options if ok else None


def course_root(given: str | None) -> Path | None:
    """The course folder as `find_course` finds it (without importing it: its imports cost time)."""
    def is_course(folder: Path) -> bool:
        return (folder / "exercises").is_dir() and ((folder / "reference" / "course.toml").is_file()
                                                    or (folder / ".pytorch-tutor" / "course").is_file())

    if given:
        root = Path(given).expanduser().resolve()
        return root if is_course(root) else None
    here = Path.cwd().resolve()
    return next((folder for folder in (here, *here.parents) if is_course(folder)), None)
