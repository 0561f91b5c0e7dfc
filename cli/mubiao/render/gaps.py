"""Renderers of the gap report (`mubiao gaps`): the terminal table, JSON (docs/contract.md §5), CSV and Markdown, and the
same four for the county scoreboard (`--by county`). Each takes the computed result and returns a rich
renderable, text or bytes; only the command writes files."""

from __future__ import annotations

import datetime as dt
import json
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from mubiao.analysis.gaps import (
    NUMBER_FIELDS,
    ROW_FIELDS,
    GapRow,
    Gaps,
    GapTable,
    Refusal,
    count_statuses,
    lookup,
)
from mubiao.analysis.changes import Changes, arrow
from mubiao.analysis.scoreboard import CountyScore, scoreboard
from mubiao.formats import GapsFormat
from mubiao.labels import Labels, in_words, labels, labels_within
from mubiao.models import CITY, WORST_FIRST, Kind, Plan, Status, stage_at
from mubiao.numbers import reaches
from mubiao.render.cells import csv_bytes, md_cell, md_table, neutralise_formula

if TYPE_CHECKING:
    import numpy

#: How each status looks on a terminal; the word is always printed too (never colour alone).
STATUS_STYLES = {
    Status.MET: "green", Status.ON_TRACK: "cyan", Status.AT_RISK: "yellow", Status.BEHIND: "bold red",
    Status.MISSED: "bold white on red", Status.NO_DATA: "dim", Status.NO_TARGET: "dim",
}
#: The order statuses are counted in summaries and the scoreboard: done, on course, at risk, behind,
#: missed, then the rows that cannot be judged.
SUMMARY_ORDER = (Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.MISSED, Status.NO_DATA,
                 Status.NO_TARGET)
BAR_CELLS = 10
#: Terminals at least this wide also show the expected value, the shortfall and the projection.
WIDE = 120


# ---------------------------------------------------------------------------------------------- numbers


def display_number(value: float | None, digits: int = 2) -> str:
    """A number for people: at most `digits` decimals, no trailing zeros; '—' when there is none."""
    if value is None:
        return "—"
    rounded = round(value, digits)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = f"{rounded:.{digits}f}".rstrip("0").rstrip(".")
    return text


def with_unit(text: str, unit: str | None) -> str:
    if not unit or text == "—":
        return text
    return f"{text}{unit}" if unit in ("%", "‰", "％") else f"{text} {unit}"


def actual_text(row: GapRow, words: Labels) -> str:
    """The actual value as a planning officer reads it: `是`/`否` for a milestone, `8/10 县` (counties done of
    all) for a milestone's city row, a task's stage (`推进中`; a rolled-up row's, its least advanced area's), else
    the number."""
    if row.actual is None:
        return "—"
    if row.is_task:
        return row.stage or "—"
    if row.kind == Kind.MILESTONE.value:
        if row.counties_total:  # a rolled-up row (the whole's, a region's)
            return f"{round(row.actual * row.counties_total)}/{row.counties_total} {words.done_counties}"
        return words.yes if row.actual >= 0.5 else words.no
    return display_number(row.actual)


def actual_target_text(row: GapRow, words: Labels) -> str:
    """`18 / 41 家` (actual / target with the unit); a milestone only says whether it is done."""
    actual = actual_text(row, words)
    if row.kind in (Kind.MILESTONE.value, Kind.TASK.value):
        return actual
    return f"{actual} / {target_text(row, words)}"


def target_text(row: GapRow, words: Labels) -> str:
    """The target with its unit: `41 家`; a range `10-15 个`; beside a stretch target `10 个(力争 15)`."""
    return target_words(row.target, row.unit, row.stretch, row.ranged, words)


def target_words(target: float | None, unit: str | None, stretch: float | None, ranged: bool, words: Labels) -> str:
    if stretch is None:
        return with_unit(display_number(target), unit)
    if ranged:  # (low to high, whichever end is the target: 10-15 个工作日 for a time to cut)
        return with_unit("-".join(display_number(end) for end in sorted((target, stretch))), unit)
    return f"{with_unit(display_number(target), unit)}({words.stretch} {display_number(stretch)})"


def percent(fraction: float | None, digits: int = 0) -> str:
    """`44%`; with `digits`, as many decimals as needed up to that many (`99.7%`, `100%`)."""
    if fraction is None:
        return "—"
    return with_unit(display_number(fraction * 100, digits), "%") if digits else f"{fraction * 100:.0f}%"


# -------------------------------------------------------------------------------------------------- JSON


#: Whole numbers below this are written as integers (41 rather than 41.0: the same value, as people and the
#: contract write it, docs/contract.md §5); above it a float keeps its exponent.
_WHOLE_BELOW = 1e15


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < _WHOLE_BELOW:
        return int(value)
    return value


def gaps_document(gaps: Gaps) -> dict:
    """The gap report as docs/contract.md §5 lays it out (plus `projected` and `projected_status` on each row)."""
    return {**_document_head(gaps), "rows": _json_rows(gaps.table, gaps.plan, gaps.refused, gaps.changes),
            "completeness": _completeness_document(gaps)}


def _document_head(gaps: Gaps) -> dict:
    head = {"plan": gaps.plan.id, "as_of": gaps.as_of.isoformat(), "period": gaps.period}
    if (since := gaps.changes) is not None:  # compared with an earlier month (docs/gaps.md)
        head["since"] = {"period": since.since, "fell_behind": len(since.fell_behind(True)) +
                         len(since.fell_behind(False)), "recovered": len(since.recovered(True)) +
                         len(since.recovered(False)), "became_stale": len(since.became_stale())}
    return head


