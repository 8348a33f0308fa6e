"""Human labels for keys (sectors, tie kinds, technology areas, targets), counts and shares.

Policymakers read the dashboard: ``to2_institute`` must read "TO2 institute", 0.0769 must
read 7.7 %, and one work must not read "1 works". The table of labels is data
(``dashboards/labels.yaml``); unknown keys fall back to a readable form of the key itself,
so a new sector never shows as blank.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graph.datafile import read_yaml
from queries.tech_areas import load_area_labels

PATH = Path(__file__).with_name("labels.yaml")


@cache
def table() -> dict[str, dict[str, str]]:
    """The label map, read once per process."""
    data = read_yaml(PATH) or {}
    return {group: {str(k): str(v) for k, v in (values or {}).items()}
            for group, values in data.items() if isinstance(values, dict)}


@cache
def _areas() -> dict[str, str]:
    lists = table().get("area_lists", {})
    out = {}
    for key, text in load_area_labels().items():
        prefix = key.split(":", 1)[0]
        out[key] = f"{text} ({lists[prefix]})" if prefix in lists else text
    out["other"] = "No sensitive technology area"
    return out


def _readable(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Unknown"


def label(group: str, key: object) -> str:
    """The human label of `key` in `group` (``sectors``, ``kinds``, ``technology``, ...).

    >>> label("sectors", "to2_institute")
    'TO2 institute'
    >>> label("sectors", "new_sector_key")
    'New sector key'
    """
    if key is None or (isinstance(key, float) and key != key):
        return "Unknown"
    key = str(key)
    if group == "technology":
        return _areas().get(key, _readable(key))
    return table().get(group, {}).get(key, _readable(key))


def unit_label(dim: str, unit: object) -> str:
    """The label of a unit of an Overview dimension (sector keys and area ids get labels)."""
    if dim == "sector":
        return label("sectors", unit)
    if dim == "technology":
        return label("technology", unit)
    return str(unit)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 work``, ``2 works``, with thousands separators.

    >>> plural(1, "work"), plural(1200, "work"), plural(2, "entity", "entities")
    ('1 work', '1,200 works', '2 entities')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def percent(share: object) -> str:
    """A share in [0, 1] as a percentage with one decimal; empty when unknown.

    >>> percent(0.0769), percent(None)
    ('7.7%', '')
    """
    try:
        value = float(share)
    except (TypeError, ValueError):
        return ""
    return "" if value != value else f"{value * 100:.1f}%"


_MARKDOWN = "\\`*_{}[]<>()#+-.!|~$:"


def md(text: object) -> str:
    """`text` with every Markdown (and HTML-opening) character backslash-escaped, for the
    Streamlit elements that render Markdown (subheader, write, info, warning, error,
    page_link labels): a record's or a URL's text then shows as typed, never as a link,
    an image or markup.

    >>> md("![x](https://evil.example/p.png) <b>")
    '\\\\!\\\\[x\\\\]\\\\(https\\\\://evil\\\\.example/p\\\\.png\\\\) \\\\<b\\\\>'
    """
    return "".join("\\" + c if c in _MARKDOWN else c for c in str(text))
