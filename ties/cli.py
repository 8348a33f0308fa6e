"""The `ties` command line: one group, one module per command under `ties.commands`.

Every command prints one line and exits non-zero on failure (no traceback), offers
``--json`` where it prints results, and shows progress on stderr for long work.
"""

from __future__ import annotations

import importlib
import sys

import click

from graph.errors import TiesError
from ties import __version__

#: command name -> module under ties.commands exposing ``command``
COMMANDS = {
    "demo": "demo",
    "generate": "generate",
    "fetch": "fetch",
    "load": "load",
    "sync": "sync",
    "match": "match",
    "watchlist": "watchlist",
    "paths": "paths",
    "exposure": "exposure",
    "brokers": "brokers",
    "export": "export",
    "dashboard": "dashboard",
    "diff": "diff",
    "neo4j": "neo4j",
}


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so `ties --help` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:
            return None
        return importlib.import_module(f"ties.commands.{module}").command


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="ties")
def cli() -> None:
    """Research Ties: evidence of research ties between Dutch institutions and entities
    under China's Central Military Commission.

    Co-authorship is evidence of collaboration, not of wrongdoing: every tie names the
    OpenAlex work, DOI and raw affiliation string behind it.

    Example: ties demo --no-browser
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn every TiesError into one line on stderr and a non-zero exit."""
    try:
        cli.main(args=argv, prog_name="ties", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except getattr(click.exceptions, "NoArgsIsHelpError", ()) as exc:
        click.echo(exc.ctx.get_help(), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        # one line, like every other error: the message, and where to read more
        message = " ".join(exc.format_message().split())
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"error: {message}{hint}", err=True)
        sys.exit(exc.exit_code)
    except TiesError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        click.echo(f"error:{name}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
