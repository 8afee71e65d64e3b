"""The `botec` command: thin. Flags become a command function's parameters (see
:mod:`botec.commands`), the library runs the scenario it builds, a renderer prints the result.

Every command is a declarative table (:mod:`botec.cli.estimates`, :mod:`botec.cli.scenario_files`)
from which its click options, its call and the flags named in its error messages are generated.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from botec.core.errors import BotecInputError

# Every command, by name: (module, table, body). Commands are built when asked for, so starting
# `botec report` builds one command, not thirteen.
_FILES = "botec.cli.scenario_files"
_ESTIMATES = "botec.cli.estimates"
_TOP: dict[str, tuple[str, str, str]] = {
    "report": (_FILES, "REPORT", "report"),
    "memory": (_ESTIMATES, "TABLES.memory", "estimate"),
    "train": (_ESTIMATES, "TABLES.train", "estimate"),
    "infer": (_ESTIMATES, "TABLES.infer", "estimate"),
    "plan": (_ESTIMATES, "TABLES.plan", "estimate"),
    "traffic": (_ESTIMATES, "TABLES.traffic", "estimate"),
    "storage": (_ESTIMATES, "TABLES.storage", "estimate"),
    "image": (_ESTIMATES, "TABLES.image", "estimate"),
    "video": (_ESTIMATES, "TABLES.video", "estimate"),
    "embed": (_ESTIMATES, "TABLES.embed", "estimate"),
    "speech": (_ESTIMATES, "TABLES.speech", "estimate"),
    "recsys": (_ESTIMATES, "TABLES.recsys", "estimate"),
    "tts": (_ESTIMATES, "TABLES.tts", "estimate"),
    "sweep": (_FILES, "SWEEP", "sweep"),
    "compare": (_FILES, "COMPARE", "compare"),
    "optimise": ("botec.cli.optimising", "OPTIMISE", "optimise"),
    "validate": (_FILES, "VALIDATE", "validate"),
}
_PLAIN = {"web": ("botec.cli.web", "web")}  # commands written as plain click commands
_HARDWARE = {
    "list": (_FILES, "HARDWARE_LIST", "hardware_list"),
    "show": (_FILES, "HARDWARE_SHOW", "hardware_show"),
}
_MODELS = {
    "list": (_FILES, "MODELS_LIST", "models_list"),
    "show": (_FILES, "MODELS_SHOW", "models_show"),
}
_PRICES = {
    "bases": ("botec.cli.prices", "BASES", "bases"),
    "build": ("botec.cli.prices", "BUILD", "build"),
}
_EXAMPLES = {
    "list": (_FILES, "EXAMPLES_LIST", "examples_list"),
    "show": (_FILES, "EXAMPLES_SHOW", "report"),
}


def _build(name: str, where: tuple[str, str, str]) -> click.Command:
    import importlib

    module = importlib.import_module(where[0])
    table: Any = module
    for part in where[1].split("."):
        table = table[part] if isinstance(table, dict) else getattr(table, part)
    return table.command(name, getattr(module, where[2]))


class _Lazy(click.Group):
    """A group whose commands are built from their tables on first use."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        plain = _PLAIN if self.lazy is _TOP else {}
        return sorted({*super().list_commands(ctx), *self.lazy, *plain})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(_build(cmd_name, self.lazy[cmd_name]))
        if cmd_name not in self.commands and cmd_name in _PLAIN and self.lazy is _TOP:
            import importlib

            module, attr = _PLAIN[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attr))
        return super().get_command(ctx, cmd_name)


class _Group(_Lazy):
    """Turns botec's input errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BotecInputError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `botec ... | head`
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=_Group, lazy=_TOP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="botec")
def main() -> None:
    """Back-of-the-envelope estimates for ML systems, with every formula and unit shown."""


@main.group(cls=_Lazy, lazy=_HARDWARE)
def hardware() -> None:
    """The hardware catalog."""


@main.group(cls=_Lazy, lazy=_MODELS)
def models() -> None:
    """The model catalog: architectures with their sources."""


@main.group(cls=_Lazy, lazy=_PRICES)
def prices() -> None:
    """GPU prices: the bases (cloud lists, market median) and rebuilding them from price lists."""


@main.group(cls=_Lazy, lazy=_EXAMPLES)
def examples() -> None:
    """The bundled scenarios: every worked example in the seeds."""


__all__ = ["main"]
