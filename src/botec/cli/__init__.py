"""The `botec` command: thin. Flags become a command function's parameters (see
:mod:`botec.commands`), the library runs the scenario it builds, a renderer prints the result.

Every command is a declarative table (:mod:`botec.cli.estimates`, :mod:`botec.cli.scenario_files`)
from which its click options, its call and the flags named in its error messages are generated.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from botec.cli import estimates
from botec.cli import scenario_files as files
from botec.core.errors import BotecInputError


class _Group(click.Group):
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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="botec")
def main() -> None:
    """Back-of-the-envelope estimates for ML systems, with every formula and unit shown."""


@main.group()
def hardware() -> None:
    """The hardware catalog."""


@main.group()
def examples() -> None:
    """The bundled scenarios: every worked example in the seeds."""


main.add_command(files.REPORT.command("report", files.report))
for _name, _table in estimates.TABLES.items():
    main.add_command(_table.command(_name, estimates.estimate))
main.add_command(files.SWEEP.command("sweep", files.sweep))
main.add_command(files.COMPARE.command("compare", files.compare))
main.add_command(files.VALIDATE.command("validate", files.validate))
hardware.add_command(files.HARDWARE_LIST.command("list", files.hardware_list))
hardware.add_command(files.HARDWARE_SHOW.command("show", files.hardware_show))
examples.add_command(files.EXAMPLES_LIST.command("list", files.examples_list))
examples.add_command(files.EXAMPLES_SHOW.command("show", files.report))

__all__ = ["main"]
