"""One indicator across counties and months (`mubiao show`): what each county reported month by month, the
city figure as of each month, the expected path, and the notes counties wrote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mubiao.analysis.gaps import GapRow, Gaps, compute_gaps, default_as_of, reported_records
from mubiao.analysis.notes import Note, notes_by_indicator
from mubiao.models import Indicator, Plan
from mubiao.numbers import month_end, month_of, shift_month

if TYPE_CHECKING:
    import pandas

    from mubiao.readers.progress import ProgressRead


@dataclass(frozen=True)
class Series:
    """A row of the history: the city (county None) or a county, its figure in each month (None: nothing
    reported that month; the city: its figure as of each month end), and where it stands at the as-of date."""

    county: str | None
    values: tuple[float | None, ...]
    row: GapRow


@dataclass(frozen=True)
class History:
    plan: Plan
    indicator: Indicator
    as_of: dt.date
    months: tuple[str, ...]
    """From the plan's first month to the as-of month."""
    expected: tuple[float | None, ...]
    """The city's expected value (序时目标) at each month end."""
    series: tuple[Series, ...]
    """The city first, then the counties in plan order."""
    notes: tuple[Note, ...]
    """Every note written for the indicator up to the as-of month, newest first (then in plan order)."""
    gaps: Gaps


def indicator_history(plan: Plan, progress: "pandas.DataFrame | ProgressRead", indicator_id: str,
                      as_of: dt.date | None = None) -> History:
    """The history of one indicator up to `as_of` (default: the last day of the latest month with data)."""
    indicator = plan.indicator(indicator_id)
    if as_of is None:
        as_of = default_as_of(plan, progress)
    months = _months(plan.first_month, month_of(as_of))
    by_month = [compute_gaps(plan, progress, min(month_end(m), as_of), indicators=[indicator_id]) for m in months]
    now = by_month[-1]  # the last month's figures are as of the as-of date itself
    city = tuple(gaps.rows[0].actual for gaps in by_month)
    expected = tuple(gaps.rows[0].expected for gaps in by_month)
    regions = {region.id for region in plan.regions}
    rolled = {row.county: [] for row in now.rows if row.county in regions}  # a region's figure each month
    for gaps in by_month:
        for row in gaps.rows:
            if row.county in rolled:
                rolled[row.county].append(row.actual)

    reported = reported_records(plan, progress, indicator_id)
    series = []
    for row in now.rows:
        if row.county is None:
            series.append(Series(None, city, row))
        elif row.county in rolled:
            series.append(Series(row.county, tuple(rolled[row.county]), row))
        else:
            series.append(Series(row.county, tuple(reported.get((row.county, m)) for m in months), row))
    notes = _notes(plan, progress, indicator_id, months[-1])
    return History(plan, indicator, as_of, tuple(months), expected, tuple(series), notes, now)


def _months(first: str, last: str) -> list[str]:
    months = [first]
    while months[-1] < last:
        months.append(shift_month(months[-1], 1))
    return months if months[-1] == last else [last]


def _notes(plan: Plan, progress: "pandas.DataFrame | ProgressRead", indicator_id: str,
           last_month: str) -> tuple[Note, ...]:
    return tuple(note for indicator, note in notes_by_indicator(plan, progress, last_month) if indicator == indicator_id)
