"""One reading of the institution ids people type, for every command and the dashboard.

OpenAlex names an institution ``https://openalex.org/I98358874``; people type
``I98358874``, ``i98358874``, ``openalex.org/I98358874`` or the API's
``https://api.openalex.org/institutions/I98358874``. The project's own placeholders
(``ties:entity:<id>``) pass through unchanged.
"""

from __future__ import annotations

import re

from graph.errors import InputError

OPENALEX = "https://openalex.org/"
PROJECT_PREFIX = "ties:"
_OPENALEX_ID = re.compile(
    r"(?:(?:https?://)?(?:www\.)?(?:api\.)?openalex\.org/(?:institutions/)?)?([Ii]\d{1,12})/?",
)


def institution_id(value: str) -> str:
    """The canonical id of an institution as typed, or "" for "no filter".

    >>> institution_id("I98358874")
    'https://openalex.org/I98358874'
    >>> institution_id(" https://api.openalex.org/institutions/i98358874 ")
    'https://openalex.org/I98358874'
    >>> institution_id("ties:entity:nudt")
    'ties:entity:nudt'
    >>> institution_id("")
    ''
    >>> institution_id("Delft")
    Traceback (most recent call last):
    ...
    graph.errors.InputError: not an institution id: 'Delft' (use an OpenAlex id such as I98358874)
    """
    text = (value or "").strip()
    if not text:
        return ""
    if text.startswith(PROJECT_PREFIX) and text.isprintable() and len(text) <= 200:
        return text
    match = _OPENALEX_ID.fullmatch(text)
    if match is None:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise InputError(f"not an institution id: {shown!r} (use an OpenAlex id such as I98358874)")
    return OPENALEX + match.group(1).upper()
