"""Departments from raw affiliation strings: the most specific named unit below the
institution ("Department of Physics", "Quantum Transport Group", "College of Computer").

OpenAlex resolves institutions, not departments; exposure "by department" needs them.
Shared by the loader (Department nodes) and ``ties match``, so both read a string alike.

Rules, in order:

1. Split the string at commas and semicolons into segments.
2. Drop segments that are the institution itself (equal to, contained in or containing
   ``institution_name``), that name a university ("... University", "Universiteit ...",
   "... Institute of Technology") without starting with a unit word, or that hold a
   street, postcode or city (digits, "Road", "straat", "weg", a lone word).
3. A segment is a unit if it starts or ends with a unit word (department, group,
   institute, laboratory, faculty, school, centre, college, division, section, chair; in
   Dutch afdeling, vakgroep, faculteit, instituut, laboratorium, leerstoel, sectie,
   centrum), or is a "(State) Key Laboratory".
4. Most specific wins: group/lab/chair/section over department/institute/centre over
   faculty/school/college; among equals the leftmost.
5. Normalise: "Dept."/"Dep." -> "Department", "Lab" -> "Laboratory", "Fac." ->
   "Faculty", Dutch unit words -> English ("Afdeling Neurologie" -> "Department of
   Neurologie"), postcodes removed, spaces collapsed.
"""

from __future__ import annotations

import re

from loaders.watchlist import normalise_name

__all__ = ["parse_department", "department_id", "specificity"]

#: abbreviation or Dutch word -> English unit word
_WORDS = {
    "dept": "Department", "dep": "Department", "depart": "Department",
    "department": "Department", "departments": "Department", "afdeling": "Department",
    "vakgroep": "Department", "lab": "Laboratory", "labs": "Laboratory",
    "laboratory": "Laboratory", "laboratories": "Laboratory", "laboratorium": "Laboratory",
    "fac": "Faculty", "faculty": "Faculty", "faculteit": "Faculty",
    "inst": "Institute", "institute": "Institute", "instituut": "Institute",
    "institut": "Institute", "ctr": "Center", "centre": "Centre", "center": "Center",
    "centrum": "Centre", "sch": "School", "school": "School", "college": "College",
    "div": "Division", "division": "Division", "sect": "Section", "section": "Section",
    "sectie": "Section", "group": "Group", "groep": "Group", "chair": "Chair",
    "leerstoel": "Chair", "unit": "Unit", "program": "Program", "programme": "Programme",
    "key": "Key", "state": "State", "national": "National",
}
_RANK = {
    "Group": 1, "Laboratory": 1, "Chair": 1, "Section": 1, "Unit": 1,
    "Department": 2, "Institute": 2, "Centre": 2, "Center": 2, "Division": 2,
    "Program": 2, "Programme": 2,
    "Faculty": 3, "School": 3, "College": 3,
}
_DUTCH_PREP = {"der": "of", "van": "of", "voor": "for", "de": "", "het": ""}
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ\u0100-\u024f]+\.?|\S+")
_POSTCODE = re.compile(r"\b(?:\d{4}\s?[A-Z]{2}|[A-Z]{1,2}-?\d{4,6}|\d{5,6}|\d{3}\s\d{2})\b")
#: a footnote number printed before a unit ("6 Department of Pathology")
_FOOTNOTE = re.compile(r"^\d{1,2}\s+(?=[A-Za-z])")
_STREET = re.compile(
    r"(?i)\b(?:road|rd|street|st\.|avenue|ave|boulevard|blvd|lane|straat|weg|laan|plein|"
    r"singel|gracht|kade|dreef|park|postbus|p\.?o\.?\s*box|box|campus|no\.|building)\b"
    r"|\w+(?:straat|weg|laan|plein|singel|gracht|kade|dreef)\b"
)
_INSTITUTION_WORDS = re.compile(
    r"(?i)\b(?:university|universiteit|universit[éeä]t?|universidad|hogeschool|"
    r"polytechnic|institute of technology|academy of sciences|ministry|company|corporation|"
    r"inc|ltd|b\.v|gmbh)\b"
)


def _tokens(segment: str) -> list[str]:
    return [t.rstrip(".") if t.endswith(".") else t for t in _TOKEN.findall(segment)]


def _spaces(segment: str) -> list[str]:
    """What was printed before each token of `segment` ("" when glued to the previous)."""
    out, end = [], 0
    for m in _TOKEN.finditer(segment):
        out.append(segment[end:m.start()])
        end = m.end()
    return out


def _unit_word(token: str) -> str | None:
    word = _WORDS.get(token.lower())
    return word if word in _RANK else None


def _is_unit(tokens: list[str]) -> str | None:
    """The unit word that makes this segment a unit (first or last token), else None."""
    if not tokens:
        return None
    first = _unit_word(tokens[0])
    if first:
        return first
    lowered = [t.lower() for t in tokens]
    if lowered[:2] in (["key", "laboratory"], ["key", "lab"]) or lowered[:3] in (
        ["state", "key", "laboratory"], ["state", "key", "lab"],
        ["national", "key", "laboratory"], ["national", "laboratory", "of"],
    ):
        return "Laboratory"
    last = _unit_word(tokens[-1])
    if last and len(tokens) > 1:
        return last
    return None


