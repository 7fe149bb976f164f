"""`pytorch-tutor lsp`: a language server (pygls, the `editor` extra) that grades an exercise file
each time it is opened or saved and publishes its failing checks as diagnostics, through the
course's warm grading server (started in the background the first time; meanwhile a cold check
grades). Its code action "next hint" shows the next hint for the exercise, as `hint NN` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from grader.errors import TutorError

NEXT_HINT = "pytorch-tutor.nextHint"


def serve() -> None:
    """Speak LSP over stdin and stdout until the editor ends us."""
    try:
        from lsprotocol import types
        from pygls.lsp.server import LanguageServer
    except ImportError:
        raise TutorError("`pytorch-tutor lsp` needs pygls.", hint="pip install 'pytorch-tutor[editor]'") from None
    server = LanguageServer("pytorch-tutor", "0.1.0", text_document_sync_kind=types.TextDocumentSyncKind.Full)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def graded(ls, params):
        uri = params.text_document.uri
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics(uri, types)))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def actions(ls, params):
        found = exercise_of(params.text_document.uri)
        if found is None:
            return []
        command = types.Command(title="pytorch-tutor: next hint", command=NEXT_HINT, arguments=[str(found[0]), found[1]])
        return [types.CodeAction(title="pytorch-tutor: next hint", kind=types.CodeActionKind.QuickFix, command=command)]

    @server.command(NEXT_HINT)
    def next_hint(ls, root: str, exercise: str):
        text = hint_text(Path(root), exercise)
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=text))
        return text

    server.start_io()


def exercise_of(uri: str) -> tuple[Path, str] | None:
    """(course folder, exercise id) of a file URI that is an exercise's own file, else None."""
    from grader.service.handover import course_root

    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = Path(unquote(parsed.path))
    root = course_root(str(path.parent.parent)) if path.parent.name == "exercises" else None
    return (root, path.stem) if root is not None and path.suffix == ".py" and path.stem[:2].isdigit() else None


def grade(root: Path, exercise: str, file: str) -> list | None:
    """The result of checking `file`, as JSON: from the warm server, else a cold check (which then starts one)."""
    from grader.service import client, reply

    answer = None if client.disabled() else client.ask(root, client.check_request(root, exercise, file, "json"), 3600)
    if answer is not None and "result" in answer:
        try:
            return [reply.result(answer["result"])]
        except reply.Malformed:
            pass
    done = subprocess.run([sys.executable, "-m", "cli", "--course", str(root), "check", exercise, "--file", file, "--json"],
                          capture_output=True, text=True, cwd=str(root), timeout=3600)
    try:
        return [reply.result(json.loads(done.stdout))]
    except (ValueError, reply.Malformed):
        return None  # a usage error (not an exercise of this course): nothing to show


def diagnostics(uri: str, types) -> list:
    """The LSP diagnostics of the file at `uri` (none for a file that is not an exercise)."""
    from grader.frontends.diagnostics import entries

    found = exercise_of(uri)
    if found is None:
        return []
    path = unquote(urlparse(uri).path)
    results = grade(found[0], found[1], path) or []
    out = []
    for _, line, column, message in (e for r in results for e in entries(r)):
        start = types.Position(line=line - 1, character=column - 1)
        out.append(types.Diagnostic(range=types.Range(start=start, end=types.Position(line=line, character=0)),
                                    message=message, severity=types.DiagnosticSeverity.Error, source="pytorch-tutor"))
    return out


def hint_text(root: Path, exercise: str) -> str:
    """The next hint for the exercise's function the last check failed on (`pytorch-tutor hint NN`)."""
    from grader.course import find_course
    from grader.judging.hints import choose_ladder
    from grader.progress import Progress

    try:
        course = find_course(root)
        ex = course.resolve(exercise)
        progress = Progress(course.state_dir)
        target, hints = choose_ladder(ex.checks, None, str(progress.entry(ex.id).get("focus") or ""))
        index = progress.next_hint(ex.id, len(hints), target)
    except TutorError as exc:
        return exc.message
    return f"Hint {index + 1} of {len(hints)}" + (f" for `{target}`" if target else "") + f" ({ex.id}): {hints[index]}"
