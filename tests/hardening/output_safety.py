"""What every file mubiao writes must be, whatever the counties and planners typed: checks shared by the bad-input
corpus and the output-safety tests.

- CSV: no text cell starts with a character that makes a spreadsheet run it (= + - @ TAB CR), numbers aside.
- xlsx: no formula cell at all, and every text cell stored as text.
- HTML: no element or attribute that runs or loads anything (script, iframe, img, a link, on… handlers), and no
  control character.
- Markdown: every row of a table has as many cells as its header, and no raw HTML tag from the data.
- Terminal output: no control character but line feed and tab (a terminal would obey an escape sequence).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from mubiao.render.cells import FORMULA_STARTS

#: Control characters a terminal, XML or a spreadsheet may act on: C0 but tab and line feed, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Elements and attributes that would run or load something in a page that must make no request at all.
_ACTIVE_TAGS = {"script", "iframe", "img", "a", "object", "embed", "link", "form", "base", "frame", "video", "audio"}
#: What an XML 1.0 document (a workbook's sheets) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Attributes whose value a browser follows as an address.
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def assert_printable(text: str, where: str = "output") -> None:
    """No control character but line feed and tab (carriage returns are allowed at line ends only)."""
    text = text.replace("\r\n", "\n")
    found = CONTROL.search(text)
    assert found is None, f"{where}: control character {found.group()!r} in {text[found.start() - 40:][:80]!r}"


def assert_safe_csv(data: bytes, where: str = "csv") -> None:
    text = data.decode("utf-8-sig")
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
                raise AssertionError(f"{where}: row {number}: a spreadsheet would run {cell!r}")


def assert_safe_xlsx(data: bytes, where: str = "xlsx") -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{where}: {sheet.title}!{cell.coordinate} is not text"
                    assert not _NOT_XML.search(cell.value), f"{where}: control character in {cell.coordinate}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            part = archive.read(name)
            assert b"<f>" not in part and b"<f " not in part, f"{where}: {name} has a formula"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe_html(text: str, where: str = "html") -> None:
    assert_printable(text, where)
    parser = _Elements()
    parser.feed(text)
    for tag, attributes in parser.tags:
        assert tag not in _ACTIVE_TAGS, f"{where}: <{tag}> in the page"
        for name, value in attributes:
            assert not name.startswith("on"), f"{where}: <{tag} {name}=…> in the page"
            if name in _URL_ATTRIBUTES:
                assert "javascript:" not in (value or "").lower(), f"{where}: javascript: in <{tag} {name}>"


_PIPE = re.compile(r"(?<!\\)\|")


def assert_safe_markdown(text: str, where: str = "md") -> None:
    """Every table's rows have the header's number of cells; no tag from the data (they are escaped as &lt;)."""
    assert_printable(text, where)
    header_cells = None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("|"):
            cells = len(_PIPE.findall(line.replace("\\\\", ""))) - 1
            if header_cells is None:
                header_cells = cells
            assert cells == header_cells, f"{where}:{number}: {cells} cells under a header of {header_cells}: {line}"
        else:
            header_cells = None
        assert not re.search(r"<\s*(script|img|iframe|a|style)\b", line, re.I), f"{where}:{number}: raw HTML: {line}"


def assert_safe_outputs(folder: Path) -> list[Path]:
    """Every file under `folder` checked by its kind; returns the files checked."""
    checked = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        where = str(path.relative_to(folder))
        if path.suffix == ".csv":
            assert_safe_csv(data, where)
        elif path.suffix == ".xlsx":
            assert_safe_xlsx(data, where)
        elif path.suffix == ".html":
            assert_safe_html(data.decode("utf-8"), where)
        elif path.suffix == ".md":
            assert_safe_markdown(data.decode("utf-8"), where)
        elif path.suffix == ".json":
            assert_printable(data.decode("utf-8"), where)  # json.dumps escapes them: \u001b
        checked.append(path)
    return checked