def _completeness_document(gaps: Gaps) -> dict:
    completeness = gaps.completeness
    document = {
        "period": completeness.period, "expected": completeness.expected, "reported": completeness.reported,
        "rate": _json_number(completeness.rate),
        "missing": [{"county": m.county, "indicators": list(m.indicators)} for m in completeness.missing],
    }
    if gaps.timeliness is not None:  # a plan with a due day: who sent the month's file by it (docs/gaps.md)
        document["on_time"] = gaps.timeliness.as_dict()
    return document


#: Rows serialised at a time: a national report has over half a million, never all held as objects at once.
JSON_ROWS_AT_A_TIME = 20_000


def render_json(gaps: Gaps) -> bytes:
    """`gaps_document` as UTF-8 JSON, indented by two spaces, with a line end."""
    return b"".join(json_chunks(gaps))


def json_chunks(gaps: Gaps) -> Iterator[bytes]:
    """The bytes of `render_json` in pieces of JSON_ROWS_AT_A_TIME rows, for a writer that takes them as they come.

    orjson writes every value; the rows of each piece are its list, indented one level deeper (a JSON text breaks
    lines only between tokens, so every line of it moves right by two spaces)."""
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)

    head, tail = dumps({**_document_head(gaps), "rows": [], "completeness": _completeness_document(gaps)}) \
        .split(b'"rows": []', 1)
    yield head + b'"rows": ['
    table = gaps.table
    since = gaps.changes
    for start in range(0, len(table), JSON_ROWS_AT_A_TIME):
        rows = _json_rows(table.take(slice(start, start + JSON_ROWS_AT_A_TIME)), gaps.plan, gaps.refused, since)
        yield (b"," if start else b"") + dumps(rows)[1:-2].replace(b"\n", b"\n  ")
    yield (b"\n  ]" if len(table) else b"]") + tail + b"\n"


def area_fields(plan: Plan, table: GapTable) -> dict[str, list]:
    """What a row of a deeper plan (one with regions) says of its area, beyond docs/contract.md §5: `level`, how
    many levels it is below the whole (0: the whole's row, 1: a province's city, 2: its county), and `parent`,
    the region it is within (None at the top). A two-level plan's rows have neither (docs/gaps.md)."""
    if not plan.regions:
        return {}
    areas = [*table.counties, None]  # a code of −1 (the whole's row) reads the None
    level = {None: 0, CITY: 0, **{area: plan.depth(area) for area in table.counties}}
    parent = {area: (plan.ancestors(area) or (None,))[0] for area in table.counties}
    ids = [areas[code] for code in table.county.tolist()]
    return {"level": [level[area] for area in ids], "parent": [parent.get(area) for area in ids]}


#: The fields `area_fields` adds to the rows of a deeper plan, in order.
AREA_FIELDS = ("level", "parent")


def _json_rows(table: GapTable, plan: Plan, refused: Mapping = MappingProxyType({}),
               since: Changes | None = None) -> list[dict]:
    """The rows of `table` as the document's dicts, made column by column (with `area_fields` for a deeper
    plan, `refused` on a row whose later figure was refused: `Gaps.refused`, and `since` on each row when
    compared with an earlier month)."""
    import numpy as np

    if any(np.isinf(getattr(table, name)).any() for name in NUMBER_FIELDS):
        raise ValueError("Out of range float values are not JSON compliant")
    columns = table.columns(numbers=False)
    for name in NUMBER_FIELDS:
        columns[name] = _json_numbers(getattr(table, name))
    columns["status"] = lookup([status.value for status in WORST_FIRST], table.status)
    columns["deadline"] = lookup([ind.deadline.isoformat() for ind in table.indicators], table.indicator)
    rows = [{"goal": goal, "indicator": indicator, "name": name, "kind": kind, "direction": direction, "unit": unit,
             "owner": owner, "county": county, "baseline": baseline, "target": target, "expected": expected,
             "actual": actual, "progress": progress, "expected_progress": expected_progress, "shortfall": shortfall,
             "remaining": remaining, "status": status, "deadline": deadline, "reported_period": reported_period,
             "stale": stale, "counties_reporting": counties_reporting, "counties_total": counties_total,
             "projected": projected, "projected_status": projected_status}  # a dict display: a fifth faster
            for (goal, indicator, name, kind, direction, unit, owner, county, baseline, target, expected, actual,
                 progress, expected_progress, shortfall, remaining, status, deadline, reported_period, stale,
                 counties_reporting, counties_total, projected, projected_status)
            in zip(*(columns[field] for field in ROW_FIELDS))]
    if any(ind.stretch is not None for ind in plan.indicators):  # the whole's stretch target (docs/plan-format.md)
        stretched = {ind.id: ind for ind in plan.indicators if ind.stretch is not None}
        for row in rows:
            if row["county"] is None and (ind := stretched.get(row["indicator"])) is not None:
                reached = None if row["actual"] is None else reaches(row["actual"], ind.stretch,
                                                                      ind.direction.value == "decrease")
                row.update(stretch=_json_number(ind.stretch), range=ind.ranged, stretch_met=reached)
    if any(ind.is_task for ind in plan.indicators):  # a task's stage in words beside its share (docs/gaps.md)
        tasks = {ind.id: ind for ind in plan.indicators if ind.is_task}
        for row in rows:
            if (task := tasks.get(row["indicator"])) is not None:
                row["stage"] = None if row["actual"] is None else stage_at(task.stages, row["actual"])
                row["expected_stage"] = stage_at(task.stages, row["expected"]) if row["expected"] else None
    if extra := area_fields(plan, table):
        for row, level, parent in zip(rows, extra["level"], extra["parent"]):
            row.update(level=level, parent=parent)
    if refused:
        for row in rows:
            if (refusal := refused.get((row["county"], row["indicator"]))) is not None:
                row["refused"] = refusal.as_dict()
    if since is not None:
        for row in rows:
            if (change := since.rows.get((row["county"], row["indicator"]))) is not None:
                row["since"] = {"period": since.since, "status": change.before.status.value,
                                "actual": _json_number(change.before.actual), "change": _json_number(change.change),
                                "became_stale": change.became_stale}
    return rows


