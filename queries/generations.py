"""What changed since the last load: a small digest of the ties per table generation.

Each load publishes a new table generation (``graph.tables.publish_generation``). Right
after it, :func:`record_generation` writes ``TIES_HOME/generations/<generation>.json``: one
entry per tie (kind, Dutch unit, the two authors, matched institution, entity) with its
works. :func:`diff_generations` compares the two newest digests, so an analyst who
refreshes the data sees the ties that are new, gone or backed by more works, without
reading everything again. The digest holds ids, names and work ids only (no raw strings),
so it stays small; the evidence itself is always read from the store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from graph.errors import TiesError
from graph.tables import read_meta
from queries import open_store
from queries.evidence import KINDS, TieQuery, find_evidence

__all__ = ["current_generation", "diff_generations", "generations_dir", "list_generations", "record_after_load",
           "record_generation", "tie_digest"]

KEEP = 5  #: digests kept (a 10^6-work load's digest can reach tens of MB); older ones are removed
#: the kinds in the digest: the pattern matches (the indirect search is too slow to run on every load)
DIGEST_KINDS = tuple(k for k in KINDS if k != "indirect")


def generations_dir(home: Path) -> Path:
    return Path(home) / "generations"


def current_generation(tables_dir: Path) -> str:
    """The name of the table generation in use (the folder the tables symlink points to)."""
    return Path(tables_dir).resolve().name


OA = "https://openalex.org/"
_KEY = ("kind", "source_institution_id", "department_id", "entity_id", "source_author_id", "target_author_id",
        "target_institution_id")
#: an OpenAlex id stored without its prefix (a department keeps its #part)
_SHORT_ID = re.compile(r"[AIW][0-9]+(?:#.*)?")
_NAMED = {"institution": 1, "entity": 3, "source_author": 4, "target_author": 5, "target_institution": 6}


def tie_digest(rows: list[dict]) -> dict[str, dict]:
    """Tie key -> names and sorted work ids, from evidence rows (pure).

    >>> row = {"kind": "direct", "source_institution_id": "I1", "department_id": "", "entity_id": "nudt",
    ...        "source_author_id": "A1", "target_author_id": "A2", "target_institution_id": "I2", "work_id": "W1",
    ...        "source_institution": "Delft", "entity_name": "NUDT", "source_author": "x", "target_author": "y",
    ...        "target_institution": "NUDT", "year": 2018}
    >>> tie_digest([row])["direct|I1||nudt|A1|A2|I2"]["works"]
    ['W1']
    """
    ties: dict[str, dict] = {}
    for row in rows:
        key = "|".join(str(row.get(k) or "") for k in _KEY)
        tie = ties.setdefault(key, {
            "kind": row["kind"], "institution": row.get("source_institution"), "entity": row.get("entity_name"),
            "entity_id": row.get("entity_id"), "source_author": row.get("source_author"),
            "target_author": row.get("target_author"), "target_institution": row.get("target_institution"),
            "works": set(), "last_year": 0})
        tie["works"].update(w for w in (row.get("work_id"), row.get("target_work_id")) if w)
        tie["last_year"] = max(tie["last_year"], int(row.get("year") or 0), int(row.get("target_year") or 0))
    for tie in ties.values():
        tie["works"] = sorted(tie["works"])
    return ties


def _short(value: str) -> str:
    return value[len(OA):] if value.startswith(OA) else value


def _long(value: str) -> str:
    return OA + value if _SHORT_ID.fullmatch(value) else value


def pack(ties: dict[str, dict]) -> dict:
    """The digest as stored: ids without the OpenAlex prefix, each name once (in ``names``),
    per tie only its works and latest year (a 2,000-work demo: 2.9 MB before, far less after)."""
    names: dict[str, str] = {}
    packed = {}
    for key, tie in ties.items():
        parts = key.split("|")
        for field_name, index in _NAMED.items():
            if tie.get(field_name):
                names[_short(parts[index])] = tie[field_name]
        packed["|".join(_short(p) for p in parts)] = [[_short(w) for w in tie["works"]], tie["last_year"]]
    return {"names": names, "ties": packed}


def unpack(doc: dict) -> dict[str, dict]:
    """The stored digest back as :func:`tie_digest` gives it."""
    names = doc.get("names", {})
    ties = {}
    for key, (works, last_year) in doc.get("ties", {}).items():
        parts = key.split("|")
        tie = {"kind": parts[0], "entity_id": parts[3], "works": [_long(w) for w in works], "last_year": last_year}
        tie.update({field_name: names.get(parts[index]) for field_name, index in _NAMED.items()})
        ties["|".join(_long(p) for p in parts)] = tie
    return ties


def record_generation(config, store=None) -> Path:
    """Write the tie digest of the generation just loaded (every Dutch unit, every watchlist
    entity, the pattern-matched kinds); returns the file. Opens the store read-only unless given."""
    meta = read_meta(config.tables_dir)
    query = TieQuery(target="all", kinds=DIGEST_KINDS)
    if store is None:
        with open_store(config, read_only=True) as opened:
            rows = find_evidence(opened, query)
    else:
        rows = find_evidence(store, query)
    name = current_generation(config.tables_dir)
    folder = generations_dir(config.home)
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"generation": name, "loaded_at": meta.get("loaded_at"), "data_date": meta.get("data_date"),
           "kinds": list(DIGEST_KINDS), **pack(tie_digest(rows))}
    path = folder / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str), encoding="utf-8")
    tmp.replace(path)
    for old in list_generations(config.home)[:-KEEP]:
        old.unlink(missing_ok=True)
    return path


def record_after_load(config) -> str | None:
    """:func:`record_generation` for the load commands: the data are loaded whatever happens
    here, so a failure is returned as one line to print, not raised."""
    try:
        record_generation(config)
    except (TiesError, OSError) as exc:
        return f"warning: the tie digest for `ties diff` was not recorded: {exc}"
    return None


def list_generations(home: Path) -> list[Path]:
    """Recorded digests, oldest first (generation names carry a nanosecond timestamp)."""
    folder = generations_dir(home)
    files = folder.glob("*.json") if folder.is_dir() else []
    return sorted(files, key=lambda p: int(p.stem.rsplit("-", 1)[-1]) if p.stem.rsplit("-", 1)[-1].isdigit() else 0)


def _rows(ties: dict[str, dict], keys, before: dict | None = None) -> list[dict]:
    out = []
    for key in sorted(keys, key=lambda k: (ties[k]["kind"], ties[k].get("institution") or "", k)):
        tie = ties[key]
        row = {"kind": tie["kind"], "institution": tie.get("institution"), "source_author": tie.get("source_author"),
               "target_author": tie.get("target_author"), "target_institution": tie.get("target_institution"),
               "entity": tie.get("entity"), "works": len(tie["works"]), "last_year": tie.get("last_year")}
        if before is not None:
            row["works_before"] = len(before[key]["works"])
            row["new_works"] = sorted(set(tie["works"]) - set(before[key]["works"]))
        out.append(row)
    return out


def diff_generations(home: Path) -> dict:
    """Ties new, gone or stronger (more works) in the newest generation compared with the one before.

    Without two recorded generations, says so in ``note`` and lists nothing.
    """
    files = list_generations(home)
    if len(files) < 2:
        return {"current": files[-1].stem if files else None, "previous": None, "new": [], "gone": [],
                "stronger": [], "note": "Only one load recorded so far: nothing to compare with yet."}
    previous, current = (json.loads(p.read_text(encoding="utf-8")) for p in files[-2:])
    old, new = unpack(previous), unpack(current)
    stronger = [k for k in set(new) & set(old) if len(set(new[k]["works"]) - set(old[k]["works"])) > 0]
    return {
        "current": current["generation"], "previous": previous["generation"],
        "current_loaded_at": current.get("loaded_at"), "previous_loaded_at": previous.get("loaded_at"),
        "data_date": current.get("data_date"), "kinds": current.get("kinds"),
        "new": _rows(new, set(new) - set(old)), "gone": _rows(old, set(old) - set(new)),
        "stronger": _rows(new, stronger, before=old),
        "note": "Co-authorship is evidence of collaboration, not of wrongdoing.",
    }
