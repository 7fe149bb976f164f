"""A safetensors blob from the learner's process, read without trusting it.

The header (an 8-byte little-endian length, then JSON naming each tensor's dtype, shape and byte
range) is parsed with `grader.boundedjson` and validated whole before any tensor is made: at most
`MAX_COUNT` entries, known dtypes, shapes whose bytes match their range, ranges that lie inside the
data and do not overlap. Then only the tensors the results document refers to are copied out of
the blob (one copy each); the others are never made, whatever their header says.
"""

from __future__ import annotations

import struct
import warnings
from typing import Any

from grader import boundedjson

MAX_HEADER = 1 << 20  # bytes of header JSON
MAX_COUNT = 10_000  # tensors in one blob
DTYPES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64", "I32": "int32",
          "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool", "U16": "uint16", "U32": "uint32", "U64": "uint64",
          "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2", "C64": "complex64"}
_HEADER_LIMITS = boundedjson.Limits(size=MAX_HEADER, nodes=8 * MAX_COUNT + 16, depth=4, string=256)


class BadBlob(ValueError):
    """The blob's header is malformed, lies about its sizes, or passes a limit."""


def entries(blob: memoryview) -> tuple[dict[str, tuple[str, list[int], int, int]], int]:
    """{name: (torch dtype name, shape, start, end)} with offsets into `blob`, all validated."""
    if len(blob) < 8:
        raise BadBlob("the header is cut off")
    (size,) = struct.unpack_from("<Q", blob, 0)
    if size > min(MAX_HEADER, len(blob) - 8):
        raise BadBlob("the header is larger than allowed or than the data")
    try:
        header = boundedjson.loads(blob[8 : 8 + size], _HEADER_LIMITS)
    except ValueError as exc:
        raise BadBlob(f"the header is not valid ({exc})") from None
    if type(header) is not dict or len(header) > MAX_COUNT:
        raise BadBlob("the header is not a table of at most 10,000 tensors")
    base, data = 8 + size, len(blob) - 8 - size
    found = {name: _entry(info, data) for name, info in header.items() if name != "__metadata__"}
    spans = sorted((start, end) for _, _, start, end in found.values() if end > start)
    if any(a_end > b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:])):
        raise BadBlob("two tensors share bytes")
    return {name: (dtype, shape, base + start, base + end) for name, (dtype, shape, start, end) in found.items()}, data


def _entry(info: Any, data: int) -> tuple[str, list[int], int, int]:
    import torch

    ok = type(info) is dict and set(info) == {"dtype", "shape", "data_offsets"}
    dtype = DTYPES.get(info.get("dtype")) if ok and type(info["dtype"]) is str else None
    shape, offsets = (info.get("shape"), info.get("data_offsets")) if ok else (None, None)
    if dtype is None or not hasattr(torch, dtype) or not _ints(shape, 16) or not _ints(offsets, 2) or len(offsets) != 2:
        raise BadBlob("a tensor's entry is malformed")
    start, end = offsets
    numel = 1
    for n in shape:
        numel *= n
    if not start <= end <= data or numel * getattr(torch, dtype).itemsize != end - start:
        raise BadBlob("a tensor's size does not match its bytes")
    return dtype, shape, start, end


def _ints(value: Any, most: int) -> bool:
    return type(value) is list and len(value) <= most and all(type(n) is int and 0 <= n < 2**48 for n in value)


def tensors(blob: memoryview, wanted: set[str]) -> dict:
    """The tensors of `blob` named in `wanted` (names the blob lacks are left out), each its own copy."""
    if not len(blob):
        return {}
    table, _ = entries(blob)
    import torch

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.frombuffer on a read-only buffer: we copy at once
        for name in wanted & set(table):
            dtype, shape, start, end = table[name]
            out[name] = _tensor(torch, blob, getattr(torch, dtype), shape, start, end)
    return out


def _tensor(torch, blob: memoryview, dtype, shape: list[int], start: int, end: int):
    if end == start:
        return torch.empty(shape, dtype=dtype)
    if dtype is torch.bool:  # any byte but 0 is True, as a bool must be one or zero
        return torch.frombuffer(blob, dtype=torch.uint8, count=end - start, offset=start).reshape(shape) != 0
    count = (end - start) // dtype.itemsize
    return torch.frombuffer(blob, dtype=dtype, count=count, offset=start).reshape(shape).clone()