def _json_numbers(numbers: "numpy.ndarray") -> list:
    """`_json_number` of each number (whole numbers below _WHOLE_BELOW as integers), NaN as None."""
    import numpy as np

    values = numbers.astype(object)
    with np.errstate(invalid="ignore"):
        whole = (numbers == np.trunc(numbers)) & (np.abs(numbers) < _WHOLE_BELOW)
    values[whole] = numbers[whole].astype(np.int64).tolist() if whole.any() else []
    values[np.isnan(numbers)] = None
    return values.tolist()


# --------------------------------------------------------------------------------------------------- CSV


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(_json_number(value))
    if isinstance(value, Status):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise_formula(str(value))


#: The CSV's column headings in Chinese, one per field of a JSON row (docs/gaps.md): what a planning officer
#: sees when Excel opens the file. The cells stay as in the JSON (ids, status codes, ISO dates).
CSV_HEADINGS_ZH = MappingProxyType({
    "goal": "任务编号", "indicator": "指标编号", "name": "指标名称", "kind": "指标类型", "direction": "方向",
    "unit": "单位", "owner": "责任处室编号", "county": "地区编号", "baseline": "基期值", "target": "目标值",
    "expected": "序时目标", "actual": "完成值", "progress": "完成进度", "expected_progress": "序时进度",
    "shortfall": "对照序时", "remaining": "尚差", "status": "状态", "deadline": "完成时限",
    "reported_period": "数据月份", "stale": "沿用旧数据", "counties_reporting": "已报送县数",
    "counties_total": "应报县数", "projected": "按近期进度预计", "projected_status": "预计情况",
    "level": "层级", "parent": "上级区域编号", "refused": "未采用的报送",
})


def csv_headings(plan: Plan, names: Sequence[str]) -> list[str]:
    """The heading of each column `names` (JSON field names) in the plan's language."""
    return list(names) if plan.language == "en" else [in_words(CSV_HEADINGS_ZH[name], plan.levels) for name in names]


def render_csv(gaps: Gaps) -> bytes:
    """The rows with the JSON's columns, headed in the plan's language: UTF-8 with BOM, CRLF, text cells safe
    against formula injection."""
    rows = [[_csv_cell(getattr(row, name)) for name in ROW_FIELDS] for row in gaps.rows]
    names = list(ROW_FIELDS)
    if extra := area_fields(gaps.plan, gaps.table):  # a deeper plan's rows say where each area sits
        rows = [[*row, _csv_cell(level), _csv_cell(parent)] for row, level, parent in
                zip(rows, extra["level"], extra["parent"])]
        names += AREA_FIELDS
    if gaps.any_refused:  # a read with refused figures: each row says which of its figures was not used, and why
        rows = [[*cells, _csv_cell(refusal_text(refusal))] for cells, refusal in
                zip(rows, map(gaps.refusal, gaps.rows))]
        names.append("refused")
    return csv_bytes([csv_headings(gaps.plan, names), *rows])


def refused_words(row: GapRow, refusal: Refusal, words: Labels) -> str:
    """A refused figure as running text says it: `2021-06 报送的数据有错误(D120),未采用,沿用 2021-05 的数据`."""
    english = words.stale_note.startswith("* no")
    if row.reported_period is None:
        used = "nothing earlier was reported" if english else "此前也没有报送"
    else:
        used = f"the {row.reported_period} figure is shown" if english else f"沿用 {row.reported_period} 的数据"
    return words.refused_words.format(period=refusal.period, code=refusal.code, used=used)


def refusal_text(refusal: Refusal | None) -> str | None:
    """A refused figure in one line: `2021-06 2021-06/pujiang.csv 第10行 D120 I10:“三十”不是数字…`."""
    if refusal is None:
        return None
    where = f" 第{refusal.line}行" if refusal.line is not None else ""
    return f"{refusal.period} {refusal.file}{where} {refusal.code} {refusal.message}"


# ---------------------------------------------------------------------------------------------- Markdown


def area_name(plan: Plan, county: str | None, words: Labels) -> str:
    """What a row's area is called: 全市 for a city row (county None), 市本级 for the city's own reports
    (`city`), else the county's (or the region's) name."""
    if county is None:
        return words.city
    if county == CITY:
        return words.city_itself
    return plan.area_name(county)


def area_label(plan: Plan, county: str | None, words: Labels) -> str:
    """A row's area in a table of rows: its name, indented by its depth in a deeper plan (a province's
    counties under their city)."""
    name = area_name(plan, county, words)
    return f"{'  ' * (plan.depth(county) - 1)}{name}" if plan.regions and county not in (None, CITY) else name


def owner_name(plan: Plan, owner: str | None) -> str:
    if owner is None:
        return "—"
    try:
        return plan.owner(owner).name
    except KeyError:
        return owner


def reported_text(row: GapRow, refused: bool = False) -> str:
    """The month of the row's record, `*` when it is an earlier month's, `!` when a later figure was refused."""
    mark = "!" if refused else ""
    if row.reported_period is None:
        return "—" + mark
    return row.reported_period + ("*" if row.stale else "") + mark


def counties_text(row: GapRow) -> str:
    if row.counties_total is None:
        return ""
    return f"{row.counties_reporting}/{row.counties_total}"


