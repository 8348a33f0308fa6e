"""The loader's memory-lean paths give the same tables as the plain pandas ones.

The Arrow merge (dictionary-encoded strings, ranks for sorting) and the institution-row
cache in the normaliser exist for speed and memory at a million works; these tests pin
them to the behaviour they replace, on tiny tables.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from graph.schema import load_schema
from graph.tables import (
    arrow_schema,
    dictionary_schema,
    last_per_key,
    merge_arrow,
    merge_frames,
    to_arrow,
)
from loaders.normalise import normalise_work
from tests.corpus import authorship, work

EDGE = "affiliated_with"


def edge(author: str, inst: str, work_id: str, raw: str, year: int | None = 2020, matched_by: str = "openalex"):
    return {"from": author, "to": inst, "work_id": work_id, "year": year, "raw_affiliation": raw,
            "matched_by": matched_by, "department_id": "", "department": ""}


OLD = [edge("A2", "I1", "W1", "Delft"), edge("A1", "I2", "W1", "Zürich"), edge("A3", "I1", "W2", "b")]
NEW = [edge("A1", "I2", "W1", "Zürich", year=2021), edge("A0", "I9", "W3", "Ämsterdam"),
       edge("A0", "I9", "W3", "Ämsterdam", matched_by="project:x"), edge("A3", "I1", "W2", "B")]


def as_arrow(rows: list[dict], encoded: bool) -> pa.Table:
    target = arrow_schema(EDGE)
    return pa.Table.from_pylist(rows, schema=dictionary_schema(target) if encoded else target)


def test_the_arrow_merge_gives_the_pandas_merge_row_for_row():
    schema = load_schema()
    expected = to_arrow(EDGE, merge_frames(EDGE, pd.DataFrame(OLD), pd.DataFrame(NEW), schema), schema)
    for encoded in (False, True):
        got = to_arrow(EDGE, merge_arrow(EDGE, as_arrow(OLD, False), as_arrow(NEW, encoded), schema), schema)
        assert got.equals(expected), f"dictionary-encoded={encoded}"


def test_the_newer_row_of_a_key_wins_and_keys_come_out_sorted_as_strings():
    merged = to_arrow(EDGE, merge_arrow(EDGE, as_arrow(OLD, False), as_arrow(NEW, True)))
    rows = merged.to_pylist()
    assert [r["raw_affiliation"] for r in rows if r["from"] == "A0"] == ["Ämsterdam"]
    assert next(r for r in rows if r["from"] == "A0")["matched_by"] == "project:x"
    assert next(r for r in rows if r["from"] == "A1")["year"] == 2021
    keys = [(r["from"], r["to"], r["work_id"], r["raw_affiliation"]) for r in rows]
    assert keys == sorted(keys)


def test_dictionary_encoded_tables_are_written_with_the_schema_s_plain_strings():
    written = to_arrow(EDGE, as_arrow(NEW, True))
    assert written.schema.equals(arrow_schema(EDGE))
    assert written.to_pylist() == as_arrow(NEW, False).to_pylist()


def test_last_per_key_keeps_the_last_copy_in_original_order_like_pandas():
    frame = pd.DataFrame({"id": ["b", "a", "b", "c", "a"], "n": [1, 2, 3, 4, 5]})
    expected = frame.drop_duplicates(["id"], keep="last").reset_index(drop=True)
    for table in (pa.Table.from_pandas(frame, preserve_index=False),
                  pa.table({"id": pa.array(frame["id"].tolist()).dictionary_encode(), "n": frame["n"]})):
        got = last_per_key(table, ["id"])
        assert got["id"].cast(pa.string()).to_pylist() == expected["id"].tolist()
        assert got["n"].to_pylist() == expected["n"].tolist()


def test_an_institution_described_differently_by_two_works_keeps_each_description():
    first = work(1, 2018, [authorship("x1", ["TUD"])])
    second = work(2, 2018, [authorship("x2", ["TUD"])])
    second["authorships"][0]["institutions"][0]["display_name"] = "TU Delft (renamed)"
    rows_first, rows_second = normalise_work(first), normalise_work(second)
    again = normalise_work(first)
    assert rows_second.institutions[0]["name"] == "TU Delft (renamed)"
    assert rows_first.institutions[0]["name"] != "TU Delft (renamed)"
    assert again.institutions == rows_first.institutions


def test_a_bad_lineage_is_rejected_even_after_the_same_institution_was_read_well():
    good = work(1, 2018, [authorship("x1", ["TUD"])])
    normalise_work(good)
    bad = work(2, 2018, [authorship("x2", ["TUD"])])
    bad["authorships"][0]["institutions"][0]["lineage"] = "not a list"
    try:
        normalise_work(bad)
    except ValueError as exc:
        assert "lineage" in str(exc)
    else:
        raise AssertionError("a string lineage must be rejected, naming the field")
