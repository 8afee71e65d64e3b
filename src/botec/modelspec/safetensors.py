"""Exact parameter counts from safetensors headers; tensor data is never read."""

from __future__ import annotations

import json
import math
import stat
import struct
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError
from botec.modelspec.hf_config import read_json

# The safetensors format caps the JSON header at 100 MB; anything larger is not a valid file.
_MAX_HEADER_BYTES = 100_000_000
# Bytes per element of the safetensors dtypes whose size is a whole number of bytes.
_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
    "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8,
}  # fmt: skip


def _read_header(path: Path) -> tuple[bytes, int]:
    """The raw JSON header of a .safetensors file and the size of its data section."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would hang the read, a device never end
            raise BotecInputError("safetensors", str(path), "a regular file (not a pipe or device)")
        size = info.st_size
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise BotecInputError(
                    "safetensors", str(path), "a .safetensors file (truncated: no 8-byte header)"
                )
            (length,) = struct.unpack("<Q", prefix)
            if length > _MAX_HEADER_BYTES or 8 + length > size:
                raise BotecInputError(
                    "safetensors",
                    str(path),
                    f"a .safetensors file (header says {length:,} bytes of JSON, but the file "
                    f"has {size:,} bytes: truncated or not safetensors)",
                )
            raw = handle.read(length)
    except OSError as exc:
        raise BotecInputError("safetensors", str(path), f"a readable file ({exc})") from None
    return raw, size - 8 - length


def safetensors_header(path: Path) -> tuple[dict[str, Any], int]:
    """The JSON header of a .safetensors file and the size of its data section."""
    raw, data_bytes = _read_header(path)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BotecInputError(
            "safetensors", str(path), f"a JSON header after the length prefix ({exc})"
        ) from None
    if not isinstance(header, dict):
        raise BotecInputError("safetensors", str(path), "a JSON object as header")
    return header, data_bytes


def _tensor_elements(path: Path, name: str, info: Any, data_bytes: int) -> int:
    """Elements of one tensor entry, after checking its shape and byte range."""
    where = f"{path}: tensor {name!r}"
    shape = info.get("shape") if isinstance(info, dict) else None
    offsets = info.get("data_offsets") if isinstance(info, dict) else None
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
        raise BotecInputError(where, shape, "a shape listing non-negative integers")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(o) is int for o in offsets)
        or not 0 <= offsets[0] <= offsets[1]
    ):
        raise BotecInputError(where, offsets, "data_offsets [begin, end] with begin <= end")
    if offsets[1] > data_bytes:
        raise BotecInputError(
            "safetensors",
            str(path),
            f"a complete file (tensor {name!r} ends at data byte {offsets[1]:,}, but only "
            f"{data_bytes:,} bytes of data follow the header: the file is truncated)",
        )
    elements = math.prod(shape)
    width = _DTYPE_BYTES.get(str(info.get("dtype")))
    if width is not None and offsets[1] - offsets[0] != elements * width:
        raise BotecInputError(
            where, offsets, f"{elements * width:,} bytes for shape {shape} of {info.get('dtype')}"
        )
    return elements


def _count_file(path: Path) -> int:
    header, data_bytes = safetensors_header(path)
    return sum(
        _tensor_elements(path, name, info, data_bytes)
        for name, info in header.items()
        if name != "__metadata__"
    )


def _count_index(file: Path) -> int:
    data = read_json(file)
    weight_map = data.get("weight_map")
    if not isinstance(weight_map, dict) or not weight_map:
        raise BotecInputError(
            "safetensors index", str(file), "a JSON object with a non-empty 'weight_map'"
        )
    shards = sorted({str(shard) for shard in weight_map.values()})
    present = [file.parent / s for s in shards if (file.parent / s).is_file()]
    if not present:
        raise BotecInputError(
            "safetensors index",
            str(file),
            f"shard files beside it (none of {', '.join(shards[:3])}... found)",
        )
    return sum(_count_file(shard) for shard in present)


def params_from_safetensors(path: str | Path) -> int:
    """Exact parameter count from safetensors headers; tensor data is never read.

    ``path`` is a ``.safetensors`` file, a ``model.safetensors.index.json`` (the shards it lists
    that exist beside it are counted; shards not downloaded are skipped, and at least one must
    exist), or a folder holding either.
    """
    file = Path(path)
    if file.is_dir():
        index, single = file / "model.safetensors.index.json", file / "model.safetensors"
        file = index if index.is_file() else single
    if file.name.endswith(".json"):
        return _count_index(file)
    if not file.is_file():
        raise BotecInputError("safetensors", str(path), "an existing .safetensors file")
    return _count_file(file)
