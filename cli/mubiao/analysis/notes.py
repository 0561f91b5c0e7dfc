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
    """(indicator id, county id or `city`) → the newest non-blank note written up to `last_month`."""
    latest: dict[tuple[str, str], Note] = {}
    for indicator, note in notes_by_indicator(plan, progress, last_month):
        latest.setdefault((indicator, note.county), note)
    return MappingProxyType(latest)


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
