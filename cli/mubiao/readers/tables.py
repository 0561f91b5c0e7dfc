"""A progress file as a raw table: the header row and the rows under it, with their row numbers.

CSV: a byte-order mark decides first (UTF-8, or UTF-16 as Excel's "Unicode text" writes it); then strict
UTF-8; then GB18030 (a superset of GBK, which Excel writes on Chinese Windows). A guess is confirmed by finding
the header: GB18030 decodes almost any bytes, so text in which no header can be found was not GB18030.
XLSX: through openpyxl in read-only mode (defusedxml guards its XML parsing), after refusing an archive that
would unpack beyond a sane size. XLS (Excel 97-2003): through xlrd. The HTML tables some systems and WPS save
under an `.xls` name: through lxml. A file's content, not its name, says which it is (`table_kind`): a workbook
saved as `.xls` by WPS that is really an xlsx, or a CSV named `.xls`, is read as what it is. In a workbook, the
first sheet (or HTML table) with a header is read, and a workbook with several is said (D009).
Formats no library here reads (WPS's own .et, Numbers, an encrypted workbook …) are refused with how to save
them instead (D007); docs/progress-files.md lists them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from mubiao.errors import ProgressError
from mubiao.numbers import Cell, UncomputedFormula, is_blank
from mubiao.readers.columns import HEADER_SEARCH_ROWS, header_row

if TYPE_CHECKING:
    import zipfile

#: Suffixes of the progress files mubiao reads (`.txt`: Excel's "Unicode text", UTF-16 and tabs).
READ_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
#: Text tables, which the fast reader (`csv_body`) may take.
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")

#: Formats a county may save that nothing here reads, and how to save them instead (D007).
REFUSED_KINDS = {
    ".et": "WPS 表格文件(.et)", ".ett": "WPS 表格模板(.ett)", ".numbers": "Numbers 表格",
    ".ods": "OpenDocument 表格(.ods)", ".xlsb": "Excel 二进制工作簿(.xlsb)",
}
#: Suffixes of the files taken for progress files: those read, and the spreadsheets refused (D007).
TABLE_SUFFIXES = READ_SUFFIXES + tuple(REFUSED_KINDS)
_SAVE_AS_XLSX = "请在 Excel 或 WPS 中打开,“另存为”Excel 工作簿(.xlsx)或 CSV UTF-8 后再报送"

#: A CSV larger than this is refused before it is read (a year of a province is a few MB).
MAX_CSV_BYTES = 256 * 1024 * 1024
#: An xlsx whose parts unpack to more than this, or that compresses better than any real sheet, is refused.
MAX_XLSX_UNPACKED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DELIMITERS = (",", "\t", ";")
_SAVE_AS_UTF8 = "请在 Excel 中另存为“CSV UTF-8(逗号分隔)”"
_ENCODING_NAMES = {"utf-8-sig": "UTF-8(带 BOM)", "utf-8": "UTF-8", "gb18030": "GB18030/GBK", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class Table:
    """The header and the non-blank rows under it. Row numbers are 1-based, as Excel shows them."""

    path: Path
    header: tuple[Cell, ...]
    header_row: int
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]
    encoding: str | None = None
    """The encoding a CSV was read in (None for xlsx)."""


@dataclass(frozen=True)
class RawTable:
    """The header and every row under it as read, blank rows included (the fast reader skips them itself)."""

    path: Path
    header: tuple[Cell, ...]
    header_row: int
    body: list[list[Cell]]
    """The rows under the header; `body[i]` is row `header_row + 1 + i`, 1-based as Excel shows it."""
    encoding: str | None = None
    width: int = 0
    """How many cells the header row has as written: for a CSV its fields, trailing empty ones too (a row with
    more fields than that has a cell beyond the last column); for an xlsx the header's last non-empty cell (a
    sheet's rows all run to its widest row)."""
    sheet: str | None = None
    """The sheet read, in a workbook of several (else None)."""
    above: str = ""
    """The text of the rows above the header (a form's title: 罗店镇2022年3月…, 填报单位:罗店镇)."""
    unread: tuple[str, ...] = ()
    """The sheets after it that have a header too, not read (D009)."""
    places: tuple[tuple[int, ...], tuple[int, ...]] | None = None
    """A wide table's (`mubiao.readers.wide`): the sheet row and the column of each body row's figure (None: the
    body's rows are the sheet's, one after another, each figure in its column)."""
    wide: str | None = None
    """`area` (a row per area) or `indicator` (a row per indicator) for a wide table."""
    wide_unread: tuple[tuple[int, int, str], ...] = ()
    """A wide table's header cells (row, column, text) that name nothing of the plan: their columns not read."""

    @property
    def csv(self) -> bool:
        """Read from a CSV or TSV (which has an encoding), not an xlsx."""
        return self.encoding is not None

    def beyond_header(self, row: list[Cell]) -> int | None:
        """The 1-based column of the first cell of `row` beyond the header (D107), or None when there is none:
        in a CSV any field beyond the header row's (typed separators say the cell is there, as `10,800` without
        quotes makes two cells of one), in an xlsx a cell beyond the header that is not empty."""
        if len(row) <= self.width:
            return None
        if self.csv:
            return self.width + 1
        return next((self.width + 1 + n for n, cell in enumerate(row[self.width:]) if not is_blank(cell)), None)

    def table(self) -> Table:
        """The Table: blank rows dropped, trailing empty cells trimmed."""
        rows = tuple(
            (number, tuple(trim_row(row)))
            for number, row in enumerate(self.body, start=self.header_row + 1)
            if not all(is_blank(cell) for cell in row)
        )
        return Table(path=self.path, header=self.header, header_row=self.header_row, rows=rows,
                     encoding=self.encoding)


