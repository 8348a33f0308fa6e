"""The benchmark table: every figure beside its baseline or target, with the ratio.

Pure functions over the results dict that ``bench.run`` builds, so the README table and
the printed table come from the same rows.
"""

from __future__ import annotations

import math

STORES = (("ladybug", "embedded"), ("neo4j", "Neo4j"))


def _get(d: dict, *keys: str):
    for key in keys:
        if not isinstance(d, dict) or d.get(key) is None:
            return None
        d = d[key]
    return d


#: analyses timed once per store and size (issue 15), by key in the results, with their names
ANALYSES = {
    "default_paths_s": "default `ties paths` (dual, direct, career)",
    "paths_since_2018_s": "paths, year window (--since 2018)",
    "paths_field_cs_s": "paths, field window (--field 'Computer Science')",
    "exposure_sector_s": "exposure by sector", "exposure_institution_s": "exposure by institution",
    "exposure_department_s": "exposure by department", "exposure_field_s": "exposure by field",
    "exposure_technology_s": "exposure by technology", "exposure_year_s": "exposure by year",
    "exposure_branch_s": "exposure by branch",
    "brokers_s": "brokers (max-hops 2)",
    "indirect_2_hops_s": "indirect ties, 2 hops", "indirect_3_hops_s": "indirect ties, 3 hops",
    "indirect_4_hops_s": "indirect ties, 4 hops",
}
#: absolute targets at 1,000,000 works (issue 15), by analysis key
AT_1E6 = {"default_paths_s": "default_paths_1e6_s", "brokers_s": "brokers_1e6_s",
          **{k: "exposure_1e6_s" for k in ANALYSES if k.startswith("exposure_")}}


def growth(sizes: list[dict]) -> list[dict]:
    """Query time growth between consecutive sizes: time ratio and exponent (t ~ n^e)."""
    out = []
    keys = {"paths": "paths_cold_s", "exposure": "exposure_cold_s",
            **{name: key for key, name in ANALYSES.items() if not key.startswith("exposure_")}}
    for small, big in zip(sizes, sizes[1:], strict=False):
        for store, _ in STORES:
            for query, key in keys.items():
                t1 = _get(small, f"{store}_queries", key)
                t2 = _get(big, f"{store}_queries", key)
                if not t1 or not t2:
                    continue
                size_ratio = big["works"] / small["works"]
                out.append({"store": store, "query": query, "from": small["works"], "to": big["works"],
                            "time_ratio": t2 / t1, "size_ratio": size_ratio,
                            "exponent": math.log(t2 / t1) / math.log(size_ratio)})
    return out


def _row(figure: str, works: int | None, value: float | None, unit: str, baseline: float | None,
         baseline_label: str, higher_is_better: bool, need: float = 1.0) -> dict:
    """A table row; `meets` is set only where the baseline is a target (ratio vs `need`)."""
    ratio = value / baseline if value is not None and baseline else None
    is_target = baseline_label == "target" or "target 10x" in baseline_label
    ok = None if ratio is None or not is_target else (ratio >= need if higher_is_better else ratio <= need)
    return {"figure": figure, "works": works, "value": value, "unit": unit, "baseline": baseline,
            "baseline_label": baseline_label, "ratio": ratio, "meets": ok}


def _vs_direct(figure: str, n: int, value: float | None, direct: float | None, targets: dict,
               absolute: str | None) -> dict:
    """An analysis beside direct NL>CMC paths of the same store and run: within
    ``vs_direct_1e5_x`` times at 10^5 works; under an absolute target at 10^6 works."""
    ratio = value / direct if value is not None and direct else None
    if n >= 1_000_000 and absolute:
        label, ok = f"direct paths; target < {targets[absolute]:g} s", (
            None if value is None else value <= targets[absolute])
    elif n == 100_000:
        need = targets["vs_direct_1e5_x"]
        label, ok = f"direct paths (target {need:g}x)", None if ratio is None else ratio <= need
    else:
        label, ok = "direct paths, same run", None
    return {"figure": figure, "works": n, "value": value, "unit": "s", "baseline": direct,
            "baseline_label": label, "ratio": ratio, "meets": ok}


