"""README example outputs, regenerated from the code by cog (`make readme`; checked by
tests/test_readme.py with `cog --check`), so no example can drift from what botec prints.

Each README block sits between cog markers that call one function here; the function runs the
botec command in-process (fixed width, default seed) and prints the part of its output shown.
"""

from __future__ import annotations

import re
import shlex
from functools import cache

import cog  # type: ignore[import-not-found]
from click.testing import CliRunner

from botec.cli import main


@cache
def output(command: str) -> str:
    """What `botec COMMAND` prints (run once per command and cached)."""
    result = CliRunner().invoke(main, shlex.split(command), catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"botec {command} exited {result.exit_code}: {result.stderr}")
    return result.stdout


def _fenced(lines: list[str], fence: str = "text") -> None:
    cog.outl(f"```{fence}")
    for line in lines:
        cog.outl(line.rstrip())
    cog.outl("```")


def excerpt(command: str, start: str, end: str) -> None:
    """The lines from the first containing ``start`` to the next containing ``end``."""
    lines = output(command).splitlines()
    first = next(i for i, line in enumerate(lines) if start in line)
    last = next(i for i in range(first, len(lines)) if end in lines[i])
    _fenced(lines[first : last + 1])


def table(command: str, title: str) -> None:
    """The terminal table titled ``title``: from its title line to its bottom border."""
    lines = output(command).splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip() == title)
    last = next(i for i in range(first, len(lines)) if lines[i].startswith("└"))
    _fenced(lines[first : last + 1])


def markdown_table(command: str, header: str, nth: int = 0, only: tuple[str, ...] = ()) -> None:
    """The ``nth`` Markdown table (in a --format markdown output) whose header starts with
    ``header``, printed as Markdown; with ``only``, just the rows whose first cell is one of
    those (the header kept)."""
    tables = re.findall(r"(?m)(?:^\|.*\|$\n?)+", output(command))
    found = [t for t in tables if t.startswith(header)][nth].rstrip("\n").split("\n")
    if only:
        found = found[:2] + [r for r in found[2:] if r.split(" | ")[0].lstrip("| ") in only]
    cog.out("\n".join(found) + "\n")


def sentence(template: str, command: str, **results: str) -> None:
    """``template`` with each ``{name}`` filled by a figure from the command's JSON results:
    ``results`` maps a name to 'result.field' (field: value, p50, p5 or p95) and the figure is
    formatted in the result's unit."""
    import json

    from botec.core.units import format_quantity

    data = json.loads(output(command))["results"]
    figures = {}
    for name, path in results.items():
        key, _, field = path.partition(".")
        figures[name] = format_quantity(data[key][field or "value"], data[key]["unit"])
    cog.outl(template.format(**figures))


def line(command: str, contains: str, prefix: str = "") -> None:
    """The first output line containing ``contains``, after ``prefix`` (e.g. '> ' to quote)."""
    found = next(x for x in output(command).splitlines() if contains in x)
    cog.outl(prefix + found.strip())


def python(code: str) -> None:
    """A Python example, run line by line, each print's output written after it as a comment,
    so the shown results are the ones the code gives."""
    import contextlib
    import io

    namespace: dict[str, object] = {}
    cog.outl("```python")
    for line in code.strip("\n").splitlines():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(line, namespace)  # the README's own example code, never user input
        printed = out.getvalue().strip()
        if printed and "\n" not in printed:
            cog.outl(f"{line:<{max(52, len(line) + 2)}}# {printed}")
        else:
            cog.outl(line)
    cog.outl("```")


def questions(*items: tuple[str, str]) -> None:
    """Each common question: the one command that answers it and the first five lines it prints
    (where its answer is)."""
    for question, command in items:
        cog.outl(f"**{question}**")
        cog.outl("")
        cog.outl("```sh")
        cog.outl(f"botec {command}")
        cog.outl("```")
        _fenced(output(command).splitlines()[:5])
        cog.outl("")
