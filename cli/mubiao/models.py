"""The plan as a small, frozen domain model (docs/contract.md §2).

Every default of the format is resolved here, once, so that nothing downstream has to know them:
an indicator always has a direction, a baseline, a deadline, a pace, an owner (or None) and a scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence

#: The county id reserved for the city itself (市本级): it feeds `scope = "city"` indicators.
CITY = "city"


class Kind(str, Enum):
    """How a county's number is read and how the city number is made from the counties."""

    COUNT = "count"  # cumulative total to date (累计); city = sum
    LEVEL = "level"  # the level in force (a standard); city = the worst county
    RATIO = "ratio"  # numerator / denominator x scale; city = sum(num) / sum(den) x scale
    MILESTONE = "milestone"  # done or not; city = share of counties done
    # extension (docs/plan-format.md "Tasks"):
    TASK = "task"  # a task without a number (督办事项): the stage it has reached; city = the least advanced area

    @property
    def done_or_not(self) -> bool:
        """Whether the kind's figure is the share of its way done (0 to 1) rather than a number in a unit: its
        target is 1 and its baseline 0 everywhere."""
        return self in (Kind.MILESTONE, Kind.TASK)


class Direction(str, Enum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Pace(str, Enum):
    """How the expected value moves between the points (start, milestones, deadline)."""

    LINEAR = "linear"  # interpolated by calendar day
    STEP = "step"  # the target of the last point reached
    # extensions (docs/plan-format.md "Pace"):
    NONE = "none"  # only the deadline (and milestones) count: work done once, at a time of its own
    QUARTERLY = "quarterly"  # the linear pace, asked for at each quarter's end (work reported by the quarter)
    PROFILE = "profile"  # the plan's cumulative share for each month (seasonal work: `profile = [...]`)


class Form(str, Enum):
    """What a target asks (docs/plan-format.md "Target forms")."""

    REACH = "reach"  # reach T from the baseline, on the way the pace sets (the contract's §4)
    KEEP = "keep"  # hold at T or beyond the whole time (不低于 / 保持 / 不超过): T may be where the figure stands


class Scope(str, Enum):
    COUNTY = "county"  # every county reports
    CITY = "city"  # reported once, by `city`


class Status(str, Enum):
    """Where a row stands at the as-of date (docs/contract.md §4)."""

    MET = "met"  # the target is reached
    ON_TRACK = "on_track"  # at or ahead of the time-elapsed pace (序时进度)
    AT_RISK = "at_risk"  # a little behind the pace, or a step target due soon and not yet met
    BEHIND = "behind"  # more than `[plan.status] behind` percentage points behind the pace
    MISSED = "missed"  # the deadline has passed and the target is not reached
    NO_DATA = "no_data"  # no record up to the as-of month (missing is never zero)
    NO_TARGET = "no_target"  # a count row with no county target

    @property
    def severity(self) -> int:
        """Rank from worst (0) to best: missed, behind, at_risk, no_data, no_target, on_track, met."""
        return WORST_FIRST.index(self)


#: Statuses from worst to best: the order of a level city row's status and of `--fail-on` (docs/contract.md §4).
WORST_FIRST = (Status.MISSED, Status.BEHIND, Status.AT_RISK, Status.NO_DATA, Status.NO_TARGET, Status.ON_TRACK,
               Status.MET)


def frozen_mapping(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class County:
    """An area of the plan: a reporting unit (县/市/区, or a town), or, when other areas name it as their
    `parent`, a region that adds up its own (a province's city: docs/plan-format.md, "areas within areas")."""

    id: str
    name: str
    parent: str | None = None
    """The area this one is part of (None: directly under the whole)."""


@dataclass(frozen=True)
class Owner:
    """A responsible department (牵头处室/责任单位)."""

    id: str
    name: str


@dataclass(frozen=True)
class StatusThresholds:
    """`[plan.status]`: the thresholds of the status rules (docs/contract.md §4)."""

    at_risk: float = 0.0
    """Shortfall, in percentage points below expected progress, above which a row is at_risk."""
    behind: float = 20.0
    """Shortfall, in percentage points, above which a row is behind."""
    due_soon_days: int = 30
    """A step-paced row not yet met this many days or fewer before its deadline is at_risk."""


@dataclass(frozen=True)
class Levels:
    """`[plan.levels]`: what the plan's levels are called, in every output (docs/plan-format.md, "levels").
    The defaults are a city bureau's; `levels_of` works out a district's, a county's or a province's from the
    organisation's name."""

    whole: str = "全市"
    """The whole area, the row that adds up the units (全市, 全区, 全县, 全省)."""
    units: str = "县(市、区)"
    """The reporting units as a heading or a column (县(市、区), 乡镇(街道), 市(州))."""
    unit: str = "县"
    """One unit in running text: 滞后的县, 6/10 县完成, 本县目标, 各县."""
    own: str = "市本级"
    """The bureau's own row, as a reporting unit (市本级, 区本级, 县本级, 省本级)."""
    unit_bureaus: bool = True
    """Whether each unit has a civil-affairs bureau of its own (a county has one, a township does not): a
    unit's year-end draft is that bureau's summary, else the unit's report to the plan's bureau."""
    office: str = "处室"
    """The bureau's departments (责任处室, 分处室情况): a district's or a county's bureau has 科室."""
    middle: tuple[str, ...] = ()
    """A deeper plan's regions, one word per level from the top (a province's cities: 市): 各市, 滞后的市."""

    def region(self, depth: int) -> str:
        """The word of the regions `depth` levels below the whole (1: the first), 区域 where none is given."""
        return self.middle[depth - 1] if 0 < depth <= len(self.middle) else "区域"


#: The words of each kind of bureau, by what its organisation's name ends with (the first that fits).
LEVELS_BY_ORGANIZATION = (
    (("民政厅",), Levels(whole="全省", units="市(州)", unit="市", own="省本级", middle=("市",))),
    (("区民政局",), Levels(whole="全区", units="乡镇(街道)", unit="镇街", own="区本级", unit_bureaus=False,
                           office="科室")),
    (("县民政局", "旗民政局"), Levels(whole="全县", units="乡镇", unit="乡镇", own="县本级", unit_bureaus=False,
                                 office="科室")),
)


def levels_of(organization: str) -> Levels:
    """The default words of a bureau by its name: …民政厅 a province, …区民政局 a district, …县民政局 a county,
    anything else a city (a county-level city such as 晋江市民政局 cannot be told from its name: its plan says
    `[plan.levels]`)."""
    for endings, levels in LEVELS_BY_ORGANIZATION:
        if organization.endswith(endings):
            return levels
    return Levels()


#: A task's stages when its plan names none: not started, under way, done (未启动 / 推进中 / 已完成).
DEFAULT_STAGES = ("未启动", "推进中", "已完成")


def stage_share(stages: Sequence[str], place: int) -> float:
    """The share of a task's way the stage at `place` among its stages is: 0 the first, 1 the last (done)."""
    return place / (len(stages) - 1)


def stage_at(stages: Sequence[str], share: float) -> str:
    """The stage word of a task's figure, the share of its way it has come (0 the first stage, 1 the last): the
    stage at or below it."""
    steps = len(stages) - 1
    if not 0 <= share <= 1:  # (beyond the way, or no number at all: NaN fails both)
        return stages[-1] if share > 1 else stages[0]
    return stages[int(share * steps + 1e-9)]


@dataclass(frozen=True)
class Milestone:
    """An interim target: the value the indicator should reach by `date`; a task's node (节点), the stage it
    should have reached by `date` (its target the share of the way that stage is)."""

    date: dt.date
    target: float
    stage: str | None = None
    """A task's node: its stage word (完成方案)."""


@dataclass(frozen=True)
class Indicator:
    """One measurable target of a goal, with every default of docs/contract.md §2 resolved."""

    id: str
    name: str
    goal: str
    """The id of the goal the indicator belongs to."""
    kind: Kind
    target: float
    """The plan's (city) target; 1 for a milestone."""
    baseline: float
    """The value at plan start (default 0)."""
    deadline: dt.date
    direction: Direction = Direction.INCREASE
    pace: Pace = Pace.LINEAR
    form: Form = Form.REACH
    unit: str | None = None
    owner: str | None = None
    """Owner id: the indicator's own, else its goal's; None when neither gives one."""
    scope: Scope = Scope.COUNTY
    source: str | None = None
    """The plan's own words for the target."""
    milestones: tuple[Milestone, ...] = ()
    allocation: Mapping[str, float] = field(default_factory=lambda: frozen_mapping(None))
    """Per-county targets, by county id."""
    per_county: float | None = None
    """The same target for every county."""
    baselines: Mapping[str, float] = field(default_factory=lambda: frozen_mapping(None))
    """Per-county baselines, by county id."""
    scale: float | None = None
    """Ratio only: 100 for %, 10000 for per 10k, 1 for a plain ratio."""
    counties: tuple[str, ...] | None = None
    """Extension: the ids of the only counties that report this indicator (None: all of them)."""
    summary: str | None = None
    """Extension: a jinja2 template of the indicator's sentence in summary drafts (docs/summary.md)."""
    profile: tuple[float, ...] = ()
    """`pace = "profile"`: the cumulative share (0–100) of the way due by the end of each month from the plan's
    start, the last at the deadline's month."""
    stages: tuple[str, ...] = ()
    """A task's stage words in order, from not started to done (none for the other kinds)."""
    stock: bool = False
    """Extension, counts: the figure is what stands (现有总数, a stock since before the plan), not what was done
    since its start: it may fall, and each area's `baselines` are where it stood."""
    own_counts: bool = False
    """Extension: the city's own figures (市本级, reported in `city.csv`) count into the whole's beside the units'
    (a count's sum, a ratio's parts): work the bureau does itself as well as its counties."""
    growth: float | None = None
    """Extension: the target stated as growth over last year (增长5%): `target` is worked out from it."""
    stretch: float | None = None
    """Extension: the plan's stretch target beside its firm one (力争15个), for the whole; with `ranged`, the upper
    end of a range whose lower end is the target (10-15个)."""
    ranged: bool = False

    @property
    def is_task(self) -> bool:
        return self.kind is Kind.TASK

    @property
    def ratio_scale(self) -> float:
        """A ratio's scale (100 unless the plan says), NaN for any other kind."""
        if self.kind is not Kind.RATIO:
            return float("nan")
        return self.scale if self.scale is not None else 100.0

    def county_target(self, county: str) -> float | None:
        """The county's target (docs/contract.md §2): None for a count with no allocation or per_county."""
        return self.county_targets([county])[0]

    def county_targets(self, counties: Sequence[str]) -> list[float | None]:
        """The target of each county: its `allocation`, else `per_county`, else the plan's target (none for a
        count); a milestone's is 1."""
        if self.kind.done_or_not:
            return [1.0] * len(counties)
        default = self.per_county if self.per_county is not None else (None if self.kind is Kind.COUNT
                                                                        else self.target)
        if self.growth is not None and self.per_county is None and self.kind is not Kind.COUNT and self.baselines:
            # 增长5% for every area: each from its own baseline (a county with none, from the plan's)
            grown = [self.baselines[county] * (1 + self.growth / 100) if county in self.baselines else self.target
                     for county in counties]  # (an area without a baseline of its own: the plan's grown target)
            return [self.allocation.get(county, value) for county, value in zip(counties, grown)]
        if not self.allocation:  # (a national plan's indicators, most of them: 2,844 counties each)
            return [default] * len(counties)
        return [self.allocation.get(county, default) for county in counties]

    def county_baseline(self, county: str) -> float:
        """The county's baseline: `baselines[c]`, else 0 for a count, else the plan baseline."""
        return self.county_baselines([county])[0]

    def county_baselines(self, counties: Sequence[str]) -> list[float]:
        """The baseline of each county: its `baselines` entry, else 0 for a count, a milestone or a task, else the
        plan's."""
        default = 0.0 if self.kind is Kind.COUNT or self.kind.done_or_not else self.baseline
        if not self.baselines:
            return [default] * len(counties)
        return [self.baselines.get(county, default) for county in counties]


@dataclass(frozen=True)
class Goal:
    """A task of the plan (主要任务) and its indicators, in plan order: its indicators with numbers, then its tasks
    without (督办事项, kind `task`)."""

    id: str
    title: str
    owner: str | None = None
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Theme:
    """`[[themes]]`: a part of the year-end summary that groups goals (and single indicators) under the heading a
    summary uses rather than the plan's goal titles: seed 004's "民生兜底保障水平持续提升" over the plan's
    "重点推进社会救助稳步提标扩面" (docs/plan-format.md "Themes")."""

    title: str
    """The heading when everything under it was done: it may judge ("持续提升")."""
    plain: str | None = None
    """The heading when something under it fell short (a heading claims nothing the figures do not show);
    without it the draft says the title of the first goal."""
    goals: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    """Indicators of other goals that this theme speaks of (社会工作站 under 社会组织管理和社会工作)."""


@dataclass(frozen=True)
class Rule:
    """`[[rules]]`: a validation rule across indicators, checked on each area's figures of each month (after DHIS2's
    validation rules; docs/plan-format.md "Validation rules")."""

    id: str
    name: str
    """What the rule says, in words (户数不超过人数)."""
    rule: str
    """The comparison, `{G02-dibao-hu} <= {G02-dibao-ren}` (mubiao/rules.py)."""


@dataclass(frozen=True)
class Plan:
    """A work plan (工作要点) or a multi-year plan (规划), as encoded in `targets/<id>.toml`."""

    id: str
    title: str
    organization: str
    start: dt.date
    end: dt.date
    language: str = "zh"
    source: str | None = None
    status: StatusThresholds = StatusThresholds()
    levels: Levels = Levels()
    counties: tuple[County, ...] = ()
    """The reporting units (the areas no other area names as its parent), in plan order."""
    owners: tuple[Owner, ...] = ()
    goals: tuple[Goal, ...] = ()
    path: Path | None = None
    """The file the plan was read from, if any."""
    due_day: int | None = None
    """The day of the next month by which a month's files are due (`due_day = 5`), if the plan says."""
    first_issue: int | None = None
    """The number (期号) of the report of the plan's first month, if the plan numbers its reports."""
    themes: tuple[Theme, ...] = ()
    """The summary's parts, in order, when the plan groups its goals (else each goal is a part)."""
    rules: tuple[Rule, ...] = ()
    """The validation rules across indicators, in plan order."""
    regions: tuple[County, ...] = ()
    """A deeper plan's regions (areas with areas of their own: a province's cities), in plan order; they report
    nothing themselves, their figures are rolled up from their units (`areas` puts each before what is in it)."""

    @property
    def first_month(self) -> str:
        """The month the plan starts, `YYYY-MM` (progress is reported by month)."""
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def last_month(self) -> str:
        """The month the plan ends, `YYYY-MM`."""
        return f"{self.end.year:04d}-{self.end.month:02d}"

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in plan order (goal, then indicator; a goal's tasks after its indicators)."""
        return tuple(ind for goal in self.goals for ind in goal.indicators)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError when there is none)."""
        return self._by_id[0][indicator_id]

    def county(self, county_id: str) -> County:
        """The county with this id (KeyError when there is none)."""
        return self._by_id[1][county_id]

    def owner(self, owner_id: str) -> Owner:
        """The owner with this id (KeyError when there is none)."""
        return self._by_id[2][owner_id]

    @cached_property
    def _by_id(self) -> tuple[dict[str, Indicator], dict[str, County], dict[str, Owner]]:
        """Indicators, counties and owners by id (a plan of 100,000 indicators is looked up once per row), the
        first of an id where a plan with errors has several."""
        def first(items):
            found = {}
            for item in items:
                found.setdefault(item.id, item)
            return found

        return first(self.indicators), first(self.counties), first(self.owners)

    def reporting_counties(self, indicator: Indicator) -> tuple[County, ...]:
        """The counties that report an indicator, in plan order (none for scope city); a region named in its
        `counties` stands for every unit within it."""
        if indicator.scope is Scope.CITY:
            return ()
        if indicator.counties is None:
            return self.counties
        wanted = set(indicator.counties)
        return tuple(c for c in self.counties if c.id in wanted or not wanted.isdisjoint(self.ancestors(c.id)))

    def ancestors(self, area_id: str) -> tuple[str, ...]:
        """The regions an area is within, nearest first (none in a two-level plan)."""
        return self._tree[0].get(area_id, ())

    def depth(self, area_id: str) -> int:
        """How many levels an area is below the whole (1: directly under it)."""
        return len(self.ancestors(area_id)) + 1

    def children(self, area_id: str | None) -> tuple[County, ...]:
        """The areas directly within a region (None: directly under the whole): its regions, then its units,
        each in plan order."""
        return self._tree[1].get(area_id, ())

    def region(self, area_id: str) -> County:
        """The region with this id (KeyError when there is none)."""
        return self._tree[2][area_id]

    def area_name(self, area_id: str) -> str:
        """The name of a unit or a region."""
        found = self._tree[2].get(area_id) or self._by_id[1].get(area_id)
        return found.name if found else area_id

    @cached_property
    def area_codes(self) -> dict[str, int]:
        """Each area's code in the engine and the gap table: 0 is the whole (and `city`, its own reports), then
        the units in plan order from 1, then the regions (`coded_areas`)."""
        return {CITY: 0, **{area.id: code for code, area in enumerate(self.coded_areas, start=1)}}

    @property
    def coded_areas(self) -> tuple[County, ...]:
        """The areas in the order of their codes (`area_codes`): the units, then the regions."""
        return (*self.counties, *self.regions)

    @cached_property
    def areas(self) -> tuple[County, ...]:
        """Every area, regions and units, each region followed by what is within it (the order of the rows)."""
        ordered: list[County] = []

        def walk(parent: str | None) -> None:
            for area in self.children(parent):
                ordered.append(area)
                walk(area.id)

        walk(None)
        return tuple(ordered)

    @cached_property
    def _tree(self) -> tuple[dict[str, tuple[str, ...]], dict[str | None, tuple[County, ...]], dict[str, County]]:
        """Each area's ancestors, each region's children, the regions by id (a plan with a loop of parents,
        which `check` refuses, stops at the loop)."""
        regions = {region.id: region for region in self.regions}
        children: dict[str | None, list[County]] = {}
        for area in (*self.regions, *self.counties):
            children.setdefault(area.parent if area.parent in regions else None, []).append(area)
        ancestors: dict[str, tuple[str, ...]] = {}
        for area in (*self.regions, *self.counties):
            chain, parent = [], area.parent
            while parent in regions and parent not in chain and parent != area.id:
                chain.append(parent)
                parent = regions[parent].parent
            if chain:
                ancestors[area.id] = tuple(chain)
        return ancestors, {key: tuple(value) for key, value in children.items()}, regions
