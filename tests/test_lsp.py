"""`pytorch-tutor lsp` over real JSON-RPC on its stdin and stdout: opening and saving an exercise
file publishes its failing checks as diagnostics (graded through the course's warm server), at the
target's `def` line, and the "next hint" code action shows the next hint."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time

import pytest

from conftest import ROOT, copy_course
from test_server import server_env, short_folder, start_server, status

pytest.importorskip("pygls", reason="pygls is the editor extra: pip install 'pytorch-tutor[editor]'")


class Rpc:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's pipes, with deadlines."""

    def __init__(self, argv: list[str], env: dict):
        # Unbuffered: select() below asks the pipe itself, so no message may wait in a buffer of ours.
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env, cwd=ROOT, bufsize=0)
        self.next_id = 0

    def send(self, method: str, params, request: bool = False) -> int | None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return message.get("id")

    def receive(self, wanted, seconds: float = 600) -> dict:
        """The next message for which `wanted(message)` holds (others, such as log messages, are skipped)."""
        deadline = time.monotonic() + seconds
        while True:
            assert select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))[0], "no answer in time"
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                head += self._read(1)
            size = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
            message = json.loads(self._read(size))
            if wanted(message):
                return message

    def _read(self, size: int) -> bytes:
        """Exactly `size` bytes (a raw pipe may return fewer at a time)."""
        data = b""
        while len(data) < size:
            chunk = self.proc.stdout.read(size - len(data))
            assert chunk, "the language server closed its output"
            data += chunk
        return data

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=60)


def test_saving_an_exercise_publishes_its_failures_through_the_warm_server(tmp_path):
    course, folder = copy_course(tmp_path), short_folder()
    stub = course / "exercises" / "03_nn_module.py"
    stub.write_text((ROOT / "reference" / "03_nn_module" / "mistakes" / "no_relu.py").read_text(encoding="utf-8"))
    uri, document = stub.as_uri(), {"uri": stub.as_uri()}
    published = lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri  # noqa: E731
    proc = start_server(course, folder)
    rpc = Rpc([sys.executable, "-m", "cli", "--course", str(course), "lsp"], server_env(folder))
    try:
        before = status(course, folder)["served"]
        ident = rpc.send("initialize", {"capabilities": {}, "rootUri": course.as_uri()}, request=True)
        assert rpc.receive(lambda m: m.get("id") == ident)["result"]["capabilities"]["textDocumentSync"]["save"]
        rpc.send("initialized", {})
        rpc.send("textDocument/didOpen", {"textDocument": {**document, "languageId": "python", "version": 1,
                                                          "text": stub.read_text()}})
        rpc.receive(published)
        start = time.perf_counter()
        rpc.send("textDocument/didSave", {"textDocument": document})
        diagnostics = rpc.receive(published)["params"]["diagnostics"]
        latency = time.perf_counter() - start
        assert status(course, folder)["served"] == before + 2  # the open and the save, both warm
        ident = rpc.send("textDocument/codeAction", {"textDocument": document, "range": diagnostics[0]["range"],
                                                     "context": {"diagnostics": diagnostics}}, request=True)
        action = next(a for a in rpc.receive(lambda m: m.get("id") == ident)["result"] if a["title"] == "pytorch-tutor: next hint")
        ident = rpc.send("workspace/executeCommand", action["command"], request=True)
        hint = rpc.receive(lambda m: m.get("id") == ident)["result"]
    finally:
        rpc.close()
        proc.terminate()
        proc.wait(timeout=60)
    print(f"save -> published diagnostics: {latency:.3f} s")  # a figure for the report, not a test
    class_line = stub.read_text().splitlines().index("class TwoLayerNet(nn.Module):")
    forward = next(d for d in diagnostics if d["message"].startswith("TwoLayerNet forward and gradients — "))
    assert forward["range"]["start"]["line"] == class_line and forward["severity"] == 1
    assert "ReLU" in forward["message"] and forward["source"] == "pytorch-tutor"
    assert hint.startswith("Hint 1 of ") and "03_nn_module" in hint