def titled(gaps: Gaps) -> str:
    """The plan's title, and the region the rows are of (`--area`): `2024年全省民政工作要点 · 临江市`."""
    return f"{gaps.plan.title} · {gaps.plan.area_name(gaps.area)}" if gaps.area else gaps.plan.title


def missing_line(gaps: Gaps, words: Labels) -> str:
    """`2021-08 未报送:浦江县(31 项)、…`: who has not reported how many indicators for the as-of month."""
    names = words.list_separator.join(f"{area_name(gaps.plan, m.county, words)}{words.items.format(len(m.indicators))}"
                                      for m in gaps.completeness.every_missing)
    return f"{gaps.period} {words.not_reported}{names}"


def unreported_since(gaps: Gaps) -> str:
    """`2022-04 没有收到报送,不与该月比较。` when the month to compare with had no report at all, else ''."""
    if gaps.unreported_since is None:
        return ""
    if gaps.plan.language == "en":
        return f"Nothing was reported for {gaps.unreported_since}: no comparison with it."
    return f"{gaps.unreported_since} 没有收到报送,不与该月比较。"


def since_line(gaps: Gaps, words: Labels) -> str | None:
    """`较 2021-05:新增滞后 2 项(…、…),脱离滞后 1 项(…);各县新增滞后或未完成 5 行、脱离 3 行`, when compared with an
    earlier month; None when not."""
    since = gaps.changes
    if since is None:
        return unreported_since(gaps) or None
    separator = words.list_separator
    moves = since.moves()

    def named(found, most: int = 5) -> str:
        names = separator.join(change.now.name for change in found[:most])
        return names + ("…" if len(found) > most else "")

    if gaps.plan.language == "en":
        fell = moves.missed + moves.fell
        parts = [f"newly behind {len(fell)}" + (f" ({named(fell)})" if fell else ""),
                 f"recovered {len(moves.recovered)}" + (f" ({named(moves.recovered)})" if moves.recovered else ""),
                 f"{words.counties}: newly behind {moves.areas_fell} rows, recovered {moves.areas_recovered}"]
        return f"since {since.since}: " + "; ".join(parts)
    parts = [*([f"到期未完成 {len(moves.missed)} 项({named(moves.missed)})"] if moves.missed else []),
             f"新增滞后 {len(moves.fell)} 项" + (f"({named(moves.fell)})" if moves.fell else ""),
             f"脱离滞后 {len(moves.recovered)} 项" + (f"({named(moves.recovered)})" if moves.recovered else "")]
    unit = labels_within(gaps.plan, gaps.area).counties
    return (f"较 {since.since}:{','.join(parts)};{unit}新增滞后或未完成 {moves.areas_fell} 行、"
            f"脱离 {moves.areas_recovered} 行")


def on_time_line(gaps: Gaps, words: Labels) -> str | None:
    """`2022-06 按时报送 16/18(截止 2022-07-05);逾期:琅琊镇 7月9日、汤溪镇 7月10日`, where the plan names a due
    day (docs/progress-files.md, "When files came in"); None where it does not."""
    on_time = gaps.timeliness
    if on_time is None:
        return None
    plan, english = gaps.plan, gaps.plan.language == "en"
    separator = words.list_separator
    if english:
        line = f"{gaps.period} on time {len(on_time.on_time)}/{on_time.expected} (due {on_time.due.isoformat()})"
        late = separator.join(f"{plan.area_name(u)} {when.date().isoformat()}" for u, when in on_time.late)
        parts = [line, *([f"late: {late}"] if late else []),
                 *([f"no receipt: {separator.join(map(plan.area_name, on_time.unknown))}"] if on_time.unknown else [])]
        return "; ".join(parts)
    line = f"{gaps.period} 按时报送 {len(on_time.on_time)}/{on_time.expected}(截止 {on_time.due.isoformat()})"
    late = separator.join(f"{plan.area_name(u)} {when.month}月{when.day}日" for u, when in on_time.late)
    parts = [line, *([f"逾期:{late}"] if late else []),
             *([f"未记下收到时间:{separator.join(map(plan.area_name, on_time.unknown))}"] if on_time.unknown else [])]
    return ";".join(parts)


def headline(gaps: Gaps, words: Labels) -> tuple[str, list[tuple[str, str]]]:
    """The title line, and the summary as (text, terminal style) parts: the rows counted by status, then the
    month's reports (yellow when some are missing)."""
    title = f"{titled(gaps)} · {words.as_of} {gaps.as_of.isoformat()}"
    tasks = [row for row in gaps.rows if row.is_task]
    counts = count_statuses(row for row in gaps.rows if not row.is_task)
    parts = [(f"{words.statuses[s]} {counts[s]}", STATUS_STYLES[s]) for s in SUMMARY_ORDER if counts[s]]
    if tasks:  # the tasks without a number counted apart: 督办事项 已完成 28 未完成 1
        done = count_statuses(tasks)
        parts += [(words.task, "bold")] + [(f"{words.statuses[s]} {done[s]}", STATUS_STYLES[s])
                                           for s in SUMMARY_ORDER if done[s]]
    completeness = gaps.completeness
    if completeness.expected:
        parts.append((f"{gaps.period} {words.reports} {completeness.reported}/{completeness.expected}"
                      f"({percent(completeness.rate, 1)})", "yellow" if completeness.missing else "dim"))
    return title, parts


def _goals(gaps: Gaps) -> list[tuple[Any, list[list[GapRow]]]]:
    """The rows grouped by goal, then by indicator, in plan order (goals without rows left out)."""
    by_indicator: dict[str, list[GapRow]] = {}
    for row in gaps.rows:
        by_indicator.setdefault(row.indicator, []).append(row)
    grouped = []
    for goal in gaps.plan.goals:
        indicators = [by_indicator[ind.id] for ind in goal.indicators if ind.id in by_indicator]
        if indicators:
            grouped.append((goal, indicators))
    return grouped


