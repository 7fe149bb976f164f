"""The wire format between the learner's process and the trusted one: data that cannot
run code or explode when read.

A message is a sequence of frames, each an 8-byte big-endian length and its bytes. A
payload is two frames: JSON (the encoded outcomes, with every tensor replaced by a
reference such as "t3") and a safetensors blob holding those tensors. Reading never
unpickles anything, refuses sizes over the caps before parsing, counts the JSON's values,
depth and string sizes before building any (`grader.boundedjson`), validates the blob's
whole header before making a tensor and makes only the tensors the JSON refers to
(`grader.judging.tensorblob`), and turns every problem into `Unreadable`, which the
engine reports as "not graded". Frames are views of the message, not copies of it.

The caps keep the trusted process under 400 MiB resident whatever is sent (measured by
scripts/hostile_figures.py): the message itself, the tensors copied out of it, and a
document of at most `MAX_VALUES` values. They are far above what grading needs: the
largest reference results of the course (15's) are 72 KB of JSON and 65 KB of tensors.
"""

from __future__ import annotations

import json
import struct
from typing import Any, Iterator

from grader import boundedjson

MAX_JSON = 4 * 2**20  # bytes of outcome JSON
MAX_VALUES = 100_000  # JSON values (numbers, strings, lists, objects) in the outcomes
MAX_DEPTH = 100  # JSON nesting (each encoded level is two: the value's object and its items)
MAX_STRING = 48_064  # bytes of one JSON string as written: 4,000 characters, each a 12-byte escaped pair
MAX_TENSORS = 32 * 2**20  # bytes of tensor data
MAX_MESSAGE = MAX_JSON + MAX_TENSORS + 4096
_LENGTH = struct.Struct(">Q")


class Unreadable(Exception):
    """Data from the learner's side that is malformed, too large or inconsistent."""


def frame(data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + data


_LIMITS = boundedjson.Limits(size=MAX_JSON, nodes=MAX_VALUES, depth=MAX_DEPTH, string=MAX_STRING)


def frames(message: bytes | bytearray | memoryview, limit: int = 8) -> list[memoryview]:
    """Split a message into its frames (at most `limit`), views of it rather than copies;
    Unreadable if a length runs past the end."""
    data = memoryview(message)
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


def unpack(json_frame: bytes | memoryview, tensor_frame: bytes | memoryview) -> tuple[Any, dict]:
    """The JSON document and the tensors it refers to by name, read with caps and no code execution."""
    if len(json_frame) > MAX_JSON or len(tensor_frame) > MAX_TENSORS:
        raise Unreadable("the results are larger than the grader accepts")
    try:
        document = boundedjson.loads(json_frame, _LIMITS)
    except boundedjson.TooLarge as exc:
        if exc.what == "depth":
            raise Unreadable(f"the results are not valid JSON ({exc})") from None
        raise Unreadable(f"the results are larger than the grader accepts: {exc}") from None
    except boundedjson.Malformed as exc:
        raise Unreadable(f"the results are not valid JSON ({exc})") from None
    from grader.judging import tensorblob

    try:
        return document, tensorblob.tensors(memoryview(tensor_frame), set(walk_refs(document)))
    except tensorblob.BadBlob as exc:
        raise Unreadable(f"the tensor data is not valid ({exc})") from None


def walk_refs(node: Any) -> Iterator[str]:
    """Every tensor reference (a string) in a JSON document."""
    if type(node) is dict:
        if set(node) == {"$tensor"}:
            if type(node["$tensor"]) is str:
                yield node["$tensor"]
            return
        for value in node.values():
            yield from walk_refs(value)
    elif type(node) is list:
        for value in node:
            yield from walk_refs(value)
