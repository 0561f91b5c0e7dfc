"""What a progress file's header and path say, and where in it a finding points (docs/progress-files.md): the plan's
areas and indicators by code, a header's columns, the area and month a file's name and folder give."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np

from mubiao.checks.findings import RULES, Finding
from mubiao.labels import in_words
from mubiao.models import CITY, Kind, Plan, Scope
from mubiao.numbers import Cell, CellError, cell_text, is_blank, parse_period
from mubiao.readers.columns import FIGURE_FIELDS, header_field, is_reference_column, suggest_field
from mubiao.suggest import closest

#: Names by which the city itself (市本级) reports, besides its id `city`.
CITY_NAMES = ("市本级",)

_PERIOD_FOLDER = re.compile(r"\d{4}-\d{2}")
_KINDS = tuple(Kind)


def month_number(period: str) -> int:
    """A `YYYY-MM` month as the number of months since year 0 (the store's and the engine's month)."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def cell_ref(row: int, column: int | None) -> str:
    """An Excel cell reference (`I5`), or `第5行` when the column is not known."""
    if column is None:
        return f"第{row}行"
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def cell_finding(file: str, code: str, message: str, row: int | None = None, column: int | None = None) -> Finding:
    """A finding in a progress file; one with a row starts its message with the cell (`I5:`, or `第5行:`)."""
    if row is not None:
        message = f"{cell_ref(row, column)}:{message}"
    return Finding(file, row, column, code, RULES[code].severity, message)


class Lookup:
    """What every file of a plan is read against, built once per read: areas and indicators by code (an area's
    code is 0 for the city itself, then the plan's counties in order; an indicator's its place in the plan), and
    what the rules ask of each indicator, as arrays to index with a column of codes."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        inds = plan.indicators
        self.indicators = inds
        self.indicator_code = {ind.id: code for code, ind in enumerate(inds)}
        """An indicator's code by its id, or by its exact name where no other indicator has that name (a form
        with no id column, 序号 + 指标名称, is read by the names; spaces are ignored)."""
        names: dict[str, list[int]] = {}
        for code, ind in enumerate(inds):
            names.setdefault("".join(ind.name.split()), []).append(code)
        for name, codes in names.items():
            if len(codes) == 1:
                self.indicator_code.setdefault(name, codes[0])
        self.areas = (CITY, *(county.id for county in plan.counties))
        self.area_code = {CITY: 0, **{name: 0 for name in (*CITY_NAMES, plan.levels.own)}}
        for code, county in enumerate(plan.counties, start=1):
            self.area_code[county.id] = code
            self.area_code["".join(county.name.split())] = code
        self.names = [plan.levels.own, *(county.name for county in plan.counties)]
        self._folders: dict[str, int | tuple[str, str]] = {}
        self.first_month, self.last_month = month_number(plan.first_month), month_number(plan.last_month)
        self.kind = np.array([_KINDS.index(ind.kind) for ind in inds] or [0], dtype=np.int8)
        self.scale = np.array([ind.scale or 0.0 for ind in inds] or [0.0])
        self.increase = np.array([ind.direction.value == "increase" for ind in inds] or [False])
        self.city_scope = np.array([ind.scope is Scope.CITY for ind in inds] or [False])
        self.own_counts = np.array([ind.own_counts for ind in inds] or [False])
        """Whether the city's own figures of a scope-county indicator count into the whole (no D116)."""
        self.listed = np.ones((max(len(inds), 1), len(self.areas)), dtype=bool)
        """listed[i, a]: area a is among the counties that report indicator i (D117)."""
        self.target = np.full((max(len(inds), 1), len(self.areas)), np.nan)
        """target[i, a]: the target a row of area a is held to (D127): the plan's for the city, else the county's."""
        for i, ind in enumerate(inds):
            if ind.counties is not None:
                reporting = {county.id for county in plan.reporting_counties(ind)}
                self.listed[i, 1:] = [county.id in reporting for county in plan.counties]
            targets = [ind.target, *ind.county_targets([county.id for county in plan.counties])]
            self.target[i] = [np.nan if target is None else target for target in targets]

    def area(self, cell: Cell) -> int | None:
        """The code of the area a cell names (id or name, spaces ignored), None for none."""
        return self.area_code.get("".join(cell_text(cell).split()))

    def suggest(self, cell: Cell) -> str:
        if region := self.region_note(cell_text(cell)):
            return region
        if guess := closest(cell_text(cell), self.area_code):
            return f"(是不是“{guess}”?)"
        names = self.names[1:]
        return f"(应为:{'、'.join(names)},或 {self.names[0]})" if len(names) <= 20 else self.say("(见计划中的县)")

    def area_named_in(self, text: str) -> int | None:
        """The code of the one unit whose name `text` holds (罗店镇2022年3月报表 → 罗店镇), None when none or
        several do (a name within another, 东 in 城东街道, is not another)."""
        if not text:
            return None
        found = [name for name in self._unit_names if name in text]
        found = [name for name in found if not any(name != other and name in other for other in found)]
        return self.area_code.get(found[0]) if len(found) == 1 else None

    @cached_property
    def _unit_names(self) -> tuple[str, ...]:
        """The units' names worth looking for in a text (two characters or more)."""
        return tuple(county.name for county in self.plan.counties if len(county.name) >= 2)

    def region_note(self, text: str) -> str:
        """For a region's id or name (a province's city): that it reports nothing itself, and who does."""
        plan, key = self.plan, "".join(text.split())
        region = next((r for r in plan.regions if key in (r.id, r.name)), None)
        if region is None:
            return ""
        units = [unit.name for unit in plan.counties if region.id in plan.ancestors(unit.id)]
        shown = "、".join(units[:10]) + ("等" if len(units) > 10 else "")
        return self.say(f"(“{region.name}”是汇总区域,数字由所属县汇总,不单独报送;请由{shown}分别报送)")

    def say(self, text: str) -> str:
        """A fixed text of a message in the plan's words (县 → 镇街 for a district: `labels.in_words`)."""
        return in_words(text, self.plan.levels)

    def label(self, area: int) -> str:
        return self.names[area]

    def name_of(self, county: str) -> str:
        """A county's name, by its id (the id itself for one the plan does not list)."""
        code = self.area_code.get(county)
        return self.names[code] if county in self.areas and code is not None else county

    def folder_month(self, folder: str) -> int | tuple[str, str]:
        """The month a folder's name gives (−1: it gives none), or the finding (code, message) when it is not a
        month of the plan. (Worked out once per folder: a country's files are in a dozen.)"""
        if folder not in self._folders:
            month: int | tuple[str, str] = -1
            if _PERIOD_FOLDER.fullmatch(folder):
                try:
                    month = month_number(parse_period(folder))
                except CellError:
                    month = ("D112", f"目录名“{folder}”不是有效的月份")
                else:
                    if not self.in_plan(month):
                        month = ("D113", f"目录的月份 {month_text(month)} 不在计划期({self.plan_months()})内")
            self._folders[folder] = month
        return self._folders[folder]

    def in_plan(self, month: int) -> bool:
        return self.first_month <= month <= self.last_month

    def plan_months(self) -> str:
        return f"{self.plan.first_month} 至 {self.plan.last_month}"


