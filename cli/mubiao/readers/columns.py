"""The columns of a progress file (docs/contract.md §3): English names, Chinese aliases, and finding the header row."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from mubiao.numbers import Cell, cell_text
from mubiao.suggest import closest

#: Each field of a record, with the header names that mean it (English name first). Matching ignores case,
#: spaces and full-width forms, and a trailing explanation in brackets (`完成值(累计)` is `完成值`).
ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "指标编号", "指标代码", "编号"),
    "value": ("value", "完成值", "累计完成", "数值", "实际值"),
    "numerator": ("numerator", "分子"),
    "denominator": ("denominator", "分母"),
    "county": ("county", "县市区", "县(市、区)", "填报单位", "地区",
               # a district's or county's townships, a province's cities (`乡镇(街道)` reads as 乡镇)
               "乡镇", "乡镇街道", "镇街", "街道", "镇", "区县", "县区", "市州", "地市", "设区市", "市", "单位名称",
               "报送单位"),
    "period": ("period", "月份", "报告期", "期间"),
    "done_on": ("done_on", "完成日期"),
    "note": ("note", "备注", "进展情况", "工作进展"),
    # what an area wrote of its problems and next steps, kept with the note (mubiao/note_parts.py)
    "problem": ("problem", "存在问题", "存在的问题", "困难和问题"),
    "measure": ("measure", "下步措施", "下一步措施", "下步打算", "下一步打算", "整改措施"),
    "name": ("name", "指标名称"),
}

#: Columns `mubiao form` writes for the person filling it in. They are read as nothing and never warned about,
#: so a form comes back readable without any edit to its headers.
REFERENCE_COLUMNS = ("序号", "计量单位", "单位", "本县目标", "本镇街目标", "本乡镇目标", "本市目标", "本区目标",
                     "本单位目标", "目标值", "全年目标", "上次填报", "填报说明", "填写说明")

#: Fields that carry a figure: a file without any of these columns reports nothing.
FIGURE_FIELDS = ("value", "numerator", "denominator", "done_on")

#: How far down a sheet the header may sit (a form has a title row and a note row above it).
HEADER_SEARCH_ROWS = 10

_TRAILING_BRACKETS = re.compile(r"\s*[((\[【][^()\[\]【】]*[))\]】]\s*$")


def _key(text: str) -> str:
    return "".join(text.split()).lower()


_FIELD_BY_KEY = {_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}
_REFERENCE_KEYS = frozenset(_key(name) for name in REFERENCE_COLUMNS)


@lru_cache(maxsize=4096, typed=True)  # every file of a plan has the same few headers
def header_field(cell: Cell) -> str | None:
    """The field a header cell names (`指标编号` -> `indicator`), or None for any other column."""
    key = _key(cell_text(cell))
    if key in _FIELD_BY_KEY:
        return _FIELD_BY_KEY[key]
    bare = _TRAILING_BRACKETS.sub("", key)
    return _FIELD_BY_KEY.get(bare) if bare != key else None


def is_reference_column(cell: Cell) -> bool:
    """True for a column `mubiao form` writes for reference only (unit, target, last value, …)."""
    key = _key(cell_text(cell))
    return key in _REFERENCE_KEYS or _TRAILING_BRACKETS.sub("", key) in _REFERENCE_KEYS


_ALIAS_BY_KEY = {_key(alias): alias for aliases in ALIASES.values() for alias in aliases}


def suggest_field(cell: Cell) -> str | None:
    """The known header closest to an unknown one (`完成数` -> `完成值`), or None when nothing is close."""
    key = _key(cell_text(cell))
    if not key:
        return None
    guess = closest(key, _ALIAS_BY_KEY)
    return _ALIAS_BY_KEY[guess] if guess else None


def header_row(rows: Sequence[Sequence[Cell]]) -> int | None:
    """The 0-based index of the header among the first rows: the first row with an indicator column, or (a
    district's usual form: 序号, 指标名称, 完成值) with an indicator-name column and a figure column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {header_field(cell) for cell in row}
        if "indicator" in fields or ("name" in fields and not fields.isdisjoint(FIGURE_FIELDS)):
            return index
    return None
