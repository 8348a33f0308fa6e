"""Resumable cursor paging of OpenAlex works to disk: every raw page kept, nothing twice.

Order of writes per page: the raw page (tmp file, then ``os.replace``), then the state
file (same way). A kill between the two leaves an *orphan* page that the next run
recognises (its request cursor is the saved next cursor) and adopts instead of fetching
it again, so a rerun never fetches or stores a page twice.

Example
-------
>>> q = WorksQuery(countries=("NL", "CN"), since=2015, until=2024)
>>> q.filter()
'institutions.country_code:nl+cn,publication_year:>2014,publication_year:<2025'
>>> q.slug().startswith("nl-cn_2015-2024_")
True
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from graph.errors import InputError
from graph.settings import Config
from loaders.openalex import (
    WORK_FIELDS,
    ClientSettings,
    OpenAlexClient,
    _now_iso,
    fetch_list_page,
)

__all__ = ["FetchState", "FetchSummary", "WorksQuery", "fetch_works", "page_path"]

MAX_PER_PAGE = 200
_PAGE_RE = re.compile(r"^page_(\d{5,})\.json$")
_INSTITUTION_RE = re.compile(r"^[Ii]\d+$")


@dataclass(frozen=True)
class WorksQuery:
    """Which works to fetch: co-authored by all ``countries`` and/or of one institution.

    ``institution`` matches the institution and its descendants (``lineage``).
    ``limit`` caps the works stored across runs; it is not part of the query identity,
    so raising it and rerunning continues the same fetch.
    """

    countries: tuple[str, ...] = ()
    institution: str | None = None
    since: int | None = None
    until: int | None = None
    per_page: int = 100
    limit: int | None = None
    select: tuple[str, ...] = WORK_FIELDS

    def __post_init__(self) -> None:
        for code in self.countries:
            if not re.fullmatch(r"[A-Za-z]{2}", code):
                raise InputError(f"country {code!r}: expected a two-letter ISO code such as NL")
        if self.institution is not None:
            short = self.institution.rstrip("/").rsplit("/", 1)[-1]
            if not _INSTITUTION_RE.match(short):
                raise InputError(
                    f"institution {self.institution!r}: expected an OpenAlex id such as I913958620"
                )
            object.__setattr__(self, "institution", short.upper())
        if not self.countries and self.institution is None:
            raise InputError("a query needs --country or --institution")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InputError(f"--per-page {self.per_page}: must be between 1 and {MAX_PER_PAGE}")
        if self.since and self.until and self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"--limit {self.limit}: must be at least 1")

    def filter(self) -> str:
        """The OpenAlex ``filter`` parameter (AND of all parts)."""
        parts = []
        if self.countries:
            parts.append("institutions.country_code:" + "+".join(c.lower() for c in self.countries))
        if self.institution:
            parts.append(f"authorships.institutions.lineage:{self.institution}")
        if self.since:
            parts.append(f"publication_year:>{self.since - 1}")
        if self.until:
            parts.append(f"publication_year:<{self.until + 1}")
        return ",".join(parts)

    def slug(self) -> str:
        """Folder and state name: readable prefix plus a hash of filter, select and page size."""
        head = "-".join(c.lower() for c in self.countries)
        if self.institution:
            head = f"{head}-{self.institution.lower()}" if head else self.institution.lower()
        years = f"{self.since or ''}-{self.until or ''}" if (self.since or self.until) else "all"
        identity = f"{self.filter()}|{','.join(self.select)}|{self.per_page}"
        return f"{head}_{years}_{hashlib.sha256(identity.encode()).hexdigest()[:10]}"


@dataclass
class FetchState:
    """What is on disk for one query; saved after every page."""

    slug: str
    filter: str
    out_dir: str
    next_cursor: str | None = "*"
    pages: int = 0
    works: int = 0
    count: int | None = None
    finished: bool = False
    updated_at: str | None = None


@dataclass
class FetchSummary:
    """Result of :func:`fetch_works`; ``fetched_pages`` counts pages requested in this run."""

    pages: int
    works: int
    total: int | None
    out_dir: Path
    resumed: bool
    finished: bool
    fetched_pages: int = 0
    limit_reached: bool = False
    slug: str = ""
    state_path: Path | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["out_dir"] = str(self.out_dir)
        data["state_path"] = str(self.state_path) if self.state_path else None
        return data


def page_path(out_dir: Path, number: int) -> Path:
    """``page_00001.json`` and so on."""
    return out_dir / f"page_{number:05d}.json"


def fetch_works(
    config: Config,
    query: WorksQuery,
    out_dir: Path | None = None,
    progress: bool = True,
    *,
    settings: ClientSettings | None = None,
    refresh: bool = False,
    client: OpenAlexClient | None = None,
) -> FetchSummary:
    """Fetch every page of ``query`` to ``out_dir``, resuming a saved fetch.

    Parameters
    ----------
    config : API key, mailto and base URL; ``TIES_HOME`` for the default folders.
    query : what to fetch.
    out_dir : where pages go (default ``<TIES_HOME>/raw/api/<slug>/``).
    progress : show a progress bar on stderr.
    settings : rate, retries and waits (tests make them tiny).
    refresh : forget this query's pages and state and start over.

    Returns
    -------
    FetchSummary

    Raises
    ------
    FetchError, QuotaExhausted
        From the client; the state saved so far lets the same call resume.
    InputError
        The folder holds pages that do not continue the saved state.
    """
    slug = query.slug()
    out = Path(out_dir) if out_dir is not None else config.raw_dir / "api" / slug
    state_path = config.state_dir / "fetch" / f"{slug}.json"
    if refresh:
        _forget(out, state_path)
    state = _load_state(state_path)
    if state is not None and Path(state.out_dir).resolve() != out.resolve():
        raise InputError(
            f"{state_path}: this query was fetched into {state.out_dir}; use --out "
            f"{state.out_dir} to resume it, or --refresh to start over in {out}"
        )
    state = state or FetchState(slug=slug, filter=query.filter(), out_dir=str(out))
    out.mkdir(parents=True, exist_ok=True)
    notes = _reconcile(state, out, query)
    resumed = state.pages > 0
    if notes:
        _save_state(state_path, state)
    summary = FetchSummary(
        pages=state.pages, works=state.works, total=state.count, out_dir=out,
        resumed=resumed, finished=state.finished, slug=slug, state_path=state_path, notes=notes,
    )
    if state.finished:
        summary.notes.append("already complete; use --refresh to fetch again")
        return summary
    if query.limit is not None and state.works >= query.limit:
        summary.limit_reached = True
        summary.notes.append(f"--limit {query.limit} already reached; raise it to continue")
        return summary
    own_client = client is None
    client = client or OpenAlexClient(config, settings)
    bar = tqdm(
        total=_target(state.count, query.limit), initial=state.works, unit="work",
        desc=slug.split("_", 1)[0], file=sys.stderr, disable=not progress, dynamic_ncols=True,
    )
    try:
        while True:
            size = query.per_page
            if query.limit is not None:
                size = min(size, query.limit - state.works)
            response = fetch_list_page(
                client, "works", filter=query.filter(), select=query.select,
                per_page=size, cursor=state.next_cursor or "*",
            )
            number = state.pages + 1
            _write_page(out, number, response.request_record(), response.content)
            meta, results = response.data["meta"], response.data["results"]
            _advance(state, meta, results)
            _save_state(state_path, state)
            summary.fetched_pages += 1
            bar.total = _target(state.count, query.limit)
            quota = client.rate.get("x-ratelimit-remaining", "?")
            bar.set_postfix(pages=state.pages, quota=quota, refresh=False)
            bar.update(len(results))
            if state.finished:
                break
            if query.limit is not None and state.works >= query.limit:
                summary.limit_reached = True
                break
    finally:
        bar.close()
        if own_client:
            client.close()
        summary.pages, summary.works = state.pages, state.works
        summary.total, summary.finished = state.count, state.finished
    return summary


# -- state and pages on disk -------------------------------------------------------------------
def _advance(state: FetchState, meta: dict[str, Any], results: list[Any]) -> None:
    """Move the state past one page (fetched now or adopted from disk)."""
    state.pages += 1
    state.works += len(results)
    if isinstance(meta.get("count"), int):
        state.count = meta["count"]
    state.next_cursor = meta.get("next_cursor")
    state.finished = not results or not state.next_cursor


def _reconcile(state: FetchState, out: Path, query: WorksQuery) -> list[str]:
    """Check the folder against the state; adopt orphan pages written just before a kill."""
    notes: list[str] = []
    for tmp in out.glob("*.tmp"):
        tmp.unlink()
    on_disk = sorted(int(m.group(1)) for p in out.iterdir() if (m := _PAGE_RE.match(p.name)))
    if state.pages and state.pages not in on_disk:
        raise InputError(
            f"{page_path(out, state.pages)}: missing, but the saved state says {state.pages} "
            "pages were stored; use --refresh to start over"
        )
    number = state.pages + 1
    while number in on_disk:
        path = page_path(out, number)
        try:
            record = orjson.loads(path.read_bytes())
            params = record["request"]["params"]
            meta, results = record["response"]["meta"], record["response"]["results"]
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a stored OpenAlex page ({exc}); use --refresh") from None
        if params.get("filter") != query.filter() or params.get("cursor") != (
            state.next_cursor or "*"
        ):
            raise InputError(
                f"{path}: does not continue the saved fetch (other filter or cursor); "
                "use --refresh to start over"
            )
        _advance(state, meta, results)
        notes.append(f"adopted {path.name}, stored before an interruption")
        number += 1
    extra = [n for n in on_disk if n >= number]
    if extra:
        raise InputError(
            f"{page_path(out, extra[0])}: page after a gap in {out}; use --refresh to start over"
        )
    return notes


def _write_page(out: Path, number: int, request: dict[str, Any], content: bytes) -> None:
    """Write ``{"request": ..., "response": <body as received>}`` atomically."""
    data = b'{"request":' + orjson.dumps(request) + b',"response":' + content.strip() + b"}\n"
    _atomic_write(page_path(out, number), data)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _load_state(path: Path) -> FetchState | None:
    if not path.is_file():
        return None
    try:
        return FetchState(**orjson.loads(path.read_bytes()))
    except (orjson.JSONDecodeError, TypeError) as exc:
        raise InputError(f"{path}: unreadable fetch state ({exc}); use --refresh") from None


def _save_state(path: Path, state: FetchState) -> None:
    state.updated_at = _now_iso()
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, orjson.dumps(asdict(state), option=orjson.OPT_INDENT_2))


def _forget(out: Path, state_path: Path) -> None:
    """``--refresh``: remove this query's pages and state (nothing else in the folder)."""
    if out.is_dir():
        for path in out.iterdir():
            if _PAGE_RE.match(path.name) or path.name.endswith(".json.tmp"):
                path.unlink()
    state_path.unlink(missing_ok=True)


def _target(count: int | None, limit: int | None) -> int | None:
    if count is None:
        return limit
    return min(count, limit) if limit is not None else count
