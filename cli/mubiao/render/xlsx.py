"""Workbooks that are the same file for the same content.

openpyxl stamps the time of saving into the workbook's `modified` property and into every zip entry, whatever
the properties say, so two saves of one workbook differ. `stable_xlsx` saves a workbook with a fixed stamp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

#: The stamp written when none is given.
DEFAULT_STAMP = dt.datetime(2000, 1, 1)

_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def stable_xlsx(book, stamp: dt.datetime = DEFAULT_STAMP, compress: bool = True) -> bytes:
    """The workbook's bytes, with `stamp` as its created/modified dates and as every zip entry's time.

    `compress=False` stores the entries uncompressed, so the bytes do not even depend on the zlib in use (for
    files committed and compared byte for byte)."""
    buffer = io.BytesIO()
    book.save(buffer)
    text_stamp = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _DATES.sub(rb"\g<1>" + text_stamp + rb"\g<3>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = method
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, content)
    return out.getvalue()
