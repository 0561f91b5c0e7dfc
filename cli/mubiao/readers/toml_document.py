"""A plan file read as TOML: its text, its data, and where every key stands."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from mubiao.errors import PlanError
from mubiao.readers.toml_positions import Path as KeyPath
from mubiao.readers.toml_positions import Position, Positions, scan_positions

#: Plans larger than this are refused before parsing: no real plan comes close (the largest sample is ~40 KB).
MAX_PLAN_BYTES = 5 * 1024 * 1024

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


class TomlDate(str):
    """A TOML date, carried as its ISO text so JSON Schema can check it (a quoted string is not one)."""


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file; `positions` are computed on first use."""

    path: Path
    text: str
    data: dict[str, Any]
    had_bom: bool = False

    @cached_property
    def positions(self) -> Positions:
        return scan_positions(self.text)

    def key_position(self, path: KeyPath) -> Position:
        """Line and column of the key at `path` (or of its nearest ancestor)."""
        return self.positions.locate(path)

    def value_position(self, path: KeyPath) -> Position:
        """Line and column of the value at `path` (or of its nearest ancestor)."""
        return self.positions.locate(path, value=True)

    def json_data(self) -> Any:
        """The data as JSON types: dates become `TomlDate` strings, date-times plain strings."""
        return to_json_compatible(self.data)


def read_toml(path: str | Path, raw: bytes | None = None) -> TomlDocument:
    """Read and parse a TOML file (`raw`: its bytes, when the caller has read them already).

    Raises PlanError with the line and column for an unreadable file, a file that is not UTF-8, or a TOML
    syntax error (the parser's own position).
    """
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PlanError(f"无法读取文件:{exc.strerror or exc}", file=path, code="P002") from exc
    raw = raw[: MAX_PLAN_BYTES + 1]
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanError(f"文件超过 {MAX_PLAN_BYTES // 1024 // 1024} MB,不像计划文件", file=path, code="P002")
    had_bom = raw.startswith(b"\xef\xbb\xbf")
    if had_bom:
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PlanError(
            "文件不是 UTF-8 编码", file=path, line=line, column=column, hint="请在编辑器中另存为 UTF-8", code="P002"
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _error_position(exc, text)
        message = _TOML_POSITION.sub("", str(exc)).strip()
        raise PlanError(f"TOML 语法错误:{message}", file=path, line=line, column=column, code="P001") from exc
    except RecursionError as exc:
        raise PlanError("TOML 嵌套过深", file=path, code="P001") from exc
    except ValueError as exc:  # tomllib lets Python's int() refuse an integer of thousands of digits
        found = _LONG_DIGITS.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        raise PlanError(f"数字太长,无法读取({exc})", file=path, line=line, code="P001") from exc
    if _nesting(data) > MAX_NESTING:
        raise PlanError(f"TOML 嵌套过深(超过 {MAX_NESTING} 层);计划最多只有几层表和数组", file=path, code="P001")
    return TomlDocument(path=path, text=text, data=data, had_bom=had_bom)


#: How deep tables and arrays may nest: a plan needs 5 (goals, indicators, milestones, a milestone, its date);
#: thousands of levels (`a.a.a….a = 1` is one line) would exhaust the stack of everything that walks the data.
MAX_NESTING = 32

_LONG_DIGITS = re.compile(r"\d{1000,}")


def _nesting(data: Any) -> int:
    """How deep the tables and arrays of `data` go (walked without recursion)."""
    deepest = 0
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return deepest


def _error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, int]:
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)  # Python 3.14+
    if line is not None and column is not None:
        return line, column
    found = _TOML_POSITION.search(str(exc))
    if found and found.group(1):
        return int(found.group(1)), int(found.group(2))
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def to_json_compatible(value: Any) -> Any:
    """TOML data as JSON types (dates as `TomlDate`, other date/time values as plain strings)."""
    if isinstance(value, dict):
        return {key: to_json_compatible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json_compatible(item) for item in value]
    if isinstance(value, dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.date):
        return TomlDate(value.isoformat())
    return value
