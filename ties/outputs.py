"""Writing a file the user named with ``--out``: never through a link, never over a file
by surprise, never half-written.

Why: ``ties export --out link.md`` followed a symbolic link and overwrote its target, and
a command killed mid-write left a truncated report in place. Here the bytes go to a
temporary file in the same folder, are flushed to disk, and then take the name in one
step: a hard link when nothing may be replaced (which fails if the name appeared in the
meantime), ``os.replace`` with ``--force`` (which swaps the name itself, a link included,
and never writes into whatever a link pointed at).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from graph.errors import InputError

__all__ = ["printable", "write_output"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_output(path: Path | str, data: bytes | str, force: bool = False) -> Path:
    """Write `data` to `path` atomically; refuse an existing name (file or link) unless `force`.

    Raises
    ------
    InputError
        The folder does not exist, the name exists (without `force`) or is a folder, or the
        write failed (the message names the path and the reason; nothing is left behind).
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not str(path) or path.name in ("", ".", ".."):
        raise InputError(f"--out {str(path)!r}: expected a file name")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    if os.path.lexists(path):
        if path.is_dir() and not path.is_symlink():
            raise InputError(f"{path}: is a folder; name a file")
        if not force:
            kind = "a symbolic link" if path.is_symlink() else "a file"
            raise InputError(f"{path}: {kind} with this name exists; not replaced (use --force to replace "
                             "the name itself; a link's target is never written)")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {folder}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name exists: no clobbering, even in a race
            except FileExistsError:
                raise InputError(f"{path}: appeared while writing; not replaced (use --force)") from None
            except OSError:  # a filesystem without hard links: checked above, replace now
                if os.path.lexists(path):
                    raise InputError(f"{path}: exists; not replaced (use --force)") from None
                os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def printable(text: object, limit: int = 300) -> str:
    """`text` safe to echo on a terminal: control and escape characters shown as ``?``, cut to `limit`.

    Why: names from a file or a record can hold terminal escape sequences that rewrite the
    screen or the window title when printed as they are.
    """
    value = str(text)
    cut = len(value) > limit
    value = "".join(ch if ch.isprintable() else "?" for ch in value[:limit])
    return value + ("\u2026" if cut else "")
