"""The monthly fill-in forms (填报表) a bureau sends each county: what goes in them.

A form lists every indicator a county reports, with reference columns (id, name, unit, the county's target, the
last value it reported) and empty columns to fill. Its headers are the Chinese aliases of docs/contract.md §3, so a form
filled in and saved by Excel reads back as a progress file without any edit. Rendering (CSV, xlsx) is in
`mubiao.render.forms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from mubiao.errors import WorkspaceError
from mubiao.labels import in_words
from mubiao.models import CITY, County, Indicator, Kind, Plan, Scope, stage_at
from mubiao.numbers import format_number
from mubiao.readers.progress import Record
from mubiao.selection import choose

#: The form's columns, in order: reference columns (locked in the xlsx), then the columns a county fills.
REFERENCE_HEADERS = ("县(市、区)", "月份", "指标编号", "指标名称", "计量单位", "本县目标", "上次填报", "填报说明")
INPUT_HEADERS = ("完成值", "分子", "分母", "完成日期", "备注", "存在问题", "下步措施")
HEADERS = REFERENCE_HEADERS + INPUT_HEADERS


def headers(plan: Plan) -> tuple[str, ...]:
    """The form's headers in the plan's words (`乡镇(街道)`, `本镇街目标` for a district): all of them read back
    (readers/columns.py knows each)."""
    return tuple(in_words(header, plan.levels) for header in HEADERS)


def own_row(plan: Plan) -> County:
    """The bureau itself (市本级, 区本级 …) as a reporting unit: it reports the scope-city indicators."""
    return County(id=CITY, name=plan.levels.own)


_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class FormRow:
    """One indicator on a county's form: the reference cells, as they are shown."""

    indicator: Indicator
    target: float | None
    """The county's target (the plan's target on the city's form); None for a count with no county target."""
    last_reported: str
    """The last figure the county reported before this month, with its month, e.g. `5(2021年5月)`; '' if none."""
    instructions: str


@dataclass(frozen=True)
class Form:
    """A county's form for one month."""

    plan: Plan
    county: County
    period: str
    """`YYYY-MM`."""
    rows: tuple[FormRow, ...]

    @property
    def period_label(self) -> str:
        """The month as a Chinese date (`2021年6月`): Excel keeps it as text, and it reads back as the month."""
        return period_label(self.period)

    @property
    def title(self) -> str:
        return f"{self.county.name}{self.period_label}工作进度填报表"

    @property
    def subtitle(self) -> str:
        return f"{self.plan.organization}《{self.plan.title}》"


def period_label(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"


def check_period(plan: Plan, period: str) -> str:
    """`period` if it is a `YYYY-MM` month within the plan; WorkspaceError otherwise."""
    found = _MONTH.fullmatch(period)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise WorkspaceError(f"--period “{period}”不是月份,应写成 YYYY-MM,如 2021-06")
    if not plan.first_month <= period <= plan.last_month:
        raise WorkspaceError(f"--period {period} 不在计划期({plan.first_month} 至 {plan.last_month})内")
    return period


def form_counties(plan: Plan, wanted: Iterable[str] | None = None) -> list[County]:
    """The counties to make forms for: those named (by id or name, `city`/市本级 for the city), else every
    county of the plan and, when the plan has scope-city indicators, the city itself."""
    everyone = list(plan.counties)
    if any(ind.scope is Scope.CITY for ind in plan.indicators):
        everyone.append(own_row(plan))
    if not wanted:
        return everyone
    by_id = {county.id: county for county in everyone}
    return [by_id[county_id] for county_id in choose(plan.levels.unit, wanted, [(c.id, c.name) for c in everyone])]


def build_forms(plan: Plan, records: Iterable[Record], period: str, counties: Iterable[County]) -> list[Form]:
    """One form per county for `period`, listing every indicator the county reports, in plan order, with the
    last figure it reported before `period` (records from later months are not looked at)."""
    last: dict[tuple[str, str], Record] = {}
    for record in records:
        if record.period < period and record.has_figure:
            key = (record.county, record.indicator)
            if key not in last or record.period >= last[key].period:
                last[key] = record
    forms = []
    for county in counties:
        rows = tuple(
            FormRow(
                indicator=ind,
                # (市本级's own figures counted into the whole have no target of their own)
                target=(ind.allocation.get(CITY) if ind.own_counts else ind.target) if county.id == CITY
                else ind.county_target(county.id),
                last_reported=_last_reported(last.get((county.id, ind.id)), ind),
                instructions=instructions(plan, ind),
            )
            for ind in _reported_by(plan, county)
        )
        forms.append(Form(plan=plan, county=county, period=period, rows=rows))
    return forms


def _reported_by(plan: Plan, county: County) -> list[Indicator]:
    if county.id == CITY:
        return [ind for ind in plan.indicators if ind.scope is Scope.CITY or ind.own_counts]
    return [ind for ind in plan.indicators if county in plan.reporting_counties(ind)]


def _last_reported(record: Record | None, ind: Indicator) -> str:
    if record is None:
        return ""
    if ind.kind is Kind.MILESTONE:
        figure = "是" if record.value else "否"
        figure += f" {record.done_on:%Y-%m-%d}" if record.value and record.done_on else ""
    elif ind.is_task:
        figure = stage_at(ind.stages, record.value) if record.value is not None else ind.stages[-1]  # (dated: done)
    elif record.numerator is not None and record.denominator is not None:
        figure = f"{format_number(record.numerator)}/{format_number(record.denominator)}"
    else:
        figure = format_number(record.value)
    return f"{figure}({period_label(record.period)})"


def instructions(plan: Plan, ind: Indicator) -> str:
    """What the form tells the county to write for an indicator (累计数, 现行标准, 分子分母, 是或否)."""
    if ind.kind is Kind.COUNT and ind.stock:
        return "填现有总数(含以前建成的)"
    if ind.kind is Kind.COUNT:
        return f"填{plan.start.year}年{plan.start.month}月以来累计数"
    if ind.kind is Kind.LEVEL:
        return "填现行标准"
    if ind.kind is Kind.RATIO:
        return "填分子、分母"
    if ind.is_task:  # its nodes too, where it has any: what is due when
        nodes = "、".join(f"{m.date.month}月{m.date.day}日前{m.stage}" for m in ind.milestones)
        return f"填状态({'、'.join(ind.stages)}),进展写在备注" + (f";节点:{nodes}" if nodes else "")
    return "填是或否;已完成的填完成日期"