#: What `read_raw_table` calls with a file's sheets (a CSV's rows as one) when none has a tidy header: a wide
#: table made tidy (`mubiao.readers.wide`), or None.
Reshape = Callable[[Path, Sequence["Sheet"], "str | None"], "RawTable | None"]


def read_table(path: str | Path) -> Table:
    """Read a CSV/TSV/TXT, or the sheet of a workbook (xlsx, xls, an HTML table) that holds the header. Raises
    ProgressError (D001, D002, D005, D007, D101)."""
    return read_raw_table(path).table()


def read_raw_table(path: str | Path, reshape: Reshape | None = None) -> RawTable:
    """As `read_table`, without dropping blank rows or trimming cells; a file with no tidy header is given to
    `reshape` (a plan's wide tables) before it is refused (D101)."""
    path = Path(path)
    kind = table_kind(path)
    if kind == "xlsx":
        return _workbook_table(path, _xlsx_sheets(path), reshape)
    if kind == "xls":
        return _workbook_table(path, _xls_sheets(path), reshape)
    if kind == "html":
        return _workbook_table(path, _html_tables(path), reshape)
    return _read_csv(path, reshape)


#: How each kind of file starts: a zip (xlsx), an OLE2 compound file (xls; an encrypted xlsx is one too).
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_STARTS = (b"<html", b"<!doctype", b"<table", b"<head", b"<meta", b"<body", b"<?xml")


#: The stream an encrypted OOXML workbook keeps in its compound file, as the file's directory names it (UTF-16).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _encrypted(path: Path) -> bool:
    """Whether a compound file holds an encrypted workbook (its directory names an EncryptedPackage stream)."""
    with open(path, "rb") as handle:
        return _ENCRYPTED_PACKAGE in handle.read(MAX_CSV_BYTES)


