"""Cells of the tables mubiao writes (CSV, Markdown), made safe: county text never becomes a formula or
breaks a table."""

from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

#: Characters that make a spreadsheet read a cell as a formula (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet shows as text: a leading `'` before anything that would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as CSV the way Excel writes "CSV UTF-8": a BOM (so Excel reads Chinese) and CRLF line ends.
    The caller neutralises text cells; numbers are passed as they are."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


_MARKDOWN_SPECIAL = str.maketrans({"\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "*": "\\*", "_": "\\_",
                                   "`": "\\`", "[": "\\[", "]": "\\]"})


def md_cell(text: str) -> str:
    """Text for a Markdown table cell: on one line, with the characters that would end the cell, start
    markup or HTML escaped."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)


def md_inline(text: str) -> str:
    """Text inside a Markdown paragraph, escaped as `md_cell` does, but keeping the spaces at its ends (the
    words around it go on after them)."""
    return " ".join(text.replace("\r", " ").replace("\n", " ").split(" ")).translate(_MARKDOWN_SPECIAL)


def md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table as lines (every cell through `md_cell`), and the blank line that ends it."""
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(md_cell(cell) for cell in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(row) for row in rows), ""]
