"""The words reports use, in the plan's language (`[plan] language`: zh or en)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Mapping, TypeVar

from mubiao.models import Levels, Plan, Status


@dataclass(frozen=True)
class Labels:
    city: str
    """The city row (全市)."""
    city_itself: str
    """The city's own reports (市本级), as a reporting unit."""
    statuses: Mapping[Status, str]
    # column headings
    county: str
    indicator: str
    actual_target: str
    progress: str
    expected_progress: str
    status: str
    reported: str
    counties: str
    rank: str
    mean_progress: str
    expected: str
    shortfall: str
    projected: str
    reports: str
    # words inside rows and headings
    as_of: str
    target: str
    owner: str
    will_meet: str
    will_miss: str
    yes: str
    no: str
    done_counties: str
    """After `8/10` on a milestone's city row: counties done of all."""
    behind_by: str
    ahead_by: str
    points: str
    """After a shortfall in running text: `落后 5.5 个百分点`."""
    pace: str
    """Before the expected progress in a table cell: `44%(序时 49%)`."""
    not_reported: str
    """Before the list of counties that have not reported this month."""
    items: str
    """How many indicators, after a county's name: a format with one `{}`."""
    list_separator: str
    # notes and legends
    stale_note: str
    refused_note: str
    refused_words: str
    """A refused figure beside a row's facts: `{period}`, `{code}`, `{used}` (the month used, or none)."""
    """The legend of `!` after a row's month: a later figure was refused (`Gaps.refused`)."""
    partial_note: str
    """The legend of a partial city figure: `{reporting}` of `{total}` (the first partial row's: `partial_legend`)."""
    expected_mark_note: str
    no_rows: str
    other_views: str
    nothing_within: str
    """A scoreboard of an area with no areas within it."""
    """The last line of the gaps table: how to get the other views."""
    mean_progress_note: str
    sparkline_note: str
    """Under `mubiao show`'s sparklines; `{gap}` is the character of a month with no report."""
    notes_heading: str
    # tasks without a number (督办事项)
    task: str
    """What a task is called beside an indicator: 督办事项."""
    node_missed: str
    """A task behind its node: `{when}` (6月底) and `{stage}`."""
    node_near: str
    next_node: str
    deadline_near: str
    deadline_passed: str
    nodes: str
    """A task's nodes, `{}` their list (节点 6月底完成方案、9月底开展试点)."""
    node_stage: str
    deadline: str
    stretch: str
    """Before a stretch target beside the firm one: `10 个(力争 15)`."""
    month_end: str
    """A day that ends its month, as a plan says it (6月底): `{year}`, `{month}`, `{month_name}`."""
    month_day: str
    year_word: str
    """The year before a day of another year than the deadline's: `{}`."""


ZH = Labels(
    city="全市",
    city_itself="市本级",
    statuses=MappingProxyType({
        Status.MET: "已完成", Status.ON_TRACK: "正常推进", Status.AT_RISK: "有风险", Status.BEHIND: "滞后",
        Status.MISSED: "未完成", Status.NO_DATA: "未报送", Status.NO_TARGET: "无目标",
    }),
    county="地区", indicator="指标", actual_target="完成 / 目标", progress="进度", expected_progress="序时进度",
    status="状态", reported="数据月份",
    counties="县(市、区)", rank="排名", mean_progress="平均进度", expected="序时目标", shortfall="对照序时",
    projected="按近期进度预计", as_of="截至", stale_note="* 该县本月未报,沿用最近一次报送的数据",
    refused_note="! 本月报送的这一项有错误,未采用(出错的文件和改法见 mubiao check),此处是此前报送的数据",
    refused_words="{period} 报送的数据有错误({code}),未采用,{used}",
    partial_note="{reporting}/{total}:全市数只汇总了已报送的县({total} 个中的 {reporting} 个),是部分数据",
    expected_mark_note="┃ 序时进度(按时间应达到的位置)", reports="报送", target="目标",
    will_meet="预计能完成", will_miss="预计完不成", owner="责任处室",
    yes="是", no="否", done_counties="县完成", behind_by="落后", ahead_by="超前", points="个百分点",
    not_reported="未报送:", pace="序时", no_rows="(没有符合条件的行)",
    nothing_within="其下没有可排名的下级区域(--area 请写一个上级区域,或去掉 --by county)",
    other_views="其他视图:--by county 各县排名 · mubiao show <指标编号> 单个指标 · --status behind 只看滞后 · "
                "--format md|csv|json 导出",
    mean_progress_note="平均进度:各指标完成进度(封顶 100%)的平均数,未报送的指标不计入(见“未报送”列)。",
    sparkline_note="{gap} 当月未报送 · 每行以基期值为底、目标值为顶", notes_heading="各县填报说明(新的在前)",
    items="({} 项)", list_separator="、",
    task="督办事项", node_missed="节点“{when}{stage}”未完成", node_near="节点“{when}{stage}”临近",
    next_node="下一节点“{when}{stage}”", deadline_near="期限{when}临近", deadline_passed="期限{when}已到期",
    stretch="力争", nodes="节点:{}", node_stage="{when}{stage}", deadline="期限{}",
    month_end="{year}{month}月底", month_day="{year}{month}月{day}日", year_word="{}年",
)

