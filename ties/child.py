"""Run a child process in the foreground and never let it outlive this one.

``ties dashboard`` and ``ties demo`` serve Streamlit as a child. With ``subprocess.run``
a SIGTERM to the parent (a service manager, ``kill PID``) ended only the parent and left
the child serving the port; here SIGTERM and SIGINT stop the child too.
"""

from __future__ import annotations

import signal
import subprocess


class _Stopped(Exception):
    """SIGTERM (or SIGINT) reached this process while the child was running."""


def _raise_stopped(signum, frame) -> None:  # noqa: ARG001 - the signal module's handler signature
    raise _Stopped(signum)


def stop(child: subprocess.Popen, grace: float = 10) -> None:
    """End `child` if it still runs: SIGTERM, then SIGKILL after `grace` seconds; reaped."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def serve(command: list[str], env: dict) -> int:
    """Run `command` until it ends or this process gets SIGTERM/SIGINT; then stop the child
    (terminate, kill after 10 s). Returns the child's exit code (0 when stopped here)."""
    child = subprocess.Popen(command, env=env)
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    except (_Stopped, KeyboardInterrupt):
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop(child)
