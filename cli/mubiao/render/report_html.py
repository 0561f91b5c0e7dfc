"""report.html: the monthly report (月度通报) as one self-contained page that leadership reads on screen and
staff forward or print on A4 without retyping.

The numbers and words are prepared here as plain view data (strings already formatted); the jinja2 template
`templates/report/report.html.j2` only lays them out, with autoescaping on, so a county's note can never become
markup. The charts are inline SVG from `render/charts.py`, the only markup passed in as trusted. The page makes
no request of any kind (no external CSS, fonts, scripts or images) and carries no date of generation: the same
report gives the same string.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping, Sequence

from markupsafe import Markup

from mubiao.analysis.changes import arrow
from mubiao.analysis.gaps import GapRow, Gaps
from mubiao.analysis.report import Lagging, Report
from mubiao.labels import Labels, ReportLabels, labels, labels_within, report_labels, report_words
from mubiao.models import Plan, Status
from mubiao.render.cells import template_text
from mubiao.render.charts import county_bars, status_bars, statuses_to_show
from mubiao.render.colours import STATUS_COLOURS
from mubiao.render.gaps import (
    actual_target_text, area_name, counties_text, facts_text, owner_name, partial_legend, percent, reported_text,
    paced, shortfall_points,
)
from mubiao.render.report_md import (byline, completeness_sentence, focus_sentence, follow_up_groups,
                                     overview_sentence, problem_rows, report_title, since_sentence)

TEMPLATE = "report/report.html.j2"


# ------------------------------------------------------------------------------------------------ view data


@dataclass(frozen=True)
class Chip:
    """A status as the page shows it: its word on its colour (CSS class `st-<status>`)."""

    word: str
    css: str


@dataclass(frozen=True)
class RowView:
    """One gap row as table cells."""

    area: str
    indicator: str
    """`G01-shizhe 逝者联办平台推广使用` on a city row, empty on a county row (its city row names it)."""
    actual_target: str
    progress: str
    expected_progress: str
    shortfall: str
    status: Chip
    month: str
    """`2021-11*` when the record is from an earlier month (stale)."""
    stale: bool
    partial: str
    """`9/10` on a city row fed by fewer counties than report the indicator, else empty."""
    is_city: bool


@dataclass(frozen=True)
class Count:
    """A count in a status column: the number, and the status whose colour it takes when not zero."""

    number: int
    css: str


@dataclass(frozen=True)
class LaggingView:
    indicator: str
    name: str
    owner: str
    status: Chip
    area: str
    facts: str
    """`149 / 150 个 · 99%(序时 100%)· 落后 0.7 个百分点`."""
    reporting: str
    """`9/10` when the city figure is partial, else empty."""
    counties: tuple[RowView, ...]
    notes: tuple[tuple[str, str, str], ...]
    """(area, month, text) of each note."""
    kind: str = ""
    """督办事项 for a task without a number (an indicator says nothing)."""


@dataclass(frozen=True)
class GridCell:
    status: Chip
    title: str
    """The numbers behind the status, for the cell's tooltip."""


@dataclass(frozen=True)
class GridRow:
    indicator: str
    name: str
    cells: tuple[GridCell | None, ...]
    """One per county of the grid, None where the county does not report the indicator."""


@dataclass(frozen=True)
class GoalView:
    goal: str
    title: str
    owner: str
    """The goal's owner name, empty when the goal names none."""
    indicators: tuple[tuple[RowView, ...], ...]
    """Each indicator's rows: its city row, then its counties."""


# ------------------------------------------------------------------------------------------------ rendering


def render_html(report: Report) -> str:
    """The report as one HTML page (UTF-8 text): six sections, two inline SVG charts, print CSS for A4."""
    return _template(report.plan.language).render(report_view(report))


@functools.cache
def _template(language: str = "zh"):
    import jinja2

    from mubiao.render.punctuation import full_width

    def finalize(value: object) -> object:  # never a control character; Chinese prose punctuated (GB/T 15834)
        value = template_text(value)
        return full_width(value) if language != "en" and type(value) is str else value

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mubiao", "templates"),
        autoescape=True,  # always: plan titles, indicator names and county notes are text, never markup
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE)


