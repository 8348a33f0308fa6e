"""`ties watchlist update --from FILE`: compare a newer public list (ASPI tracker as
misp-galaxy JSON, or an OpenSanctions-style CSV such as the DoD Section 1286 or 1260H
lists) with the shipped watchlist and report added, renamed and removed entities.

Report only: the curated file changes by review, with a source for every fact. ``--out``
writes a YAML proposal (stubs for added entries, notes for renames) to review by hand.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import click
import yaml

from graph.errors import InputError
from loaders.watchlist import load_watchlist, normalise_name
from ties.commands._common import echo_json
from ties.outputs import printable, write_output

_PAREN_ZH = re.compile(r"\s*\(([^()]*[\u3400-\u9fff][^()]*)\)\s*$")


def read_list(path: Path) -> tuple[str | None, list[dict]]:
    """Records ``{name, name_zh, aliases, category}`` and the list's tag (for 'removed').

    Raises
    ------
    InputError naming the file (and line or key) when it is neither shape.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 (byte {exc.start}); save the list as UTF-8") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _read_misp(path, text)
    return _read_csv(path, text)


def _read_misp(path: Path, text: str) -> tuple[str | None, list[dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    values = data.get("values") if isinstance(data, dict) else None
    if not isinstance(values, list):
        raise InputError(f"{path}: values: expected a misp-galaxy cluster with a 'values' list")
    records = []
    for i, item in enumerate(values):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise InputError(f"{path}: values[{i}].value: missing")
        name, name_zh = _split_zh(item["value"])
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        aliases, categories = meta.get("aliases"), meta.get("categories")
        records.append({
            "name": name, "name_zh": name_zh,
            "aliases": [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else [],
            "category": ", ".join(c for c in categories if isinstance(c, str)) if isinstance(categories, list) else "",
        })
    return "ASPI", records


def _read_csv(path: Path, text: str) -> tuple[str | None, list[dict]]:
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise InputError(f"{path}: no rows (expected a CSV with a header)")
    header = {h.lower(): h for h in rows[0]}
    name_col = header.get("clean name") or header.get("name")
    if name_col is None:
        raise InputError(f"{path}: line 1: no 'name' column in {list(rows[0])}")
    alias_cols = [header[h] for h in ("aliases", "alias", "previous name", "name") if h in header
                  and header[h] != name_col]
    date_col = header.get("report-date")
    if date_col:
        latest = max((r[date_col] or "" for r in rows), default="")
        rows = [r for r in rows if (r[date_col] or "") == latest]
    end_col = header.get("end date") or header.get("end-date")
    if end_col:
        rows = [r for r in rows if not (r.get(end_col) or "").strip()]
    program = " ".join((r.get(header.get("program", ""), "") or "") for r in rows[:5])
    tag = "Section 1286" if "1286" in program else "1260H" if "clean name" in header else None
    records = []
    for row in rows:
        name = (row.get(name_col) or "").strip()
        if not name:
            continue
        aliases = []
        for col in alias_cols:
            aliases += [a.strip() for a in re.split(r";", row.get(col) or "") if a.strip()]
        name, name_zh = _split_zh(name)
        records.append({"name": name, "name_zh": name_zh, "aliases": aliases, "category": ""})
    return tag, records


def _split_zh(value: str) -> tuple[str, str]:
    m = _PAREN_ZH.search(value)
    if m:
        return value[: m.start()].strip(), m.group(1).strip()
    return value.strip(), ""


def compare(wl, tag: str | None, records: list[dict]) -> dict:
    """Added (unknown to us), renamed (known under another name), removed (ours, from
    this list, no longer in it)."""
    current: dict[str, str] = {}
    former: dict[str, str] = {}
    for e in wl.entities.values():
        for n in (e.name, e.name_zh, *e.aliases):
            if n:
                current.setdefault(normalise_name(n), e.id)
        for n, _ in e.former_names:
            former.setdefault(normalise_name(n), e.id)
    added, renamed, seen = [], [], set()
    for rec in records:
        key = normalise_name(rec["name"])
        zh = normalise_name(rec["name_zh"]) if rec["name_zh"] else ""
        if key in current or (zh and zh in current):
            seen.add(current.get(key) or current[zh])
            continue
        if key in former:
            eid = former[key]
            seen.add(eid)
            renamed.append({"entity": eid, "ours": wl.entities[eid].name, "theirs": rec["name"],
                            "note": "the list uses a name we record as former"})
            continue
        others = [normalise_name(a) for a in rec["aliases"]]
        eid = next((current.get(a) or former.get(a) for a in others if a in current or a in former), None)
        if eid:
            seen.add(eid)
            renamed.append({"entity": eid, "ours": wl.entities[eid].name, "theirs": rec["name"],
                            "note": "new name; an alias matches"})
            continue
        added.append(rec)
    removed = []
    if tag:
        # ours, citing an entry of this list by name, and that entry is gone
        listed = set()
        for rec in records:
            listed.add(normalise_name(rec["name"]))
            listed.update(normalise_name(a) for a in rec["aliases"])
        entry = re.compile(re.escape(tag) + r"[^,]*, entr(?:y|ies) '([^']+)'")
        for e in wl.entities.values():
            cited = [m.group(1) for s in e.sources for m in [entry.search(s)] if m]
            if cited and e.id not in seen and not any(normalise_name(c) in listed for c in cited):
                removed.append({"entity": e.id, "name": e.name, "cited_entry": cited[0]})
    return {"source": tag, "entries": len(records), "added": added, "renamed": renamed,
            "removed": removed}


@click.group("watchlist")
def command() -> None:
    """The curated watchlist (loaders/data/watchlist.yaml).

    Example: ties watchlist update --from aspi_tracker.json
    """


@command.command("update")
@click.option("--from", "source", required=True, type=click.Path(path_type=Path),
              help="Newer list: ASPI misp-galaxy JSON or OpenSanctions-style CSV.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write a YAML proposal for review (never edits the shipped file).")
@click.option("--force", is_flag=True, help="Replace an existing --out file (never writes through a link).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def update(source: Path, out: Path | None, force: bool, as_json: bool) -> None:
    """Report added, renamed and removed entities of a newer list against the watchlist.

    Example: ties watchlist update --from section_1286.csv --json
    """
    tag, records = read_list(source)
    report = compare(load_watchlist(), tag, records)
    report["file"] = str(source)
    if out:
        proposal = {
            "proposed_from": str(source),
            "add": [{"name": r["name"], "name_zh": r["name_zh"], "aliases": r["aliases"],
                     "list_category": r["category"],
                     "sources": [f"{tag or 'list'}, entry '{r['name']}'"]}
                    for r in report["added"]],
            "rename": report["renamed"], "review_removed": report["removed"],
        }
        write_output(out, yaml.safe_dump(proposal, allow_unicode=True, sort_keys=False), force=force)
    if as_json:
        echo_json(report)
        return
    click.echo(f"{source}: {report['entries']} entries ({tag or 'unknown list'})")
    click.echo(f"added: {len(report['added'])}")
    for r in report["added"]:
        click.echo(f"  + {printable(r['name'])}" + (f" [{printable(r['category'])}]" if r["category"] else ""))
    click.echo(f"renamed: {len(report['renamed'])}")
    for r in report["renamed"]:
        click.echo(f"  ~ {r['entity']}: ours {r['ours']!r}, theirs {printable(repr(r['theirs']))} ({r['note']})")
    click.echo(f"removed: {len(report['removed'])}" + ("" if tag else " (not computed: unknown list)"))
    for r in report["removed"]:
        click.echo(f"  - {r['entity']}: {r['name']}")
