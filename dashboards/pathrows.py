"""Ranked paths as table rows an analyst can tell apart: who (both authors, the chain in
between), when (first and last year), how the watchlist side was matched, and how strong.

Paths that differ only by the co-author used to look identical; the people are what
differs, so they come right after the units. Strength (``strength``) and the matcher's
``matched_by``/``alias`` are shown when the path rows carry them and left out otherwise.
"""

from __future__ import annotations

import pandas as pd

from dashboards.labels import label


def _first(rows: list[dict], key: str) -> str:
    return next((str(r[key]) for r in rows if r.get(key)), "")


def _distinct(rows: list[dict], key: str) -> str:
    return "; ".join(dict.fromkeys(str(r[key]) for r in rows if r.get(key)))


def people(path: dict) -> dict:
    """The Dutch author, the watchlist-side author, the chain between them and raw strings."""
    rows = path.get("evidence") or []
    names = {n["id"]: n.get("name") or n["id"] for n in path.get("nodes", [])}
    authors = [n for n in path.get("nodes", []) if n.get("label") == "Author"]
    source = _first(rows, "source_author") or (authors[0].get("name", "") if authors else "")
    target = _first(rows, "target_author") or (authors[-1].get("name", "") if authors else "")
    via = [v.get("author") or names.get(v.get("author_id"), "") for v in (rows[0].get("via") or [])] if rows else []
    return {"source": source, "target": target, "via": " > ".join(v for v in via if v),
            "source_raw": _distinct(rows, "source_raw"), "target_raw": _distinct(rows, "target_raw")}


def matched_by(path: dict) -> str:
    """How the watchlist-side affiliation was read: OpenAlex's id or a project rule (+ alias)."""
    rows = path.get("evidence") or []
    found = []
    for row in rows:
        how = row.get("target_matched_by") or ""
        alias = row.get("target_alias") or ""
        if how:
            found.append(how + (f" ({alias})" if alias else ""))
    return "; ".join(dict.fromkeys(found))


def path_table(paths: list[dict]) -> pd.DataFrame:
    """One row per ranked path, in rank order, with the people and years up front."""
    records = []
    for p in paths:
        who = people(p)
        record = {
            "rank": p["rank"], "kind": label("kinds", p["kind"]),
            "Dutch institution": p["source"]["institution"], "Dutch author": who["source"],
            "watchlist-side author": who["target"], "watchlist entity": p["target"]["entity"],
            "works": p["n_works"], "first": p["first_year"], "last": p["last_year"],
            "via (indirect)": who["via"], "matched institution": p["target"].get("institution") or "",
            "department": p["source"].get("department") or "", "hops": p["hops"],
            "hierarchy": " > ".join(p["target"]["chain"]),
            "Dutch raw affiliation": who["source_raw"], "watchlist raw affiliation": who["target_raw"],
        }
        if p.get("strength"):
            record["strength"] = label("strength", p["strength"])
            record["why"] = p.get("strength_note") or ", ".join(p.get("strength_reasons") or [])
        how = matched_by(p)
        if how:
            record["matched by"] = how
        records.append(record)
    frame = pd.DataFrame(records)
    if not frame.empty and not frame["via (indirect)"].astype(bool).any():
        frame = frame.drop(columns=["via (indirect)"])
    return frame


def path_label(path: dict) -> str:
    """One line naming a path for pick lists: rank, units, people, years."""
    who = people(path)
    # a dual affiliation names one person twice: once is enough
    people_text = " & ".join(dict.fromkeys(x for x in (who["source"], who["target"]) if x))
    years = f"{path.get('first_year')}-{path.get('last_year')}" if path.get("first_year") else ""
    return (f"{path['rank']}. {path['source']['institution']} -> {path['target']['entity']} "
            f"[{label('kinds', path['kind'])}] {people_text} {years}").strip()
