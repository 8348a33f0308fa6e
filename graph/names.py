"""A normalised key for author names, so authors who share a name can be counted.

Why: OpenAlex's author disambiguation merges different people who share a name, and
common Chinese names are where it merges most. How many distinct OpenAlex authors in the
store carry the same name is the project's measure of how common a name is (no
name-frequency list under a compatible licence ships as a package). The key folds the
variants of one romanised name that OpenAlex records differently: case, accents,
hyphens in given names ("Xiao-Ming" = "Xiaoming") and family-name order
("Wang Wei" = "Wei Wang"). Initials stay distinct ("W. Wang" is not "Wei Wang"): an
initial matches too many people to count as the same name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["name_key"]

_JOIN = re.compile(r"[-\u2010\u2011\u2012\u2013'\u2019]")
_SPLIT = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The normalised form of a display name: lower case, no accents, tokens sorted.

    >>> name_key("Wang Wei") == name_key("Wei  WANG") == name_key("wei wang")
    True
    >>> name_key("Xiao-Ming Li") == name_key("Xiaoming Li")
    True
    >>> name_key("Vincent Larivière")
    'lariviere vincent'
    >>> name_key("W. Wang") == name_key("Wei Wang")
    False
    """
    if not name:
        return ""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    tokens = [t for t in _SPLIT.split(_JOIN.sub("", folded)) if t]
    return " ".join(sorted(tokens))
