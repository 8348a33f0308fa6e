"""Stream OpenAlex work records out of files, whatever shape they came in.

Accepted: list pages (`{"meta":..., "results":[...]}`), pages saved by `ties fetch`
(`{"request":..., "response": {...}}`), single work objects, JSON arrays of works,
JSON Lines (`.jsonl`, `.jsonl.gz`) and snapshot partitions (`updated_date=*/part_*.gz`),
and folders of them, recursively. Memory stays flat for JSON Lines and snapshot parts.

A record that cannot be read is not fatal: it becomes a :class:`Rejection` naming the
file, line or index and the reason, and the rest of the input is read.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from graph.errors import InputError

JSON_SUFFIXES = (".json",)
LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".gz")
SKIP_NAMES = {"manifest", "_meta.json", "truth.json"}


@dataclass(frozen=True)
class Record:
    """One work object and where it came from (file and line or result index)."""

    work: dict
    origin: str


@dataclass(frozen=True)
class Rejection:
    """Something in the input that could not be used, and why."""

    origin: str
    field: str
    reason: str

    def __str__(self) -> str:
        field = f" field {self.field}:" if self.field else ""
        return f"{self.origin}:{field} {self.reason}"


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The readable files under `paths`, sorted, failing on a path that does not exist."""
    files: list[Path] = []
    paths = list(paths)
    if any(not str(p).strip() for p in paths):
        # Path("") is the current folder: an empty argument (an unset shell variable) loaded it
        raise InputError("an input path is empty; name a file or folder")
    for path in map(Path, paths):
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.name not in SKIP_NAMES
                and p.name.endswith(JSON_SUFFIXES + LINES_SUFFIXES)
            )
            if not found:
                raise InputError(f"{path}: no OpenAlex files (.json, .jsonl, .gz) in this folder")
            files.extend(found)
        elif not path.is_file():
            # a FIFO or device would block or never end; only regular files are read
            raise InputError(f"{path}: not a regular file or folder")
        else:
            files.append(path)
    for path in files:
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    return files