def table_kind(path: Path) -> str:
    """What a table file is by its first bytes: `xlsx`, `xls`, `html` or `text` (CSV, TSV, Excel's Unicode text).
    Raises ProgressError D007 for a format that is refused (by its suffix, or an encrypted workbook, or Excel
    2003's XML spreadsheet) and D001 for a file that cannot be opened."""
    suffix = path.suffix.lower()
    if suffix in REFUSED_KINDS:
        raise _error("D007", f"{REFUSED_KINDS[suffix]}无法读取", path, hint=_SAVE_AS_XLSX)
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise _error("D001", f"无法读取文件:{exc.strerror or exc}", path) from None
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        if _encrypted(path):  # an xlsx inside a compound file: Excel's encryption of a workbook
            raise _error("D007", "工作簿设置了打开密码,无法读取", path, hint="请取消密码(文件 → 信息 → 保护工作簿)后另存再报送")
        return "xls"
    text = head
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if text.startswith(bom):
            text = head[len(bom):].decode("utf-16" if bom != codecs.BOM_UTF8 else "utf-8", "ignore").encode()
            break
    start = text.lstrip()[:64].lower()
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise _error("D007", "Excel 2003 XML 表格无法读取", path, hint=_SAVE_AS_XLSX)
    if start.startswith(_HTML_STARTS):
        return "html"
    return "text"


def _error(code: str, message: str, path: Path, row: int | None = None, hint: str | None = None) -> ProgressError:
    return ProgressError(message, file=path, line=row, hint=hint, code=code)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise _error("D001", f"文件有 {size // 2**20} MB,超过了 {limit // 2**20} MB 的上限", path)
        data = path.read_bytes()
    except OSError as exc:
        raise _error("D001", f"无法读取文件:{exc.strerror or exc}", path) from None
    if not data.strip():
        raise _error("D001", "文件是空的", path)
    if len(data) > MAX_LINE_BYTES:
        _refuse_runaway_lines(data, path)
    return data


#: Excel's limit of rows on a sheet; no county's file comes near it, and a file of more (200 MB of `,,,,,`)
#: would take gigabytes as rows.
MAX_ROWS = 1_048_576
#: The longest line a table may have: a whole report pasted into one cell is a few hundred KB.
MAX_LINE_BYTES = 4 * 2**20


def _refuse_runaway_lines(data: bytes, path: Path) -> None:
    """D001 for a text with more lines than a sheet has rows, or a line longer than MAX_LINE_BYTES (50 MB of
    commas is 50 million cells), found from where its line feeds are, before it is parsed."""
    import numpy as np

    lines = data.count(b"\n")
    if lines > MAX_ROWS:
        raise _error("D001", f"文件有 {lines:,} 行,超过了工作表的行数上限 {MAX_ROWS:,}", path,
                     hint="文件末尾多半有大量空行或只有分隔符的行;请删去后重新保存")
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A)
    lengths = np.diff(np.concatenate(([-1], ends, [len(data)])))
    longest = int(np.argmax(lengths))
    if lengths[longest] > MAX_LINE_BYTES:
        raise _error("D001", f"这一行有 {lengths[longest] // 2**20} MB,不像表格中的一行", path, longest + 1)


def _read_csv(path: Path, reshape: Reshape | None = None) -> RawTable:
    data = _read_bytes(path, MAX_CSV_BYTES)
    text, encoding = _decode(data, path)
    found = _delimiter(text, encoding, path)
    if found is None or (reshape is not None and not _has_figures(_header_rows(
            list(islice(_csv_rows(text, found[0], path), found[1] + 2)), found[1])[0])):
        if reshape is not None:  # a wide table: its delimiter the one that splits its first rows the most
            delimiters = ("\t", ",", ";") if encoding == "utf-16" else _DELIMITERS
            split = max(delimiters, key=lambda d: sum(map(len, islice(_csv_rows(text, d, path), HEADER_SEARCH_ROWS))))
            if (wide := reshape(path, [("", _all_csv_rows(text, split, path))], encoding)) is not None:
                return wide
        if found is None:
            return _table(path, [], encoding)  # no header: _table raises D101
    return _table(path, _all_csv_rows(text, found[0], path), encoding)


def _has_figures(header: Sequence[Cell]) -> bool:
    """Whether a header row names a column of figures (完成值, 分子, 分母, 完成日期)."""
    from mubiao.readers.columns import FIGURE_FIELDS, header_field

    return any(header_field(cell) in FIGURE_FIELDS for cell in header)


