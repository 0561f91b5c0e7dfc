"""Numbers, flags, months and dates as planners and counties write them (docs/contract.md §3).

Counties type what Excel lets them: full-width digits (`１２`), thousands separators (`1,500`), a trailing unit
(`41家`) or `%`. Everything here is a pure function of one cell; an empty cell is always None ("not reported"),
never zero, and anything that cannot be read raises `CellError` with a message the county can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple, Sequence

from mubiao.models import stage_share

#: Comparisons of computed numbers use this tolerance (docs/contract.md §4).
TOLERANCE = 1e-9

#: Full-width ASCII (U+FF01-FF5E) to ASCII, and the ideographic space (U+3000) to a space. Nothing else:
#: a general NFKC would also turn ① into 1 or ㎡ into m2, which no county means as a number.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

#: Cells that people fill with a dash or slash to say "nothing to report": read as not reported.
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "/", "\\"})

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")

#: A cell value as the readers give it: text from a CSV, or what openpyxl found in an xlsx cell.
Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None


class CellError(ValueError):
    """A cell that cannot be read; the message says what was found and what to write instead."""


class UncomputedFormula(str):
    """An xlsx cell holding a formula whose result was never saved (the workbook was written by a program that
    does not calculate: a script, an online converter). Its text is the formula; no parser takes it for a value."""


def _refuse_uncomputed(cell: Cell) -> None:
    if isinstance(cell, UncomputedFormula):
        raise CellError(f"“{_shorten(str(cell))}”是公式,文件里没有它的计算结果;请用 Excel 或 WPS 打开后保存,再报送")


class Number(NamedTuple):
    """A number read from a cell: its value and whether it was written with a trailing `%`; read `lenient`ly,
    what was read into it that a person should know (`约30` read as 30, `1877元/月` as 22524 元/年)."""

    value: float
    percent: bool = False
    note: str | None = None


def halfwidth(text: str) -> str:
    """Full-width ASCII characters and the ideographic space as their ASCII forms; everything else as it is."""
    return text.translate(_HALFWIDTH)


def cell_text(cell: Cell) -> str:
    """The text of a cell, half-width and stripped ('' for an empty cell)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return halfwidth(str(cell)).strip()


def is_blank(cell: Cell) -> bool:
    """True for a cell that says nothing: empty, spaces only, or a placeholder dash or slash."""
    if cell is None or cell == "":  # most blank cells, quickly: a sheet saved down to row 1,048,576 has millions
        return True
    text = cell_text(cell)
    return not text or text in PLACEHOLDERS


#: How an approximate figure is written: 约30, 大约30, 30左右 (read as 30, with a warning).
_ABOUT = re.compile(r"^(?:大约|约为|约)\s*(?P<a>.+)$|^(?P<b>.+?)\s*左右$")
#: Chinese multipliers, as amounts are written: 3.5万 (元), 1.2亿.
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}


def parse_number(cell: Cell, unit: str | None = None, lenient: bool = False) -> Number | None:
    """The number in a cell, or None when the cell is blank.

    Accepts full-width digits and punctuation, thousands separators (`1,500`), and a trailing `%` or the
    indicator's own `unit` (`41家`, `900 元/年`). Raises CellError for anything else (`约40`, `1,5`, `四十一`).
    `lenient` (a 完成值 with its unit) also reads what is unambiguous (docs/progress-files.md, "Cells"): a
    multiplier into the unit (`3.5万` for 元 is 35000; `603.5万元` for 万元 stays 603.5), a monthly amount for a
    yearly unit (`1877元/月` for 元/年 is 22524), an approximate figure (`约30`, `30左右` is 30); the last two with
    a `note`.
    """
    if lenient and isinstance(cell, str):
        return _lenient_number(cell, unit)
    _refuse_uncomputed(cell)
    if isinstance(cell, bool):
        raise CellError(f"“{cell}”是逻辑值,不是数字")
    if isinstance(cell, (int, float)):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise CellError(f"“{cell}”不是有限的数字")
        return Number(float(cell))
    if isinstance(cell, (dt.date, dt.time)):
        raise CellError(f"“{cell}”是日期或时间,不是数字(Excel 可能把数字自动转成了日期)")
    text = cell_text(cell)
    if not text or text in PLACEHOLDERS:
        return None
    body, percent = _strip_suffix(text, unit)
    if _GROUPED.fullmatch(body):
        body = body.replace(",", "")
    if not _PLAIN.fullmatch(body):
        expected = f"数字,可带单位“{halfwidth(unit)}”" if unit and unit != "%" else "数字"
        raise CellError(f"“{_shorten(str(cell))}”不是数字(应填{expected},如 41、1,500、１２)")
    value = float(body)
    if value in (float("inf"), float("-inf")):
        raise CellError(f"“{_shorten(str(cell))}”超出了数字的范围")
    return Number(value, percent)