def render_md(gaps: Gaps) -> str:
    """Markdown: a heading, the summary line, and per goal one table of its indicators' rows."""
    words = labels(gaps.plan)
    title, summary = headline(gaps, words)
    lines = [f"# {md_cell(title)}", "", md_cell(" · ".join(text for text, _ in summary)), ""]
    lines += md_goal_tables(gaps, words, "##")
    lines += md_notes(gaps, words)
    return "\n".join(lines).rstrip("\n") + "\n"


def md_goal_tables(gaps: Gaps, words: Labels, heading: str) -> list[str]:
    """Per goal, a `heading` line (`##`, `###`…) and one Markdown table of its indicators' rows."""
    plan = gaps.plan
    header = [words.indicator, words.county, words.actual_target, words.expected, words.progress,
              words.shortfall, words.status, words.reported, words.reports]
    lines = []
    for goal, indicators in _goals(gaps):
        lines += [f"{heading} {md_cell(goal.id)} {md_cell(goal.title)}({md_cell(owner_name(plan, goal.owner))})",
                  ""]
        lines += md_table(header, [
            [f"{row.indicator} {row.name}" if row.county == gaps.area else "", area_name(plan, row.county, words),
             actual_target_text(row, words),
             expected_text(row),
             progress_text(row, words), shortfall_text(row, words), words.statuses[row.status],
             reported_text(row, gaps.refusal(row) is not None), counties_text(row)]
            for rows in indicators for row in rows])
    return lines


def expected_text(row: GapRow, digits: int = 2) -> str:
    """Where the row should stand by now (序时目标) with its unit, a task's stage due; '' where the pace asks
    nothing yet, and for a milestone."""
    if row.is_task:
        return row.expected_stage or ""
    if row.kind == Kind.MILESTONE.value or not paced(row):
        return ""
    return with_unit(display_number(row.expected, digits), row.unit) if digits == 2 else display_number(
        row.expected, digits)


def progress_text(row: GapRow, words: Labels) -> str:
    """`44%(序时 49%)`: progress against the expected progress; '—' without a figure, and for a task (its stage
    says how far it is)."""
    if row.progress is None or row.is_task:
        return "—"
    if not paced(row):
        return percent(row.progress)
    return f"{percent(row.progress)}({words.pace} {percent(row.expected_progress)})"


def paced(row: GapRow) -> bool:
    """Whether the row's pace says anything: not while nothing is expected yet (a step-paced level or a yes/no
    item before its date, any row on the plan's first day), when `序时 0%` and `超前 95` would be noise."""
    return bool(row.expected_progress)


def facts_text(row: GapRow, words: Labels) -> str:
    """The numbers behind a row's status on one line: `18 / 41 家 · 44%(序时 49%)· 落后 5.5`."""
    parts = [actual_target_text(row, words)]
    if row.is_task:
        return " · ".join(parts + [text] if (text := task_text(row, words)) else parts)
    if row.progress is not None:
        parts.append(progress_text(row, words))
    if row.shortfall is not None and paced(row):
        parts.append(shortfall_points(row, words))
    return " · ".join(parts)


def shortfall_points(row: GapRow, words: Labels) -> str:
    """`落后 5.5 个百分点`: the shortfall as running text says it (`shortfall_text` is the table cell)."""
    shortfall = shortfall_text(row, words)
    return shortfall if row.shortfall is None or shortfall == "0" else f"{shortfall} {words.points}"


def partial_legend(rows: Iterable[GapRow], words: Labels) -> str | None:
    """The legend of partial city figures, with the numbers of the first (`8/19:…19 个中的 8 个`), or None when no
    figure is partial: a legend of a fixed example would name a count of counties the plan does not have."""
    first = next((row for row in rows if row.partial), None)
    if first is None:
        return None
    return words.partial_note.format(reporting=first.counties_reporting, total=first.counties_total)


def md_notes(gaps: Gaps, words: Labels) -> list[str]:
    """The footnotes of a gaps table: stale months, partial city figures, who has not reported."""
    notes = []
    if any(row.stale for row in gaps.rows):
        notes.append(md_cell(words.stale_note))
    if gaps.any_refused:
        notes.append(md_cell(words.refused_note))
    if legend := partial_legend(gaps.rows, words):
        notes.append(md_cell(legend))
    if gaps.completeness.every_missing:
        notes.append(md_cell(missing_line(gaps, words)))
    if line := on_time_line(gaps, words):
        notes.append(md_cell(line))
    if line := since_line(gaps, words):
        notes.append(md_cell(line))
    return [f"> {note}  " for note in notes]


# ---------------------------------------------------------------------------------------------- terminal


def progress_bar(row: GapRow) -> Text:
    """Progress as BAR_CELLS cells filled to `progress` (capped at 100%), with `┃` put in between the cells where
    the expected progress (序时进度) stands: BAR_CELLS + 1 cells in all."""
    if row.progress is None:
        return Text(" " * (BAR_CELLS + 1))
    filled = min(max(row.progress, 0.0), 1.0) * BAR_CELLS
    style = STATUS_STYLES[row.status].replace("bold ", "").replace("white on red", "red")
    cells = []
    for cell in range(BAR_CELLS):
        if cell + 1 <= filled + 1e-9:
            cells.append(("█", style))
        elif cell < filled:
            cells.append(("▌", style))
        else:
            cells.append(("░", "dim"))
    if row.expected_progress is not None and paced(row):  # (nothing asked yet: no mark at 0)
        mark = int(round(min(max(row.expected_progress, 0.0), 1.0) * BAR_CELLS))
        cells.insert(mark, ("┃", "bold"))
    else:
        cells.append((" ", ""))
    return Text.assemble(*cells)


