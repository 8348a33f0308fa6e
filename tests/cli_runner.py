"""Run `ties` in the test process through the real entry point (`ties.cli.main`), which
turns errors into one line and an exit code, as a user sees them.

Starting `ties` as a subprocess costs about a second of CPU (Python plus pandas, networkx
and LadybugDB imports) before the command does anything; most tests are about what the
command answers, not about the process, so they run it here. Tests about the process itself
(signals, memory bounds, native crashes, the installed `ties` script) still start one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ties.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """`ties ARGV`: (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_in_process(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys, *, env: dict | None = None,
                   stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`ties ARGV` as a fresh process would see it, run in this one: the same environment
    (`env` over os.environ), working directory and standard input, restored afterwards by
    `monkeypatch`. Returns what :func:`subprocess.run` would (bytes out and err)."""
    with monkeypatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"))
        patch.setattr(sys, "argv", ["ties", *argv])
        capsys.readouterr()
        code, out, err = run_cli(list(argv), capsys)
    return subprocess.CompletedProcess(["ties", *argv], code, out.encode("utf-8", "surrogateescape"),
                                       err.encode("utf-8", "surrogateescape"))


def ties_script() -> str:
    """The installed `ties` console script of this environment."""
    return str(Path(sys.executable).parent / "ties")


def run_process(argv: list[str], *, env: dict | None = None, stdin: bytes | None = None, cwd: Path = ROOT,
                timeout: float = 120) -> subprocess.CompletedProcess:
    """`ties ARGV` in a real process started from the installed script."""
    return subprocess.run([ties_script(), *argv], env={**os.environ, **(env or {})}, cwd=cwd, input=stdin,
                          capture_output=True, timeout=timeout)
