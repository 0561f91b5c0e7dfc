"""Workbooks that are the same file for the same content.

openpyxl stamps the time of saving into the workbook's `modified` property and into every zip entry, whatever
the properties say, so two saves of one workbook differ. `stable_xlsx` saves a workbook with a fixed stamp
(the zip rewriting is `stable_package`'s, shared with the Word drafts).
"""

from __future__ import annotations

import datetime as dt
import io

from mubiao.render.package import DEFAULT_STAMP, stable_package

__all__ = ["DEFAULT_STAMP", "stable_xlsx"]


def stable_xlsx(book, stamp: dt.datetime = DEFAULT_STAMP, compress: bool = True) -> bytes:
    """The workbook's bytes, with `stamp` as its created/modified dates and as every zip entry's time.

    `compress=False` stores the entries uncompressed, so the bytes do not even depend on the zlib in use (for
    files committed and compared byte for byte)."""
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_package(buffer.getvalue(), stamp, compress)
