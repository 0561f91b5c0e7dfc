"""Cells of the tables mubiao writes (CSV, Markdown, workbooks, documents), made safe: county text never becomes
a formula, breaks a table or carries a control character into a file."""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

#: Characters no file mubiao writes should carry: C0 controls but tab, line feed and carriage return (XML 1.0,
#: and so Word and Excel, cannot hold them), DEL and the C1 controls (a terminal or a viewer acts on them), lone
#: surrogates, and the non-characters U+FFFE/U+FFFF. A stray one in a spreadsheet cell must not stop a report.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text_only(text: str) -> str:
    """`text` without the characters of `_NOT_TEXT` (control characters); everything else as it is."""
    return _NOT_TEXT.sub("", text)


#: Characters that make a spreadsheet read a cell as a formula (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet shows as text: without control characters (`text_only`), and a leading `'` before
    anything that would start a formula."""
    text = text_only(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def template_text(value: object) -> object:
    """jinja2's `finalize` for the HTML pages: every printed string through `text_only` before it is escaped.
    Markup the renderer marked as trusted (a str subclass: the inline charts) passes as it is."""
    return text_only(value) if type(value) is str else value


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as CSV the way Excel writes "CSV UTF-8": a BOM (so Excel reads Chinese) and CRLF line ends.
    The caller neutralises text cells; numbers are passed as they are."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


_MARKDOWN_SPECIAL = str.maketrans({"\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "*": "\\*", "_": "\\_",
                                   "`": "\\`", "[": "\\[", "]": "\\]"})


def md_cell(text: str) -> str:
    """Text for a Markdown table cell: on one line, without control characters, with the characters that would
    end the cell, start markup or HTML escaped."""
    return " ".join(text_only(text).split()).translate(_MARKDOWN_SPECIAL)


def md_inline(text: str) -> str:
    """Text inside a Markdown paragraph, escaped as `md_cell` does, but keeping the spaces at its ends (the
    words around it go on after them)."""
    return " ".join(text_only(text).replace("\r", " ").replace("\n", " ").split(" ")).translate(_MARKDOWN_SPECIAL)


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table as lines (every cell through `md_cell`), and the blank line that ends it."""
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(md_cell(cell) for cell in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(row) for row in rows), ""]