def _is_lines(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(LINES_SUFFIXES) and not name.endswith(".json.gz")


try:  # ISA-L's gzip reader is about 3x faster than zlib's; optional, same interface
    from isal import igzip as _gzip
    from isal.isal_zlib import error as _isal_error
except ImportError:  # pragma: no cover - depends on the environment
    _gzip = gzip
    _isal_error = zlib.error

#: what reading a damaged compressed file can raise (whichever gzip module is in use)
READ_ERRORS = (OSError, EOFError, gzip.BadGzipFile, zlib.error, _isal_error)


def _open_text(path: Path) -> io.BufferedReader:
    if path.name.endswith(".gz"):
        # a large buffer: gzip's own line reading goes through small Python-level reads
        return io.BufferedReader(_gzip.open(path, "rb"), 1 << 20)  # type: ignore[arg-type]
    return open(path, "rb")


REPLACED = "\ufffd"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _parse(data: bytes, repairs: list[str] | None = None, origin: str = "") -> tuple[object, bool]:
    """Parse JSON bytes; returns (value, whether invalid UTF-8 had to be replaced).

    A byte-order mark is honoured. Bytes that are not UTF-8 (a Latin-1 record in a UTF-8
    file) become U+FFFD so the rest of the file can be read; the records that held them
    are then rejected by :func:`_one`, naming the field. A lone surrogate escape
    (``\\ud800``, which strict JSON parsers refuse) becomes ``\\ufffd`` and is counted in
    `repairs`: one such character used to cost the whole page. Raises orjson.JSONDecodeError.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _loads(data.decode(encoding).encode("utf-8"), repairs, origin), False
            except UnicodeDecodeError:
                return _loads(data.decode(encoding, errors="replace").encode("utf-8"), repairs, origin), True
    try:
        return _loads(data, repairs, origin), False
    except orjson.JSONDecodeError:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return _loads(data.decode("utf-8", errors="replace").encode("utf-8"), repairs, origin), True
        raise


#: a JSON escape: a surrogate pair, a lone surrogate, or any other escape (consumed so that
#: ``\\\\ud800``, an escaped backslash and the text "ud800", is left alone)
_ESCAPE = re.compile(rb"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u(d[89a-f][0-9a-f]{2})|\\.", re.I)


def _fix_surrogates(data: bytes) -> tuple[bytes, int]:
    """`data` with every lone surrogate escape replaced by ``\\ufffd``, and how many there were."""
    count = 0

    def one(match: re.Match) -> bytes:
        nonlocal count
        if match.group(3) is not None:
            count += 1
            return b"\\ufffd"
        return match.group(0)

    fixed = _ESCAPE.sub(one, data) if b"\\u" in data else data
    return fixed, count


def _loads(data: bytes, repairs: list[str] | None, origin: str) -> object:
    """orjson.loads, retried once with lone surrogate escapes replaced (and counted)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        fixed, count = _fix_surrogates(data)
        if not count:
            raise
        value = orjson.loads(fixed)
        if repairs is not None:
            repairs.append(f"{origin}: {count} lone surrogate escape{'s' if count > 1 else ''} replaced by U+FFFD")
        return value


_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def _result_spans(data: bytes) -> tuple[list[tuple[int, int]], bool] | None:
    """Byte spans of the items of the first ``"results"`` array of a page (at most two levels
    deep, so a stored ``{"request", "response"}`` page too), and whether the array was closed.

    Why: a page that does not parse as a whole (a truncated download, one broken record) still
    holds whole records; cutting the array at its top-level commas lets each be parsed alone.
    None when the data holds no such array.
    """
    depth, start, spans, key_at = 0, None, [], None
    for match in _TOKEN.finditer(data):
        token = match.group(0)
        if start is None:
            if token == b'"results"' and depth <= 2:
                key_at = match.end()
            elif token == b"[" and key_at is not None and data[key_at:match.start()].strip() == b":":
                start, depth, item = match.end(), 0, match.end()
                continue
            elif token in (b"{", b"["):
                depth += 1
                key_at = None
            elif token in (b"}", b"]"):
                depth -= 1
                key_at = None
            continue
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            if depth == 0:  # the end of the results array
                if data[item:match.start()].strip():
                    spans.append((item, match.start()))
                return spans, True
            depth -= 1
        elif token == b"," and depth == 0:
            spans.append((item, match.start()))
            item = match.end()
    if start is None:
        return None
    if data[item:].strip():
        spans.append((item, len(data)))
    return spans, False


def _page_by_record(data: bytes, origin: str, rejections: list[Rejection],
                    repairs: list[str] | None) -> Iterator[Record] | None:
    """The records of a page that does not parse as a whole, each parsed alone; None if the
    data has no ``results`` array to cut (the caller then rejects the whole file)."""
    found = _result_spans(data)
    if found is None or not found[0]:
        return None
    spans, closed = found

    def records() -> Iterator[Record]:
        for i, (start, end) in enumerate(spans):
            here = f"{origin}#results[{i}]"
            try:
                item, mangled = _parse(data[start:end], repairs, here)
            except orjson.JSONDecodeError as exc:
                truncated = " (truncated?)" if not closed and i == len(spans) - 1 else ""
                rejections.append(Rejection(here, "", f"invalid JSON{truncated}: {exc}"))
                continue
            yield from _one(item, here, rejections, mangled)

    return records()


def _replaced_field(value: object, path: str = "") -> str | None:
    """The path of the first string (key or value) holding U+FFFD, or None."""
    if isinstance(value, str):
        return path if REPLACED in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if REPLACED in str(key):
                return here
            found = _replaced_field(item, here)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _replaced_field(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def _works_in(obj: object, origin: str, rejections: list[Rejection], mangled: bool = False) -> Iterator[Record]:
    """The works inside one parsed JSON value (page, envelope, array or single work)."""
    if isinstance(obj, dict) and "response" in obj and "request" in obj:
        obj = obj["response"]
    if isinstance(obj, dict) and "results" in obj:
        results = obj["results"]
        if not isinstance(results, list):
            rejections.append(Rejection(origin, "results", "is not a list"))
            return
        for i, item in enumerate(results):
            yield from _one(item, f"{origin}#results[{i}]", rejections, mangled)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _one(item, f"{origin}[{i}]", rejections, mangled)
    else:
        yield from _one(obj, origin, rejections, mangled)


def _one(item: object, origin: str, rejections: list[Rejection], mangled: bool = False) -> Iterator[Record]:
    if not isinstance(item, dict):
        rejections.append(Rejection(origin, "", f"expected a work object, got {type(item).__name__}"))
        return
    if mangled:
        field = _replaced_field(item)
        if field is not None:
            rejections.append(Rejection(origin, field, "not valid UTF-8 (another encoding?)"))
            return
    yield Record(item, origin)


def read_records(path: Path, rejections: list[Rejection], repairs: list[str] | None = None) -> Iterator[Record]:
    """Every work record in one file; unreadable parts are appended to `rejections`, and
    repairs that kept a record (lone surrogates replaced) to `repairs`."""
    if _is_lines(path):
        seen_any = False
        name = str(path)
        try:
            with _open_text(path) as handle:
                for number, line in enumerate(handle, start=1):
                    if line[:1] == b"{":  # the common case, one work per line, without the detours below
                        try:
                            obj = orjson.loads(line)
                        except orjson.JSONDecodeError:
                            obj = None  # the general path below says why, naming the line
                        if obj.__class__ is dict and "results" not in obj and "response" not in obj:
                            seen_any = True
                            yield Record(obj, f"{name}:{number}")
                            continue
                    if not line.strip():
                        continue
                    seen_any = True
                    origin = f"{name}:{number}"
                    try:
                        obj, mangled = _parse(line, repairs, origin)
                    except orjson.JSONDecodeError as exc:
                        rejections.append(Rejection(origin, "", f"invalid JSON: {exc}"))
                        continue
                    yield from _works_in(obj, origin, rejections, mangled)
        except READ_ERRORS as exc:
            rejections.append(Rejection(str(path), "", f"cannot read compressed data: {exc}"))
            return
        if not seen_any:
            rejections.append(Rejection(str(path), "", "empty file"))
        return
    try:
        with _open_text(path) as handle:
            data = handle.read()
    except READ_ERRORS as exc:
        rejections.append(Rejection(str(path), "", f"cannot read: {exc}"))
        return
    if not data.strip():
        rejections.append(Rejection(str(path), "", "empty file"))
        return
    try:
        obj, mangled = _parse(data, repairs, str(path))
    except orjson.JSONDecodeError as exc:
        one_by_one = _page_by_record(data, str(path), rejections, repairs)
        if one_by_one is None:
            rejections.append(Rejection(str(path), "", f"invalid JSON (truncated?): {exc}"))
        else:
            yield from one_by_one
        return
    yield from _works_in(obj, str(path), rejections, mangled)


def iter_records(paths: Iterable[Path], rejections: list[Rejection],
                 repairs: list[str] | None = None) -> Iterator[Record]:
    """Every work record under `paths`, in a stable order."""
    for path in input_files(paths):
        yield from read_records(path, rejections, repairs)


def manifest_counts(folder: Path) -> dict[str, int]:
    """Record counts per partition from OpenAlex `manifest` files under `folder`.

    The snapshot's Redshift-style manifest lists each part with its record count, so a
    load can tell a partial download from a complete one.
    """
    counts: dict[str, int] = {}
    if not folder.is_dir():
        return counts
    for manifest in folder.rglob("manifest"):
        try:
            data = orjson.loads(manifest.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{manifest}: invalid manifest JSON: {exc}") from exc
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise InputError(f"{manifest}: expected an object with an 'entries' list (the snapshot's manifest), "
                             f"got {type(entries if isinstance(data, dict) else data).__name__}")
        for i, entry in enumerate(entries):
            meta = entry.get("meta") if isinstance(entry, dict) else None
            count = meta.get("record_count") if isinstance(meta, dict) else None
            if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) or isinstance(count, bool) \
                    or not isinstance(count, int) or count < 0:
                raise InputError(f"{manifest}: entries[{i}]: expected {{url: text, meta: {{record_count: "
                                 f"a whole number}}}}, got {str(entry)[:120]}")
            url = entry["url"]
            marker = url.rfind("updated_date=")
            rel = url[marker:] if marker >= 0 else url.rsplit("/", 1)[-1]
            counts[str(manifest.parent / rel)] = count
    return counts
