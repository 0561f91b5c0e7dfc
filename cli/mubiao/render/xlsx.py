"""Workbooks that are the same file for the same content.

openpyxl stamps the time of saving into the workbook's `modified` property and into every zip entry, whatever
the properties say, so two saves of one workbook differ. `stable_xlsx` saves a workbook with a fixed stamp
(the zip rewriting is `stable_package`'s, shared with the Word drafts).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from mubiao.render.cells import FORMULA_STARTS, text_only
from mubiao.render.package import DEFAULT_STAMP, stable_package

if TYPE_CHECKING:
    from openpyxl.cell import Cell

__all__ = ["DEFAULT_STAMP", "MAX_CELL_TEXT", "put_text", "stable_xlsx", "storable"]

#: The most characters an Excel cell holds.
MAX_CELL_TEXT = 32767


def storable(text: str) -> str:
    """Text a workbook can hold: without control characters (which XML cannot carry), cut at MAX_CELL_TEXT."""
    return text_only(text)[:MAX_CELL_TEXT]


def put_text(cell: "Cell", text: str) -> "Cell":
    """Store `text` in `cell` as text (`storable`), whatever it starts with.

    openpyxl makes any str starting with `=` a formula, so the type is set back to string; text that starts like
    a formula also gets Excel's quote prefix, which keeps it text when someone edits the cell."""
    cell.value = storable(text)
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def stable_xlsx(book, stamp: dt.datetime = DEFAULT_STAMP, compress: bool = True) -> bytes:
    """The workbook's bytes, with `stamp` as its created/modified dates and as every zip entry's time.

    `compress=False` stores the entries uncompressed, so the bytes do not even depend on the zlib in use (for
    files committed and compared byte for byte)."""
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_package(buffer.getvalue(), stamp, compress)