EN = Labels(
    city="City",
    city_itself="city (own reports)",
    statuses=MappingProxyType({
        Status.MET: "met", Status.ON_TRACK: "on track", Status.AT_RISK: "at risk", Status.BEHIND: "behind",
        Status.MISSED: "missed", Status.NO_DATA: "no data", Status.NO_TARGET: "no target",
    }),
    county="Area", indicator="Indicator", actual_target="actual / target", progress="progress",
    expected_progress="expected progress", status="status",
    reported="data month", counties="County", rank="rank", mean_progress="mean progress", expected="expected",
    shortfall="vs pace", projected="projected at recent pace", as_of="as of",
    stale_note="* no report this month: the latest earlier report is used",
    refused_note="! this month's figure has an error and was not used (mubiao check says where and how to mend "
                 "it): the figure shown is an earlier one",
    refused_words="the {period} figure has an error ({code}) and was not used; {used}",
    partial_note="{reporting}/{total}: the city figure adds up only the counties that reported "
                 "({reporting} of {total}): a partial figure",
    expected_mark_note="┃ expected progress (where the time elapsed says it should be)", reports="reports",
    target="target", will_meet="will meet", will_miss="will miss",
    owner="owner",
    yes="yes", no="no", done_counties="done", behind_by="behind", ahead_by="ahead", points="percentage points",
    not_reported="not reported: ", pace="expected", no_rows="(no rows match)",
    nothing_within="no areas within it to rank (give --area a region, or leave out --by county)",
    other_views="Other views: --by county scoreboard · mubiao show <indicator> · --status behind · "
                "--format md|csv|json",
    mean_progress_note="mean progress: the mean of each indicator's progress, capped at 100%; unreported "
                       "indicators are left out (see the no-data column).",
    sparkline_note="{gap} nothing reported that month · each line runs from baseline to target",
    notes_heading="notes from the counties (newest first)", items=" ({} indicators)", list_separator=", ",
    task="task", node_missed="milestone {when} ({stage}) not reached", node_near="milestone {when} ({stage}) due soon",
    next_node="next milestone {when} ({stage})", deadline_near="deadline {when} due soon",
    deadline_passed="deadline {when} reached",
    stretch="stretch", nodes="milestones {}", node_stage="{stage} by {when}", deadline="deadline {}",
    month_end="end of {month_name}{year}", month_day="{day} {month_name}{year}", year_word=" {}",
)


def labels(plan: Plan | str) -> Labels:
    """The labels of a plan (its language, Chinese unless it says `en`, and its levels' words), or of a
    language with a city bureau's words."""
    return _in_plan_words(EN, ZH, plan)


def labels_within(plan: Plan, area: str | None) -> Labels:
    """The labels of what ranks or lists the areas directly within `area` (None: the whole) of a deeper plan:
    in the words of `levels_within` (a province's scoreboard says 市, a city's its counties' word)."""
    if plan.language == "en" or not plan.regions:
        return labels(plan)
    return _worded(ZH, levels_within(plan, area))


def levels_within(plan: Plan, area: str | None) -> Levels:
    """The words of a deeper plan seen from one of its areas (None: the whole): that area is the whole (临江市),
    the areas directly within it are the units (a province's cities: 市; a city's counties: the plan's
    `units`)."""
    levels = plan.levels
    if area is not None:
        levels = replace(levels, whole=plan.area_name(area))
    within = plan.children(area)
    if within and within[0].id in {region.id for region in plan.regions}:
        word = levels.region(plan.depth(within[0].id))
        levels = replace(levels, units=word, unit=word)
    return levels


#: The words of a city bureau in the fixed Chinese texts, and what each becomes in a plan's `Levels`.
_CITY_WORDS = re.compile("|".join(map(re.escape, ("县(市、区)", "全市", "市本级", "县", "处室"))))
_Words = TypeVar("_Words")


