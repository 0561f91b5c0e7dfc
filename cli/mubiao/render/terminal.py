"""Pieces shared by terminal renderers."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# Characters a line may break before or after: CJK, full-width forms, CJK punctuation, curly quotes, ….
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201d\u2026"
# A token is a run of spaces, one wide character, or a run of anything else (a word, a number, `code`).
_TOKENS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
# Never at the start of a line (kinsoku): closing brackets and punctuation, full-width and ASCII.
_NO_LINE_START = set(",。、;:?!)》」』】〕…,.;:?!)]\"”’")


class Wrapped:
    """Text that wraps the way Chinese is wrapped: between any two CJK characters, at spaces between words,
    never putting closing punctuation at the start of a line. Rich itself breaks only at spaces, which leaves
    long ragged gaps in Chinese messages."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(t) for t in _tokens(self.text) if not t.isspace()), default=0)
        return Measurement(min(widest, 12), cell_len(self.text))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap(self.text, max(options.max_width, 1)):
            yield Text(line, style=self.style, end="\n")


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for token in _TOKENS.findall(text):
        if tokens and token[0] in _NO_LINE_START and not tokens[-1].isspace():
            tokens[-1] += token  # keep closing punctuation with what it closes
        else:
            tokens.append(token)
    return tokens


def wrap(text: str, width: int) -> list[str]:
    """Greedy line breaking of `text` into lines at most `width` terminal cells wide."""
    lines: list[str] = []
    line = ""
    for token in _tokens(unicodedata.normalize("NFC", text)):
        if token.isspace():
            if line:
                line += " "
            continue
        if cell_len(line) + cell_len(token) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for piece in _fold(token, width):
            if line:
                lines.append(line)
            line = piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _fold(token: str, width: int) -> Iterator[str]:
    """A token wider than a line, cut into pieces of at most `width` cells."""
    piece = ""
    for char in token:
        if piece and cell_len(piece + char) > width:
            yield piece
            piece = ""
        piece += char
    yield piece
