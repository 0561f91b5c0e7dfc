"""The county scoreboard (`mubiao gaps --by county`): per county, how many indicators stand at each status,
the mean progress, and a rank (排名)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from mubiao.analysis.gaps import Gaps, count_statuses
from mubiao.models import Status


@dataclass(frozen=True)
class CountyScore:
    county: str
    """County id."""
    statuses: Mapping[Status, int]
    """How many of the county's indicators stand at each status (every status present, maybe 0)."""
    mean_progress: float | None
    """The mean of the county's progress over the indicators with a figure and a target, each capped to 0..1
    so that one far-exceeded target does not hide the others; None when there is none."""
    rank: int | None
    """1 for the highest mean progress; equal means share a rank (1, 2, 2, 4); None without a mean."""

    @property
    def indicators(self) -> int:
        return sum(self.statuses.values())


def scoreboard(gaps: Gaps) -> tuple[CountyScore, ...]:
    """One score per area directly within `gaps.area` (the whole: a city's counties, a province's cities; a
    city of a province: its counties) that has rows in `gaps`, best rank first (plan order among equals and for
    the unranked). A region's score is that of its rolled-up rows."""
    rows_by_county: dict[str, list] = {county.id: [] for county in gaps.plan.children(gaps.area)}
    for row in gaps.rows:
        if row.county is not None and row.county in rows_by_county:
            rows_by_county[row.county].append(row)
    scores = []
    for county, rows in rows_by_county.items():
        if not rows:
            continue
        statuses = count_statuses(rows)
        # (a task's figure is a stage, not a share of a way done: counted by its status, not in the mean)
        progress = [min(max(row.progress, 0.0), 1.0) for row in rows if row.progress is not None and not row.is_task]
        mean = sum(progress) / len(progress) if progress else None
        scores.append((county, MappingProxyType(statuses), mean))
    means = sorted((mean for _, _, mean in scores if mean is not None), reverse=True)
    ranked = [CountyScore(county, statuses, mean, None if mean is None else 1 + sum(m > mean + 1e-12 for m in means))
              for county, statuses, mean in scores]
    order = {county: index for index, (county, _, _) in enumerate(scores)}
    return tuple(sorted(ranked, key=lambda s: (s.rank is None, s.rank or 0, order[s.county])))