# ------------------------------------------------------------------------------------------- a file as a whole


@dataclass(frozen=True)
class Layout:
    """What a header says: the column (1-based) of each field, how many columns it has, its row, and its findings
    (D102, D103, D104) as (code, message, column)."""

    columns: Mapping[str, int]
    width: int
    header_row: int
    findings: tuple[tuple[str, str, int | None], ...]

    def findings_in(self, name: str) -> list[Finding]:
        return [cell_finding(name, code, message, self.header_row, column) for code, message, column in self.findings]


def layout_of(header: Sequence[Cell], width: int, header_row: int) -> Layout:
    """The layout of a header row (the same header, the same layout: files of one form share it)."""
    columns: dict[str, int] = {}
    findings = []
    unknown: list[tuple[int, Cell]] = []  # columns no field is read from, and no suggestion was made for
    for column, cell in enumerate(header, start=1):
        name = header_field(cell)
        if name is None:
            if not is_blank(cell) and not is_reference_column(cell):
                if guess := suggest_field(cell):
                    findings.append(("D103", f"未知的列“{cell_text(cell)}”,不会被读取(是不是“{guess}”?)", column))
                else:
                    unknown.append((column, cell))
        elif name in columns:
            first = cell_ref(header_row, columns[name])
            findings.append(("D104", f"“{cell_text(cell)}”与 {first} 是同一列({name}),只读取第一列", column))
        else:
            columns[name] = column
    if "indicator" not in columns and "name" in columns:  # 序号 + 指标名称: the indicators by their exact names
        columns["indicator"] = columns["name"]
    if not any(name in columns for name in FIGURE_FIELDS):
        findings.append(("D102", "没有完成值、分子、分母或完成日期列,读不出任何数字", None))
    elif "value" not in columns:  # a renamed 完成值 column: the counts in it would go unread, unsaid
        for column, cell in unknown:
            findings.append(("D103", f"未知的列“{cell_text(cell)}”,不会被读取;文件没有“完成值”列,累计数、水平值和"
                                     f"完成标志都读不到(如果这一列就是完成值,请把列名改为“完成值”)", column))
    return Layout(columns, width, header_row, tuple(findings))


