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
