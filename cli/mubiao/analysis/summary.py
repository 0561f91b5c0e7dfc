"""The facts behind a year-end summary draft (年度工作总结, `mubiao summary`), for the city or one county.

Like the monthly report, this is a view of the gap rows at the as-of date: each indicator's row for the area
(the county's own row, or the city row), the counties that met it or fell short, and the notes to fold in.
The words are written elsewhere (`render/summary.py`, from templates); nothing here formats a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from mubiao.analysis.gaps import GapRow, Gaps, compute_gaps
from mubiao.analysis.notes import Note, latest_notes
from mubiao.models import CITY, Goal, Indicator, Plan, Status

if TYPE_CHECKING:
    import pandas

#: The order of a goal's indicators in its paragraph: what was done first, then the rest from best to worst.
ACHIEVEMENT_ORDER = (Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.MISSED, Status.NO_DATA,
                     Status.NO_TARGET)


@dataclass(frozen=True)
class Fact:
    """One indicator as the draft states it."""

    indicator: Indicator
    row: GapRow
    """The area's row: the county's own row, or the city row (the one row of a scope-city indicator)."""
    met_counties: tuple[str, ...]
    """City drafts: the ids of the counties whose own row is met (plan order); empty in a county draft."""
    short_counties: tuple[str, ...]
    """City drafts: the ids of the counties that report the indicator and have not met it (plan order); before
    its deadline, only those behind or missed (a county on its way is not short mid-year)."""
    notes: tuple[Note, ...]
    """The notes to fold into the sentence: a county draft, the county's newest note on the indicator; a city
    draft, the newest note of 市本级 (the city's own report)."""
    causes: tuple[Note, ...]
    """For an unmet indicator: what the area (county draft) or the short counties (city draft) wrote last."""
    unmet: bool
    """Not met, and either behind or missed, or already due (its deadline is on or before the as-of date):
    at year end a target still short on its deadline day is a shortfall even when the status is at_risk."""
    missing_counties: tuple[str, ...] = ()
    """City drafts: the ids of the counties that report the indicator and have sent no figure (未报送, never
    未达标: they are not among `short_counties`)."""
    counties_total: int = 0
    """City drafts: how many counties report the indicator (met, short, missing, and mid-year those on their
    way, who are in none of the three)."""


@dataclass(frozen=True)
class GoalFacts:
    goal: Goal
    facts: tuple[Fact, ...]
    """Met first, then from best status to worst; plan order among equals."""


@dataclass(frozen=True)
class Section:
    """A part of the draft's first section: a goal, or a theme of the plan (`[[themes]]`) with what it holds."""

    heading: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Summary:
    """Everything a summary draft states, for the city (county None) or one county."""

    gaps: Gaps
    county: str | None
    goals: tuple[GoalFacts, ...]
    """In plan order; goals with no indicator for the area are left out."""

    @property
    def plan(self) -> Plan:
        return self.gaps.plan

    @property
    def as_of(self) -> dt.date:
        return self.gaps.as_of

    @property
    def year(self) -> int:
        """The year the draft sums up: the as-of date's."""
        return self.gaps.as_of.year

    @property
    def sections(self) -> tuple[Section, ...]:
        """The parts of 一: each goal under its title, or, where the plan has themes, each theme where its first
        goal (or indicator) comes, holding its goals' facts and the indicators it takes from other goals. A
        theme's heading is its `title` when nothing under it fell short, else its `plain` words (else the title
        of its first goal, or of its first indicator's goal): a heading that says 持续提升 has to be true."""
        themes = self.plan.themes
        if not themes:
            return tuple(Section(goal.goal.title, goal.facts) for goal in self.goals)
        theme_of = {item: t for t, theme in enumerate(themes) for item in theme.goals + theme.indicators}
        facts: dict[int | str, list[Fact]] = {}  # a theme's number, or a goal id
        place: dict[int | str, tuple[int, int]] = {}  # where each part comes: its first goal, the goal's own first
        for number, goal in enumerate(self.goals):
            for fact in goal.facts:
                key = theme_of.get(fact.indicator.id, theme_of.get(goal.goal.id, goal.goal.id))
                place.setdefault(key, (number, int(key != theme_of.get(goal.goal.id, goal.goal.id))))
                facts.setdefault(key, []).append(fact)
        order = sorted(facts, key=lambda key: place[key])
        titles = {goal.goal.id: goal.goal.title for goal in self.goals}
        sections = []
        for key in order:
            if isinstance(key, str):
                sections.append(Section(titles[key], tuple(facts[key])))
                continue
            theme, held = themes[key], tuple(facts[key])
            short = any(fact.unmet or fact.short_counties for fact in held)
            first = next((titles[g] for g in theme.goals if g in titles),  # else the goal of its first item
                         next((titles[f.indicator.goal] for f in held if f.indicator.goal in titles), theme.title))
            sections.append(Section((theme.plain or first) if short else theme.title, held))
        return tuple(sections)

    @property
    def shortfalls(self) -> tuple[Fact, ...]:
        """The unmet indicators (存在的困难和不足, and the lines carried into next year), in plan order."""
        order = {ind.id: index for index, ind in enumerate(self.plan.indicators)}
        unmet = [fact for goal in self.goals for fact in goal.facts if fact.unmet]
        return tuple(sorted(unmet, key=lambda fact: order[fact.indicator.id]))


def build_summary(plan: Plan, progress: "pandas.DataFrame", as_of: dt.date | None = None,
                  county: str | None = None) -> Summary:
    """The summary facts of the city (county None) or of one county at `as_of` (default: the latest month)."""
    gaps = compute_gaps(plan, progress, as_of)
    return summary_of(gaps, latest_notes(plan, progress, gaps.period), county)


def summary_of(gaps: Gaps, notes: Mapping[tuple[str, str], Note], county: str | None = None) -> Summary:
    """The summary of computed gap rows; `notes` maps (indicator id, county id or `city`) to the newest note."""
    plan = gaps.plan
    rows: dict[str, list[GapRow]] = {}
    for row in gaps.rows:
        rows.setdefault(row.indicator, []).append(row)
    rank = {status: index for index, status in enumerate(ACHIEVEMENT_ORDER)}
    goals = []
    for goal in plan.goals:
        facts = [fact for ind in goal.indicators if (fact := _fact(gaps, ind, rows.get(ind.id, []), notes, county))]
        if facts:
            goals.append(GoalFacts(goal, tuple(sorted(facts, key=lambda fact: rank[fact.row.status]))))
    return Summary(gaps, county, tuple(goals))


def _fact(gaps: Gaps, ind: Indicator, rows: list[GapRow], notes: Mapping[tuple[str, str], Note],
          county: str | None) -> Fact | None:
    """The indicator's fact for the area, or None when the area has no row for it (a county draft leaves out
    scope-city indicators and those the county does not report)."""
    own = [row for row in rows if row.county == county]
    if not own:
        return None
    row = own[0]
    unmet = row.status is not Status.MET and (row.status in (Status.BEHIND, Status.MISSED)
                                              or (row.target is not None and row.deadline <= gaps.as_of))
    if county is not None:
        own_note = tuple(n for n in [notes.get((ind.id, county))] if n)
        return Fact(ind, row, (), (), own_note, own_note if unmet else (), unmet)
    counties = [r for r in rows if gaps.directly_within(r.county)]  # a province: its cities
    met = tuple(r.county for r in counties if r.status is Status.MET)
    if row.deadline <= gaps.as_of:  # due: every area that has not met it is short
        short = tuple(r.county for r in counties if r.status not in (Status.MET, Status.NO_DATA))
    else:  # before the deadline: only the areas behind their pace (the others are on their way)
        short = tuple(r.county for r in counties if r.status in (Status.BEHIND, Status.MISSED))
    missing = tuple(r.county for r in counties if r.status is Status.NO_DATA)
    city_note = tuple(n for n in [notes.get((ind.id, CITY))] if n)
    causes = tuple(notes[(ind.id, c)] for c in short if (ind.id, c) in notes) or city_note
    return Fact(ind, row, met, short, city_note, causes if unmet else (), unmet, missing, len(counties))