def in_words(text: str, levels: Levels) -> str:
    """A fixed Chinese text (a label, a heading, a sentence template: never data, where 浦江县 is a name) in a
    plan's words: 全市 → whole, 县(市、区) → units, 市本级 → own, 县 → unit, 处室 → office, in one pass."""
    if levels == Levels():
        return text
    words = {"县(市、区)": levels.units, "全市": levels.whole, "市本级": levels.own, "县": levels.unit,
             "处室": levels.office}
    return _CITY_WORDS.sub(lambda found: words[found.group()], text)


def worded(words: _Words, plan: Plan) -> _Words:
    """A record of Chinese fixed words (labels, headings) in the plan's levels' words (`in_words`)."""
    return _worded(words, plan.levels)


def _in_plan_words(english: _Words, chinese: _Words, plan: Plan | str) -> _Words:
    if isinstance(plan, str):
        return english if plan == "en" else chinese
    return english if plan.language == "en" else _worded(chinese, plan.levels)


_WORDED: dict[tuple[int, Levels], object] = {}


def _worded(words: _Words, levels: Levels) -> _Words:
    """Every text field of a labels record in `levels`' words (`in_words`), made once per record and levels."""
    key = (id(words), levels)
    if key not in _WORDED:
        _WORDED[key] = _reworded(words, levels)
    return _WORDED[key]  # type: ignore[return-value]


def _reworded(words: _Words, levels: Levels) -> _Words:
    changed = {}
    for field in fields(words):
        value = getattr(words, field.name)
        if isinstance(value, str):
            changed[field.name] = in_words(value, levels)
        elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            changed[field.name] = tuple(in_words(item, levels) for item in value)
        elif isinstance(value, Mapping):
            changed[field.name] = MappingProxyType({key: in_words(item, levels) for key, item in value.items()})
    return replace(words, **changed)


@dataclass(frozen=True)
class ReportLabels:
    """The words of the monthly report (`mubiao report`): its title, sections and workbook sheets."""

    title: str
    """`{title}` is the plan's title: `2021年全市民政工作要点推进情况通报`."""
    byline: str
    """Under the title: `{organization}`, `{as_of}` (a date) and `{period}` (the data month)."""
    overview: str
    lagging: str
    counties: str
    owners: str
    completeness: str
    full_table: str
    follow_up: str
    """下一步要求 / 督办: each item behind or missed, by owner and by area, with what it needs by when."""
    follow_up_owners: str
    follow_up_areas: str
    no_follow_up: str
    no_owner: str
    """The group of 下一步要求 whose items name no owner."""
    overview_sentence: str
    """`{total}` indicators, then `{parts}`: each status with its count, joined."""
    status_count: str
    tasks_sentence: str
    """After the overview sentence, a plan with tasks: `{total}` tasks (督办事项), `{parts}` by status."""
    """`{status}` and `{count}`: one part of the overview sentence."""
    no_lagging: str
    counties_lagging: str
    """The heading, inside 滞后与未完成指标, of the indicators on track for the city with some counties behind."""
    lagging_counties: str
    """Before the lagging counties of an indicator."""
    notes: str
    """Before the counties' notes on a lagging indicator."""
    indicators: str
    """The column of how many indicators (分处室)."""
    indicators_and_tasks: str
    """That column where the plan has tasks without a number too: they are counted with the indicators."""
    lagging_indicators: str
    completeness_sentence: str
    """`{period}`, `{reported}` of `{expected}` (county, indicator) pairs, `{rate}`."""
    own_sentence: str
    """After it, where the plan has 市本级 indicators: `{reported}` of `{expected}`."""
    on_time_sentence: str
    """After them, where the plan names a due day: `{due}`, `{on_time}` of `{expected}` units, `{rate}`."""
    late_sentence: str
    """`{count}` units late: `{units}` (each with the day its file came)."""
    unknown_sentence: str
    """`{count}` units whose file has no receipt: `{units}`."""
    all_reported: str
    problems: str
    """Before the table of the files with errors: their refused rows (or the whole file) are not counted."""
    problems_columns: tuple[str, str, str]
    """The file, how many errors, the first of them."""
    missing: str
    """The column of the indicators a county has not reported."""
    grid_note: str
    """Under the county × indicator grid: what its letters and colours mean."""
    sheets: tuple[str, str, str, str]
    """The workbook's sheets: the city rows, the county rows, by owner, not reported."""
    chart_statuses: str
    """The title of the chart of indicators by status."""
    chart_counties: str
    """The title of the chart of each county's indicators by status."""


