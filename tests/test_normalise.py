"""Normalisation reads OpenAlex records faithfully and rejects what it cannot use."""

from __future__ import annotations

import pytest

from loaders.normalise import RecordError, involves, normalise_work
from tests.corpus import authorship, work


def test_every_affiliation_keeps_its_work_and_raw_string():
    rows = normalise_work(work(1, 2018, [authorship("x1", ["TUD", "NUDT"])]))
    assert len(rows.affiliated_with) == 2
    for edge in rows.affiliated_with:
        assert edge["work_id"].endswith("W9900000001")
        assert edge["raw_affiliation"]
        assert edge["matched_by"] == "openalex"
        assert edge["year"] == 2018


def test_secondary_affiliations_are_not_lost():
    rows = normalise_work(work(1, 2018, [authorship("x1", ["TUD", "NUDT", "THU"])]))
    assert {e["to"].rsplit("/", 1)[-1] for e in rows.affiliated_with} == {"I98358874", "I170215575", "I99065089"}


def test_a_record_without_affiliations_pairing_pairs_a_single_raw_string_with_every_institution():
    record = work(1, 2018, [authorship("x1", ["TUD"])])
    del record["authorships"][0]["affiliations"]
    rows = normalise_work(record)
    assert rows.affiliated_with[0]["raw_affiliation"].startswith("Department of Microelectronics")


def test_deleted_author_keeps_the_authorship_under_a_local_id():
    record = work(1, 2018, [authorship("x1", ["TUD"])])
    record["authorships"][0]["author"] = {"id": None, "display_name": None}
    rows = normalise_work(record)
    assert rows.authors[0]["id"].startswith("ties:author:")
    assert rows.authors[0]["name"] == "Test Author x1"


def test_null_country_and_funder_type_are_tolerated():
    record = work(1, 2018, [authorship("x1", ["TUD"])])
    record["authorships"][0]["institutions"][0].update(country_code=None, type="funder")
    rows = normalise_work(record)
    assert rows.institutions[0]["country"] == ""
    assert rows.institutions[0]["type"] == "funder"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"id": None}, "id"),
        ({"id": "https://openalex.org/A123"}, "id"),
        ({"publication_year": "soon"}, "publication_year"),
        ({"authorships": "none"}, "authorships"),
    ],
)
def test_unusable_records_raise_an_error_naming_the_field(change, field):
    record = work(1, 2018, [authorship("x1", ["TUD"])])
    record.update(change)
    with pytest.raises(RecordError) as error:
        normalise_work(record)
    assert error.value.field == field


def test_country_filter_keeps_works_with_an_institution_in_the_country():
    record = work(1, 2018, [authorship("x1", ["TUD"])])
    assert involves(record, ["NL"])
    assert not involves(record, ["DE"])
    assert involves(record, [], ["https://openalex.org/I98358874"])


def _raw_only(author: str, raw: str, countries: list[str] | None = None) -> dict:
    """An authorship whose only affiliation is a raw string OpenAlex linked to nothing."""
    ship = authorship(author, [])
    ship.update(countries=countries or [], raw_affiliation_strings=[raw],
                affiliations=[{"raw_affiliation_string": raw, "institution_ids": []}])
    return ship


def test_country_filter_keeps_a_work_whose_dutch_university_is_named_only_in_a_raw_string():
    """The loader resolves such strings (matched_by project:dutch_name); the filter must
    read them the same way, or `--country NL` drops exactly those NUDT co-authorships."""
    from loaders.resolve import ProjectResolver

    resolver = ProjectResolver()
    raw = "Faculty of EEMCS, Delft University of Technology, Delft, The Netherlands"
    record = work(1, 2021, [authorship("y1", ["NUDT"]), _raw_only("x1", raw)])
    assert not involves(record, ["NL"])  # OpenAlex's institutions alone name no Dutch one
    assert involves(record, ["NL"], resolver=resolver)
    assert involves(record, [], ["https://openalex.org/I98358874"], resolver=resolver)
    assert not involves(record, ["DE"], resolver=resolver)
    dutch = [e for e in normalise_work(record, resolver).affiliated_with if e["to"].endswith("I98358874")]
    assert dutch and dutch[0]["matched_by"] == "project:dutch_name"


def test_country_filter_reads_the_authorships_own_country_list():
    record = work(1, 2021, [authorship("y1", ["NUDT"]), _raw_only("x1", "Somewhere, Netherlands", ["NL"])])
    assert involves(record, ["NL"])