def specificity(name: str) -> int | None:
    """How specific a department name is: 1 group/lab/chair/section, 2 department/institute/
    centre, 3 faculty/school/college; None if no unit word.

    >>> specificity("Quantum Transport Group"), specificity("Department of Physics")
    (1, 2)
    """
    unit = _is_unit(_tokens(name))
    return _RANK[unit] if unit else None


def _normalise(tokens: list[str], spaces: list[str] | None = None) -> str:
    """English unit words, Dutch prepositions translated, 'of' after a bare Dutch word.

    `spaces[i]` is what was printed before token i ("" inside "Huygens-Kamerlingh"), so
    the name keeps the raw string's spacing and punctuation; single spaces without it."""
    out: list[tuple[str, bool]] = []
    for i, token in enumerate(tokens):
        glued = spaces is not None and i > 0 and not spaces[i]
        lower = token.lower()
        if lower in _WORDS and (_WORDS[lower] in _RANK or lower in ("dept", "dep")):
            word = _WORDS[lower]
            out.append((word, glued))
            dutch = lower in ("afdeling", "vakgroep", "faculteit", "instituut",
                              "laboratorium", "leerstoel", "sectie", "centrum", "groep")
            nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
            if dutch and i == 0 and nxt and nxt not in _DUTCH_PREP and nxt not in ("of", "for"):
                out.append(("of", False))
            continue
        if i > 0 and lower in _DUTCH_PREP and _unit_word(tokens[0] or "") and any(
            t.lower() in ("afdeling", "vakgroep", "faculteit", "instituut", "laboratorium",
                          "leerstoel", "sectie", "centrum", "groep") for t in tokens[:i]
        ):
            if _DUTCH_PREP[lower]:
                out.append((_DUTCH_PREP[lower], False))
            continue
        out.append((token, glued))
    text = "".join(word if glued or n == 0 else " " + word for n, (word, glued) in enumerate(out))
    text = re.sub(r"\s+([)\]])", r"\1", re.sub(r"([(\[])\s+", r"\1", text))
    text = re.sub(r"\bof of\b", "of", text)
    return text.strip(" .-:")


def _is_continuation(segment: str) -> bool:
    """'Mathematics and Computer Science' after 'Faculty of Electrical Engineering'."""
    if not re.search(r"\b(?:and|en|&)\b", segment) or re.search(r"\d", segment):
        return False
    tokens = _tokens(segment)
    return not _is_unit(tokens) and not _INSTITUTION_WORDS.search(segment) \
        and len(tokens) <= 6 and tokens[0][:1].isupper()


def parse_department(raw: str, institution_name: str | None = None) -> str | None:
    """The most specific named unit below the institution in a raw string, else None.

    Parameters
    ----------
    raw : the raw affiliation string as OpenAlex gives it.
    institution_name : the institution the string was resolved to, never returned.

    Examples
    --------
    >>> parse_department("Dept. of Physics, Delft University of Technology, 2628 CJ Delft")
    'Department of Physics'
    >>> parse_department("Afdeling Neurologie, Erasmus MC, Rotterdam", "Erasmus MC")
    'Department of Neurologie'
    >>> parse_department("Harbin Institute of Technology, Harbin 150001, China") is None
    True
    """
    if not raw or not raw.strip():
        return None
    inst = normalise_name(institution_name) if institution_name else ""
    best: tuple[int, int, str] | None = None
    segments = re.split(r"[,;]", raw)
    for position, segment in enumerate(segments):
        segment = _FOOTNOTE.sub("", _POSTCODE.sub(" ", segment).strip(" .-:"))
        if not segment:
            continue
        norm = normalise_name(segment)
        if inst and (norm == inst or (len(norm) > 3 and norm in inst) or inst in norm):
            continue
        tokens = _tokens(segment)
        unit = _is_unit(tokens)
        if unit is None:
            continue
        if _STREET.search(segment) and not _unit_word(tokens[0]):
            continue
        if _INSTITUTION_WORDS.search(segment) and not _is_unit(tokens[:1]) \
                and tokens[0].lower() not in ("state", "key", "national"):
            continue
        if re.search(r"\d", segment) and not re.search(r"[A-Za-z]{4,}", segment):
            continue
        name = _normalise(tokens, _spaces(segment))
        following = segments[position + 1].strip() if position + 1 < len(segments) else ""
        if _is_continuation(following):
            name = f"{name}, {following}"
        if not name or len(name.split()) < 2 and unit == name:
            continue
        key = (_RANK[unit], position, name)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def department_id(institution_id: str, name: str) -> str:
    """Stable id ``<institution id>#<slug>``; the same name always gives the same id.

    >>> department_id("https://openalex.org/I98358874", "Department of Physics")
    'https://openalex.org/I98358874#department-of-physics'
    """
    slug = re.sub(r"[^\w]+", "-", normalise_name(name)).strip("-")
    return f"{institution_id}#{slug}"
