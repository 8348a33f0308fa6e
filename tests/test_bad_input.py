"""Hostile input: every bad record gets a reason naming its file, line or record and
field, and every good record beside it still loads.

Hypothesis builds the records: wrong types in any field, missing or foreign ids,
duplicate ids, huge strings, control characters and bytes in another encoding.
"""

from __future__ import annotations

import copy
import gzip
import json
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import InputError
from graph.tables import read_tables
from loaders.ingest import ingest
from loaders.normalise import RecordError, involves, normalise_work
from loaders.readers import input_files
from loaders.resolve import ProjectResolver
from tests.corpus import authorship, work
from ties.config import Config

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INGEST_SETTINGS = settings(max_examples=15, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def resolver() -> ProjectResolver:
    return ProjectResolver()


def good_work(number: int) -> dict:
    return work(number, 2019, [authorship(f"g{number}", ["TUD"], "first"), authorship("y1", ["NUDT"], "last")])


# -- hostile values ---------------------------------------------------------------------

CONTROL = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20)
HOSTILE_TEXT = st.one_of(
    st.text(max_size=50),
    CONTROL,
    st.builds(lambda s, n: s * n, st.sampled_from(["\u00e9", "\u4e2d", "\U0001f600", "'\"`;"]),
              st.integers(1, 20_000)),
)
HOSTILE_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), st.floats(allow_nan=False), HOSTILE_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)
#: places in a work where a wrong value can sit: (path of keys/indexes)
PATHS = [
    ("id",), ("publication_year",), ("title",), ("display_name",), ("doi",), ("type",), ("authorships",),
    ("primary_topic",), ("primary_topic", "field"), ("authorships", 0), ("authorships", 0, "author"),
    ("authorships", 0, "author", "id"), ("authorships", 0, "author", "display_name"),
    ("authorships", 0, "institutions"), ("authorships", 0, "institutions", 0),
    ("authorships", 0, "institutions", 0, "id"), ("authorships", 0, "institutions", 0, "lineage"),
    ("authorships", 0, "institutions", 0, "country_code"), ("authorships", 0, "raw_affiliation_strings"),
    ("authorships", 0, "affiliations"), ("authorships", 0, "affiliations", 0),
    ("authorships", 0, "affiliations", 0, "institution_ids"),
    ("authorships", 0, "affiliations", 0, "raw_affiliation_string"), ("authorships", 1, "is_corresponding"),
]


def _set(obj: dict, path: tuple, value: object) -> dict:
    out = copy.deepcopy(obj)
    target = out
    for step in path[:-1]:
        target = target[step]
    if isinstance(target, dict) and not isinstance(path[-1], str):
        # a list index into what an earlier change made a dict: JSON has no int keys
        raise TypeError(f"cannot set index {path[-1]!r} on an object")
    target[path[-1]] = value
    return out


def _drop(obj: dict, path: tuple) -> dict:
    out = copy.deepcopy(obj)
    target = out
    for step in path[:-1]:
        target = target[step]
    if isinstance(target, dict):
        target.pop(path[-1], None)
    return out


