"""Cases: the paths an investigator picked, with a name and a note, kept as one small JSON
file under ``TIES_HOME/cases/`` and exported exactly (no path more, no path less).

A case stores the picked paths themselves (with their evidence rows) and the records of
their works, not a query: a case is what the investigator saw and chose, and it must
export the same after the data are reloaded. Each path remembers the selection it came
from, and the case the data date it was built on.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import InputError
from queries.export import Bundle, _md, render, work_ids

__all__ = ["add_paths", "case_bundle", "case_file", "list_cases", "load_case", "new_case", "render_case",
           "save_case", "slug"]

VERSION = 1


def slug(text: str) -> str:
    """A file-name-safe form of a name: letters, digits and dashes only.

    >>> slug("Delft / NUDT: 2019?")
    'delft-nudt-2019'
    """
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:80] or "case"


def new_case(name: str, note: str = "", meta: dict | None = None) -> dict:
    meta = meta or {}
    return {"version": VERSION, "name": name, "note": note, "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_date": meta.get("data_date"), "loaded_at": meta.get("loaded_at"),
            "synthetic": bool(meta.get("synthetic")), "paths": [], "works": {}}


def _identity(path: dict) -> tuple:
    source, target = path["source"], path["target"]
    rows = path.get("evidence") or [{}]
    return (path["kind"], source["institution_id"], source.get("department_id") or "", target["entity_id"],
            target["institution_id"], rows[0].get("source_author_id"), rows[0].get("target_author_id"),
            tuple(v.get("author_id") for v in rows[0].get("via") or []), tuple(path.get("works", [])))


def add_paths(case: dict, paths: list[dict], filters: dict, works: dict[str, dict]) -> int:
    """Add `paths` (from the selection `filters`) to `case`, skipping ones already in it;
    returns how many were added."""
    have = {_identity(p) for p in case["paths"]}
    added = 0
    for path in paths:
        if _identity(path) in have:
            continue
        have.add(_identity(path))
        case["paths"].append({**path, "selection": {k: list(v) if isinstance(v, tuple) else v
                                                    for k, v in filters.items()}})
        added += 1
    for work_id in work_ids(paths):
        if work_id in works:
            case["works"][work_id] = works[work_id]
    return added


def cases_dir(home: Path) -> Path:
    return Path(home) / "cases"


def case_file(home: Path, name: str) -> Path:
    return cases_dir(home) / f"{slug(name)}.json"


def save_case(home: Path, case: dict) -> Path:
    """Write the case (atomically: a temporary file, then a rename); returns its path."""
    if not str(case.get("name") or "").strip():
        raise InputError("a case needs a name")
    path = case_file(home, case["name"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(case, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def load_case(path: Path) -> dict:
    try:
        case = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable case file: {exc}") from None
    if not isinstance(case, dict) or not isinstance(case.get("paths"), list):
        raise InputError(f"{path}: not a case file (no 'paths' list)")
    case.setdefault("works", {})
    return case


def list_cases(home: Path) -> list[Path]:
    folder = cases_dir(home)
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def case_bundle(case: dict, entities: dict[str, dict] | None = None) -> Bundle:
    """The case as an export bundle: its paths renumbered 1..n (ranks from different
    selections would collide), its works, and filters naming the case and its selections."""
    paths = [{**p, "rank": i + 1, "rank_in_selection": p.get("rank")} for i, p in enumerate(case["paths"])]
    selections = list({json.dumps(p.get("selection", {}), sort_keys=True): p.get("selection", {})
                       for p in case["paths"]}.values())
    by_kind: dict[str, int] = {}
    for p in paths:
        by_kind[p["kind"]] = by_kind.get(p["kind"], 0) + 1
    filters = {"case": case["name"], "note": case.get("note", ""), "selections": selections}
    summary = {"paths": len(paths), "by_kind": dict(sorted(by_kind.items())),
               "works": len({w for p in paths for w in p.get("works", [])}), "filters": filters}
    meta = {"data_date": case.get("data_date"), "loaded_at": case.get("loaded_at"), "synthetic": case.get("synthetic")}
    return Bundle(paths=paths, summary=summary, filters=filters, meta=meta, works=dict(case.get("works", {})),
                  entities=entities or {})


def render_case(case: dict, fmt: str, entities: dict[str, dict] | None = None) -> bytes:
    """The case in export format `fmt`; the Markdown report opens with the case's name,
    note, data date and the selections its paths came from."""
    bundle = case_bundle(case, entities)
    if fmt != "md":
        return render(bundle, fmt)
    # name and note appear once, escaped, in the header below (not raw in the filters list)
    body = render(replace(bundle, filters={"selections": bundle.filters["selections"]}), fmt)
    head = [f"# Case: {_md(case['name'])}", "", f"- Note: {_md(case.get('note') or '(none)')}",
            f"- Data date: {case.get('data_date') or 'unknown'}; case created {case.get('created', '')}",
            f"- Paths in the case: {len(bundle.paths)}", "- Selections the paths came from:"]
    head += [f"  - `{json.dumps(s, default=str)}`" for s in bundle.filters["selections"]]
    return ("\n".join(head) + "\n\n").encode("utf-8") + body