def _delimiter(text: str, encoding: str, path: Path) -> tuple[str, int] | None:
    """The delimiter with which a header shows among the first rows, and the header's (0-based) row; None when
    there is none (D002 when the text was decoded as GB18030: then it was not GB18030 either)."""
    delimiters = ("\t", ",", ";") if encoding == "utf-16" else _DELIMITERS
    for delimiter in delimiters:
        index = header_row(list(islice(_csv_rows(text, delimiter, path), HEADER_SEARCH_ROWS)))
        if index is not None:
            return delimiter, index
    if encoding == "gb18030":
        raise _error("D002", "无法识别文件编码:不是 UTF-8,按 GB18030/GBK 读也找不到表头", path,
                     hint=_SAVE_AS_UTF8)
    return None


@dataclass(frozen=True)
class CsvBody:
    """A CSV that needs none of the csv module's leniency: its header as `read_raw_table` finds it, and the bytes
    of every row under it as UTF-8, each row one line (no cell holds a line break), quotes only around whole
    cells. Many of these are parsed at once (`mubiao.readers.bulk`)."""

    path: Path
    header: tuple[str, ...]
    header_row: int
    """1-based, as Excel numbers it."""
    width: int
    delimiter: str
    encoding: str
    body: bytes
    above: str = ""
    """The text of the rows above the header (`title_text`)."""


#: Bytes of a file's start decoded to find its header (the first HEADER_SEARCH_ROWS lines fit in it).
_HEAD_BYTES = 1 << 16


def csv_body(path: Path, known: dict | None = None) -> CsvBody | None:
    """The file as a CsvBody, or None when it must be read by `read_raw_table` (which then says what is wrong, or
    reads what needs its leniency: a cell over two lines, a stray quote, an encoding that does not hold).
    `known`: the headers found in earlier files, by their first line (the files of one form share it)."""
    try:
        data = _read_bytes(path, MAX_CSV_BYTES)
        utf8, encoding = _utf8(data)
        if utf8 is None:
            return None
        first = utf8.find(b"\n")
        if known is not None and first >= 0 and (encoding, utf8[:first]) in known:
            header, width, delimiter = known[(encoding, utf8[:first])]
            return _body(path, header, 1, width, delimiter, encoding, utf8[first + 1:])
        end = -1
        for _ in range(HEADER_SEARCH_ROWS):  # the lines the header may be on, and no more, are decoded
            if (found := utf8.find(b"\n", end + 1, _HEAD_BYTES)) < 0:
                break
            end = found
        found = _delimiter(codecs.utf_8_decode(utf8[: end + 1 if end >= 0 else _HEAD_BYTES], "strict", False)[0],
                           encoding, path)
    except (UnicodeDecodeError, ProgressError):
        return None
    if found is None:
        return None
    delimiter, index = found
    end = -1
    for _ in range(index + 1):  # the header's line and those above it, each one row
        end = utf8.find(b"\n", end + 1)
        if end < 0:
            return None
    rows = list(csv.reader(io.StringIO(utf8[: end + 1].decode("utf-8"), newline=""), delimiter=delimiter))
    if len(rows) != index + 1:
        return None  # a cell over two lines above the body: its lines are not its rows
    header = tuple(trim_row(rows[index]))
    if not _has_figures(header):
        return None  # a wide table, or no figures (D102): `read_raw_table` sees to it
    following = utf8.find(b"\n", end + 1)
    under = utf8[end + 1: following if following >= 0 else len(utf8)].decode("utf-8", "replace")
    if under.strip() and _two_row_header(rows[index], next(csv.reader([under.rstrip("\r")], delimiter=delimiter),
                                                           [])) is not None:
        return None  # a header of two rows: `read_raw_table` reads it as one
    if known is not None and index == 0 and delimiter == ("\t" if encoding == "utf-16" else ","):
        # a header on the first line, found with the first delimiter tried, is known by that line
        known[(encoding, utf8[:first])] = header, len(rows[index]), delimiter
    return _body(path, header, index + 1, len(rows[index]), delimiter, encoding, utf8[end + 1:],
                 title_text(rows[:index]))