def rows_for_table(results: dict) -> list[dict]:
    """One row per figure; `ratio` is value / baseline, `meets` says if a target is reached."""
    t = results["targets"]
    ram_mb = results["machine"]["ram_gb"] * 1024
    rows = []
    for s in results["sizes"]:
        n = s["works"]
        if "ingest" not in s:
            rows.append(_row("parse+normalise (1 core)", n, _get(s, "parse", "works_per_s"), "works/s",
                             t["parse_works_per_s"], "target", True))
            continue
        rows.append(_row("parse+normalise (1 core)", n, _get(s, "parse", "works_per_s"), "works/s",
                         t["parse_works_per_s"], "target", True))
        rows.append(_row("ingest to Parquet tables", n, _get(s, "ingest", "works_per_s"), "works/s",
                         _get(s, "parse", "works_per_s"), "parse+normalise alone", True))
        rows.append(_row("embedded load (COPY)", n, _get(s, "ladybug_load", "rows_per_s"), "rows/s",
                         _get(s, "neo4j_load", "rows_per_s"), "Neo4j batched load", True))
        for kind, label in (("node", "nodes"), ("rel", "relationships")):
            rows.append(_row(f"Neo4j load, {label} (write)", n, _get(s, "neo4j_load", f"{kind}_rows_per_s"),
                             "rows/s", _get(s, "neo4j_naive", f"{kind}_rows_per_s"),
                             "naive 1 row/tx (target 10x)", True, need=10.0))
        naive = [_get(s, "neo4j_naive", k) for k in ("node_rows_per_s", "rel_rows_per_s")]
        naive_mean = 2 / sum(1 / x for x in naive) if all(naive) else None
        rows.append(_row("Neo4j load, end to end", n, _get(s, "neo4j_load", "rows_per_s"), "rows/s",
                         naive_mean, "naive 1 row/tx (target 10x)", True, need=10.0))
        target_paths = {"ladybug": t["paths_ladybug_1e6_s"], "neo4j": t["paths_neo4j_1e6_s"]}
        for store, label in STORES:
            other = "neo4j" if store == "ladybug" else "ladybug"
            at_scale = n >= 1_000_000
            rows.append(_row(f"direct NL>CMC paths, {label}", n, _get(s, f"{store}_queries", "paths_cold_s"), "s",
                             target_paths[store], "target" if at_scale else "target at 10^6 works", False))
            rows.append(_row(f"same paths ranked from every evidence row, {label}", n,
                             _get(s, f"{store}_queries", "paths_from_evidence_s"), "s",
                             _get(s, f"{store}_queries", "paths_warm_s"), "from tie summaries (warm)", False))
            rows.append(_row(f"exposure by sector, {label}", n, _get(s, f"{store}_queries", "exposure_cold_s"), "s",
                             _get(s, f"{other}_queries", "exposure_cold_s"), "other store", False))
            direct = _get(s, f"{store}_queries", "paths_cold_s")
            for key, name in ANALYSES.items():
                rows.append(_vs_direct(f"{name}, {label}", n, _get(s, f"{store}_queries", key), direct, t,
                                       AT_1E6.get(key)))
        if n >= 1_000_000 and "peak_rss_1e6_mb" in t:
            rows.append(_row("peak RSS of the bench process", n, s.get("peak_rss_mb"), "MB", t["peak_rss_1e6_mb"],
                             "target", False))
        else:
            rows.append(_row("peak RSS of the bench process", n, s.get("peak_rss_mb"), "MB", ram_mb, "machine RAM",
                             False))
    for g in results.get("growth", []):
        label = "embedded" if g["store"] == "ladybug" else "Neo4j"
        rows.append(_row(f"{g['query']} time growth {g['from']}->{g['to']}, {label}", g["to"], g["time_ratio"],
                         "x", g["size_ratio"], "size ratio (linear)", False))
    ex = results.get("explorer", {})
    rows.append(_row("Explorer first render", ex.get("works"), ex.get("explorer_s"), "s",
                     t["explorer_100k_s"], "target", False) | ({"note": ex["note"]} if ex.get("note") else {}))
    for page, seconds in (ex.get("pages_s") or {}).items():
        if page != "explorer":
            rows.append(_row(f"dashboard page '{page}' first render", ex.get("works"), seconds, "s",
                             t["explorer_100k_s"], "target", False))
    return [r for r in rows if r["value"] is not None or r.get("note")]


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("s", "x") or abs(value) < 100:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def print_table(results: dict) -> None:
    """Plain text table on stdout, then the notes (what was not measured, and why)."""
    m = results["machine"]
    print(f"Research Ties benchmark, {m['date']}: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, "
          f"Python {m['python']}; total {results['total_s'] / 60:.1f} min")
    head = ("figure", "works", "value", "unit", "baseline", "baseline is", "ratio", "target")
    lines = [head]
    for r in results["table"]:
        met = "" if r["meets"] is None else ("met" if r["meets"] else "MISSED")
        lines.append((r["figure"], f"{r['works']:,}" if r["works"] else "-", _fmt(r["value"], r["unit"]),
                      r["unit"], _fmt(r["baseline"], r["unit"]), r["baseline_label"],
                      f"{r['ratio']:.2f}x" if r["ratio"] is not None else (r.get("note") or "-"), met))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    for k, line in enumerate(lines):
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    notes = [note for s in results["sizes"] for note in s.get("notes", [])]
    notes += [f"{s['works']:,} works, {label}: {key.removesuffix('_error')} failed: {value}"
              for s in results["sizes"] for store, label in STORES
              for key, value in (s.get(f"{store}_queries") or {}).items() if key.endswith("_error")]
    for note in notes:
        print(f"note: {note}")
