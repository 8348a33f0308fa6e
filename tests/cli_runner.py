"""Run `ties` in the test process through the real entry point (`ties.cli.main`), which
turns errors into one line and an exit code, as a user sees them."""

from __future__ import annotations

from ties.cli import main


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """`ties ARGV`: (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err
