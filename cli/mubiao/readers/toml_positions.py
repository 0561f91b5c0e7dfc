"""Where each key and value of a TOML document stands (line and column, both 1-based).

tomllib parses but forgets positions, and findings must point at the line a planner has to edit. This scanner
runs only on text tomllib has already accepted, so it can be lenient: it follows the structure (tables, arrays
of tables, dotted keys, inline tables and arrays) and records, for every concrete path such as
`("goals", 2, "indicators", 0, "target")`, where its key and its value begin.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

Path = tuple[str | int, ...]
Position = tuple[int, int]

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")


@dataclass
class Positions:
    """Key and value positions by path; `locate` falls back to the nearest recorded ancestor."""

    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)

    def locate(self, path: Path, *, value: bool = False) -> Position:
        """The position of `path` (its value's when `value`), else of its nearest ancestor, else 1:1."""
        table = self.values if value else self.keys
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.keys:
                return self.keys[prefix]
        return (1, 1)


def scan_positions(text: str) -> Positions:
    """Positions of every key and value in `text`, a document tomllib accepts."""
    return _Scanner(text).run()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line_starts = [0] + [n + 1 for n, ch in enumerate(text) if ch == "\n"]
        self.positions = Positions()
        self.array_lengths: dict[Path, int] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def pos(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.i : self.i + n]

    def skip_blank(self, newlines: bool = False) -> None:
        """Skip spaces and tabs (and comments and newlines when `newlines`)."""
        text, n = self.text, len(self.text)
        while self.i < n:
            ch = text[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            elif newlines and ch == "#":
                self.skip_line()
            else:
                return

    def skip_line(self) -> None:
        end = self.text.find("\n", self.i)
        self.i = len(self.text) if end < 0 else end

    # -- structure -------------------------------------------------------------------------------
    def run(self) -> Positions:
        table: Path = ()
        while self.i < len(self.text):
            self.skip_blank(newlines=True)
            if self.i >= len(self.text):
                break
            if self.peek(2) == "[[":
                table = self.header(array=True)
            elif self.peek() == "[":
                table = self.header(array=False)
            else:
                self.key_value(table)
            self.skip_line()
        return self.positions

    def header(self, array: bool) -> Path:
        start = self.i
        self.i += 2 if array else 1
        keys = self.key()
        path: Path = ()
        for n, (name, _) in enumerate(keys):
            path += (name,)
            last = n == len(keys) - 1
            if last and array:
                self.positions.keys.setdefault(path, self.pos(start))
                self.array_lengths[path] = self.array_lengths.get(path, 0) + 1
                path += (self.array_lengths[path] - 1,)
            elif path in self.array_lengths:
                path += (self.array_lengths[path] - 1,)
        self.positions.keys[path] = self.pos(start)
        return path

    def key(self) -> list[tuple[str, int]]:
        """A (dotted) key: its parts and where each begins."""
        parts = []
        while True:
            self.skip_blank()
            start = self.i
            ch = self.peek()
            if ch in "\"'":
                end = self.skip_string()
                raw = self.text[start + 1 : end - 1]
                name = _unescape(raw) if ch == '"' else raw
            else:
                while self.i < len(self.text) and self.text[self.i] in _BARE_KEY_CHARS:
                    self.i += 1
                name = self.text[start : self.i]
            parts.append((name, start))
            self.skip_blank()
            if self.peek() != ".":
                return parts
            self.i += 1

    def key_value(self, table: Path) -> None:
        keys = self.key()
        path = table
        for name, start in keys:
            path += (name,)
            self.positions.keys.setdefault(path, self.pos(start))
        self.skip_blank()
        self.i += 1  # "="
        self.skip_blank()
        self.value(path)

    def value(self, path: Path) -> None:
        self.positions.values[path] = self.pos(self.i)
        ch = self.peek()
        if ch in "\"'":
            self.i = self.skip_string()
        elif ch == "[":
            self.array(path)
        elif ch == "{":
            self.inline_table(path)
        else:
            while self.i < len(self.text) and self.text[self.i] not in _SCALAR_END:
                self.i += 1

    def array(self, path: Path) -> None:
        self.i += 1
        index = 0
        while self.i < len(self.text):
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.i += 1
                return
            self.positions.keys.setdefault(path + (index,), self.pos(self.i))
            self.value(path + (index,))
            index += 1
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.i += 1

    def inline_table(self, path: Path) -> None:
        self.i += 1
        while self.i < len(self.text):
            self.skip_blank()
            if self.peek() == "}":
                self.i += 1
                return
            self.key_value(path)
            self.skip_blank()
            if self.peek() == ",":
                self.i += 1

    def skip_string(self) -> int:
        """Skip the string at `self.i`; return the offset just past it."""
        text = self.text
        quote = text[self.i]
        if text.startswith(quote * 3, self.i):
            end = self.i + 3
            while True:
                if quote == '"' and text[end] == "\\":
                    end += 2
                    continue
                if text.startswith(quote * 3, end):
                    end += 3
                    while end < len(text) and text[end] == quote:  # up to two quotes may close the content
                        end += 1
                    self.i = end
                    return end
                end += 1
        end = self.i + 1
        while text[end] != quote:
            end += 2 if quote == '"' and text[end] == "\\" else 1
        self.i = end + 1
        return self.i


def _unescape(raw: str) -> str:
    import tomllib

    return tomllib.loads(f'k = "{raw}"')["k"]
