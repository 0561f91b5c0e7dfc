"""A plan file read as TOML: its text, its data, and where every key stands."""

from __future__ import annotations

import datetime as dt
import os
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


def plan_bytes(path: str | Path) -> bytes:
    """The bytes of a plan file, at most MAX_PLAN_BYTES + 1 of them (a larger file is refused, never read whole).
    Raises PlanError (P002) for a file that cannot be read, or is not a regular file: reading a pipe would wait
    for a writer forever."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise PlanError("不是普通文件(是管道、设备或文件夹),无法作为计划读取", file=path, code="P002")
        with open(path, "rb") as handle:
            return handle.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise PlanError(f"无法读取文件:{exc.strerror or exc}", file=path, code="P002") from exc


def read_toml(path: str | Path, raw: bytes | None = None) -> TomlDocument:
    """Read and parse a TOML file (`raw`: its bytes, when the caller has read them already).

    Raises PlanError with the line and column for an unreadable file, a file that is not UTF-8, or a TOML
    syntax error (the parser's own position).
    """
    path = Path(path)
    if raw is None:
        raw = plan_bytes(path)
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
        message, hint = explain_toml_error(_TOML_POSITION.sub("", str(exc)).strip(), _line(text, line))
        raise PlanError(f"TOML 语法错误:{message}", file=path, line=line, column=column, hint=hint,
                        code="P001") from exc
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


#: tomllib's messages in Chinese (what a planning officer can act on), by the start of the English text.
_TOML_MESSAGES = (
    ("Illegal character '\\n'", "字符串在行末还没有结束"),
    ("Illegal character", "字符串中有不允许的字符 {0}"),
    ("Unterminated string", "字符串没有结尾的引号"),
    ("Expected '=' after a key in a key/value pair", "键的后面应是等号 ="),
    ("Invalid value", "等号后的值无法识别"),
    ("Invalid statement", "这一行无法识别:每行应是“键 = 值”,或 [表名]、[[数组表名]]"),
    ("Invalid initial character for a key part", "键名的开头无效"),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个表写了两次"),
    ("Duplicate inline table key", "花括号 {{}} 中同一个键写了两次"),
    ("Cannot mutate immutable namespace", "不能给已写完的花括号表或数组再添加键"),
    ("Cannot redefine namespace", "这个表已经定义过"),
    ("Unclosed array", "方括号 [ ] 没有闭合:数组缺少结尾的 ]"),
    ("Unclosed inline table", "花括号 {{ }} 没有闭合:缺少结尾的 }}"),
    ("Expected ']]' at the end of an array declaration", "[[…]] 缺少结尾的 ]]"),
    ("Expected ']' at the end of a table declaration", "[…] 缺少结尾的 ]"),
    ("Invalid date or datetime", "日期无效(应写成 2021-06-30 这样的日期)"),
    ("Unescaped '\\' in a string", "字符串中的反斜杠 \\ 没有转义"),
    ("Invalid hex value", "字符串中的 \\u 转义无效"),
    ("Escaped character is not a Unicode scalar value", "字符串中的 \\u 转义无效"),
    ("Found invalid character", "发现无效字符 {0}"),
    ("Expected", "此处应为 {0}"),
)
_QUOTED = re.compile(r"'(.*)'|(\S+)$")


def explain_toml_error(message: str, line: str) -> tuple[str, str]:
    """A TOML parser message in Chinese, and a hint for the common causes seen in the line: a full-width ＝ or
    quotation mark typed by a Chinese input method, a missing closing quote, a key written twice, a value
    without quotes."""
    said = message
    for english, chinese in _TOML_MESSAGES:
        if message.startswith(english):
            rest = _QUOTED.search(message[len(english):].strip())
            shown = (rest.group(1) if rest.group(1) is not None else rest.group(2)) if rest else ""
            said = "此处应换行:一行只写一个 键 = 值" if shown == "statement" else chinese.format(f"“{shown}”" if shown else "")
            break
    return said, _toml_hint(message, line)


#: A date with a one-digit month or day (2022-6-30, 2022-10-1), which TOML does not take for a date.
_SHORT_DATE = re.compile(r"(?<![\d\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d\-:])")


def _toml_hint(message: str, line: str) -> str:
    hints = []
    for year, month, day in _SHORT_DATE.findall(line):
        if len(month) == 1 or len(day) == 1:  # whatever the parser said of it (it cannot tell what was meant)
            hints.append(f"日期的月、日要写两位:{year}-{month}-{day} 写成 {year}-{int(month):02d}-{int(day):02d}")
            break
    if "＝" in line:
        hints.append("把全角等号“＝”改为半角“=”")
    if any(mark in line for mark in "“”‘’"):
        hints.append("字符串要用半角引号 \"…\",不能用中文引号“”")
    if any(mark in line for mark in "［］｛｝，"):
        hints.append("方括号、花括号和逗号要用半角 [ ] { } ,")
    if line.count('"') % 2 == 1 and '"""' not in line:
        hints.append("这一行的引号不成对:字符串少了结尾的 \"")
    if message.startswith(("Cannot overwrite a value", "Cannot declare", "Duplicate inline table key")):
        hints.append("删去重复的一处;两个计划不要粘贴进同一个文件")
    if message.startswith("Invalid value") and "=" in line and not hints:
        hints.append("文字要加半角引号,如 name = \"城乡低保\";日期写成 2021-06-30;数字不带单位和千分位逗号")
    if message.startswith(("Invalid initial character", "Expected '=' after a key")) and not hints:
        hints.append("键名只用字母、数字、- 和 _;每行写成 键 = 值")
    return ";".join(hints) or "对照 docs/plan-format.md 中的示例检查这一行"


def _line(text: str, number: int) -> str:
    lines = text.split("\n")
    return lines[number - 1] if 0 < number <= len(lines) else ""


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