def _body(path: Path, header: tuple, header_row: int, width: int, delimiter: str, encoding: str,
          body: bytes, above: str = "") -> CsvBody | None:
    limit = csv.field_size_limit()
    if len(body) > limit and max(map(len, body.split(b"\n"))) > limit:  # a cell the csv module refuses (D001)
        return None
    if not _plain_lines(body, delimiter):
        return None
    return CsvBody(path, header, header_row, width, delimiter, encoding, body, above)


def _utf8(data: bytes) -> tuple[bytes | None, str]:
    """The file's bytes as UTF-8, and the encoding it was in (None when only `_decode` can tell what is wrong). The
    body of a UTF-8 file is not decoded here: its parser checks it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    if b"\x00" in data:
        return None, ""
    try:
        codecs.utf_8_decode(data[:_HEAD_BYTES], "strict", False)
        return data, "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030").encode("utf-8"), "gb18030"  # (as `_decode` does: not UTF-8 at all)


def _plain_lines(body: bytes, delimiter: str) -> bool:
    """Whether every line of `body` with a quote in it quotes whole cells only, each closed on its line."""
    cell = rb'(?:[^"\r\n%s]*|"(?:[^"\r\n]|"")*")' % re.escape(delimiter.encode())
    line_pattern = re.compile(rb"%s(?:%s%s)*\r?" % (cell, re.escape(delimiter.encode()), cell))
    at = body.find(b'"')
    while at >= 0:
        start = body.rfind(b"\n", 0, at) + 1
        end = body.find(b"\n", at)
        end = len(body) if end < 0 else end
        if not line_pattern.fullmatch(body, start, end):
            return False
        at = body.find(b'"', end)
    return True


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                if encoding == "utf-8-sig" and _is_cesu8_surrogate(data, exc.start):
                    raise _cesu8_error(data, exc.start, path) from None
                raise _error("D002", f"文件以 {_ENCODING_NAMES[encoding]} 的 BOM 开头,但内容不是该编码",
                             path, _line_of(data, exc.start), hint=_SAVE_AS_UTF8) from None
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise _error("D002", "文件像是没有 BOM 的 UTF-16,无法确定字节顺序", path,
                         hint=_SAVE_AS_UTF8)
        raise _error("D001", "文件含有 NUL 字节,不是文本表格", path, _line_of(data, data.index(b"\x00")))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        not_utf8 = exc.start
    if _is_cesu8_surrogate(data, not_utf8):  # GB18030 would read the whole file, into nonsense
        raise _cesu8_error(data, not_utf8, path)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        # the encoding that read further is the file's, and the line where it stopped is the one to mend: a GBK
        # file with a stray byte, or a UTF-8 file with a row pasted in from a GBK one
        raise _error("D002", "无法识别文件编码:既不是 UTF-8,也不是 GB18030/GBK(是否混入了别的编码的内容?)",
                     path, _line_of(data, max(not_utf8, exc.start)), hint=_SAVE_AS_UTF8) from None


def _cesu8_error(data: bytes, at: int, path: Path) -> Exception:
    return _error("D002", "文件是 UTF-8,但这一行有一个按 CESU-8 写入的字符(多为表情符号,来自 Java 程序或旧数据库的导出)",
                  path, _line_of(data, at), hint="删去这个字符或重新输入它,再另存为 UTF-8")


def _is_cesu8_surrogate(data: bytes, at: int) -> bool:
    """Whether the bytes at `at` are half of a surrogate pair written as three bytes (0xED 0xA0–0xBF …)."""
    return data[at:at + 1] == b"\xed" and len(data) > at + 1 and 0xA0 <= data[at + 1] <= 0xBF


def _looks_like_utf16(data: bytes) -> bool:
    # UTF-16 text of mostly ASCII has NULs in one byte position of each pair and almost none in the other;
    # a file padded with NULs by a failed write has them in both.
    sample = data[:4096]
    zeros = sorted((sample[0::2].count(0), sample[1::2].count(0)))
    half = max(len(sample) // 2, 1)
    return zeros[1] > half * 0.3 and zeros[0] < half * 0.05


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _all_csv_rows(text: str, delimiter: str, path: Path) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return list(_csv_rows(text, delimiter, path))  # again, row by row, to say in which row
    if text.count('"') % 2:  # quotes come in pairs, unless one is stray (12"寸, read as it is) or never closed
        _refuse_unclosed_quote(rows, text, delimiter, path)
    return rows


def _refuse_unclosed_quote(rows: list[list[str]], text: str, delimiter: str, path: Path) -> None:
    """D001 when a quoted cell is never closed: Python's lenient reader would take the rest of the file, rows and
    all, into that one cell. (Its strict reader refuses that, and also a quote after a closing one, `"a"b`, which
    the lenient reading keeps as it is, as Excel does.)"""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise _error("D001", "CSV 格式错误:这一行的引号没有配对,之后的内容都会被读进同一格", path, len(rows),
                         hint="请检查这一行的引号(\"),或在 Excel 中重新另存为 CSV") from None


def _csv_rows(text: str, delimiter: str, path: Path):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row_number = 0
    try:
        for row_number, row in enumerate(reader, start=1):
            yield row
    except csv.Error as exc:
        raise _error("D001", f"CSV 格式错误:{exc}", path, row_number + 1) from None


#: A sheet as its name and its rows.
Sheet = tuple[str, list[list[Cell]]]


def _xlsx_sheets(path: Path) -> list[Sheet]:
    has_formulas = _refuse_unsafe_archive(path)
    sheets = _sheet_rows(path, data_only=True)
    if has_formulas:  # a formula's cell holds the value Excel saved with it, or nothing where none was saved
        for (_, rows), (_, formulas) in zip(sheets, _sheet_rows(path, data_only=False)):
            _mark_uncomputed(rows, formulas)
    return sheets


def _sheet_rows(path: Path, data_only: bool) -> list[Sheet]:
    """The cells of each sheet: with `data_only` the values saved with the formulas, otherwise the formulas."""
    import openpyxl  # only when there is an xlsx to read: it costs a third of a second to import

    # openpyxl raises many kinds of exception for a damaged file; all mean the same to a county
    try:
        with open(path, "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about sheet features it drops; they carry no data
            book = openpyxl.load_workbook(handle, read_only=True, data_only=data_only)
            try:
                if not book.worksheets:
                    raise _error("D001", "xlsx 文件没有工作表", path)
                return [(sheet.title, [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)])
                        for sheet in book.worksheets]
            finally:
                book.close()
    except ProgressError:
        raise
    except Exception as exc:
        raise _error("D001", f"无法读取 xlsx 文件:{type(exc).__name__}: {exc}", path) from None


def _xls_sheets(path: Path) -> list[Sheet]:
    """The sheets of an Excel 97-2003 workbook, through xlrd: dates as datetimes, whole numbers as ints (as
    openpyxl gives them), error cells as their text (#DIV/0!)."""
    import xlrd  # only when there is an .xls to read

    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise _error("D001", f"文件有 {size // 2**20} MB,超过了 {MAX_CSV_BYTES // 2**20} MB 的上限", path)
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise _error("D007", "工作簿设置了打开密码,无法读取", path,
                         hint="请取消密码后另存为 Excel 工作簿(.xlsx)再报送") from None
        raise _error("D001", f"无法读取 xls 文件:{exc}", path, hint=_SAVE_AS_XLSX) from None
    except Exception as exc:  # a damaged compound file: xlrd raises what its parsing met
        raise _error("D001", f"无法读取 xls 文件:{type(exc).__name__}: {exc}", path, hint=_SAVE_AS_XLSX) from None
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows * sheet.ncols > MAX_XLSX_CELLS:
                raise _error("D005", f"工作表“{sheet.name}”有 {sheet.nrows * sheet.ncols:,} 个单元格,拒绝读取", path)
            sheets.append((sheet.name, [[_xls_cell(cell, book.datemode) for cell in sheet.row(r)]
                                        for r in range(sheet.nrows)]))
        return sheets
    finally:
        book.release_resources()


def _xls_cell(cell, datemode: int) -> Cell:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return int(cell.value) if float(cell.value).is_integer() else cell.value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    return cell.value


def _html_tables(path: Path) -> list[Sheet]:
    """The tables of an HTML file saved as a workbook (some systems' exports, WPS's "网页" tables named .xls): each
    table's rows, a cell spanning columns followed by empty cells (so the columns line up), through lxml."""
    import lxml.html

    text, _ = _decode(_read_bytes(path, MAX_CSV_BYTES), path)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a text that declares its own encoding
    try:
        document = lxml.html.document_fromstring(text)
    except Exception as exc:  # (lxml's parser copes with most broken HTML; an empty document is one it does not)
        raise _error("D001", f"无法读取 HTML 表格:{type(exc).__name__}: {exc}", path, hint=_SAVE_AS_XLSX) from None
    sheets = []
    for number, table in enumerate(document.iter("table"), start=1):
        rows = []
        for tr in table.iter("tr"):
            if next(tr.iterancestors("table")) is not table:
                continue  # a row of a table inside this one: that table is read on its own
            row: list[Cell] = []
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                value = " ".join(cell.text_content().split())
                row.append(value or None)
                span = cell.get("colspan", "1")
                row += [None] * (min(int(span), 1000) - 1 if span.isdigit() else 0)
            rows.append(row)
        sheets.append((f"表格 {number}", rows))
    return sheets or [("表格 1", [])]


def _workbook_table(path: Path, sheets: list[Sheet], reshape: Reshape | None = None) -> RawTable:
    """The first sheet with a header (else a wide table `reshape` makes of one; D101 naming the sheets when none
    has one); the sheets after it that have one too are named in `unread` (D009: only one sheet is read)."""
    found = [(name, rows, index) for name, rows in sheets if (index := header_row(rows)) is not None]
    if reshape is not None and not any(_has_figures(_header_rows(rows, index)[0]) for _, rows, index in found) and \
            (wide := reshape(path, sheets, None)) is not None:  # (指标编号 and a column per area: no 完成值)
        return wide
    if not found:
        names = "、".join(f"“{name}”" for name, _ in sheets)
        where = f"{len(sheets)} 个工作表({names})中都" if len(sheets) > 1 else ""
        raise _error("D101", f"找不到表头:{where}前 10 行中没有“指标编号”(indicator)列", path,
                     hint="表头应有 指标编号、完成值 等列,见 mubiao form 生成的填报表")
    name, rows, index = found[0]
    table = _table(path, rows, encoding=None)
    named = name if len(sheets) > 1 else None
    return replace(table, sheet=named, unread=tuple(other for other, _, _ in found[1:]))


def _mark_uncomputed(values: list[list[Cell]], formulas: list[list[Cell]]) -> None:
    """Put an UncomputedFormula in each cell of `values` that is empty where `formulas` has a formula."""
    for row, formula_row in zip(values, formulas):
        for column, (value, formula) in enumerate(zip(row, formula_row)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                row[column] = UncomputedFormula(formula)


def _refuse_unsafe_archive(path: Path) -> bool:
    """Refuse a file that is not a sane zip archive (D001) or unpacks far beyond its size (D005); say whether its
    sheets hold formulas."""
    import zipfile  # only when there is an xlsx: `mubiao check targets/` starts without it

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > MAX_XLSX_UNPACKED or (unpacked > 2**20 and unpacked / packed > MAX_XLSX_RATIO):
                raise _error("D005", f"xlsx 解压后有 {unpacked // 2**20} MB(压缩比 {unpacked // packed}:1),拒绝读取",
                             path, hint="可能是压缩炸弹;请重新导出")
            sheets = [member for member in members
                      if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")]
            return any([_scan_sheet(archive, member, path) for member in sheets])
    except ProgressError:
        raise
    except Exception as exc:  # not a zip, a damaged directory, a zip feature Python lacks, names not in UTF-8…
        raise _error("D001", f"不是有效的 xlsx 文件({type(exc).__name__}: {exc})", path,
                     hint="旧版 .xls 请在 Excel 中另存为 .xlsx") from None


def _scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path) -> bool:
    """Whether a sheet's XML has a formula element (`<f>`, `<f t=…>`, or with a namespace prefix); D005 for a
    sheet of more cells than MAX_XLSX_CELLS, D001 for a row number beyond Excel's last row. (openpyxl would make
    every cell, and every empty row up to a row number, before mubiao saw one: a 1 KB file naming row
    99,999,999,999 took 2.85 GB.)"""
    formulas = False
    cells = 0
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(1 << 20):
            text = tail + chunk
            formulas = formulas or bool(_FORMULA_TAG.search(text))
            cells += len(_CELL_TAG.findall(chunk))  # (a tag split between two chunks is not counted: a bound)
            if cells > MAX_XLSX_CELLS:
                raise _error("D005", f"工作表有超过 {MAX_XLSX_CELLS:,} 个单元格,不像一个县的报表,拒绝读取", path,
                             hint="请只保留填报的表格,删去其余的行和列后重新保存")
            for found in _ROW_NUMBER.finditer(text):
                if int(found.group(1)) > MAX_ROWS:
                    raise _error("D001", f"工作表中有第 {int(found.group(1)):,} 行,超过了 Excel 的行数上限 "
                                         f"{MAX_ROWS:,};文件已损坏或被改写", path)
            tail = chunk[-64:]
    return formulas


#: More cells than a sheet of a county's (or a city's summary) ever has; openpyxl makes an object of each.
MAX_XLSX_CELLS = 2_000_000
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[ >/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d{7,})\"")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _table(path: Path, rows: list[list[Cell]], encoding: str | None) -> RawTable:
    index = header_row(rows)
    if index is None:
        raise _error("D101", "找不到表头:前 10 行中没有“指标编号”(indicator)列", path,
                     hint="表头应有 指标编号、完成值 等列,见 mubiao form 生成的填报表")
    top, below = _header_rows(rows, index)
    header = trim_row(top)
    return RawTable(path=path, header=tuple(header), header_row=below, body=rows[below:],
                    encoding=encoding, width=len(top) if encoding is not None else len(header),
                    above=title_text(rows[:index]))


def _header_rows(rows: list[list[Cell]], index: int) -> tuple[list[Cell], int]:
    """The header at `index` (with the row under it when they are one header: `_two_row_header`), and the index
    of the first row under it."""
    if index + 1 < len(rows) and (merged := _two_row_header(rows[index], rows[index + 1])) is not None:
        return merged, index + 2
    return rows[index], index + 1


def _two_row_header(top: list[Cell], under: list[Cell]) -> list[Cell] | None:
    """A header of two rows as one, or None when the row under the header is not its second row: a header
    whose cells are merged (完成情况 over 完成值 and 备注; 指标编号 over both rows) has the field names of some
    columns in the row under it, and that row names only fields and reference columns. Each column is named by
    its lower cell where it has one, else by the upper."""
    from mubiao.readers.columns import header_field, is_reference_column

    named = [cell for cell in under if not is_blank(cell)]
    if not named or not all(header_field(cell) is not None or is_reference_column(cell) for cell in named):
        return None
    fields = {header_field(cell) for cell in top} - {None}
    if not {header_field(cell) for cell in named} - fields - {None}:
        return None  # (a row repeating the header's own fields is a repeated header: no more fields)
    width = max(len(top), len(under))
    return [under[j] if j < len(under) and not is_blank(under[j]) else (top[j] if j < len(top) else None)
            for j in range(width)]


def title_text(rows: list[list[Cell]]) -> str:
    """The cells of the rows above a header as one line of text (a title, 填报单位、填报日期 …)."""
    return " ".join(str(cell).strip() for row in rows for cell in row if not is_blank(cell))


def trim_row(row: list[Cell]) -> list[Cell]:
    """The row without its trailing empty cells."""
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]
