"""Many CSV bodies parsed at once, by a columnar parser (pyarrow's, in C and on every core).

A province sends a thousand files a month and a country thirty thousand, nearly all of them the same form:
parsed one by one with Python's csv module they would take most of a minute. Here the bodies of the files of one
layout (the same header and delimiter) are joined, a marker line before each, and parsed in one pass; the rows
between two markers are one file's, numbered from its header down. Only bodies `csv_body` found plain come here
(every row one line, quotes around whole cells only): they split into the same cells either way. A file whose
rows the parser refuses (a row with more or fewer cells than the header, bytes that are not UTF-8) is handed
back, to be read by `read_raw_table` and its row rules like any other.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np

from mubiao.readers.tables import CsvBody

if TYPE_CHECKING:
    import pyarrow

#: Bytes of CSV parsed at a time (what one pass holds in memory, about twice that as columns).
CHUNK_BYTES = 64 * 2**20

#: The first cell of the line put before each body: no county's file holds this control character.
_MARKER = "\x1f"


@dataclass
class ParsedBodies:
    """The rows of some bodies of one layout: every column as text, and each row's body (its position in the list
    parsed) and row number in its file."""

    columns: list["pyarrow.Array"]
    body: np.ndarray
    number: np.ndarray


def parse_bodies(bodies: Sequence[CsvBody]) -> tuple[list[tuple[list[int], ParsedBodies]], list[int]]:
    """The bodies parsed, a layout and a chunk at a time: (which bodies, their rows) for each part, and the
    positions of the bodies to be read another way."""
    groups: dict[tuple, list[int]] = {}
    for position, body in enumerate(bodies):
        groups.setdefault((body.header, body.width, body.delimiter), []).append(position)
    parsed, refused = [], []
    for positions in groups.values():
        for chunk in _chunks(bodies, positions):
            result = _parse([bodies[p] for p in chunk])
            if isinstance(result, ParsedBodies):
                parsed.append((chunk, result))
            else:  # some bodies could not be parsed this way: the others again without them
                refused += [chunk[i] for i in result]
                failed = set(result)
                rest = [p for i, p in enumerate(chunk) if i not in failed]
                if rest:
                    again = _parse([bodies[p] for p in rest])
                    if isinstance(again, ParsedBodies):
                        parsed.append((rest, again))
                    else:
                        refused += rest
    return parsed, sorted(refused)


def _chunks(bodies: Sequence[CsvBody], positions: list[int]) -> Iterator[list[int]]:
    chunk, size = [], 0
    for position in positions:
        chunk.append(position)
        size += len(bodies[position].body)
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _parse(bodies: list[CsvBody]) -> ParsedBodies | list[int]:
    """The rows of bodies of one layout, or the (indexes of the) bodies the parser refused."""
    import pyarrow as pa
    import pyarrow.csv

    first = bodies[0]
    marker = (_MARKER + first.delimiter * (first.width - 1) + "\n").encode()
    pieces = []
    for body in bodies:
        pieces += [marker, body.body]
        if body.body and not body.body.endswith((b"\n", b"\r")):
            pieces.append(b"\n")
    refused_rows: list[str] = []

    def refuse(row) -> str:
        refused_rows.append(row.text)
        return "skip"

    names = [str(n) for n in range(first.width)]
    # pyarrow cannot hand a refused row that is not UTF-8 to `refuse`: it reports that as an "ignored" exception
    # (printed on stderr, a traceback to a user) and goes on; such bodies are read another way, in silence
    unraisable: list[object] = []
    previous, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        table = pyarrow.csv.read_csv(
            pa.py_buffer(b"".join(pieces)),
            read_options=pyarrow.csv.ReadOptions(column_names=names, block_size=16 * 2**20),
            parse_options=pyarrow.csv.ParseOptions(delimiter=first.delimiter, quote_char='"', double_quote=True,
                                                   escape_char=False, newlines_in_values=False,
                                                   ignore_empty_lines=False, invalid_row_handler=refuse),
            convert_options=pyarrow.csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                       strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:  # bytes that are not UTF-8: find whose
        return [i for i, body in enumerate(bodies) if not _is_utf8(body.body)] or list(range(len(bodies)))
    finally:
        sys.unraisablehook = previous
    if unraisable:
        return [i for i, body in enumerate(bodies) if not _is_utf8(body.body)] or list(range(len(bodies)))
    if refused_rows:  # each refused row is some body's: those bodies are read another way
        texts = [text.encode() for text in refused_rows]
        return [i for i, body in enumerate(bodies) if any(text in body.body for text in texts)] \
            or list(range(len(bodies)))
    columns = [table.column(n).combine_chunks() for n in names]
    first_cells = columns[0].dictionary_encode()
    marker_code = first_cells.dictionary.to_pylist().index(_MARKER) if len(bodies) else -1
    markers = np.flatnonzero(integers(first_cells.indices) == marker_code)
    if len(markers) != len(bodies):  # a marker inside a quoted cell, or a body holding one
        return list(range(len(bodies)))
    rows = np.ones(len(table), dtype=bool)
    rows[markers] = False
    counts = np.diff(np.append(markers, len(table))) - 1
    body = np.repeat(np.arange(len(bodies), dtype=np.int32), counts)
    starts = np.repeat(markers + 1, counts)
    headers = np.array([b.header_row for b in bodies], dtype=np.int64)
    number = (np.flatnonzero(rows) - starts + headers[body] + 1).astype(np.int32)
    kept = pa.Array.from_buffers(pa.bool_(), len(rows), [None, pa.py_buffer(np.packbits(rows, bitorder="little"))])
    return ParsedBodies([column.filter(kept) for column in columns], body, number)


def integers(array: "pyarrow.Array") -> np.ndarray:
    """An Arrow array of integers without nulls as numpy's (its own buffer: pyarrow's to_numpy imports pandas,
    which costs more than the read of a city's files)."""
    width = array.type.bit_width // 8
    return np.frombuffer(array.buffers()[1], dtype=f"<i{width}", count=len(array), offset=array.offset * width)


def numbers(array: "pyarrow.Array") -> np.ndarray:
    """An Arrow array of float64 without nulls as numpy's."""
    return np.frombuffer(array.buffers()[1], dtype="<f8", count=len(array), offset=array.offset * 8)


def booleans(array: "pyarrow.Array") -> np.ndarray:
    """An Arrow array of booleans without nulls as numpy's (Arrow packs them 8 to a byte)."""
    bits = np.unpackbits(np.frombuffer(array.buffers()[1], dtype=np.uint8), bitorder="little")
    return bits[array.offset:array.offset + len(array)].astype(bool)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