def report_view(report: Report) -> dict:
    """Everything the template shows, as plain strings, numbers and view dataclasses."""
    plan = report.plan
    words, sections = report_words(plan, report.gaps.area)
    title = report_title(report, sections)
    columns = {"area": words.county, "indicator": words.indicator, "actual_target": words.actual_target,
               "progress": words.progress, "expected_progress": words.expected_progress,
               "shortfall": words.shortfall, "status": words.status, "month": words.reported}
    return {
        "lang": "en" if plan.language == "en" else "zh-CN",
        "title": title,
        "byline": byline(report, sections),
        "sections": sections,
        "words": words,
        "columns": columns,
        "palette": [{"css": status.value, "fill": colour.fill, "strong": colour.strong}
                    for status, colour in STATUS_COLOURS.items()],
        "overview": _overview(report, words, sections),
        "lagging": [_lagging(plan, item, words, report.gaps) for item in report.lagging],
        "counties_lagging": [_lagging(plan, item, words, report.gaps) for item in report.counties_lagging],
        "counties": _counties(report, words, sections),
        "owners": _owners(report, words, sections),
        "completeness": _completeness(report, words, sections),
        "follow_up": follow_up_groups(report, words, sections),
        "goals": _goals(report, words),
        "footnotes": _footnotes(report, words),
    }


def _chip(status: Status, words: Labels) -> Chip:
    return Chip(words.statuses[status], status.value)


def _counts(counts: Mapping[Status, int], shown: Sequence[Status]) -> list[Count]:
    return [Count(counts.get(status, 0), status.value) for status in shown]


def _row(plan: Plan, row: GapRow, words: Labels, focus: str | None = None, refused: bool = False) -> RowView:
    """A row of a table; `focus` is the area the report is of (None: the whole), whose row leads its block;
    `refused`: a later figure of the row was refused (`Gaps.refused`)."""
    lead = row.county == focus
    return RowView(
        area=area_name(plan, row.county, words),
        indicator=f"{row.indicator} {row.name}" if lead else "",
        actual_target=actual_target_text(row, words),
        progress="—" if row.is_task else percent(row.progress),  # (a task's stage is no share of a way)
        expected_progress=percent(row.expected_progress) if paced(row) and not row.is_task else "—",
        shortfall=shortfall_points(row, words),
        status=_chip(row.status, words),
        month=reported_text(row, refused),
        stale=row.stale or refused,
        partial=counties_text(row) if row.partial else "",
        is_city=lead,
    )


def _overview(report: Report, words: Labels, sections: ReportLabels) -> dict:
    partial = [(row.name, counties_text(row)) for row in report.city_rows if row.partial]
    return {
        "sentence": overview_sentence(report, words, sections),
        "since": since_sentence(report, words),
        "focus": focus_sentence(report, words),
        # the only markup passed to the template as trusted: built and escaped in render/charts.py
        "chart": Markup(status_bars(report.overview, words, sections.chart_statuses)),
        "chart_title": sections.chart_statuses,
        "completeness": completeness_sentence(report, sections),
        "partial": partial,  # (indicator name, `9/10`) of each partial city figure
        "partial_note": partial_legend(report.gaps.rows, words) or "",
    }


def _lagging(plan: Plan, item: Lagging, words: Labels, gaps: Gaps) -> LaggingView:
    row = item.row
    return LaggingView(
        indicator=row.indicator,
        name=row.name,
        owner=owner_name(plan, row.owner),
        status=_chip(row.status, words),
        area=area_name(plan, row.county, words),
        facts=facts_text(row, words),
        reporting=counties_text(row) if row.partial else "",
        counties=tuple(_row(plan, county_row, words, refused=gaps.refusal(county_row) is not None)
                       for county_row in item.counties),
        notes=tuple((area_name(plan, note.county, words), note.period, note.text) for note in item.notes),
        kind=words.task if row.is_task else "",
    )


