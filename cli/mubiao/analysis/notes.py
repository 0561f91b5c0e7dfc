"""What counties wrote in the 备注 column: the notes behind the figures, for `show`, the report and the drafts."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from mubiao.models import CITY, Plan

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True)
class Note:
    """What a county (or 市本级, county `city`) wrote in the 备注 of one indicator in one month."""

    period: str
    county: str
    text: str


def latest_notes(plan: Plan, progress: "pandas.DataFrame", last_month: str) -> Mapping[tuple[str, str], Note]:
    """(indicator id, county id or `city`) → the newest non-blank note written up to `last_month`."""
    latest: dict[tuple[str, str], Note] = {}
    for indicator, note in notes_by_indicator(plan, progress, last_month):
        latest.setdefault((indicator, note.county), note)
    return MappingProxyType(latest)


def notes_by_indicator(plan: Plan, progress: "pandas.DataFrame", last_month: str) -> list[tuple[str, Note]]:
    """(indicator id, note) for every non-blank note up to `last_month`: newest month first, then counties in
    plan order (市本级 first), then indicators in plan order."""
    county_order = {CITY: -1} | {county.id: index for index, county in enumerate(plan.counties)}
    indicator_order = {ind.id: index for index, ind in enumerate(plan.indicators)}
    chosen = progress[progress["note"].notna()]
    pairs = []
    for period, county, indicator, text in zip(chosen["period"], chosen["county"], chosen["indicator"],
                                               chosen["note"]):
        period, county, indicator, text = str(period), str(county), str(indicator), str(text).strip()
        if text and period <= last_month and indicator in indicator_order:
            pairs.append((indicator, Note(period, county, text)))
    pairs.sort(key=lambda pair: (county_order.get(pair[1].county, len(county_order)), indicator_order[pair[0]]))
    pairs.sort(key=lambda pair: pair[1].period, reverse=True)  # stable: plan order within a month
    return pairs