REPORT_ZH = ReportLabels(
    title="{title}推进情况通报",
    byline="{organization} · 截至 {as_of} · 数据月份 {period}",
    overview="一、总体情况", lagging="二、滞后与未完成指标", counties="三、各县(市、区)完成情况与排名",
    owners="四、分处室情况", completeness="五、报送情况", full_table="七、全部指标明细",
    follow_up="六、下一步要求", follow_up_owners="(一)各责任处室", follow_up_areas="(二)各县(市、区)",
    no_follow_up="本月没有需要督办的事项。", no_owner="未明确责任处室",
    overview_sentence="全市共 {total} 项指标:{parts}。", status_count="{status} {count} 项",
    tasks_sentence="督办事项 {total} 项:{parts}。",
    no_lagging="本月没有滞后或未完成的指标。", counties_lagging="全市未滞后、部分县滞后或未完成的指标",
    lagging_counties="滞后的县:", notes="各地说明:",
    indicators="指标数", indicators_and_tasks="指标和督办事项数", lagging_indicators="滞后与未完成的指标",
    completeness_sentence="{period} 应报 {expected} 项(县 × 指标),已报 {reported} 项,报送率 {rate}。",
    own_sentence="市本级应报 {expected} 项,已报 {reported} 项。",
    on_time_sentence="按时报送(截止 {due})的县 {on_time} 个,占应报 {expected} 个的 {rate}。",
    late_sentence="逾期报送 {count} 个:{units}。", unknown_sentence="{count} 个未记下收到时间:{units}。",
    all_reported="各县本月均已报送全部指标。", missing="未报送的指标",
    problems="以下文件有错误,出错的行(整份读不了的文件)未计入本通报;请按提示改正后重新报送:",
    problems_columns=("文件", "错误数", "第一处错误及改正方法"),
    grid_note="每格为该县该指标的状态;空白为该县不承担此项指标。",
    sheets=("全市", "分县", "分处室", "未报送"),
    chart_statuses="全市指标状态分布", chart_counties="各县指标状态分布",
)

REPORT_EN = ReportLabels(
    title="{title}: progress report",
    byline="{organization} · as of {as_of} · data month {period}",
    overview="1. Overview", lagging="2. Indicators behind or missed", counties="3. Counties and their rank",
    owners="4. By owner", completeness="5. Who has reported", full_table="7. All rows",
    follow_up="6. What must be done next", follow_up_owners="By owner", follow_up_areas="By county",
    no_follow_up="Nothing to follow up this month.", no_owner="No owner named",
    overview_sentence="{total} indicators for the city: {parts}.", status_count="{count} {status}",
    tasks_sentence=" {total} tasks: {parts}.",
    no_lagging="No indicator is behind or missed this month.",
    counties_lagging="Not behind for the city, with counties behind or missed", lagging_counties="Counties behind: ",
    notes="Notes from the counties: ", indicators="indicators", indicators_and_tasks="indicators and tasks", lagging_indicators="behind or missed",
    completeness_sentence="{period}: {reported} of {expected} (county, indicator) pairs reported, {rate}.",
    own_sentence=" The city itself: {reported} of {expected}.",
    on_time_sentence=" On time (by {due}): {on_time} of {expected} counties, {rate}.",
    late_sentence=" Late: {count}, {units}.", unknown_sentence=" No receipt for {count}: {units}.",
    problems="These files have errors; their rows in error (or the whole file) are not counted here:",
    problems_columns=("File", "Errors", "The first, and what to fix"),
    all_reported="Every county has reported every indicator this month.", missing="not reported",
    grid_note="Each cell is the county's status on the indicator; blank where the county does not report it.",
    sheets=("City", "Counties", "Owners", "Not reported"),
    chart_statuses="Indicators by status", chart_counties="Each county's indicators by status",
)


def report_labels(plan: Plan | str) -> ReportLabels:
    """The report's words in a plan's language and levels (`labels`); in a deeper plan, the parts that rank
    and list the areas directly under the whole say their word (a province's: 各市, 滞后的市), the rest the
    units' (报送: 县 × 指标)."""
    words = _in_plan_words(REPORT_EN, REPORT_ZH, plan)
    if isinstance(plan, str) or plan.language == "en" or not plan.regions:
        return words
    ranked = _worded(REPORT_ZH, levels_within(plan, None))
    return replace(words, **{name: getattr(ranked, name) for name in _RANKED_REPORT_WORDS},
                   lagging_counties="滞后的地区:", counties_lagging=in_words("全市未滞后、部分地区滞后或未完成的指标", plan.levels))
    # (the lagging areas of a deeper plan are of every level: 白沙市, and its 白水县)