def _lenient_number(cell: str, unit: str | None) -> Number | None:
    text = cell_text(cell)
    notes = []
    about = _ABOUT.match(text)
    if about:
        text = (about.group("a") or about.group("b")).strip()
        notes.append(f"“{_shorten(cell)}”是约数,按 {{value}} 读取;请填准确数字")
    base = halfwidth(unit or "").strip()
    factor = 1.0
    if base.endswith("/年") and text.endswith(base[:-2] + "/月"):  # 1877元/月 for 元/年
        text, factor = text[: -len(base[:-2] + "/月")].rstrip() + base, 12.0
        notes.append(f"“{_shorten(cell)}”是月数额,按 × 12 = {{value}}{base} 读取")
    body, percent = _strip_suffix(text, unit)
    if not percent and body[-1:] in _MULTIPLIERS and "%" not in base:
        multiplier = _MULTIPLIERS[body[-1]] / _MULTIPLIERS.get(base[:1], 1.0)
        if multiplier >= 1:  # 3.5万 for 元, 1.2亿 for 万元; never a smaller unit's figure in a larger one's
            body, factor = body[:-1].rstrip(), factor * multiplier
    try:
        number = parse_number(body + ("%" if percent else ""), unit)
    except CellError:
        return parse_number(cell, unit)  # (raises again, saying the cell as it was written)
    if number is None or (factor == 1.0 and not notes):
        return number
    value = number.value * factor
    note = ";".join(notes).replace("{value}", format_number(value)) if notes else None
    return Number(value, number.percent, note)


def _strip_suffix(text: str, unit: str | None) -> tuple[str, bool]:
    if text.endswith("%"):
        return text[:-1].rstrip(), True
    if unit:
        unit = halfwidth(unit).strip()
        if unit and text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)].rstrip(), False
    return text, False


def normalise_number(cell: Cell, unit: str | None = None) -> str | None:
    """The canonical text of a cell's number (`１，５００家` -> `1500`; `90%` -> `90%`), None when blank.

    Idempotent: normalising the result gives the result again, and parses to the same number.
    """
    number = parse_number(cell, unit)
    if number is None:
        return None
    value = number.value
    text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)  # repr round-trips
    return text + ("%" if number.percent else "")


def format_number(value: float | int | None) -> str:
    """`10500` rather than `10500.0`, `0.95` rather than `0.9500000001`; '—' for a missing number. An integer
    too large for a float (a plan may hold one; it is refused as P105) is shown in scientific notation."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        from decimal import Decimal

        return f"{Decimal(value):.10g}"
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.10g}"


_DONE = frozenset({"1", "是", "已完成", "完成", "yes", "y", "true", "√", "✓", "done"})
_NOT_DONE = frozenset({"0", "否", "未完成", "no", "n", "false", "×", "✗"})


def parse_done_flag(cell: Cell) -> float | None:
    """A milestone's done flag: 1.0 (是/已完成/1/yes/true), 0.0 (否/未完成/0/no/false), None when blank."""
    _refuse_uncomputed(cell)
    if isinstance(cell, bool):
        return 1.0 if cell else 0.0
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return float(cell)
    text = cell_text(cell).lower()
    if not text or text in PLACEHOLDERS:
        return None
    if text in _DONE:
        return 1.0
    if text in _NOT_DONE:
        return 0.0
    raise CellError(f"“{_shorten(str(cell))}”不是完成标志(应填 是/否、已完成/未完成、1/0)")


#: What counties write for the default stages of a task (未启动 / 推进中 / 已完成), beside the words themselves.
STAGE_SYNONYMS = {
    "未启动": ("未开始", "尚未启动", "未开展", "否"),
    "推进中": ("进行中", "正在推进", "推进", "在推进", "实施中", "开展中", "正在实施", "已启动"),
    "已完成": ("完成", "已办结", "办结", "是", "√", "✓"),
}


def reaches(value: float, target: float, decrease: bool) -> bool:
    """Whether a figure is at a target or past it in the indicator's good direction (within TOLERANCE)."""
    return value <= target + TOLERANCE if decrease else value >= target - TOLERANCE