def shortfall_text(row: GapRow, words: Labels) -> str:
    """`落后 5.5` or `超前 60` percentage points against the expected progress; '—' where the pace says nothing
    (`paced`); a task's node or deadline that its status stands on (`task_text`)."""
    if row.is_task:
        return task_text(row, words) or "—"
    if row.shortfall is None or not paced(row):
        return "—"
    if abs(row.shortfall) < 0.05:
        return "0"
    return f"{words.behind_by if row.shortfall > 0 else words.ahead_by} {display_number(abs(row.shortfall), 1)}"


def task_text(row: GapRow, words: Labels) -> str:
    """What a task's status stands on, in words: behind, the node passed undone (`节点“6月底完成方案”未完成`); at
    risk, the node (or the deadline) near; missed, the deadline passed; on track, its next node; '' when done or
    not reported. A day of another year than the row's record says its year."""
    if row.actual is None or row.status is Status.MET:
        return ""
    deadline = row.deadline
    year = int(row.reported_period[:4]) if row.reported_period else deadline.year
    ahead = [node for node in row.nodes if node.target > row.actual + 1e-9]
    if row.status is Status.MISSED:
        return words.deadline_passed.format(when=day_words(deadline, year, words))
    if row.status is Status.BEHIND:
        node = [node for node in row.nodes if row.expected is not None and abs(node.target - row.expected) < 1e-9]
        node = node[-1] if node else ahead[0]
        return words.node_missed.format(when=day_words(node.date, year, words), stage=node.stage)
    if row.status is Status.AT_RISK:
        if ahead and ahead[0].date < deadline:
            return words.node_near.format(when=day_words(ahead[0].date, year, words), stage=ahead[0].stage)
        return words.deadline_near.format(when=day_words(deadline, year, words))
    if ahead:
        return words.next_node.format(when=day_words(ahead[0].date, year, words), stage=ahead[0].stage)
    return ""


def task_plan_text(ind, words: Labels, year: int) -> str:
    """What a task is held to: `督办事项 · 节点:6月底完成方案、9月底开展试点 · 期限12月底` (a day of another year than
    `year`, the as-of date's, with its year)."""
    parts = [words.task]
    if ind.milestones:
        parts.append(words.nodes.format(words.list_separator.join(
            words.node_stage.format(when=day_words(m.date, year, words), stage=m.stage) for m in ind.milestones)))
    parts.append(words.deadline.format(day_words(ind.deadline, year, words)))
    return " · ".join(parts)


def day_words(day: dt.date, year: int, words: Labels) -> str:
    """A node's day as a plan says it: `6月底` (a month's last day), `6月15日`, with its year when it is not `year`
    (`2023年6月底`: the as-of year, in a plan of several years); in English `end of June`, `15 June`."""
    import calendar

    shown = words.year_word.format(day.year) if day.year != year else ""
    shape = words.month_end if day.day == calendar.monthrange(day.year, day.month)[1] else words.month_day
    return shape.format(year=shown, month=day.month, day=day.day, month_name=calendar.month_name[day.month])


