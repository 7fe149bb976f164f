"""`pytorch-tutor lsp` over real JSON-RPC, driven by pygls's own client: saving an exercise file
publishes its failing checks as diagnostics (graded through the course's warm server), at the
target's `def` line, and the "next hint" code action shows the next hint."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

from conftest import ROOT, copy_course
from test_server import server_env, short_folder, start_server, status

pytest.importorskip("pygls", reason="pygls is the editor extra: pip install 'pytorch-tutor[editor]'")


def test_saving_an_exercise_publishes_its_failures_through_the_warm_server(tmp_path):
    from lsprotocol import types

    course, folder = copy_course(tmp_path), short_folder()
    stub = course / "exercises" / "03_nn_module.py"
    stub.write_text((ROOT / "reference" / "03_nn_module" / "mistakes" / "no_relu.py").read_text(encoding="utf-8"))
    proc = start_server(course, folder)
    try:
        before = status(course, folder)["served"]
        published, hint, latency = asyncio.run(_session(course, folder, stub, types))
        assert status(course, folder)["served"] >= before + 2  # the open and the save, both warm
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print(f"save -> published diagnostics: {latency:.3f} s")  # a figure for the report, not a test
    class_line = stub.read_text().splitlines().index("class TwoLayerNet(nn.Module):")
    forward = next(d for d in published if d.message.startswith("TwoLayerNet forward and gradients — "))
    assert forward.range.start.line == class_line and forward.severity == types.DiagnosticSeverity.Error
    assert "ReLU" in forward.message and forward.source == "pytorch-tutor"
    assert hint.startswith("Hint 1 of ") and "03_nn_module" in hint


async def _session(course, folder, stub, types):
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("test", "1")
    published: asyncio.Queue = asyncio.Queue()
    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda ls, params: published.put_nowait(params))
    client.feature(types.WINDOW_SHOW_MESSAGE)(lambda ls, params: None)
    await client.start_io(sys.executable, "-m", "cli", "--course", str(course), "lsp", env=server_env(folder), cwd=str(ROOT))
    try:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=course.as_uri()))
        client.initialized(types.InitializedParams())
        print("initialized", flush=True)
        uri, text = stub.as_uri(), stub.read_text()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        await asyncio.wait_for(published.get(), 600)
        print("opened", flush=True)
        start = time.perf_counter()
        client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        params = await asyncio.wait_for(published.get(), 600)
        latency = time.perf_counter() - start
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=params.diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=params.diagnostics)))
        command = next(a.command for a in actions if a.title == "pytorch-tutor: next hint")
        hint = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command, arguments=command.arguments))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return params.diagnostics, hint, latency