def parse_stage(cell: Cell, stages: Sequence[str]) -> float | None:
    """A task's figure: the share of its way (0 to 1) that the stage word of the cell is among `stages` (spaces
    and a trailing 。 ignored; the default stages also by their common other words: 进行中, 完成 …); None when blank.
    A number is refused: a task is reported by what stage it has reached, not by how much of it is done."""
    _refuse_uncomputed(cell)
    text = "".join(cell_text(cell).split()).rstrip("。.")
    if not text or text.lower() in PLACEHOLDERS:
        return None
    for place, stage in enumerate(stages):
        if text == stage or text in STAGE_SYNONYMS.get(stage, ()):
            return stage_share(stages, place)
    raise CellError(f"“{_shorten(str(cell))}”不是该事项的状态(应填 {'、'.join(stages)} 之一)")


_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:月(?:份)?)?(?:\s*(?:[-/.]\s*\d{1,2}|\d{1,2}\s*日))?")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")


def parse_period(cell: Cell) -> str | None:
    """A month as `YYYY-MM`, from `2021-06`, `2021-6`, `2021/6`, `2021年6月`, `202106`, a date in that month
    (`2021/6/1`, as Excel saves a month it took for a date), an xlsx date cell, or an Excel day number in that
    month (44621, a date cell saved without its format). None when blank."""
    _refuse_uncomputed(cell)
    if isinstance(cell, (dt.date, dt.datetime)):
        return f"{cell.year:04d}-{cell.month:02d}"
    text = cell_text(cell)
    if not text or text in PLACEHOLDERS:
        return None
    found = _MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    if text.isascii() and text.isdigit() and _SERIAL_RANGE[0] <= int(text) <= _SERIAL_RANGE[1]:
        day = parse_date(text)  # an Excel day number: `2022年3月` that Excel took for a date and saved as 44621
        return f"{day.year:04d}-{day.month:02d}"
    raise CellError(f"“{_shorten(str(cell))}”不是月份(应写 2021-06 或 2021年6月)")


_DATE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")
#: Excel's day numbers (1 = 1900-01-01, with its phantom 1900-02-29) for dates between 1954 and 2119.
_SERIAL_RANGE = (20000, 80000)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(cell: Cell) -> dt.date | None:
    """A date from `2021-08-16`, `2021/8/16`, `2021年8月16日`, `2021.8.16`, an xlsx date cell, or an Excel day
    number (44424, as a date column saved without its format shows). None when blank."""
    _refuse_uncomputed(cell)
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = cell_text(cell)
    if not text or text in PLACEHOLDERS:
        return None
    found = _DATE.fullmatch(text)
    if found:
        try:
            return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise CellError(f"“{_shorten(str(cell))}”不是有效的日期") from None
    if text.isascii() and text.isdigit() and _SERIAL_RANGE[0] <= int(text) <= _SERIAL_RANGE[1]:  # not ¹ or ⑤
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    raise CellError(f"“{_shorten(str(cell))}”不是日期(应写 2021-08-16 或 2021年8月16日)")


def month_end(period: str) -> dt.date:
    """The last day of a `YYYY-MM` month."""
    year, month = int(period[:4]), int(period[5:7])
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def shift_month(period: str, months: int) -> str:
    """The `YYYY-MM` month `months` after `period` (before it when negative)."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(day: dt.date) -> str:
    """The `YYYY-MM` month a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_as_of(text: str) -> dt.date:
    """`--as-of`: a date (`2021-06-15`, `2021年6月15日`), or a month (`2021-06`, `2021年6月`) meaning its last day."""
    if _DATE.fullmatch(cell_text(text)):
        day: dt.date = parse_date(text)  # type: ignore[assignment]
        if not 1900 <= day.year <= 2199:
            raise CellError(f"{day.isoformat()} 不像真实的日期(年份应在 1900 至 2199 年之间)")
        return day
    try:
        period = parse_period(text)
    except CellError:
        raise CellError(f"“{_shorten(text)}”不是日期或月份(应写 2021-06-30 或 2021-06)") from None
    if period is None:
        raise CellError("日期为空(应写 2021-06-30 或 2021-06)")
    if not "1900" <= period[:4] <= "2199":
        raise CellError(f"{period} 不像真实的月份(年份应在 1900 至 2199 年之间)")
    return month_end(period)


def _shorten(text: str, limit: int = 40) -> str:
    """A cell's text for a message: on one line, and cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
