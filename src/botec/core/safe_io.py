"""Files botec reads and writes, safely: reads of regular files only, under a size cap (never a
FIFO that hangs or /dev/zero that fills memory); structured data nested no deeper than a bound;
YAML with its aliases counted before anything expands; writes to a temporary file in the same
folder renamed into place, so a failed write never leaves a fragment where the user's file was.

Every bound here is listed in the README's "Limits and guarantees".
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.limits import MAX_INPUT_BYTES, MAX_NESTING, MAX_VALUES, MAX_YAML_ALIASES

__all__ = ["MAX_INPUT_BYTES", "MAX_NESTING", "MAX_VALUES", "MAX_YAML_ALIASES"]


def read_text(path: str | Path, field: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a regular file (symlinks followed), refused when it is not one or is
    larger than ``max_bytes``."""
    file = Path(path)
    try:
        info = file.stat()
    except OSError as exc:
        raise BotecInputError(field, str(path), f"an existing file ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise BotecInputError(field, str(path), "a regular file (not a device, pipe or folder)")
    if info.st_size > max_bytes:
        raise BotecInputError(
            field, f"{path} ({info.st_size:,} bytes)", f"at most {max_bytes:,} bytes"
        )
    try:
        with file.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise BotecInputError(field, str(path), f"a readable file ({exc.strerror})") from None
    if len(raw) > max_bytes:  # it grew while we looked
        raise BotecInputError(field, str(path), f"at most {max_bytes:,} bytes")
    try:
        # a byte-order mark (Windows editors, Excel's CSV) is no part of the text: TOML would
        # call it an invalid statement and YAML would make it part of the first key
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise BotecInputError(field, str(path), "UTF-8 text") from None


def check_depth(data: Any, field: str, limit: int = MAX_NESTING) -> None:
    """Refuse structured data nested deeper than ``limit``, or holding more than
    :data:`MAX_VALUES` values once YAML aliases are expanded (walked iteratively, stopping at the
    bound: neither recursion nor a billion-node alias expansion can hang or exhaust botec)."""
    stack: list[tuple[Any, int, str]] = [(data, 1, field)]
    seen = 0
    while stack:
        node, depth, where = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise BotecInputError(
                field, f"more than {MAX_VALUES:,} values", f"at most {MAX_VALUES:,} (aliases count)"
            )
        if depth > limit:
            raise BotecInputError(field, f"nesting deeper than {limit}", f"at most {limit} levels")
        if isinstance(node, dict):
            for key, value in node.items():
                _check_text(str(key), where)
                stack.append((value, depth + 1, f"{where}.{key}"))
        elif isinstance(node, list):
            stack.extend((v, depth + 1, f"{where}[{i}]") for i, v in enumerate(node))
        elif isinstance(node, str):
            _check_text(node, where)


def _check_text(text: str, field: str) -> None:
    """Refuse text no file or terminal can hold: a lone UTF-16 surrogate ('\\ud800' escapes in
    JSON or YAML) cannot be encoded as UTF-8, so a title or name holding one would fail only
    when the report is printed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        shown = text.encode("utf-8", "replace").decode("utf-8")
        raise BotecInputError(
            field, shown[:60], f"valid Unicode text (character {exc.start + 1} is a lone surrogate)"
        ) from None


def load_yaml(text: str, field: str) -> Any:
    """Safe YAML, its aliases counted from the event stream before any is expanded."""
    import yaml

    aliases = depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > MAX_NESTING:  # stop here: the parser slows with every level
                    break
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BotecInputError(field, "the file", f"valid YAML ({first})") from None
    except RecursionError:
        raise BotecInputError(field, "the file", f"at most {MAX_NESTING} levels") from None
    if deepest > MAX_NESTING:
        raise BotecInputError(field, "nesting deeper", f"at most {MAX_NESTING} levels")
    if aliases > MAX_YAML_ALIASES:
        raise BotecInputError(
            field, f"{aliases:,} YAML aliases", f"at most {MAX_YAML_ALIASES} (anchors that expand)"
        )
    try:
        data = yaml.load(text, Loader=_unique_key_loader())
    except RecursionError:
        raise BotecInputError(field, "the file", f"at most {MAX_NESTING} levels") from None
    except yaml.YAMLError as exc:  # an unknown tag (!python/object...), a bad value
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BotecInputError(field, "the file", f"plain YAML data ({first})") from None
    check_depth(data, field)  # aliases share objects until something walks them: bound that
    return data


def _unique_key_loader() -> Any:
    """A SafeLoader that refuses a key given twice in one mapping (as TOML does)."""
    import yaml

    class UniqueKeys(yaml.SafeLoader):
        pass

    def mapping(loader: Any, node: Any, deep: bool = False) -> Any:
        keys = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise BotecInputError("YAML", repr(key)[:40], "keys that are names (text)")
            if key in keys:
                raise BotecInputError("YAML", key, "each key once per mapping (it is given twice)")
            keys.add(key)
        return loader.construct_mapping(node, deep)

    UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return UniqueKeys


def check_output(path: Path, field: str, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Before any work: an output path that is not one of the ``inputs`` (symlinks resolved),
    whose folder exists, and that exists only with ``force`` (a dangling symlink counts)."""
    target = path.resolve()
    for source in inputs:
        if source.exists() and target == source.resolve():
            raise BotecInputError(field, str(path), "a file other than the input being read")
    if target.exists() and not target.is_file():  # a device, pipe or folder: never replaced
        raise BotecInputError(
            field, str(path), "a regular file (not a device, pipe or folder; leave -o out to print)"
        )
    if (path.exists() or path.is_symlink()) and not force:
        raise BotecInputError(field, str(path), "a file that does not exist yet (or --force)")
    if not target.parent.is_dir():
        raise BotecInputError(field, str(path), "a path whose folder exists")


def write_text(path: Path, text: str, field: str) -> None:
    """Write ``text`` (UTF-8) atomically; see :func:`write_bytes`. A file name the system gave
    as undecodable bytes (Python's surrogate escapes) is written back as those bytes."""
    write_bytes(path, text.encode("utf-8", "surrogateescape"), field)


def write_bytes(path: Path, data: bytes, field: str) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place: the old file
    stays whole until the new one is complete (a full disk leaves the user's file as it was),
    and a failed write leaves no fragment behind."""
    target = path.resolve()  # through a symlink to the file it names
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise BotecInputError(field, str(path), f"a writable folder ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # keep the permissions the user gave the file
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BotecInputError(field, str(path), f"a writable path ({exc.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
