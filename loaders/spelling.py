"""Real spellings of affiliation strings undone before matching (issue 14).

Web of Science abbreviates ("Natl Univ Def Technol, Coll Comp, Changsha 410073, Peoples R
China"), IEEE too ("Inf. Eng. Univ."), and strings arrive with words glued together
("HarbinEngineering University", "Aeronautics andAstronautics", "TUDelft"). The table of
forms is data (``loaders/data/spelling.yaml``); :func:`expand` applies it to a raw string,
and the matcher applies the same function to the names it indexes, so both sides meet.
Commas and semicolons are never added or removed: pieces keep their positions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from graph.datafile import read_yaml
from graph.errors import InputError
from loaders.watchlist import normalise_name

__all__ = ["expand", "name_key", "stop_words", "DEFAULT_PATH"]

DEFAULT_PATH = Path(__file__).parent / "data" / "spelling.yaml"
#: a lower-case run then a capitalised word ("HarbinEngineering", "andAstronautics"), or an
#: upper-case run then a capitalised word ("TUDelft", "UMCUtrecht")
_GLUED = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z]{2,})|(?<=\b[A-Z]{2})(?=[A-Z][a-z]{3,})")


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern[str] | None, dict[str, str], re.Pattern[str] | None, dict[str, str], frozenset[str]]:
    data = read_yaml(DEFAULT_PATH)
    if not isinstance(data, dict):
        raise InputError(f"{DEFAULT_PATH}: must be a mapping")
    words = {str(k).lower().rstrip("."): str(v) for k, v in (data.get("words") or {}).items()}
    phrases = {str(k).lower(): str(v) for k, v in (data.get("phrases") or {}).items()}
    stops = frozenset(str(w).lower() for w in data.get("stop_words") or ())
    word_re = re.compile(
        r"(?<![\w'’])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b\.?", re.I
    ) if words else None
    phrase_re = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
        + r")(?!\w)", re.I
    ) if phrases else None
    return word_re, words, phrase_re, {re.sub(r"\s+", " ", k): v for k, v in phrases.items()}, stops


@lru_cache(maxsize=300_000)
def expand(text: str) -> str:
    """The string with glued words split and abbreviations written out.

    >>> expand("Natl Univ Def Technol, Coll Comp, Changsha 410073, Peoples R China")
    'National University Defense Technology, College Computer, Changsha 410073, China'
    >>> expand("HarbinEngineering University; TUDelft")
    'Harbin Engineering University; TU Delft'
    """
    if not text:
        return text
    word_re, words, phrase_re, phrases, _ = _table()
    text = _GLUED.sub(" ", text)
    if word_re is not None:
        text = word_re.sub(lambda m: words[m.group(1).lower()], text)
    if phrase_re is not None:
        text = phrase_re.sub(lambda m: phrases[re.sub(r"\s+", " ", m.group(1).lower())], text)
    return text


def stop_words() -> frozenset[str]:
    """Words that do not count when names are compared ("of", "the", "van" ...)."""
    return _table()[4]


@lru_cache(maxsize=300_000)
def name_key(text: str) -> str:
    """The form names are compared in: expanded, normalised, without stop words.

    >>> name_key("Natl Univ Def Technol")
    'national university defense technology'
    >>> name_key("National University of Defense Technology")
    'national university defense technology'
    """
    stops = _table()[4]
    return " ".join(t for t in normalise_name(expand(text)).split() if t not in stops)
