"""Office packages (xlsx, docx) that are the same file for the same content.

openpyxl and python-docx stamp the time of saving into every zip entry, and openpyxl also into the workbook's
`modified` property, whatever the properties say, so two saves of one document differ. `stable_package`
rewrites a saved package with one fixed stamp; `stable_xlsx` and the Word renderer both go through it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

#: The stamp written when none is given.
DEFAULT_STAMP = dt.datetime(2000, 1, 1)

_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def stable_package(data: bytes, stamp: dt.datetime = DEFAULT_STAMP, compress: bool = True) -> bytes:
    """The package `data` (a saved xlsx or docx) again, with `stamp` as its created/modified dates in
    docProps/core.xml and as every zip entry's time; entries keep their order and contents otherwise.

    `compress=False` stores the entries uncompressed, so the bytes do not even depend on the zlib in use (for
    files committed and compared byte for byte)."""
    text_stamp = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
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