def _counties(report: Report, words: Labels, sections: ReportLabels) -> dict:
    plan = report.plan
    words = labels_within(plan, report.gaps.area)  # the areas ranked: a province's cities
    shown = statuses_to_show(*(score.statuses for score in report.scores))
    since = report.gaps.changes
    scores = [{"rank": "—" if score.rank is None else f"{score.rank} {arrow(since.rank_move(score.county)) if since else ''}"
               .strip(), "county": area_name(plan, score.county, words),
               "counts": _counts(score.statuses, shown), "mean": percent(score.mean_progress, 1)}
              for score in report.scores]
    # the grid's counties: those with a cell anywhere, in plan order
    counties = [county for county in plan.children(report.gaps.area)
                if any(county.id in cells for cells in report.grid.values())]
    grid_rows = []
    grid_statuses: dict[Status, int] = {}
    for ind in plan.indicators:
        cells = report.grid.get(ind.id)
        if cells is None:
            continue
        row_cells: list[GridCell | None] = []
        for county in counties:
            row = cells.get(county.id)
            if row is None:
                row_cells.append(None)
                continue
            grid_statuses[row.status] = grid_statuses.get(row.status, 0) + 1
            row_cells.append(GridCell(_chip(row.status, words), f"{county.name} · {ind.name}:"
                                      f"{facts_text(row, words)} · {words.reported} "
                                      f"{reported_text(row, report.gaps.refusal(row) is not None)}"))
        grid_rows.append(GridRow(ind.id, ind.name, tuple(row_cells)))
    return {
        "statuses": [words.statuses[status] for status in shown],
        "scores": scores,
        "chart": Markup(county_bars(report.scores, plan, words, sections.chart_counties)),
        "chart_title": sections.chart_counties,
        "grid_counties": [county.name for county in counties],
        "ranked": words.counties,  # the heading of the areas ranked (县(市、区); a province's 市)
        "grid": grid_rows,
        "legend": [_chip(status, words) for status in statuses_to_show(grid_statuses)],
    }


def _owners(report: Report, words: Labels, sections: ReportLabels) -> dict:
    plan = report.plan
    shown = statuses_to_show(*(owner.statuses for owner in report.owners))
    rows = [{"name": owner_name(plan, owner.owner), "indicators": owner.indicators,
             "counts": _counts(owner.statuses, shown),
             "lagging": words.list_separator.join(plan.indicator(i).name for i in owner.lagging) or "—"}
            for owner in report.owners]
    return {"statuses": [words.statuses[status] for status in shown], "rows": rows,
            "heading": sections.indicators_and_tasks if report.tasks else sections.indicators}


def _completeness(report: Report, words: Labels, sections: ReportLabels) -> dict:
    plan = report.plan
    missing = [{"area": area_name(plan, entry.county, words), "count": len(entry.indicators),
                "indicators": words.list_separator.join(plan.indicator(i).name for i in entry.indicators)}
               for entry in report.gaps.completeness.every_missing]
    return {"sentence": completeness_sentence(report, sections), "missing": missing,
            "problems": problem_rows(report), "problems_columns": sections.problems_columns,
            "problems_note": sections.problems}


def _goals(report: Report, words: Labels) -> list[GoalView]:
    plan = report.plan
    by_indicator: dict[str, list[RowView]] = {}
    for row in report.gaps.rows:
        by_indicator.setdefault(row.indicator, []).append(_row(plan, row, words, report.gaps.area,
                                                               report.gaps.refusal(row) is not None))
    goals = []
    for goal in plan.goals:
        indicators = tuple(tuple(by_indicator[ind.id]) for ind in goal.indicators if ind.id in by_indicator)
        if indicators:
            goals.append(GoalView(goal.id, goal.title, owner_name(plan, goal.owner) if goal.owner else "", indicators))
    return goals


def _footnotes(report: Report, words: Labels) -> list[str]:
    notes = []
    if any(row.stale for row in report.gaps.rows):
        notes.append(words.stale_note)
    if report.gaps.any_refused:
        notes.append(words.refused_note)
    if legend := partial_legend(report.gaps.rows, words):
        notes.append(legend)
    return notes