class GapsTable:
    """The terminal view: a headline, then per goal and indicator the city row and the county rows, with the
    actual against the target, a progress bar with the expected mark, the status word, and the data month.
    Fits 80 columns; wider terminals also show the expected value, the shortfall and the projection."""

    def __init__(self, gaps: Gaps) -> None:
        self.gaps = gaps
        self.words = labels(gaps.plan)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wide = options.max_width >= WIDE
        columns = self._columns(self._widths(wide), wide) if self.gaps.rows else []
        for part in self._parts(wide, columns):
            yield _line(part, columns) if isinstance(part, list) else part

    def plain(self, wide: bool) -> str:
        """The same view as plain text without styles, laid out with plain strings: for a plan of many thousand
        rows, which rich takes a quarter of a millisecond a line to lay out (100,000 indicators: 50 s)."""
        columns = self._columns(self._widths(wide), wide) if self.gaps.rows else []
        return "".join((_plain_line(part, columns) if isinstance(part, list) else part.plain.rstrip()) + "\n"
                       for part in self._parts(wide, columns))

    def _parts(self, wide: bool, columns: list[tuple[str, str, int, str]]) -> Iterator[Text | list[Text | str]]:
        """The view's lines: a Text each, or the cells of a table line (laid out by the caller in `columns`)."""
        gaps, words = self.gaps, self.words
        title, summary = headline(gaps, words)
        yield Text(title, style="bold")
        yield Text("  ").join(Text(text, style=style) for text, style in summary)
        if not gaps.rows:
            yield Text(words.no_rows)
            return
        yield Text("")
        yield [Text(name, style="bold dim") for _, name, _, _ in columns]
        for goal, indicators in _goals(gaps):
            owner = owner_name(gaps.plan, goal.owner)
            yield Text.assemble(("\n" + goal.id + " ", "bold"), (goal.title, "bold"), (f"  {owner}", "dim"))
            for rows in indicators:
                yield self._indicator_heading(rows[0])
                for row in rows:
                    yield self._cells(row, wide)
        yield Text("")
        yield from self._legend()

    def _indicator_heading(self, row: GapRow) -> Text:
        words = self.words
        ind = self.gaps.plan.indicator(row.indicator)
        details = []
        if ind.is_task:  # a task without a number: its nodes and deadline are what it is held to
            details.append(task_plan_text(ind, words, self.gaps.as_of.year))
        elif ind.kind is not Kind.MILESTONE:  # the plan's (city) figures: county rows carry their own targets
            # (a region's view, `--area`: the region's own, from its row)
            target = row.target if self.gaps.area is not None and row.county == self.gaps.area else ind.target
            if target is not None:
                whole = self.gaps.area is None
                details.append(f"{words.target} "
                               f"{target_words(target, ind.unit, ind.stretch if whole else None, ind.ranged, words)}")
            if row.county == self.gaps.area and row.expected is not None and paced(row):
                details.append(f"{words.expected} {display_number(row.expected, 1)}")
        goal_owner = next(goal.owner for goal in self.gaps.plan.goals if goal.id == row.goal)
        if row.owner != goal_owner:  # the goal's heading names its owner already
            details.append(f"{words.owner} {owner_name(self.gaps.plan, row.owner)}")
        return Text.assemble("  ", (row.indicator, "bold"), " ", row.name, ("  " + " · ".join(details), "dim"),
                             overflow="fold")

    def _widths(self, wide: bool) -> dict[str, int]:
        rows, words, plan = self.gaps.rows, self.words, self.gaps.plan
        area = max(cell_len(area_label(plan, row.county, words)) for row in rows)
        value = max(cell_len(actual_target_text(row, words)) for row in rows)
        widths = {
            "area": min(max(area, cell_len(words.county)), 12),
            "value": min(max(value, cell_len(words.actual_target)), 26),
            "bar": BAR_CELLS + 1, "percent": 5,
            "status": max(cell_len(word) for word in words.statuses.values()),
            "month": 9 if self.gaps.any_refused else 8, "counties": 5,
        }
        if wide:
            # a task's column says what its status stands on (节点“6月底完成方案”未完成): room for it
            reasons = [cell_len(task_text(row, words)) for row in rows if row.is_task]
            expected = [cell_len(row.expected_stage or "") for row in rows if row.is_task]
            widths |= {"expected": max(10, min(12, max(expected, default=0))),
                       "shortfall": max(10, min(26, max(reasons, default=0))), "projected": 26}
        return widths

    def _columns(self, widths: dict[str, int], wide: bool) -> list[tuple[str, str, int, str]]:
        """(key, heading, width, justify) of each column, after a first one that indents the rows."""
        words = self.words
        columns = [("area", words.county, "left"), ("value", words.actual_target, "right"),
                   ("bar", words.progress, "left"), ("percent", "", "right")]
        if wide:
            columns += [("expected", words.expected, "right"), ("shortfall", words.shortfall, "right")]
        columns += [("status", words.status, "left"), ("month", words.reported, "left"),
                    ("counties", words.reports, "right")]
        if wide:
            columns.append(("projected", words.projected, "left"))
        return [("indent", "", 2, "left"), *((key, name, widths[key], justify) for key, name, justify in columns)]

    def _cells(self, row: GapRow, wide: bool) -> list[Text | str]:
        words, plan = self.words, self.gaps.plan
        style = STATUS_STYLES[row.status]
        area = Text(area_label(plan, row.county, words), style="bold" if row.counties_total is not None
                                                                 or row.is_city else "")
        refused = self.gaps.refusal(row) is not None
        month = Text(reported_text(row, refused), style="bold red" if refused else "dim" if row.stale else "")
        counties = Text(counties_text(row), style="bold yellow" if row.partial else "dim")
        cells: list[Text | str] = ["", area, actual_target_text(row, words), progress_bar(row),
                                   "" if row.is_task else percent(row.progress)]
        if wide:
            cells += [expected_text(row, 1), shortfall_text(row, words)]
        cells += [Text(words.statuses[row.status], style=style), month, counties]
        if wide:
            cells.append(self._projection(row))
        return cells

    def _projection(self, row: GapRow) -> Text:
        if row.projected is None:
            return Text("")
        words = self.words
        verdict = {"will_meet": words.will_meet, "will_miss": words.will_miss}.get(row.projected_status or "", "")
        style = "green" if row.projected_status == "will_meet" else "yellow"
        return Text.assemble(with_unit(display_number(row.projected, 1), row.unit) + " ", (verdict, style))

    def _legend(self) -> Iterable[Text]:
        words, rows = self.words, self.gaps.rows
        notes = [words.expected_mark_note]
        if any(row.stale for row in rows):
            notes.append(words.stale_note)
        if self.gaps.any_refused:
            notes.append(words.refused_note)
        if legend := partial_legend(rows, words):
            notes.append(legend)
        for note in notes:
            yield Text(note, style="dim")
        if self.gaps.completeness.every_missing:
            yield Text(missing_line(self.gaps, words), style="yellow")
        if line := on_time_line(self.gaps, words):
            timeliness = self.gaps.timeliness
            yield Text(line, style="yellow" if timeliness.late or timeliness.unknown else "dim")
        if line := since_line(self.gaps, words):
            yield Text(line, style="bold")
        yield Text(labels_within(self.gaps.plan, self.gaps.area).other_views, style="dim")  # (各市排名 in a province)


def _line(cells: Sequence[Text | str], columns: Sequence[tuple[str, str, int, str]]) -> Text:
    """One line of the table: each cell cut to its column's width (with an ellipsis) and padded to it, a space
    after each. (Laid out here rather than by rich's Table: the sample's 340 rows took it half a second.)"""
    parts = []
    for cell, (_, _, width, justify) in zip(cells, columns):
        text = Text(cell) if isinstance(cell, str) else cell.copy()
        text.truncate(width, overflow="ellipsis")
        padding = " " * (width - text.cell_len)
        parts += [padding, text, " "] if justify == "right" else [text, padding, " "]
    return Text.assemble(*parts[:-1])


