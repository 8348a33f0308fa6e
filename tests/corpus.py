"""A tiny OpenAlex-shaped corpus whose ties are known by construction.

Written by hand for the tests (real institution ids, synthetic people and works), so
each kind of tie has exactly one right answer:

- direct            TU Delft (x1) and NUDT (y1) on W1, 2018
- dual_affiliation  x2 lists TU Delft and NUDT on W2, 2019
- career            c1 at NUDT on W3 (2015), at University of Amsterdam on W4 (2020), the same
                    ORCID on both works: a corroborated move (strength "supported")
- indirect          x3 (UvA) - z1 (Tsinghua, civilian) - y2 (Army Medical University), W5 and W6
- industry          x1 (TU Delft) and h1 (Harbin Institute of Technology) on W7, 2021
- not a tie         W9: TU Delft with UvA only
"""

from __future__ import annotations

from pathlib import Path

import orjson

OA = "https://openalex.org/"
INSTITUTIONS = {
    "TUD": ("I98358874", "Delft University of Technology", "NL", "https://ror.org/02e2c7k09"),
    "UVA": ("I887064364", "University of Amsterdam", "NL", "https://ror.org/04dkp9463"),
    "NUDT": ("I170215575", "National University of Defense Technology", "CN", "https://ror.org/05d2yfz11"),
    "THU": ("I99065089", "Tsinghua University", "CN", "https://ror.org/03cve4549"),
    "HIT": ("I204983213", "Harbin Institute of Technology", "CN", "https://ror.org/01yqg2h08"),
    "AMU": ("I151075929", "Army Medical University", "CN", "https://ror.org/05w21nn13"),
}
RAW = {
    "TUD": "Department of Microelectronics, Delft University of Technology, Mekelweg 4, 2628 CD Delft, The Netherlands",
    "UVA": "Informatics Institute, University of Amsterdam, Science Park 900, Amsterdam, The Netherlands",
    "NUDT": "College of Computer, National University of Defense Technology, Changsha 410073, China",
    "THU": "Department of Automation, Tsinghua University, Beijing 100084, China",
    "HIT": "School of Astronautics, Harbin Institute of Technology, Harbin 150001, China",
    "AMU": "Department of Neurosurgery, Southwest Hospital, Army Medical University, Chongqing 400038, China",
}


#: synthetic ORCIDs (prefix 9999, never issued); c1's on both periods corroborates the move
ORCIDS = {"c1": "https://orcid.org/9999-0000-0000-0010"}


def institution(key: str) -> dict:
    oid, name, country, ror = INSTITUTIONS[key]
    return {"id": OA + oid, "display_name": name, "ror": ror, "country_code": country,
            "type": "education", "lineage": [OA + oid]}


def authorship(author: str, keys: list[str], position: str = "middle") -> dict:
    return {
        "author_position": position,
        "author": {"id": f"{OA}A90000000{author}", "display_name": f"Test Author {author}",
                   "orcid": ORCIDS.get(author)},
        "institutions": [institution(k) for k in keys],
        "countries": sorted({INSTITUTIONS[k][2] for k in keys}),
        "is_corresponding": False,
        "raw_author_name": f"Test Author {author}",
        "raw_affiliation_strings": [RAW[k] for k in keys],
        "affiliations": [{"raw_affiliation_string": RAW[k], "institution_ids": [OA + INSTITUTIONS[k][0]]}
                         for k in keys],
    }


def work(number: int, year: int, authorships: list[dict], field: str = "Computer Science") -> dict:
    return {
        "id": f"{OA}W9900000{number:03d}",
        "doi": f"https://doi.org/10.5555/ties-test.{number}",
        "title": f"Test work {number}",
        "display_name": f"Test work {number}",
        "publication_year": year,
        "type": "article",
        "authorships": authorships,
        "primary_topic": {"id": f"{OA}T1", "display_name": "Test topic", "score": 0.9,
                          "subfield": {"id": f"{OA}subfields/1702", "display_name": "Artificial Intelligence"},
                          "field": {"id": f"{OA}fields/17", "display_name": field},
                          "domain": {"id": f"{OA}domains/3", "display_name": "Physical Sciences"}},
        "updated_date": "2026-01-01T00:00:00",
        "is_synthetic": True,
    }


def known_works() -> list[dict]:
    return [
        work(1, 2018, [authorship("x1", ["TUD"], "first"), authorship("y1", ["NUDT"], "last")]),
        work(2, 2019, [authorship("x2", ["TUD", "NUDT"], "first")]),
        work(3, 2015, [authorship("c1", ["NUDT"], "first"), authorship("z9", ["THU"], "last")]),
        work(4, 2020, [authorship("c1", ["UVA"], "first"), authorship("z8", ["UVA"], "last")]),
        work(5, 2017, [authorship("x3", ["UVA"], "first"), authorship("z1", ["THU"], "last")]),
        work(6, 2017, [authorship("z1", ["THU"], "first"), authorship("y2", ["AMU"], "last")], field="Medicine"),
        work(7, 2021, [authorship("x1", ["TUD"], "first"), authorship("h1", ["HIT"], "last")]),
        work(9, 2022, [authorship("x1", ["TUD"], "first"), authorship("x3", ["UVA"], "last")]),
    ]


def write_known_corpus(folder: Path) -> Path:
    """Write the corpus as one OpenAlex list page and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    works = known_works()
    page = {"meta": {"count": len(works), "db_response_time_ms": 1, "page": None, "per_page": 200,
                     "next_cursor": None}, "results": works}
    path = folder / "known_page.json"
    path.write_bytes(orjson.dumps(page))
    return path


def author(name: str) -> str:
    return f"{OA}A90000000{name}"


def inst(key: str) -> str:
    return OA + INSTITUTIONS[key][0]