def report_words(plan: Plan, area: str | None) -> tuple[Labels, ReportLabels]:
    """The labels and report words of the report of the whole (`report_labels`) or of a region (`--area`: that
    region is the whole, 临江市共 6 项指标, and the areas within it are the units)."""
    if area is None or plan.language == "en":
        return labels(plan), report_labels(plan)
    levels = levels_within(plan, area)
    return _worded(ZH, levels), _worded(REPORT_ZH, levels)


#: The report's words about the areas it ranks and lists (not about who reports).
_RANKED_REPORT_WORDS = ("counties", "grid_note", "chart_counties", "follow_up_areas")


@dataclass(frozen=True)
class SummaryLabels:
    """The fixed words of a year-end summary draft (`mubiao summary`); its sentences are templates."""

    title: str
    """`{organization}` (the bureau, or the county's bureau), `{year}` and `{period}` (上半年, 1—4月: a draft before
    the plan's end; empty at its end)."""
    unit_title: str
    """The title of a unit's draft where units have no bureau (a township's report to the district's bureau):
    `{organization}` (the unit) and `{year}`."""
    addressee: str
    """The line that addresses such a draft to the plan's bureau: `{organization}`."""
    review: str
    """The first part's heading: `{year}` and `{period}` (上半年 in a draft before the plan's end, else empty)."""
    shortfalls: str
    next_year: str
    """The third part's heading: `{next_year}`."""
    goal_lead: str
    """A goal's run-in heading: `{number}` (一, 二 … in Chinese) and `{title}`."""
    item: str
    """A numbered line of the second and third parts: `{number}` (1, 2 …)."""
    no_shortfalls: str
    """Part 二 when every indicator is met."""
    none_behind: str
    """Part 二 when none is behind or missed but `{count}` are not met yet (a mid-year draft): never a claim that
    everything is done."""
    next_year_intro: str
    next_steps: str
    """The third part's heading in a draft before the plan's end (a 半年总结): its next steps, not next year's."""
    next_steps_intro: str
    more: str
    more_area: str
    """The last item of 三 in the draft of an area without a bureau of its own (a township's report)."""
    """The last line of the third part: room for staff to add their own."""
    date: str
    """The signature date: `{year}`, `{month}`, `{day}`."""
    causes_separator: str
    """Between the causes of several counties."""
    cause: str
    """One county's cause in a city draft: `{area}` and `{text}` (notes mostly begin with a verb: 磐安县完成2家…)."""


SUMMARY_ZH = SummaryLabels(
    title="{organization}{year}年{period}工作总结(初稿)", unit_title="{organization}{year}年{period}民政工作总结(初稿)",
    addressee="{organization}:", review="一、{year}年{period}工作总结", shortfalls="二、存在的困难和不足",
    next_year="三、{next_year}年工作思路", goal_lead="({number}){title}。", item="{number}.",
    no_shortfalls="对照年度目标,各项指标均已完成。",
    none_behind="对照序时进度,没有滞后的指标;尚有{count}项指标未完成,将按计划推进。",
    next_year_intro="{next_year}年,将对照未完成的目标任务,重点抓好以下工作:",
    next_steps="三、下一步工作打算", next_steps_intro="下一步,将对照年度目标任务和序时进度,重点抓好以下工作:",
    more="【其他工作思路由各处室补充。】", more_area="【其他工作打算请补充。】", date="{year}年{month}月{day}日", causes_separator=";", cause="{area}{text}",
)

SUMMARY_EN = SummaryLabels(
    title="{organization}: {year} annual summary (draft)",
    unit_title="{organization}: {year} civil-affairs report (draft)", addressee="To {organization}:",
    review="1. The year {year}", shortfalls="2. Shortfalls",
    next_year="3. Plans for {next_year}", goal_lead="({number}) {title}. ", item="{number}. ",
    no_shortfalls="Every target of the year was met.",
    none_behind="No indicator is behind its pace; {count} are not met yet and go on as planned.",
    next_year_intro="In {next_year} the work will carry on with the targets not yet met:",
    next_steps="3. Next steps", next_steps_intro="For the rest of the plan, the work will focus on:",
    more="[Other plans to be added by the departments.]", more_area="[Other plans to be added.]", date="{year}-{month:02d}-{day:02d}",
    causes_separator="; ", cause="{area}: {text}",
)


def summary_labels(plan: Plan | str) -> SummaryLabels:
    """The summary draft's fixed words in a plan's language and levels (`labels`)."""
    return _in_plan_words(SUMMARY_EN, SUMMARY_ZH, plan)
