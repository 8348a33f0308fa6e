"""Large tables, one page at a time, so a big selection never ships every row to the browser.

A table of a few hundred rows renders at once; beyond ``PAGE_ROWS`` the page shows one
page of rows with a page picker and says which rows are shown of how many. Exports and
the Markdown report always carry every row.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

PAGE_ROWS = 200


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_ROWS) -> pd.DataFrame:
    """Rows of 1-based page `page` (clamped to the last page).

    >>> page_of(pd.DataFrame({"n": range(5)}), 2, size=2)["n"].tolist()
    [2, 3]
    """
    pages = max(1, math.ceil(len(frame) / size))
    page = min(max(int(page), 1), pages)
    return frame.iloc[(page - 1) * size: page * size]


def paged_dataframe(frame: pd.DataFrame, key: str, size: int = PAGE_ROWS, **kwargs) -> pd.DataFrame:
    """Show `frame` with ``st.dataframe``, paged when longer than `size` rows; returns the rows shown.

    ``kwargs`` go to ``st.dataframe`` (column_config, ...). The page picker's widget key is
    ``{key}_page``.
    """
    if len(frame) <= size:
        st.dataframe(frame, hide_index=True, width="stretch", **kwargs)
        return frame
    pages = math.ceil(len(frame) / size)
    cols = st.columns([1, 4])
    page = cols[0].number_input("Page", 1, pages, 1, key=f"{key}_page")
    shown = page_of(frame, page, size)
    first = (int(page) - 1) * size + 1
    cols[1].caption(f"Rows {first:,}-{first + len(shown) - 1:,} of {len(frame):,} ({pages} pages of {size}); "
                    "every row is in the exports.")
    st.dataframe(shown, hide_index=True, width="stretch", **kwargs)
    return shown