def _plain_line(cells: Sequence[Text | str], columns: Sequence[tuple[str, str, int, str]]) -> str:
    """`_line` with plain strings."""
    parts = []
    for cell, (_, _, width, justify) in zip(cells, columns):
        text = cell.plain if isinstance(cell, Text) else cell
        if cell_len(text) > width:
            text = set_cell_size(text, width - 1) + "…"
        padding = " " * (width - cell_len(text))
        parts.append(padding + text if justify == "right" else text + padding)
    return " ".join(parts).rstrip()


#: Above this many rows the terminal view is laid out as plain text (`GapsTable.plain`), without colours.
PLAIN_ROWS = 2_000


def render_table(gaps: Gaps) -> GapsTable | str:
    """The terminal view: a rich renderable, or plain text for more than PLAIN_ROWS rows."""
    table = GapsTable(gaps)
    if len(gaps.rows) <= PLAIN_ROWS:
        return table
    from mubiao.console import stdout

    return table.plain(stdout().width >= WIDE)


#: The renderer of each format: a rich renderable, text, or bytes (JSON: bytes in pieces, `json_chunks`, which the
#: command writes as they come or joins for the terminal).
RENDERERS: dict[GapsFormat, Callable[[Gaps], Any]] = {
    GapsFormat.TABLE: render_table,
    GapsFormat.JSON: json_chunks,
    GapsFormat.CSV: render_csv,
    GapsFormat.MD: render_md,
}


# ---------------------------------------------------------------------------------------------- scoreboard


def score_header(words: Labels) -> list[str]:
    """The scoreboard's columns: rank, county, one per status, mean progress."""
    return [words.rank, words.counties, *(words.statuses[s] for s in SUMMARY_ORDER), words.mean_progress]


def score_cells(plan: Plan, score: CountyScore, since: Changes | None = None) -> list[str]:
    """A county's scoreboard row as text cells, in the order of `score_header` (its rank with how it moved
    since the month compared with: `3 ↑2`)."""
    name = plan.area_name(score.county)
    moved = arrow(since.rank_move(score.county)) if since is not None else ""
    return ["—" if score.rank is None else f"{score.rank} {moved}".strip(), name,
            *(str(score.statuses[s]) for s in SUMMARY_ORDER), percent(score.mean_progress)]


def scoreboard_document(gaps: Gaps) -> dict:
    since = gaps.changes
    return {
        "plan": gaps.plan.id, "as_of": gaps.as_of.isoformat(), "period": gaps.period,
        "counties": [
            {"county": s.county, "name": gaps.plan.area_name(s.county), "rank": s.rank,
             **({"rank_change": since.rank_move(s.county)} if since is not None else {}),
             "mean_progress": _json_number(s.mean_progress),
             "statuses": {status.value: s.statuses[status] for status in WORST_FIRST}}
            for s in scoreboard(gaps)
        ],
    }


def render_scoreboard_json(gaps: Gaps) -> str:
    return json.dumps(scoreboard_document(gaps), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def render_scoreboard_csv(gaps: Gaps) -> bytes:
    words = labels_within(gaps.plan, gaps.area)
    header = ["rank", "county", "name", *(s.value for s in SUMMARY_ORDER), "mean_progress"]
    if gaps.plan.language != "en":
        header = [words.rank, CSV_HEADINGS_ZH["county"], words.county, *(words.statuses[s] for s in SUMMARY_ORDER),
                  words.mean_progress]
    rows = [[_csv_cell(s.rank), s.county, neutralise_formula(gaps.plan.area_name(s.county)),
             *(str(s.statuses[st]) for st in SUMMARY_ORDER), _csv_cell(s.mean_progress)]
            for s in scoreboard(gaps)]
    return csv_bytes([header, *rows])


def render_scoreboard_md(gaps: Gaps) -> str:
    words = labels_within(gaps.plan, gaps.area)
    header = score_header(words)
    since = gaps.changes
    lines = [f"# {md_cell(titled(gaps))} · {md_cell(words.counties)}{words.rank}"
             f"({words.as_of} {gaps.as_of.isoformat()})", "",
             *md_table(header, [score_cells(gaps.plan, s, since) for s in scoreboard(gaps)])]
    lines += [f"> {md_cell(words.mean_progress_note)}"]
    return "\n".join(lines) + "\n"


class ScoreboardTable:
    """The county scoreboard on the terminal: rank, county, indicators per status, mean progress."""

    def __init__(self, gaps: Gaps) -> None:
        self.gaps = gaps

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        gaps = self.gaps
        words = labels_within(gaps.plan, gaps.area)
        table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
        for index, name in enumerate(score_header(words)):
            table.add_column(name, justify="left" if index == 1 else "right", no_wrap=True, min_width=cell_len(name))
        scores = scoreboard(gaps)
        since = gaps.changes
        if not scores:  # `--area` of a unit: nothing is within it
            yield Text(f"{titled(gaps)}:{words.nothing_within}", style="yellow")
            return
        for score in scores:
            cells = score_cells(gaps.plan, score, since)
            styled = [Text(cell, style=STATUS_STYLES[status] if cell != "0" else "dim")
                      for cell, status in zip(cells[2:-1], SUMMARY_ORDER)]
            table.add_row(cells[0], cells[1], *styled, cells[-1])
        yield Text(f"{titled(gaps)} · {words.counties}{words.rank} · {words.as_of} {gaps.as_of.isoformat()}",
                   style="bold")
        yield table
        yield Text(words.mean_progress_note, style="dim")


SCOREBOARD_RENDERERS: dict[GapsFormat, Callable[[Gaps], Any]] = {
    GapsFormat.TABLE: ScoreboardTable,
    GapsFormat.JSON: render_scoreboard_json,
    GapsFormat.CSV: render_scoreboard_csv,
    GapsFormat.MD: render_scoreboard_md,
}
