"""What counties wrote in the 备注 column: the notes behind the figures, for `show`, the report and the drafts."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from mubiao.models import CITY, Plan

if TYPE_CHECKING:
    import pandas

    from mubiao.readers.progress import ProgressRead


@dataclass(frozen=True)
class Note:
    """What a county (or 市本级, county `city`) wrote in the 备注 of one indicator in one month."""

    period: str
    county: str
    text: str


def latest_notes(plan: Plan, progress: "pandas.DataFrame | ProgressRead",
                 last_month: str) -> Mapping[tuple[str, str], Note]:
    """(indicator id, county id or `city`) → the newest non-blank note written up to `last_month`, when it still
    speaks of the figure shown: written in the month of the area's latest figure, or in a month whose figures
    are the same (nothing newer says otherwise). A July note "2家中心建成" beside December's 3 is history, not
    evidence: it is left out (the indicator's history, `mubiao show`, keeps every note)."""
    from mubiao.analysis.engine import records
    from mubiao.readers.layout import month_number, month_text

    areas = (CITY, *(county.id for county in plan.counties))
    with records(plan, progress) as connection:
        found = connection.execute("""
            WITH months AS (
                SELECT indicator, county, period,
                       arg_max([value, numerator, denominator, dated::DOUBLE], seq) AS figures,
                       arg_max(note, seq) FILTER (WHERE trim(note) <> '') AS note,
                       bool_or(value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL OR dated)
                           AS reported
                FROM engine_records WHERE period <= $last GROUP BY ALL),
            latest AS (
                SELECT indicator, county, arg_max(figures, period) AS figures, max(period) AS period
                FROM months WHERE reported GROUP BY ALL),
            noted AS (
                SELECT indicator, county, max(period) AS period, arg_max(note, period) AS note,
                       arg_max(figures, period) AS figures
                FROM months WHERE note IS NOT NULL GROUP BY ALL)
            SELECT n.indicator, n.period, n.county, n.note
            FROM noted n LEFT JOIN latest l USING (indicator, county)
            WHERE l.period IS NULL OR n.period >= l.period OR n.figures IS NOT DISTINCT FROM l.figures
            ORDER BY n.county, n.indicator""", {"last": month_number(last_month)}).fetchall()
    return MappingProxyType({(plan.indicators[indicator].id, areas[county]):
                             Note(month_text(period), areas[county], text.strip())
                             for indicator, period, county, text in found})


def notes_by_indicator(plan: Plan, progress: "pandas.DataFrame | ProgressRead",
                       last_month: str) -> list[tuple[str, Note]]:
    """(indicator id, note) for every non-blank note up to `last_month` (what `read_progress` read, or a tidy
    DataFrame): newest month first, then counties in plan order (市本级 first), then indicators in plan order."""
    from mubiao.analysis.engine import records
    from mubiao.readers.layout import month_number, month_text

    areas = (CITY, *(county.id for county in plan.counties))
    with records(plan, progress) as connection:
        found = connection.execute(
            "SELECT indicator, period, county, note FROM engine_records WHERE note IS NOT NULL AND period <= ? "
            "ORDER BY period DESC, county, indicator, seq", [month_number(last_month)]).fetchall()
    return [(plan.indicators[indicator].id, Note(month_text(period), areas[county], text.strip()))
            for indicator, period, county, text in found if text.strip()]