@dataclass(frozen=True)
class FileOrigin:
    """What a file's place says of its rows: the area its name gives and the month its folder gives (−1: none)."""

    name: str
    """The file as the read names it."""
    stem: str
    area: int
    month: int


def from_plan_folder(file: str, plan_id: str) -> str:
    """A progress file's path from its plan's folder on (`2021-06/pujiang.csv`), as findings and the report
    name it to a person; its name alone where it is not under the plan's folder."""
    parts = file.replace("\\", "/").split("/")
    return "/".join(parts[parts.index(plan_id) + 1:]) if plan_id in parts[:-1] else parts[-1]


#: A form's title rows naming the unit: 填报单位:罗店镇, 单位名称:罗店镇 (the first word after the label).
_TITLE_AREA = re.compile(r"(?:填报单位|单位名称|报送单位|填报单位名称)\s*[:：]\s*([^\s,，;；:：]+)")
#: A month in a title or a file name: 2022年3月 (a fill-in date, 填报日期:2022年4月5日, is not the period).
_TITLE_MONTH = re.compile(r"(?<!\d)((?:19|20|21)\d\d)\s*年\s*(1[0-2]|0?[1-9])\s*月")
_FILL_DATE = re.compile(r"(?:填报日期|填表日期|报送日期|日期)\s*[:：]\s*\S+")


def named_by_path(name: str, lookup: Lookup) -> tuple[int, int] | None:
    """The area and month a file's path alone gives (its name an area's id or name, or holding one unit's name;
    its folder a month, or its name a `2022年3月`), or None: what a file that could not be read was for."""
    stem = os.path.splitext(os.path.basename(name))[0]
    area = lookup.area(stem)
    if area is None:
        area = lookup.area_named_in(stem)
    month = lookup.folder_month(os.path.basename(os.path.dirname(name)))
    if isinstance(month, tuple) or month < 0:
        found = _TITLE_MONTH.search(stem)
        month = int(found.group(1)) * 12 + int(found.group(2)) - 1 if found else -1
    if area is None or not lookup.first_month <= month <= lookup.last_month:
        return None
    return area, month


def origin_of(name: str, layout: Layout, lookup: Lookup, findings: list[Finding], above: str = "") -> FileOrigin | None:
    """The area and month a file's path (or, where the path does not say, its title rows `above` and its name's
    words) gives, or None (with findings: D105, D106, D112, D113) when its rows cannot be read for want of them.

    The area: the file's name as an id or a name (wucheng.csv, 婺城区.xlsx), else the unit a title row names
    (填报单位:罗店镇), else the one unit whose name the file's name or title holds (罗店镇2022年3月报表.xlsx). The
    month: the folder's, else a `2022年3月` in the title or the file's name (never a 填报日期)."""
    stem = os.path.splitext(os.path.basename(name))[0]
    area = lookup.area(stem)
    if area is None:
        named = _TITLE_AREA.search(above)
        area = lookup.area(named.group(1)) if named else None
    if area is None:
        area = lookup.area_named_in(stem)
        if area is None:
            area = lookup.area_named_in(above)
    month = lookup.folder_month(os.path.basename(os.path.dirname(name)))
    if isinstance(month, tuple):
        findings.append(cell_finding(name, *month))
        return None
    if month < 0:
        found = _TITLE_MONTH.search(_FILL_DATE.sub(" ", above)) or _TITLE_MONTH.search(stem)
        if found:
            number = int(found.group(1)) * 12 + int(found.group(2)) - 1
            month = number if lookup.first_month <= number <= lookup.last_month else month
    readable = True
    if area is None and "county" not in layout.columns:
        findings.append(cell_finding(name, "D105", lookup.say("无法确定填报单位:没有县(市、区)列,文件名") +
                                     f"“{stem}”" + lookup.say("也不是县的编号或名称") + lookup.region_note(stem),
                                     layout.header_row))
        readable = False
    if month < 0 and "period" not in layout.columns:
        findings.append(cell_finding(name, "D106", "无法确定报告期:文件不在 YYYY-MM 月份目录下,也没有月份列",
                                     layout.header_row))
        readable = False
    return FileOrigin(name, stem, -1 if area is None else area, month) if readable else None