@st.composite
def hostile_works(draw) -> dict:
    """A valid work with one to three fields replaced by hostile values or removed."""
    result = good_work(draw(st.integers(1, 999)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        try:
            if draw(st.booleans()):
                result = _set(result, path, draw(HOSTILE_VALUE))
            else:
                result = _drop(result, path)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change removed the parent: the record is hostile already
    return result


# -- normalise_work never crashes --------------------------------------------------------


@SETTINGS
@given(hostile_works())
def test_a_hostile_record_either_normalises_or_is_rejected_naming_a_field(resolver, record):
    try:
        rows = normalise_work(record, resolver)
    except RecordError as exc:
        assert isinstance(exc.field, str) and exc.reason
        top = exc.field.split(".")[0].split("[")[0]
        assert top in record or top in ("", "id", "authorships"), exc
        return
    for table, table_rows in rows.tables().items():
        for row in table_rows:
            for key, value in row.items():
                if isinstance(value, str):
                    assert value.isprintable() or value == "", (table, key, value[:40])
    assert len(rows.works[0]["title"]) <= 2000


@SETTINGS
@given(hostile_works(), st.lists(st.sampled_from(["NL", "CN", "nl"]), max_size=2),
       st.lists(st.sampled_from(["https://openalex.org/I98358874", "x"]), max_size=2))
def test_the_country_filter_never_crashes_on_a_hostile_record(resolver, record, countries, institutions):
    assert involves(record, countries, institutions) in (True, False)
    assert involves(record, countries, institutions, resolver) in (True, False)


@pytest.mark.parametrize("change, field", [
    ({"authorships": [{"institutions": 5}]}, "authorships[0].institutions"),
    ({"authorships": [{"institutions": [{"id": "https://openalex.org/I1", "lineage": "I1"}]}]},
     "authorships[0].institutions[0].lineage"),
    ({"authorships": [{"raw_affiliation_strings": 7}]}, "authorships[0].raw_affiliation_strings"),
    ({"authorships": [{"affiliations": [{"institution_ids": 1}]}]}, "authorships[0].affiliations[0].institution_ids"),
    ({"authorships": "x"}, "authorships"),
    ({"id": "https://openalex.org/W1\n"}, "id"),
    ({"id": None}, "id"),
    ({"id": "https://openalex.org/A5023888391"}, "id"),
    ({"publication_year": [2020]}, "publication_year"),
])
def test_wrong_types_are_rejected_with_the_exact_field(change, field):
    record = {"id": "https://openalex.org/W1", **change}
    with pytest.raises(RecordError) as error:
        normalise_work(record)
    assert error.value.field == field


# -- ingest: the good load, the bad are named --------------------------------------------


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _stored_work_ids(config: Config) -> set[str]:
    return set(read_tables(config.tables_dir)["works"]["id"])


@INGEST_SETTINGS
@given(st.lists(st.one_of(st.integers(1, 60).map(lambda n: ("good", n)),
                          hostile_works().map(lambda w: ("hostile", w))), min_size=1, max_size=12),
       st.sampled_from(["jsonl", "page"]))
def test_good_records_load_beside_hostile_ones_and_each_rejection_names_its_place(resolver, items, shape):
    records = [good_work(x) if kind == "good" else x for kind, x in items]
    good_ids = {good_work(x)["id"] for kind, x in items if kind == "good"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        if shape == "jsonl":
            path = _write(folder, "works.jsonl", b"\n".join(orjson.dumps(r) for r in records))
        else:
            path = _write(folder, "page.json", orjson.dumps({"meta": {}, "results": records}))
        config = Config(home=Path(tmp) / "home")
        report = ingest([folder], config, progress=False, resolver=resolver)
        stored = _stored_work_ids(config)
    assert good_ids <= stored, "a good record was lost"
    # every record is accounted for: stored (once per id), rejected, or a duplicate copy
    assert report.works + report.rejected + report.duplicates == len(records)
    for rejection in report.rejections:
        assert rejection.origin.startswith(str(path)), rejection
        assert rejection.origin != str(path), "a rejection inside a file names the line or record"
        assert rejection.reason


def test_a_latin1_record_in_a_utf8_page_is_rejected_naming_its_field_and_the_rest_loads(tmp_path, resolver):
    works = [good_work(1), good_work(2), good_work(3)]
    works[1]["title"] = "Universit\u00e9 de Caf\u00e9"
    data = orjson.dumps({"results": works})
    data = data.replace("Universit\u00e9 de Caf\u00e9".encode(), "Universit\u00e9 de Caf\u00e9".encode("latin-1"))
    folder = tmp_path / "in"
    _write(folder, "page.json", data)
    config = Config(home=tmp_path / "home")
    report = ingest([folder], config, progress=False, resolver=resolver)
    assert _stored_work_ids(config) == {works[0]["id"], works[2]["id"]}
    (rejection,) = report.rejections
    assert rejection.origin.endswith("page.json#results[1]") and rejection.field == "title"
    assert "UTF-8" in rejection.reason


def test_a_folder_of_mixed_files_loads_what_it_can_and_names_the_rest(tmp_path, resolver):
    folder = tmp_path / "mixed"
    _write(folder, "a_page.json", orjson.dumps({"results": [good_work(1)]}))
    _write(folder, "b_lines.jsonl", orjson.dumps(good_work(2)) + b"\n\n" + orjson.dumps(good_work(3))[:40] + b"\n")
    _write(folder / "sub", "c_part.gz", gzip.compress(orjson.dumps(good_work(4)) + b"\n"))
    _write(folder, "d_truncated.json", orjson.dumps({"results": [good_work(5)]})[:-30])
    _write(folder, "e_empty.json", b"")
    _write(folder, "f_empty.jsonl", b"\n\n")
    _write(folder, "g_bad.gz", b"not gzip at all")
    _write(folder, "h_bom.json", b"\xef\xbb\xbf" + orjson.dumps(good_work(6)))
    _write(folder, "i_utf16.json", json.dumps(good_work(7)).encode("utf-16"))
    _write(folder, "j_authors.json", orjson.dumps({"results": [{"id": "https://openalex.org/A5023888391"}]}))
    _write(folder, "k_scalar.json", b"42")
    _write(folder, "notes.txt", b"ignored: not an OpenAlex file")
    config = Config(home=tmp_path / "home")
    report = ingest([folder], config, progress=False, resolver=resolver)
    assert _stored_work_ids(config) == {good_work(n)["id"] for n in (1, 2, 4, 6, 7)}
    named = {Path(r.origin.split("#")[0].split(":")[0]).name: r for r in report.rejections}
    assert set(named) == {"b_lines.jsonl", "d_truncated.json", "e_empty.json", "f_empty.jsonl", "g_bad.gz",
                          "j_authors.json", "k_scalar.json"}
    assert named["b_lines.jsonl"].origin.endswith(":3") and "invalid JSON" in named["b_lines.jsonl"].reason
    assert "truncated" in named["d_truncated.json"].reason
    assert named["e_empty.json"].reason == "empty file"
    assert named["j_authors.json"].field == "id" and "wrong endpoint" in named["j_authors.json"].reason
    assert report.rejected == len(report.rejections) == 7


def test_a_page_of_institutions_is_rejected_as_the_wrong_entity_type(tmp_path, resolver):
    page = {"meta": {"count": 2}, "results": [
        {"id": "https://openalex.org/I98358874", "display_name": "Delft University of Technology"},
        {"id": "https://openalex.org/I170215575", "display_name": "National University of Defense Technology"},
    ]}
    folder = tmp_path / "in"
    _write(folder, "institutions.json", orjson.dumps(page))
    report = ingest([folder], Config(home=tmp_path / "home"), progress=False, resolver=resolver)
    assert report.works == 0 and report.rejected == 2
    assert all(r.field == "id" and "entity type 'I'" in r.reason for r in report.rejections)


def test_duplicate_work_ids_keep_the_newest_copy_only(tmp_path, resolver):
    old, new = good_work(1), good_work(1)
    old["updated_date"], new["updated_date"] = "2025-01-01T00:00:00", "2026-02-01T00:00:00"
    new["authorships"] = [authorship("n1", ["UVA"], "first")]
    folder = tmp_path / "in"
    _write(folder, "works.jsonl", b"\n".join(orjson.dumps(w) for w in (new, old, good_work(2))))
    config = Config(home=tmp_path / "home")
    report = ingest([folder], config, progress=False, resolver=resolver)
    assert (report.works, report.duplicates, report.rejected) == (2, 1, 0)
    authored = read_tables(config.tables_dir)["authored"]
    assert set(authored[authored["work_id"] == new["id"]]["from"]) == {new["authorships"][0]["author"]["id"]}


def test_a_reloaded_work_replaces_its_earlier_authorships(tmp_path, resolver):
    config = Config(home=tmp_path / "home")
    first, second = good_work(1), good_work(1)
    second["authorships"] = second["authorships"][:1]
    ingest([_write(tmp_path / "a", "w.json", orjson.dumps(first))], config, progress=False, resolver=resolver)
    ingest([_write(tmp_path / "b", "w.json", orjson.dumps(second))], config, progress=False, resolver=resolver)
    authored = read_tables(config.tables_dir)["authored"]
    assert len(authored) == 1


def test_huge_strings_and_control_characters_are_stored_safely(tmp_path, resolver):
    record = good_work(1)
    record["display_name"] = record["title"] = "A\x00B\x1b[31mC\u202e" + "x" * 1_000_000
    record["authorships"][0]["raw_affiliation_strings"] = ["Delft\x07 University\r\nof Technology"]
    record["authorships"][0]["affiliations"][0]["raw_affiliation_string"] = "Delft\x07 University\r\nof Technology"
    _write(tmp_path / "in", "w.json", orjson.dumps(record))
    config = Config(home=tmp_path / "home")
    report = ingest([tmp_path / "in"], config, progress=False, resolver=resolver)
    assert report.works == 1 and report.rejected == 0
    tables = read_tables(config.tables_dir)
    title = tables["works"]["title"].iloc[0]
    assert title.startswith("A B") and len(title) == 2000 and title.isprintable()
    assert all(s.isprintable() for s in tables["affiliated_with"]["raw_affiliation"])


@pytest.mark.parametrize("author_id, kept", [
    ("\x1f", None),  # found by the hypothesis test above: a control character was an author id
    ("https://openalex.org/A1\x00", "https://openalex.org/A1"),
    (" \t ", None),
])
def test_an_author_id_of_control_characters_is_cleaned_like_an_institution_id(resolver, author_id, kept):
    record = good_work(1)
    record["authorships"][0]["author"]["id"] = author_id
    rows = normalise_work(record, resolver)
    first = rows.authors[0]["id"]
    assert first.isprintable()
    assert first == kept if kept else first.startswith("ties:author:W")
    assert rows.authored[0]["from"] == first


def test_a_fifo_or_an_empty_folder_is_refused_before_anything_is_read(tmp_path):
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        input_files([fifo])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no OpenAlex files"):
        input_files([tmp_path / "empty"])


# -- one bad record costs only itself ------------------------------------------------------


def test_a_lone_surrogate_in_one_title_costs_no_record_and_is_counted(tmp_path, resolver):
    works = [good_work(n) for n in range(1, 201)]
    data = orjson.dumps({"meta": {}, "results": works}).replace(b"Test work 7\"", b"Test work 7\\ud800\"")
    folder = tmp_path / "in"
    _write(folder, "page.json", data)
    config = Config(home=tmp_path / "home")
    report = ingest([folder], config, progress=False, resolver=resolver)
    assert report.rejected == 0 and report.works == 200
    assert len(report.repairs) == 1 and "2 lone surrogate escapes" in report.repairs[0]
    titles = read_tables(config.tables_dir)["works"].set_index("id")["title"]
    assert titles[good_work(7)["id"]] == "Test work 7\ufffd"


def test_a_page_with_one_broken_record_keeps_the_others_and_counts_the_loss_per_file(tmp_path, resolver):
    records = [orjson.dumps(good_work(n)) for n in (1, 2, 3)]
    records[1] = records[1].replace(b'"publication_year":2019', b'"publication_year":20x19')  # not JSON
    page = b'{"request": {"url": "x"}, "response": {"meta": {}, "results": [' + b",".join(records) + b"]}}"
    folder = tmp_path / "in"
    path = _write(folder, "page_00001.json", page)
    truncated = _write(folder, "page_00002.json", orjson.dumps({"results": [good_work(4), good_work(5)]})[:-60])
    config = Config(home=tmp_path / "home")
    report = ingest([folder], config, progress=False, resolver=resolver)
    assert _stored_work_ids(config) == {good_work(n)["id"] for n in (1, 3, 4)}
    assert report.lost_by_file() == {str(path): 1, str(truncated): 1}
    assert any(r.origin == f"{path}#results[1]" for r in report.rejections)


@pytest.mark.parametrize("field, value", [
    ("title", {"a": 1}), ("display_name", ["x"]), ("doi", 10), ("type", True), ("is_synthetic", "no"),
    ("is_synthetic", 1),
])
def test_a_wrong_type_is_rejected_by_name_not_coerced(field, value):
    record = {**good_work(1), field: value}
    with pytest.raises(RecordError) as error:
        normalise_work(record)
    assert error.value.field == field and "expected" in error.value.reason


@pytest.mark.parametrize("path, value", [
    (("authorships", 0, "author", "display_name"), {"a": 1}),
    (("authorships", 0, "raw_author_name"), 5),
    (("authorships", 0, "institutions", 0, "display_name"), ["x"]),
    (("authorships", 0, "institutions", 0, "country_code"), 31),
    (("authorships", 0, "is_corresponding"), "yes"),
    (("authorships", 0, "author", "is_synthetic"), "no"),
])
def test_a_wrong_type_inside_an_authorship_is_rejected_naming_the_field(path, value):
    record = _set(good_work(1), path, value)
    with pytest.raises(RecordError) as error:
        normalise_work(record)
    assert error.value.field.startswith("authorships[0].") and path[-1] in error.value.field


# -- shared facts come from the registries, not from the last record -------------------------


def test_a_hostile_updated_date_never_becomes_the_data_date_and_does_not_stick(tmp_path, resolver):
    from graph.tables import read_meta

    config = Config(home=tmp_path / "home")
    hostile = [good_work(1), good_work(2), good_work(3)]
    hostile[0]["updated_date"] = "9999-12-31T00:00:00"
    hostile[1]["updated_date"] = "2026-13-45<img src=x onerror=alert(1)>"
    hostile[2]["updated_date"] = "2025-03-04T10:00:00"
    ingest([_write(tmp_path / "a", "w.json", orjson.dumps(hostile))], config, progress=False, resolver=resolver)
    assert read_meta(config.tables_dir)["data_date"] == "2025-03-04"
    # a table set written before this rule, holding a future date, is corrected by the next clean load
    meta_path = config.tables_dir / "_meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "data_date": "9999-12-31"}))
    clean = good_work(4)
    clean["updated_date"] = "2025-06-01T00:00:00"
    ingest([_write(tmp_path / "b", "w.json", orjson.dumps(clean))], config, progress=False, resolver=resolver)
    assert read_meta(config.tables_dir)["data_date"] == "2025-06-01"


def test_institution_facts_come_from_the_registries_not_from_the_last_record(tmp_path, resolver):
    from tests.corpus import inst

    renamed = good_work(2)
    for one in renamed["authorships"]:
        for institution in one["institutions"]:
            institution.update(display_name="<img src=x onerror=alert(1)>", country_code="XX", type="funder")
    config = Config(home=tmp_path / "home")
    ingest([_write(tmp_path / "a", "w.jsonl", orjson.dumps(good_work(1)) + b"\n" + orjson.dumps(renamed))],
           config, progress=False, resolver=resolver)
    institutions = read_tables(config.tables_dir)["institutions"].set_index("id")
    assert institutions.loc[inst("TUD"), "name"] == "Delft University of Technology"
    assert institutions.loc[inst("TUD"), "country"] == "NL"
    assert institutions.loc[inst("NUDT"), "name"] == "National University of Defense Technology"
    assert institutions.loc[inst("NUDT"), "country"] == "CN"
