"""The `ties` command line: one group, one module per command under `ties.commands`.

Every command prints one line and exits non-zero on failure (no traceback), offers
``--json`` where it prints results, and shows progress on stderr for long work. An error
nobody foresaw (a bug) is no exception to that: :func:`main` writes its traceback to a log
file under ``TIES_HOME/logs/`` and prints one line naming the file.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

import click

from graph.errors import TiesError
from ties import __version__
from ties.config import load_config

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
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"error: {one_line(exc.format_message())}{hint}", err=True)
        sys.exit(exc.exit_code)
    except TiesError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        name = f" {one_line(str(exc.filename))}" if getattr(exc, "filename", None) else ""
        click.echo(f"error:{name}: {one_line(str(exc.strerror or exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback reaches a user
        log = write_crash_log(exc, argv)
        where = f"the full traceback is in {log}" if log else "no log file could be written"
        what = one_line(f"{type(exc).__name__}: {exc}")[:200]
        click.echo(f"error: ties {_command_name(argv)} failed unexpectedly ({what}); this is a bug, "
                   f"not your input: {where}; please report it with that file", err=True)
        sys.exit(70)  # EX_SOFTWARE


def one_line(text: str) -> str:
    """`text` as one line of printable characters: whitespace runs become one space, and
    control characters (a terminal escape in a hostile file name or value) become U+FFFD.

    >>> one_line("bad\\n value\\x1b[31m")
    'bad value\ufffd[31m'
    """
    return " ".join("".join(c if c.isprintable() or c.isspace() else "\ufffd" for c in text).split())


def _command_name(argv: list[str] | None) -> str:
    args = sys.argv[1:] if argv is None else argv
    names = [a for a in args[:2] if a in COMMANDS or a in ("start", "stop", "status", "update")]
    return " ".join(names) or "(no command)"


def _log_dirs() -> list[Path]:
    """``TIES_HOME/logs``, and the temporary folder when that cannot be written (TIES_HOME a file)."""
    dirs = []
    try:
        dirs.append(load_config().logs_dir)
    except Exception:  # noqa: BLE001 - a broken .env must not hide the original error
        pass
    dirs.append(Path(tempfile.gettempdir()) / "ties-logs")
    return dirs


def write_crash_log(exc: BaseException, argv: list[str] | None) -> Path | None:
    """Write the traceback of `exc` with the command line to a new log file; its path, or None."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    text = (f"ties {__version__} at {stamp}Z, pid {os.getpid()}\n"
            f"argv: {sys.argv[:1] + list(sys.argv[1:] if argv is None else argv)!r}\n\n"
            + "".join(traceback.format_exception(exc)))
    for folder in _log_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
            return path.resolve()
        except OSError:
            continue
    return None
