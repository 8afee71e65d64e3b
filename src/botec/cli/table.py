"""Declarative commands: one table per command, from which click's options, the call into
:mod:`botec.commands` and the flag named in each error message are all generated.

An :class:`Opt` is one flag (or argument) and the command function's parameter it sets; the
flag's default is that function's own default (read from its signature), so every default is
written once, in the library. The scenario fields a parameter fills come from
:data:`botec.commands.FIELDS`, so an error about ``training.tokens`` names ``--tokens``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from botec.commands import ParameterError
from botec.core.errors import BotecInputError

_FROM_FUNCTION: Any = object()  # the default: the command function's own
_PARAM_IN_TEXT = re.compile(r"`(\w+)(?:=([^`]*))?`")  # `params=7B` in a ParameterError's text


@dataclass(frozen=True)
class Opt:
    """One option (or, with ``argument``, a positional argument) of a command.

    ``param`` is the command function's parameter it sets (default: the flag's name with
    underscores); ``default`` only for options the function does not have (--format, -o).
    """

    decls: str | tuple[str, ...]
    help: str | None = None
    param: str = ""
    type: Any = str
    default: Any = _FROM_FUNCTION
    show_default: bool = False
    is_flag: bool = False
    required: bool = False
    multiple: bool = False
    argument: bool = False

    @property
    def flag(self) -> str:
        """The name an error message uses: the long flag, or the argument's metavar."""
        decls = (self.decls,) if isinstance(self.decls, str) else self.decls
        return decls[-1]

    @property
    def name(self) -> str:
        return self.param or self.flag.lstrip("-").replace("-", "_").lower()

    def decorator(self, func: Callable[..., Any]) -> Callable[[Any], Any]:
        """click's decorator for this option, its default taken from ``func``'s signature."""
        if self.argument:
            return click.argument(self.name, metavar=self.flag, type=self.type)
        default = self.default
        if default is _FROM_FUNCTION:
            param = inspect.signature(func).parameters.get(self.name)
            empty = param is None or param.default is inspect.Parameter.empty
            default = None if empty else param.default
        settings: dict[str, Any] = {"default": default, "help": self.help}
        if self.is_flag:
            settings["is_flag"] = True
        else:
            settings["type"] = self.type
        if self.show_default:
            settings["show_default"] = True
        if self.required:
            settings["required"] = True
        if self.multiple:
            settings["multiple"] = True
        decls = (self.decls,) if isinstance(self.decls, str) else self.decls
        return click.option(*decls, self.name, **settings)


@dataclass(frozen=True)
class Table:
    """A command: its help, the library function it calls, and its options in --help order."""

    help: str
    func: Callable[..., Any]
    options: tuple[Opt, ...]
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def command(self, name: str, body: Callable[..., Any]) -> click.Command:
        """A click command that runs ``body(table, **values)`` with every option's value."""

        def callback(**values: Any) -> Any:
            from botec.cli.output import check_outputs

            check_outputs(values)  # every file it would write, checked before any work
            return body(self, **values)

        for opt in reversed(self.options):
            callback = opt.decorator(self.func)(callback)
        return click.command(name, help=self.help)(callback)

    def call(
        self,
        values: Mapping[str, Any],
        catalog_file: Path | None = None,
        func: Callable[..., Any] | None = None,
    ) -> Any:
        """Call the command function (or ``func``) with the option values it takes and the
        --catalog file; a bad parameter's error names the flag the user typed."""
        func = func or self.func
        accepted = inspect.signature(func).parameters
        kwargs = {k: v for k, v in values.items() if k in accepted}
        if "catalog_files" in accepted:
            kwargs["catalog_files"] = () if catalog_file is None else (catalog_file,)
        try:
            return func(**kwargs)
        except ParameterError as exc:
            raise self.in_flags(exc, values) from None

    def in_flags(self, exc: BotecInputError, values: Mapping[str, Any]) -> BotecInputError:
        """The error with its parameters and scenario fields named by this command's flags."""

        def flag(name: str) -> str:
            return self.flag_for(name, values)

        def in_text(match: re.Match[str]) -> str:
            return flag(match[1]) + (f" {match[2]}" if match[2] else "")

        field_ = "/".join(flag(part) for part in exc.field.split("/"))
        return BotecInputError(field_, exc.value, _PARAM_IN_TEXT.sub(in_text, exc.allowed))

    def flag_for(self, name: str, values: Mapping[str, Any]) -> str:
        """The flag for a parameter or a scenario field; of several flags that fill a field,
        the first one given (the one whose value the field holds)."""
        flags = {opt.name: opt.flag for opt in self.options}
        if name in flags:
            return flags[name]
        fillers = [p for p, paths in self.fields.items() if name in paths and p in flags]
        if not fillers:
            return name
        given = [p for p in fillers if values.get(p) is not None and values.get(p) is not False]
        return flags[(given or fillers)[0]]
