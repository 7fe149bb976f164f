"""The wire format between the learner's process and the trusted one: data that cannot
run code or explode when read.

A message is a sequence of frames, each an 8-byte big-endian length and its bytes. A
payload is two frames: JSON (the encoded outcomes, with every tensor replaced by a
reference such as "t3") and a safetensors blob holding those tensors. Reading never
unpickles anything, refuses sizes over the caps before parsing, and turns every
problem into `Unreadable`, which the engine reports as "not graded".
"""

from __future__ import annotations

import json
import struct
from typing import Any, Iterator

MAX_JSON = 32 * 2**20  # bytes of outcome JSON
MAX_TENSORS = 256 * 2**20  # bytes of tensor data
MAX_MESSAGE = MAX_JSON + MAX_TENSORS + 4096
_LENGTH = struct.Struct(">Q")


class Unreadable(Exception):
    """Data from the learner's side that is malformed, too large or inconsistent."""


def frame(data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + data


def frames(data: bytes, limit: int = 8) -> list[bytes]:
    """Split a message into its frames (at most `limit`); Unreadable if a length runs past the end."""
    out, at = [], 0
    while at < len(data) and len(out) < limit:
        if at + _LENGTH.size > len(data):
            raise Unreadable("a frame header was cut off")
        (size,) = _LENGTH.unpack_from(data, at)
        at += _LENGTH.size
        if size > len(data) - at:
            raise Unreadable("a frame is longer than the message")
        out.append(data[at : at + size])
        at += size
    return out


def pack(payload: Any) -> bytes:
    """`payload` (encoded data holding plain CPU tensors) as a JSON frame and a safetensors frame."""
    from safetensors.torch import save

    tensors: dict[str, Any] = {}
    text = json.dumps(_externalise(payload, tensors), allow_nan=True, separators=(",", ":"))
    return frame(text.encode("utf-8")) + frame(save(tensors) if tensors else b"")


def _externalise(node: Any, tensors: dict) -> Any:
    import torch

    if isinstance(node, torch.Tensor):
        name = f"t{len(tensors)}"
        tensors[name] = node.detach().contiguous()
        return {"$tensor": name}
    if type(node) is dict:
        return {str(k): _externalise(v, tensors) for k, v in node.items()}
    if type(node) in (list, tuple):
        return [_externalise(v, tensors) for v in node]
    return node


def unpack(json_frame: bytes, tensor_frame: bytes) -> tuple[Any, dict]:
    """The JSON document and the tensors by name, read with size caps and no code execution."""
    if len(json_frame) > MAX_JSON or len(tensor_frame) > MAX_TENSORS:
        raise Unreadable("the results are larger than the grader accepts")
    try:
        document = json.loads(json_frame.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Unreadable(f"the results are not valid JSON ({type(exc).__name__})") from None
    return document, _tensors(tensor_frame)


def _tensors(blob: bytes) -> dict:
    if not blob:
        return {}
    from safetensors.torch import load

    try:
        return load(blob)
    except Exception as exc:  # SafetensorError: header or offsets that do not add up
        raise Unreadable(f"the tensor data is not valid ({type(exc).__name__})") from None


def walk_refs(node: Any) -> Iterator[str]:
    """Every tensor reference in a JSON document (for tests and diagnostics)."""
    if type(node) is dict:
        if set(node) == {"$tensor"}:
            yield node["$tensor"]
            return
        for value in node.values():
            yield from walk_refs(value)
    elif type(node) is list:
        for value in node:
            yield from walk_refs(value)
