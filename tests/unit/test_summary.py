"""The year-end summary draft (年度工作总结初稿, `mubiao summary`): which indicators it states and in what order,
which of them are unmet, the sentences the templates make of them, and the Markdown and HTML files.

The story is a small 2021 plan of 金华市民政局 over three counties (婺城区, 金东区, 兰溪市), read at year end
(as-of 2021-12-31, the deadline of most indicators), with every figure worked out by hand below. Statuses at
year end, where the expected value is the target itself (docs/contract.md §4):

  indicator         kind       婺城区          金东区          兰溪市                全市 (city row)
  G1 dibao          level      900 met         920 met         890 at_risk           worst county 890, at_risk
  G1 ertong         count      8/8 met         6/6 met         6/6 met               20/20 met
  G2 huliyuan       ratio %    56 met          60 met          40 behind             156/300 = 52, behind
  G2 shilaohua      count      230/230 met     190/150 met     90/120 behind         510/500 met
  G2 tuoyu          count      10/10 met       9/10 at_risk    9/10 at_risk          28/30 at_risk
  G2 zhongxin       milestone  done, met       done, met       not done, missed      2/3 done, missed
  G2 zhihui         milestone  done (only 婺城区 reports it)                          1/1 met
  G3 chizheng       count, reported once by the city (scope city): 1600/1500          met
  G3 shegongzhan    count      (only 兰溪市 reports it)          6/6 met               6/6 met

  at_risk by how far below the target: dibao 兰溪市 (890 − 800)/(900 − 800) = 0.9 of the way, 10 points short;
  tuoyu 9/10 is 10 points short, the city's 28/30 is 6.7; both ≤ 20 points, so at_risk, not behind.
  behind: 兰溪市's huliyuan (40 − 50)/(55 − 50) = −2 of the way; the city's 52 is 0.4 of the way (60 points
  short); 兰溪市's shilaohua 90/120 = 0.75 (25 points short). missed: zhongxin's deadline is 2021-09-30.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import jinja2
import jinja2.meta
import pytest

from mubiao.analysis.gaps import Gaps, compute_gaps
from mubiao.analysis.notes import Note, latest_notes
from mubiao.analysis.summary import Summary, build_summary, summary_of
from mubiao.errors import MubiaoError
from mubiao.formats import SummaryFormat
from mubiao.models import CITY, County, Direction, Goal, Indicator, Kind, Owner, Pace, Plan, Scope, Status
from mubiao.readers.progress import TIDY_COLUMNS, Record, records_frame
from mubiao.render.draft import SENTENCE_VARIABLES, DocumentFonts, Draft, Heading, Paragraph
from mubiao.render.summary import (
    TEMPLATES,
    Templates,
    TemplateError,
    draft_summary,
    fold_notes,
    numeral,
    organization_of,
    render_draft,
    render_html,
    render_md,
)

START, MARCH, JUNE, SEPTEMBER, YEAR_END = (dt.date(2021, 1, 1), dt.date(2021, 3, 31), dt.date(2021, 6, 30),
                                           dt.date(2021, 9, 30), dt.date(2021, 12, 31))

# ------------------------------------------------------------------------------------------------ helpers


def indicator(id: str, name: str, kind: Kind, target: float, *, goal: str, owner: str, unit: str | None = None,
              baseline: float = 0, deadline: dt.date = YEAR_END, **extra) -> Indicator:
    """An indicator with docs/contract.md §2's defaults resolved (pace: linear for count/ratio, step for the others)."""
    pace = Pace.LINEAR if kind in (Kind.COUNT, Kind.RATIO) else Pace.STEP
    return Indicator(id=id, name=name, goal=goal, kind=kind, target=float(target), baseline=float(baseline),
                     deadline=deadline, pace=pace, unit=unit, owner=owner, **extra)


def rec(county: str, indicator_id: str, value: float | None = None, *, period: str = "2021-12",
        numerator: float | None = None, denominator: float | None = None, note: str | None = None) -> Record:
    return Record(county, period, indicator_id, value, numerator, denominator, None, note,
                  f"{period}/{county}.csv", 2)


def plan_of(*goals: tuple[str, str, str, tuple[Indicator, ...]], organization: str = "金华市民政局",
            counties: tuple[tuple[str, str], ...] = (("wucheng", "婺城区"), ("jindong", "金东区"), ("lanxi", "兰溪市")),
            owners: tuple[tuple[str, str], ...] = (("jiuzhu", "社会救助处"), ("yanglao", "养老服务处"),
                                                   ("shegong", "社会工作处")),
            language: str = "zh") -> Plan:
    """A 2021 plan; each goal is (id, title, owner id, indicators)."""
    return Plan(id="jinhua-2021", title="2021年民政工作要点", organization=organization, start=START, end=YEAR_END,
                language=language, counties=tuple(County(*c) for c in counties),
                owners=tuple(Owner(*o) for o in owners),
                goals=tuple(Goal(g, title, owner, inds) for g, title, owner, inds in goals))


def with_summary(plan: Plan, indicator_id: str, template: str) -> Plan:
    """The plan with one indicator's own `summary` template (the plan is frozen: goal and plan are replaced)."""
    goals = tuple(dataclasses.replace(goal, indicators=tuple(
        dataclasses.replace(ind, summary=template) if ind.id == indicator_id else ind for ind in goal.indicators))
        for goal in plan.goals)
    return dataclasses.replace(plan, goals=goals)


def order(summary: Summary) -> dict[str, list[str]]:
    """Goal id → the ids of its indicators, in the order the draft states them."""
    return {goal.goal.id: [fact.indicator.id for fact in goal.facts] for goal in summary.goals}


def fact(summary: Summary, indicator_id: str):
    found = [f for goal in summary.goals for f in goal.facts if f.indicator.id == indicator_id]
    assert len(found) == 1, indicator_id
    return found[0]


def parts(draft: Draft) -> list[list[str]]:
    """The paragraphs (lead included) under each first-level heading."""
    sections: list[list[str]] = []
    for block in draft.blocks:
        if isinstance(block, Heading):
            sections.append([])
        else:
            sections[-1].append(block.text)
    return sections


def sentence(draft: Draft, indicator_id: str) -> str:
    """The indicator's sentence in part 一 (its note folded in)."""
    review = draft.blocks[:next(i for i, b in enumerate(draft.blocks) if isinstance(b, Heading) and i > 0)]
    found = [span.text for block in review if isinstance(block, Paragraph) for span in block.spans
             if span.indicators == (indicator_id,)]
    assert len(found) == 1, (indicator_id, found)
    return found[0]


# -------------------------------------------------------------------------------------------- the story

DIBAO = indicator("dibao", "最低生活保障标准", Kind.LEVEL, 900, baseline=800, unit="元/月", goal="G1", owner="jiuzhu")
ERTONG = indicator("ertong", "示范型儿童之家", Kind.COUNT, 20, unit="家", goal="G1", owner="jiuzhu",
                   allocation={"wucheng": 8, "jindong": 6, "lanxi": 6})
HULIYUAN = indicator("huliyuan", "护理型床位占比", Kind.RATIO, 55, baseline=50, scale=100, unit="%", goal="G2",
                     owner="yanglao")
SHILAOHUA = indicator("shilaohua", "困难老年人家庭适老化改造", Kind.COUNT, 500, unit="户", goal="G2", owner="yanglao",
                      allocation={"wucheng": 230, "jindong": 150, "lanxi": 120})
TUOYU = indicator("tuoyu", "老年助餐服务点", Kind.COUNT, 30, per_county=10, unit="个", goal="G2", owner="yanglao")
ZHONGXIN = indicator("zhongxin", "乡镇(街道)居家养老服务中心全覆盖", Kind.MILESTONE, 1, deadline=SEPTEMBER,
                     goal="G2", owner="yanglao")
ZHIHUI = indicator("zhihui", "智慧养老服务平台建设", Kind.MILESTONE, 1, goal="G2", owner="yanglao",
                   counties=("wucheng",))
CHIZHENG = indicator("chizheng", "新增持证社工", Kind.COUNT, 1500, unit="人", scope=Scope.CITY, goal="G3",
                     owner="shegong")
SHEGONGZHAN = indicator("shegongzhan", "乡镇(街道)社会工作站", Kind.COUNT, 6, unit="家", goal="G3", owner="shegong",
                        allocation={"lanxi": 6}, counties=("lanxi",))

PLAN = plan_of(
    ("G1", "民生兜底保障水平持续提升", "jiuzhu", (DIBAO, ERTONG)),
    # plan order inside G2 is deliberately not the draft's order: behind, met, at_risk, missed, met
    ("G2", "养老服务供给更加优质多元", "yanglao", (HULIYUAN, SHILAOHUA, TUOYU, ZHONGXIN, ZHIHUI)),
    ("G3", "社会组织管理和社会工作全面加强", "shegong", (CHIZHENG, SHEGONGZHAN)),
)

RECORDS = [
    rec("wucheng", "dibao", 900), rec("jindong", "dibao", 920), rec("lanxi", "dibao", 890, note="财政资金调整中"),
    rec("wucheng", "ertong", 8, note="新建8家示范型儿童之家,实现乡镇(街道)全覆盖"),
    rec("jindong", "ertong", 6), rec("lanxi", "ertong", 6),
    rec("wucheng", "huliyuan", numerator=56, denominator=100), rec("jindong", "huliyuan", numerator=60, denominator=100),
    rec("lanxi", "huliyuan", numerator=40, denominator=100, note="存在问题：护理型床位改造滞后。"),
    rec("wucheng", "shilaohua", 230), rec("jindong", "shilaohua", 190), rec("lanxi", "shilaohua", 90),
    rec("wucheng", "tuoyu", 10), rec("jindong", "tuoyu", 9, note="存在问题：场地未落实；下步措施：另行选址"),
    rec("lanxi", "tuoyu", 9, note="存在问题：资金未到位"),
    # 婺城区 pasted its 儿童之家 clause into another note: the draft says it once
    rec("wucheng", "zhongxin", 1, period="2021-09", note="新建8家示范型儿童之家,建成居家养老服务中心8家"),
    rec("jindong", "zhongxin", 1, period="2021-09"), rec("lanxi", "zhongxin", 0, period="2021-09"),
    rec("wucheng", "zhihui", 1),
    rec(CITY, "chizheng", 1600, note="社工考试奖励兑现到位"),
    rec("lanxi", "shegongzhan", 6),
]
FRAME = records_frame(RECORDS)


@pytest.fixture(scope="module")
def year_end() -> tuple[Gaps, dict]:
    """The gap rows at 2021-12-31 and the newest notes, computed once for the module."""
    gaps = compute_gaps(PLAN, FRAME, YEAR_END)
    return gaps, latest_notes(PLAN, FRAME, gaps.period)


@pytest.fixture(scope="module")
def city(year_end) -> Summary:
    return summary_of(*year_end)


@pytest.fixture(scope="module")
def wucheng(year_end) -> Summary:
    return summary_of(*year_end, county="wucheng")


@pytest.fixture(scope="module")
def jindong(year_end) -> Summary:
    return summary_of(*year_end, county="jindong")


@pytest.fixture(scope="module")
def lanxi(year_end) -> Summary:
    return summary_of(*year_end, county="lanxi")


@pytest.fixture(scope="module")
def city_draft(city) -> Draft:
    return draft_summary(city)


@pytest.fixture(scope="module")
def wucheng_draft(wucheng) -> Draft:
    return draft_summary(wucheng)


@pytest.fixture(scope="module")
def lanxi_draft(lanxi) -> Draft:
    return draft_summary(lanxi)


def test_the_story_frame_has_the_tidy_columns_and_the_statuses_worked_out_above(year_end):
    gaps, _ = year_end
    assert tuple(FRAME.columns) == TIDY_COLUMNS
    statuses = {(row.indicator, row.county): row.status for row in gaps.rows}
    # 2021-12-31 is the deadline of all but zhongxin: what is not met then is missed (未完成)
    assert statuses[("dibao", "lanxi")] is Status.MISSED and statuses[("dibao", None)] is Status.MISSED
    assert statuses[("huliyuan", None)] is Status.MISSED and statuses[("shilaohua", "lanxi")] is Status.MISSED
    assert statuses[("shilaohua", None)] is Status.MET and statuses[("tuoyu", None)] is Status.MISSED
    assert statuses[("zhongxin", None)] is Status.MISSED and statuses[("zhihui", None)] is Status.MET


# ------------------------------------------------------------------------------------------------ ordering


def test_the_city_states_met_indicators_first_then_the_others_best_to_worst(city):
    assert order(city) == {
        "G1": ["ertong", "dibao"],  # met, missed
        # met (plan order: shilaohua before zhihui), then the missed ones in plan order
        "G2": ["shilaohua", "zhihui", "huliyuan", "tuoyu", "zhongxin"],
        "G3": ["chizheng", "shegongzhan"],
    }


def test_equal_statuses_keep_plan_order_in_a_county(lanxi, jindong):
    # 兰溪市: every one missed at the year's end, in plan order
    assert order(lanxi)["G2"] == ["huliyuan", "shilaohua", "tuoyu", "zhongxin"]
    # 金东区: every met one in plan order, then tuoyu (missed)
    assert order(jindong)["G2"] == ["huliyuan", "shilaohua", "zhongxin", "tuoyu"]


def test_a_county_draft_leaves_out_city_indicators_and_those_of_other_counties(wucheng, jindong, lanxi):
    # G3 holds a scope-city indicator and one only 兰溪市 reports: 婺城区 and 金东区 have nothing in it
    assert [goal.goal.id for goal in wucheng.goals] == ["G1", "G2"]
    assert [goal.goal.id for goal in jindong.goals] == ["G1", "G2"]
    assert order(lanxi)["G3"] == ["shegongzhan"]  # not chizheng, the city's own figure
    # zhihui is reported by 婺城区 only
    assert "zhihui" in order(wucheng)["G2"]
    assert "zhihui" not in order(jindong)["G2"] and "zhihui" not in order(lanxi)["G2"]


def test_a_county_draft_numbers_its_goals_after_leaving_some_out(wucheng_draft, lanxi_draft):
    leads = [block.lead for block in wucheng_draft.blocks if isinstance(block, Paragraph) and block.lead]
    assert leads == ["（一）民生兜底保障水平持续提升。", "（二）养老服务供给更加优质多元。"]
    leads = [block.lead for block in lanxi_draft.blocks if isinstance(block, Paragraph) and block.lead]
    assert leads[-1] == "（三）社会组织管理和社会工作全面加强。"


# ------------------------------------------------------------------------------------------------- unmet

#: A mid-year reading (as-of 2021-06-30) of one goal whose indicators stand at every status in 婺城区; plan order
#: is scrambled so that the draft's order shows. At 2021-06-30 a linear count of 10 expects 10 × 180/364 = 4.95.
MIDYEAR = plan_of(("G1", "任务", "jiuzhu", (
    indicator("no_target", "无分解目标", Kind.COUNT, 30, goal="G1", owner="jiuzhu"),  # 3 reported, no county target
    indicator("missed", "三月到期未完成", Kind.COUNT, 15, per_county=5, deadline=MARCH, goal="G1", owner="jiuzhu"),
    # 4 of 10: 0.4 of the way against 0.495 expected, 9.5 points short, deadline far off
    indicator("at_risk_midyear", "年中有风险", Kind.COUNT, 30, per_county=10, goal="G1", owner="jiuzhu"),
    indicator("met_late", "三月到期已完成", Kind.COUNT, 15, per_county=5, deadline=MARCH, goal="G1", owner="jiuzhu"),
    indicator("no_data", "未报送", Kind.COUNT, 30, per_county=10, goal="G1", owner="jiuzhu"),
    # 1 of 10: 39.5 points short
    indicator("behind", "年中滞后", Kind.COUNT, 30, per_county=10, goal="G1", owner="jiuzhu"),
    indicator("on_track", "年中正常", Kind.COUNT, 30, per_county=10, goal="G1", owner="jiuzhu"),  # 6 of 10
    # step-paced level due on the as-of date itself: 890 of 900 is 10 points short, and on its deadline day not met
    indicator("due_today", "六月到期未完成", Kind.LEVEL, 900, baseline=800, deadline=JUNE, goal="G1", owner="jiuzhu"),
    indicator("met_early", "提前完成", Kind.COUNT, 30, per_county=10, goal="G1", owner="jiuzhu"),  # 10 of 10
)))
MIDYEAR_FRAME = records_frame([
    rec("wucheng", "no_target", 3, period="2021-06"), rec("wucheng", "missed", 3, period="2021-03"),
    rec("wucheng", "at_risk_midyear", 4, period="2021-06"), rec("wucheng", "met_late", 5, period="2021-03"),
    rec("wucheng", "behind", 1, period="2021-06"), rec("wucheng", "on_track", 6, period="2021-06"),
    rec("wucheng", "due_today", 890, period="2021-06"), rec("wucheng", "met_early", 10, period="2021-06"),
])


@pytest.fixture(scope="module")
def midyear() -> Summary:
    return build_summary(MIDYEAR, MIDYEAR_FRAME, JUNE, county="wucheng")


@pytest.mark.parametrize("indicator_id, status, unmet", [
    ("behind", Status.BEHIND, True),
    ("missed", Status.MISSED, True),
    ("due_today", Status.MISSED, True),  # not met on its deadline day: missed, a shortfall
    ("at_risk_midyear", Status.AT_RISK, False),  # at_risk with half a year to go: not yet
    ("on_track", Status.ON_TRACK, False),
    ("met_late", Status.MET, False),  # met, even though its deadline has passed
    ("met_early", Status.MET, False),
    ("no_data", Status.NO_DATA, False),  # nothing reported, and not yet due
    ("no_target", Status.NO_TARGET, False),
])
def test_which_rows_are_unmet(midyear, indicator_id, status, unmet):
    found = fact(midyear, indicator_id)
    assert found.row.status is status
    assert found.unmet is unmet


def test_every_status_in_its_place_mid_year(midyear):
    assert order(midyear)["G1"] == ["met_late", "met_early", "on_track", "at_risk_midyear", "behind", "missed",
                                    "due_today", "no_data", "no_target"]


def test_shortfalls_are_the_unmet_ones_in_plan_order(city, lanxi, wucheng, midyear):
    assert [f.indicator.id for f in city.shortfalls] == ["dibao", "huliyuan", "tuoyu", "zhongxin"]
    assert [f.indicator.id for f in lanxi.shortfalls] == ["dibao", "huliyuan", "shilaohua", "tuoyu", "zhongxin"]
    assert wucheng.shortfalls == ()
    assert [f.indicator.id for f in midyear.shortfalls] == ["missed", "behind", "due_today"]


# ------------------------------------------------------------------------------------- whose figures, notes


def test_a_county_states_its_own_figures_against_its_own_targets(wucheng_draft, jindong):
    assert sentence(wucheng_draft, "shilaohua") == "完成困难老年人家庭适老化改造230户。"  # at its target: no 为目标230户的100%
    assert sentence(wucheng_draft, "dibao") == "全区最低生活保障标准提高至900元/月，达到目标。"
    assert sentence(wucheng_draft, "huliyuan") == "护理型床位占比达到56%（目标55%）。"
    # 金东区 did more than its 150: 190/150 = 126.7%
    assert sentence(draft_summary(jindong), "shilaohua") == "完成困难老年人家庭适老化改造190户，超额完成目标（150户）。"


def test_a_county_short_of_its_target_says_by_how_much(lanxi_draft):
    assert sentence(lanxi_draft, "shilaohua") == "困难老年人家庭适老化改造完成90户，距目标120户尚差30户。"
    # 兰溪市 → 全市, and the county's note after the sentence
    assert sentence(lanxi_draft, "dibao") == "全市最低生活保障标准为890元/月，尚未达到900元/月的目标。财政资金调整中。"


def test_a_county_draft_folds_in_the_county_note_and_says_a_clause_once(wucheng_draft):
    assert sentence(wucheng_draft, "ertong") == (
        "完成示范型儿童之家8家。实现乡镇（街道）全覆盖。")  # the note's 新建8家 is the figure said: left out
    # its 居家养老服务中心 note repeats 新建8家示范型儿童之家 (G1 comes first): only the new clause is kept
    assert sentence(wucheng_draft, "zhongxin") == "乡镇（街道）居家养老服务中心全覆盖已完成。建成居家养老服务中心8家。"


def test_the_city_states_the_city_figure_and_the_county_spread(city_draft):
    assert sentence(city_draft, "shilaohua") == (
        "全市完成困难老年人家庭适老化改造510户，超额完成目标（500户），3个县（市、区）中2个完成（兰溪市未完成）。")
    assert sentence(city_draft, "ertong") == "全市完成示范型儿童之家20家，3个县（市、区）全部完成。"
    assert sentence(city_draft, "tuoyu") == (
        "全市老年助餐服务点完成28个，距目标30个尚差2个；3个县（市、区）中1个完成，金东区、兰溪市未完成。")
    assert sentence(city_draft, "huliyuan") == "全市护理型床位占比为52%，低于目标55%；3个县（市、区）中2个达标，兰溪市未达标。"
    # a level's city row is its worst county
    assert sentence(city_draft, "dibao") == (
        "最低生活保障标准3个县（市、区）中2个达到900元/月的目标，兰溪市尚未达到，最低为890元/月。")
    assert sentence(city_draft, "zhongxin") == (
        "乡镇（街道）居家养老服务中心全覆盖，3个县（市、区）中2个已完成，兰溪市尚未完成。")


def test_the_city_folds_in_its_own_note_not_the_counties(city_draft):
    # scope city: no 全市 and no county spread, the city's own note after it
    assert sentence(city_draft, "chizheng") == "完成新增持证社工1600人，超额完成目标（1500人）。社工考试奖励兑现到位。"
    assert "新建8家" not in sentence(city_draft, "ertong")
    assert "场地未落实" not in sentence(city_draft, "tuoyu")


# ------------------------------------------------------------------------------------------------ fold_notes


def test_a_clause_already_said_is_not_said_again():
    said: set[str] = set()
    assert fold_notes(["新建8家示范型儿童之家,实现乡镇(街道)全覆盖"], said) == "新建8家示范型儿童之家,实现乡镇(街道)全覆盖。"
    assert fold_notes(["新建8家示范型儿童之家;开展关爱活动12场"], said) == "开展关爱活动12场。"
    assert said == {"新建8家示范型儿童之家", "实现乡镇(街道)全覆盖", "开展关爱活动12场"}
    assert fold_notes(["新建8家示范型儿童之家。"], said) == ""  # nothing new to say


def test_several_notes_fold_into_one_sentence():
    assert fold_notes(["新建8家示范型儿童之家,实现全覆盖", "新建8家示范型儿童之家;开展关爱活动12场"], set()) == (
        "新建8家示范型儿童之家,实现全覆盖,开展关爱活动12场。")


@pytest.mark.parametrize("note, folded", [
    ("完成改造", "完成改造。"),  # a full stop is added
    ("完成改造。", "完成改造。"),  # not doubled
    ("完成改造;", "完成改造。"),
    ("创历史新高!", "创历史新高!"),  # its own end is kept
    ("", ""), ("   ", ""), ("。", ""),
])
def test_a_folded_note_ends_as_a_sentence(note, folded):
    assert fold_notes([note], set()) == folded


def test_no_notes_fold_to_nothing():
    assert fold_notes([], set()) == ""


#: Notes are kept as written (readers/progress.py does not normalise them), so a county typing with a Chinese
#: input method writes full-width ，；！: they split and end a note as their ASCII forms do.
@pytest.mark.parametrize("said, note, folded", [
    ({"新建8家示范型儿童之家"}, "新建8家示范型儿童之家\uff0c实现全覆盖\uff1b开展关爱活动12场", "实现全覆盖,开展关爱活动12场。"),
    (set(), "创历史新高\uff01", "创历史新高\uff01"),
    (set(), "资金未到位\uff1b", "资金未到位。"),
], ids=["full-width-comma-splits", "full-width-bang-ends", "full-width-semicolon-ends"])
def test_notes_written_with_full_width_punctuation_fold_the_same(said, note, folded):
    assert fold_notes([note], set(said)) == folded


# ------------------------------------------------------------------------------ numerals and organisations


@pytest.mark.parametrize("number, chinese", [
    (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (23, "二十三"), (99, "九十九"),
])
def test_chinese_numerals(number, chinese):
    assert numeral(number, "zh") == chinese


def test_english_numerals_are_digits():
    assert numeral(3, "en") == "3"
    assert numeral(11, "en") == "11"


def test_a_county_draft_is_the_county_bureau(city, wucheng):
    assert organization_of(city) == "金华市民政局"
    assert organization_of(wucheng) == "金华市婺城区民政局"


# ------------------------------------------------------------------------------------------ the draft's shape


def test_the_city_draft_title_headings_and_signature(city_draft):
    assert city_draft.title == "金华市民政局2021年工作总结（初稿）"
    headings = [block.text for block in city_draft.blocks if isinstance(block, Heading)]
    assert headings == ["一、2021年工作总结", "二、存在的困难和不足", "三、2022年工作思路"]
    assert city_draft.signature == ("金华市民政局", "2021年12月31日")
    assert city_draft.language == "zh"
    leads = [block.lead for block in city_draft.blocks if isinstance(block, Paragraph) and block.lead]
    assert leads == ["（一）民生兜底保障水平持续提升。", "（二）养老服务供给更加优质多元。",
                     "（三）社会组织管理和社会工作全面加强。"]


def test_the_city_draft_shortfalls_with_owner_and_each_county_cause(city_draft):
    review, shortfalls, next_year = parts(city_draft)
    assert len(review) == 3  # one run-in paragraph per goal
    assert shortfalls == [
        # a note with no 存在问题 is no cause: what the county wrote is given as where it stands
        "1.最低生活保障标准为890元/月，距目标900元/月尚差10元/月（责任处室：社会救助处）。目前，兰溪市财政资金调整中。",
        # a percentage is short by 个百分点, not by %
        "2.护理型床位占比为52%，距目标55%尚差3个百分点（责任处室：养老服务处）。原因：兰溪市护理型床位改造滞后。",
        "3.老年助餐服务点完成28个，距目标30个尚差2个（责任处室：养老服务处）。原因：金东区场地未落实；兰溪市资金未到位。",
        "4.乡镇（街道）居家养老服务中心全覆盖尚有兰溪市未完成（责任处室：养老服务处）。",  # 兰溪市 wrote no note
    ]
    assert next_year == [
        "2022年，将对照未完成的目标任务，重点抓好以下工作：",
        "1.推动兰溪市最低生活保障标准达到900元/月，确保2022年完成。",
        "2.推动兰溪市护理型床位占比达到55%，确保2022年完成。",
        # the 下步措施 the short counties wrote
        "3.老年助餐服务点尚差2个，督促金东区、兰溪市加快进度（金东区另行选址），确保2022年完成。",
        "4.督促兰溪市加快推进乡镇（街道）居家养老服务中心全覆盖，确保2022年完成。",
        "5.【其他工作思路由各处室补充。】",
    ]


def test_a_county_draft_gives_its_cause_without_its_name(lanxi_draft):
    _, shortfalls, next_year = parts(lanxi_draft)
    assert shortfalls[0] == (
        "1.最低生活保障标准为890元/月，距目标900元/月尚差10元/月。")  # 财政资金调整中: said in part 一 already
    # 40% against 55%: 15 个百分点
    assert shortfalls[1] == (
        "2.护理型床位占比为40%，距目标55%尚差15个百分点。原因：护理型床位改造滞后。")
    assert len(shortfalls) == 5
    assert not any("兰溪市" in line for line in shortfalls)
    assert next_year[-1] == "6.【其他工作思路由各处室补充。】"


def test_a_draft_with_nothing_unmet_says_so(wucheng_draft):
    assert wucheng_draft.title == "金华市婺城区民政局2021年工作总结（初稿）"
    _, shortfalls, next_year = parts(wucheng_draft)
    assert shortfalls == ["对照年度目标，各项指标均已完成。"]
    assert next_year == ["2022年，将对照未完成的目标任务，重点抓好以下工作：", "1.【其他工作思路由各处室补充。】"]


def test_the_city_note_is_the_cause_when_no_short_county_wrote_one(year_end):
    gaps, notes = year_end
    notes = dict(notes) | {("zhongxin", CITY): Note("2021-09", CITY, "存在问题：兰溪市中心选址调整")}
    _, shortfalls, _ = parts(draft_summary(summary_of(gaps, notes)))
    assert shortfalls[3] == (
        "4.乡镇（街道）居家养老服务中心全覆盖尚有兰溪市未完成（责任处室：养老服务处）。原因：市本级兰溪市中心选址调整（9月报送）。")  # an older note, dated


def test_a_county_that_reported_nothing_by_year_end_is_a_shortfall_without_a_blank_figure():
    # 兰溪市 never reported shilaohua: due at year end and not met, so unmet; there is no figure to state
    frame = records_frame([r for r in RECORDS if (r.county, r.indicator) != ("lanxi", "shilaohua")])
    summary = build_summary(PLAN, frame, YEAR_END, county="lanxi")
    assert fact(summary, "shilaohua").row.status is Status.NO_DATA and fact(summary, "shilaohua").unmet
    _, shortfalls, next_year = parts(draft_summary(summary))
    assert shortfalls[2] == "3.困难老年人家庭适老化改造截至2021年12月31日未报送数据。"
    assert next_year[3] == "3.加快推进困难老年人家庭适老化改造，确保2022年完成。"  # no 剩余 to state


# ----------------------------------------------------------------------------- the indicator's own template


def test_an_indicator_own_template_replaces_the_sentence_and_sees_every_variable():
    template = "|".join(f"{name}={{{{ {name} }}}}" for name in SENTENCE_VARIABLES)
    draft = draft_summary(build_summary(with_summary(PLAN, "shilaohua", template), FRAME, YEAR_END))
    values = dict(pair.split("=", 1) for pair in sentence(draft, "shilaohua").split("|"))
    assert values == {
        "id": "shilaohua", "name": "困难老年人家庭适老化改造", "kind": "count", "direction": "increase", "unit": "户",
        "status": "met", "status_word": "已完成", "area": "全市", "city": "True", "actual": "510", "target": "500",
        "baseline": "0", "remaining": "0", "remaining_unit": "户", "rate": "102%", "expected": "500",
        "deadline": "2021-12-31", "as_of": "2021-12-31", "as_of_day": "2021年12月31日", "owner": "养老服务处",
        "counties_total": "3",
        "counties_met": "2", "counties_short": "兰溪市", "counties_missing": "", "year": "2021", "next_year": "2022", "causes": "",
        "progress": "", "measures": "", "due": "True", "by_when": "年底", "exceeded": "True", "change": "",
        "stage": "", "started": "True", "node": "", "stretch_words": "", "verb_led": "False",
    }
    # the other sentences are still the built-in ones
    assert sentence(draft, "ertong") == "全市完成示范型儿童之家20家，3个县（市、区）全部完成。"


def test_an_own_template_with_an_unknown_variable_names_its_indicator():
    plan = with_summary(PLAN, "chizheng", "{{ actul }}人")
    with pytest.raises(TemplateError, match="chizheng") as raised:
        draft_summary(build_summary(plan, FRAME, YEAR_END))
    assert isinstance(raised.value, MubiaoError)
    assert "actul" in raised.value.message


# ------------------------------------------------------------------------------------- a --template folder


@pytest.mark.parametrize("where", ["zh/count.met.j2", "count.met.j2"])
def test_a_template_folder_replaces_only_the_templates_it_holds(tmp_path, city, where):
    (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / where).write_text("{{ name }}:{{ actual }}{{ unit }}。", encoding="utf-8")
    draft = draft_summary(city, Templates("zh", tmp_path))
    assert sentence(draft, "ertong") == "示范型儿童之家：20家。"
    assert sentence(draft, "chizheng") == "新增持证社工：1600人。社工考试奖励兑现到位。"
    # count.short, ratio and the rest are the package's
    assert sentence(draft, "tuoyu").startswith("全市老年助餐服务点完成28个，距目标30个尚差2个")
    assert sentence(draft, "huliyuan") == "全市护理型床位占比为52%，低于目标55%；3个县（市、区）中2个达标，兰溪市未达标。"


def test_a_template_folder_with_a_style_sets_the_word_fonts(tmp_path):
    assert Templates("zh").fonts() == DocumentFonts()
    assert Templates("zh", tmp_path).fonts() == DocumentFonts()  # no style.toml there: the package's
    (tmp_path / "style.toml").write_text('[fonts]\ntitle = "华文中宋"\nbody_size = 15\nnot_a_font = "x"\n',
                                         encoding="utf-8")
    assert Templates("zh", tmp_path).fonts() == DocumentFonts(title="华文中宋", body_size=15)


def test_a_broken_style_is_a_template_error(tmp_path):
    (tmp_path / "style.toml").write_text("[fonts\n", encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        Templates("zh", tmp_path).fonts()
    assert raised.value.file == str(tmp_path / "style.toml")


def test_a_folder_template_with_an_unknown_variable_names_the_indicator(tmp_path, city):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "count.met.j2").write_text("{{ nonsense }}", encoding="utf-8")
    with pytest.raises(TemplateError, match="ertong") as raised:  # ertong is the first met count stated
        draft_summary(city, Templates("zh", tmp_path))
    assert isinstance(raised.value, MubiaoError)
    assert "nonsense" in raised.value.message


@pytest.mark.parametrize("name", ["shortfall.j2", "next_year.j2"])
def test_a_broken_shortfall_or_next_year_template_names_the_indicator(tmp_path, city, name):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / name).write_text("{{ nonsense }}", encoding="utf-8")
    with pytest.raises(TemplateError, match="dibao"):  # dibao is the first shortfall
        draft_summary(city, Templates("zh", tmp_path))


# --------------------------------------------------------------------------------------------------- English

EN_PLAN = plan_of(
    ("G1", "Elderly care", "care", (
        indicator("homes", "homes adapted", Kind.COUNT, 300, unit="homes", goal="G1", owner="care",
                  allocation={"a": 200, "b": 100}),
    )),
    organization="Jinhua Civil Affairs Bureau", counties=(("a", "Wucheng"), ("b", "Jindong")),
    owners=(("care", "Elderly Care Division"),), language="en",
)
# 250 of 300 at year end: 0.83 of the way, 16.7 points short: at_risk, and due: unmet
RECORDS_EN = [rec("a", "homes", 200), rec("b", "homes", 50, note="funding delayed")]
EN_FRAME = records_frame(RECORDS_EN)


def test_an_english_plan_gets_an_english_draft():
    summary = build_summary(EN_PLAN, EN_FRAME, YEAR_END)
    draft = draft_summary(summary)
    assert draft.title == "Jinhua Civil Affairs Bureau: 2021 annual summary (draft)"
    assert [block.text for block in draft.blocks if isinstance(block, Heading)] == [
        "1. The year 2021", "2. Shortfalls", "3. Plans for 2022"]
    assert parts(draft) == [
        ["(1) Elderly care. homes adapted: 250 homes, 83% of the target of 300 homes, 50 homes short; "
         "1 of 2 counties met it, not Jindong."],
        ["1. homes adapted: 250 homes against a target of 300 homes, 50 homes short (owner: Elderly Care Division). "
         "Reported: Jindong: funding delayed."],
        ["In 2022 the work will carry on with the targets not yet met:",
         "1. Carry on with homes adapted: the remaining 50 homes, to be completed in 2022.",
         "2. [Other plans to be added by the departments.]"],
    ]
    assert draft.signature == ("Jinhua Civil Affairs Bureau", "2021-12-31")
    county = summary_of(summary.gaps, {}, county="a")
    assert organization_of(county) == "Wucheng, Jinhua Civil Affairs Bureau"
    assert parts(draft_summary(county))[1] == ["Every target of the year was met."]


def test_english_sentences_of_a_goal_are_separated_by_a_space():
    centres = indicator("centres", "day centres opened", Kind.MILESTONE, 1, goal="G1", owner="care")
    plan = dataclasses.replace(EN_PLAN, goals=(dataclasses.replace(
        EN_PLAN.goals[0], indicators=(*EN_PLAN.goals[0].indicators, centres)),))
    frame = records_frame([*RECORDS_EN, rec("a", "centres", 1), rec("b", "centres", 1)])
    [review] = parts(draft_summary(build_summary(plan, frame, YEAR_END)))[0]
    assert "done in all 2 counties. homes adapted" in review


def test_english_markdown_keeps_the_space_after_the_lead_and_the_number():
    text = render_md(draft_summary(build_summary(EN_PLAN, EN_FRAME, YEAR_END)))
    assert "Elderly care.**homes" not in text
    assert "\n1. homes adapted: 250 homes against" in text


def test_an_english_county_draft_folds_its_note_as_an_english_sentence():
    text = sentence(draft_summary(build_summary(EN_PLAN, EN_FRAME, YEAR_END, county="b")), "homes")
    assert "。" not in text
    assert "50 homes short. funding delayed." in text.lower()


def test_an_english_cause_ending_with_a_full_stop_is_not_doubled():
    frame = records_frame([rec("a", "homes", 200), rec("b", "homes", 50, note="funding delayed.")])
    _, shortfalls, _ = parts(draft_summary(build_summary(EN_PLAN, frame, YEAR_END)))
    assert shortfalls[0].endswith("Reported: Jindong: funding delayed.")


# ---------------------------------------------------------------------------------------- Markdown and HTML


def test_markdown_traces_every_figure_sentence_to_its_indicator(city_draft):
    traced = render_md(city_draft, trace=True)
    assert traced.startswith('# 金华市民政局2021年工作总结（初稿）\n\n## 一、2021年工作总结\n\n'
                             "**（一）民生兜底保障水平持续提升**。全市完成示范型儿童之家20家")
    assert "3个县（市、区）全部完成。〔ertong〕最低生活保障标准" in traced
    assert "1.最低生活保障标准为890元/月" in traced and "兰溪市财政资金调整中。〔dibao〕" in traced
    # 9 sentences in 一, 4 shortfalls, 4 lines for next year; the connecting words carry no id
    assert traced.count("〔") == 17
    assert "【其他工作思路由各处室补充。】〔" not in traced
    plain = render_md(city_draft)
    assert "〔" not in plain
    assert plain.endswith("金华市民政局  \n2021年12月31日\n")


def test_markdown_run_in_leads_render_bold(city_draft):
    import markdown_it  # comes with rich
    page = markdown_it.MarkdownIt("commonmark").render(render_md(city_draft))
    assert "<strong>（一）民生兜底保障水平持续提升</strong>。全市" in page


def test_markdown_escapes_what_a_note_would_mark_up(year_end):
    gaps, notes = year_end
    notes = dict(notes) | {("chizheng", CITY): Note("2021-12", CITY, "持证社工|新增*<b>398</b>人")}
    text = render_md(draft_summary(summary_of(gaps, notes)))
    assert '持证社工\\|新增\\*&lt;b&gt;398&lt;/b&gt;人。' in text
    assert "<b>" not in text


def test_html_escapes_notes_and_shows_the_trace(year_end):
    gaps, notes = year_end
    notes = dict(notes) | {("chizheng", CITY): Note("2021-12", CITY, "<script>alert(1)</script>")}
    draft = draft_summary(summary_of(gaps, notes))
    page = render_html(draft, trace=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;。" in page
    assert "<script>" not in page
    assert '（1500人）。&lt;script&gt;alert(1)&lt;/script&gt;。<span class="trace">〔chizheng〕</span>' in page
    assert page.count('<span class="trace">') == 17
    assert 'class="trace"' not in render_html(draft)
    assert "<h1>金华市民政局2021年工作总结（初稿）</h1>" in page
    assert '<span class="lead">（一）民生兜底保障水平持续提升。</span>' in page


def test_drafts_and_renders_are_deterministic(city, city_draft):
    assert draft_summary(city) == city_draft
    assert render_md(city_draft, trace=True) == render_md(draft_summary(city), trace=True)
    assert render_html(city_draft, trace=True) == render_html(draft_summary(city), trace=True)


@pytest.mark.parametrize("output_format, renderer", [(SummaryFormat.MD, render_md), (SummaryFormat.HTML, render_html)])
def test_render_draft_uses_the_format_renderer(city_draft, output_format, renderer):
    assert render_draft(city_draft, output_format, Templates("zh"), trace=True) == renderer(city_draft, trace=True)


# ------------------------------------------------------------------------------ templates cannot drift


def _sample_values(**changes) -> dict:
    values = {
        "id": "G03-shilaohua", "name": "适老化改造", "kind": "count", "direction": "increase", "unit": "户",
        "status": "behind", "status_word": "滞后", "area": "全区", "city": True, "actual": "90", "target": "120",
        "baseline": "0", "remaining": "30", "remaining_unit": "户", "rate": "75%", "expected": "120",
        "deadline": "2021-12-31", "as_of": "2021-12-31", "as_of_day": "2021年12月31日", "owner": "养老服务处",
        "counties_total": 3, "counties_met": 2, "counties_short": "兰溪市", "counties_missing": "", "year": 2021, "next_year": 2022,
        "causes": "资金未到位", "progress": "完成90户", "measures": "已申请追加资金", "due": True, "by_when": "年底",
        "exceeded": False, "change": "rose", "stage": "", "started": True, "node": "", "stretch_words": "", "verb_led": False,
    }
    assert set(values) == set(SENTENCE_VARIABLES)
    return values | changes


TEMPLATE_FILES = sorted((TEMPLATES / language / path.name, language)
                        for language in ("zh", "en") for path in (TEMPLATES / language).glob("*.j2"))


def test_both_languages_have_the_same_templates():
    names = {language: sorted(path.name for path in (TEMPLATES / language).glob("*.j2")) for language in ("zh", "en")}
    assert names["zh"] == names["en"]
    assert "shortfall.j2" in names["zh"] and "next_year.j2" in names["zh"] and "count.met.j2" in names["zh"]


@pytest.mark.parametrize("path, language", TEMPLATE_FILES, ids=lambda p: p if isinstance(p, str) else p.name)
def test_every_template_uses_only_the_sentence_variables_and_renders(path, language):
    source = path.read_text(encoding="utf-8")
    used = jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(source))
    assert used <= set(SENTENCE_VARIABLES), used - set(SENTENCE_VARIABLES)
    templates = Templates(language)
    tasks = ({"actual": "推进中", "stage": "推进中", "city": False}, {"stage": "未启动", "started": False, "city": False},
             {"stage": "完成方案", "node": "节点“6月底完成方案”未完成", "city": False, "due": False})
    for kind in ("count", "level", "ratio", "milestone", "task"):
        for changes in ({}, {"city": False}, {"counties_short": ""}, {"counties_missing": "婺城区"},
                        {"counties_short": "", "counties_missing": "婺城区"}, {"remaining": "", "causes": "", "owner": ""},
                        {"actual": "", "remaining": "", "rate": ""},
                        {"direction": "decrease"}, *(tasks if kind == "task" else ())):
            text = templates.sentence([path.name], _sample_values(kind=kind, **changes))
            assert text and "{" not in text and "}" not in text



def test_part_two_never_says_everything_is_done_while_part_one_has_items_not_done(midyear, monkeypatch):
    """Mid-year nothing may be behind while several items are not done yet: part 二 must not claim 均已完成
    beside 尚差 in part 一 (issue 23)."""
    from mubiao.analysis.summary import Summary

    monkeypatch.setattr(Summary, "shortfalls", property(lambda self: ()))
    open_ = sum(f.row.status is not Status.MET for goal in midyear.goals for f in goal.facts)
    assert open_ > 0
    from mubiao.render.summary import render_md

    text = render_md(draft_summary(midyear))
    assert "均已完成" not in text and f"尚有{open_}项指标未完成" in text


def test_a_county_that_did_not_report_is_not_reported_never_short():
    """The city draft says 未报送 of a county with no figure, never 未完成 or 未达标 (issue 22)."""
    import re

    from mubiao.render.summary import render_md

    frame = FRAME[FRAME["county"] != "lanxi"]
    gaps = compute_gaps(PLAN, frame, YEAR_END)
    text = render_md(draft_summary(summary_of(gaps, latest_notes(PLAN, frame, gaps.period))))
    assert "兰溪市未报送" in text
    assert not re.search(r"兰溪市(未完成|未达标|尚未达到|尚未完成)", text), text


def test_a_development_zones_draft_is_its_report_not_a_made_up_bureau():
    """金华开发区 has no 民政局: its draft is titled by its name, addressed to the city's bureau, signed by it."""
    from dataclasses import replace as replaced

    from mubiao.models import County

    plan = replaced(PLAN, counties=(*PLAN.counties, County("kaifaqu", "金华开发区")))
    gaps = compute_gaps(plan, FRAME, YEAR_END)
    draft = draft_summary(summary_of(gaps, latest_notes(plan, FRAME, gaps.period), county="kaifaqu"))
    assert draft.title == "金华开发区2021年民政工作总结（初稿）"
    assert draft.addressee == f"{PLAN.organization}："
    assert draft.signature[0] == "金华开发区" and "开发区民政局" not in draft.title


def test_an_english_draft_says_no_report_of_a_county_that_sent_nothing():
    import re
    from dataclasses import replace as replaced

    from mubiao.render.summary import render_md

    plan = replaced(PLAN, language="en")
    frame = FRAME[FRAME["county"] != "lanxi"]
    gaps = compute_gaps(plan, frame, YEAR_END)
    text = render_md(draft_summary(summary_of(gaps, latest_notes(plan, frame, gaps.period))))
    assert "no report" in text and "兰溪市" in text
    assert not re.search(r"not(:| yet in)? 兰溪市", text), text


def test_a_mid_year_draft_names_only_the_counties_behind_and_plans_this_year(tmp_path):
    """Issue 22: a June draft of the city sample neither lists every county as 未完成 for a year-end target nor
    promises 2022; it says who is behind its pace and what is due by 年底."""
    from typer.testing import CliRunner

    from mubiao.app import app

    out = tmp_path / "s.md"
    from conftest import REPO

    CliRunner().invoke(app, ["summary", "--plan", "jinhua-2021", "--root", str(REPO), "--as-of", "2021-06",
                             "-f", "md", "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 金华市民政局2021年上半年工作总结（初稿）") and "一、2021年上半年工作总结" in text
    assert "进度滞后" in text and "三、下一步工作打算" in text and "确保年底前完成" in text
    assert "2022年" not in text and "武义县、磐安县、金华开发区未完成" not in text  # not every county, mid-year
    assert "逝者联办平台推广使用，10个县（市、区）中6个已完成" in text  # all counties still counted


# ------------------------------------------------------------------------------ themes, verbs, notes (issue 22)


def test_themes_group_goals_and_judge_only_when_nothing_under_them_fell_short(year_end):
    """`[[themes]]`: a theme's title is the heading when all under it was done, its plain words otherwise; an
    indicator a theme names leaves its own goal."""
    from mubiao.models import Theme

    gaps, notes = year_end
    themes = (Theme("养老服务供给更加优质多元", "养老服务", goals=("G2",)),
              Theme("社会工作全面加强", "社会工作", indicators=("chizheng", "ertong")))
    themed = dataclasses.replace(gaps, plan=dataclasses.replace(PLAN, themes=themes))
    city_sections = summary_of(themed, notes).sections
    # G1 has dibao left (missed): its own title; G2 is short (huliyuan): plain; the second theme is all met
    assert [(s.heading, [f.indicator.id for f in s.facts]) for s in city_sections] == [
        ("民生兜底保障水平持续提升", ["dibao"]),  # a goal comes before a theme that took one of its indicators
        ("社会工作全面加强", ["ertong", "chizheng"]),
        ("养老服务", ["shilaohua", "zhihui", "huliyuan", "tuoyu", "zhongxin"]),
        ("社会组织管理和社会工作全面加强", ["shegongzhan"]),
    ]
    wucheng_sections = summary_of(themed, notes, county="wucheng").sections
    assert [s.heading for s in wucheng_sections] == ["民生兜底保障水平持续提升", "社会工作全面加强", "养老服务供给更加优质多元"]
    draft = draft_summary(summary_of(themed, notes, county="wucheng"))
    leads = [block.lead for block in draft.blocks if isinstance(block, Paragraph) and block.lead]
    assert leads == ["（一）民生兜底保障水平持续提升。", "（二）社会工作全面加强。", "（三）养老服务供给更加优质多元。"]


@pytest.mark.parametrize("actual, words", [
    (900, "全区最低生活保障标准提高至900元/月，达到目标。"),
    (950, "全区最低生活保障标准提高至950元/月，高于900元/月的目标。"),
    (800, None),  # at the baseline, below the target: not met, the short sentence
])
def test_a_level_says_how_it_moved_from_its_baseline(actual, words):
    records = [rec("wucheng", "dibao", actual)]
    draft = draft_summary(build_summary(PLAN, records_frame(records), YEAR_END, county="wucheng"))
    if words:
        assert sentence(draft, "dibao") == words
    else:
        assert sentence(draft, "dibao") == "全区最低生活保障标准为800元/月，尚未达到900元/月的目标。"


def test_a_level_held_at_its_baseline_says_so():
    held = dataclasses.replace(DIBAO, baseline=900.0)
    plan = plan_of(("G1", "民生兜底", "jiuzhu", (held,)))
    draft = draft_summary(build_summary(plan, records_frame([rec("wucheng", "dibao", 900)]), YEAR_END,
                                        county="wucheng"))
    assert sentence(draft, "dibao") == "全区最低生活保障标准保持在900元/月，达到目标。"


def test_no_draft_sentence_says_a_target_was_met_at_a_percentage_of_itself(city_draft, wucheng_draft, lanxi_draft):
    for draft in (city_draft, wucheng_draft, lanxi_draft):
        text = "".join(block.text for block in draft.blocks if isinstance(block, Paragraph))
        assert "的100%" not in text and "为目标" not in text


def test_a_task_done_is_its_note_when_the_note_names_it_else_both():
    """A finished milestone with a note that names it is said once, in the note's words; a note that does not
    name it follows 已完成."""
    task = indicator("ruanjian", "自建业务软件新电脑适配改造", Kind.MILESTONE, 1, scope=Scope.CITY, goal="G1",
                     owner="jiuzhu")
    other = indicator("yanshou", "区生态安葬点专项债项目建设", Kind.MILESTONE, 1, scope=Scope.CITY, goal="G1",
                      owner="jiuzhu")
    plan = plan_of(("G1", "数字民政", "jiuzhu", (task, other)))
    records = [rec(CITY, "ruanjian", 1, note="自建业务软件完成新电脑适配改造,已平稳切换"),
               rec(CITY, "yanshou", 1, note="12月28日完成竣工验收")]
    frame = records_frame(records).assign(done_on=dt.date(2021, 11, 30))
    draft = draft_summary(build_summary(plan, frame, YEAR_END))
    assert sentence(draft, "ruanjian") == "自建业务软件完成新电脑适配改造，已平稳切换。"
    assert sentence(draft, "yanshou") == "区生态安葬点专项债项目建设已完成。12月28日完成竣工验收。"


def test_causes_are_what_areas_wrote_under_their_problems_and_measures_go_to_part_three(city_draft):
    _, shortfalls, next_year = parts(city_draft)
    assert "原因：金东区场地未落实；兰溪市资金未到位。" in shortfalls[2]
    assert "另行选址" not in shortfalls[2]  # a measure is no cause
    assert "（金东区另行选址）" in next_year[3]


def test_one_fold_drops_a_clause_whose_figure_the_sentence_said():
    said: set[str] = set()
    assert fold_notes(["新增7条业务线贯通,累计12条"], said, sentence="完成码上办服务12条。") == "新增7条业务线贯通。"
    assert "累计12条" in said
    # a figure is its number with its unit: 2个 is not 2万人
    assert fold_notes(["惠及困难群众2万人"], set(), sentence="全市完成试点2个。") == "惠及困难群众2万人。"
    # a clause that only says the name again
    assert fold_notes(["完成康养联合体建设试点建设,运行良好"], set(), name="康养联合体建设试点") == "运行良好。"
    # dates are no figures: 7月1日 does not make a clause repeat 1个
    assert fold_notes(["自7月1日起统一执行"], set(), sentence="完成1个。") == "自7月1日起统一执行。"


def test_a_cause_or_measure_of_nothing_is_no_cause():
    """存在问题 "无", 下步措施 "暂无": blank, never "原因：兰溪市无。" (review of issue 22)."""
    from mubiao.note_parts import joined, split

    assert joined("完成90户", "无", "暂无") == "完成90户"
    assert split("完成90户；存在问题：无；下步措施：追加资金").problem == ""


def test_a_decrease_level_beyond_its_target_is_below_it():
    shixian = indicator("shixian", "办理时限", Kind.LEVEL, 20, baseline=25, unit="个工作日", goal="G1", owner="jiuzhu",
                        direction=Direction.DECREASE)
    plan = plan_of(("G1", "民生兜底", "jiuzhu", (shixian,)))
    draft = draft_summary(build_summary(plan, records_frame([rec("wucheng", "shixian", 15)]), YEAR_END,
                                        county="wucheng"))
    assert sentence(draft, "shixian") == "全区办理时限降至15个工作日，低于20个工作日的目标。"


def test_a_theme_of_indicators_only_without_plain_words_falls_back_to_their_goals_title(year_end):
    from mubiao.models import Theme

    gaps, notes = year_end
    themed = dataclasses.replace(gaps, plan=dataclasses.replace(PLAN, themes=(
        Theme("养老服务全面提升", indicators=("huliyuan", "shilaohua")),)))
    heading = next(s.heading for s in summary_of(themed, notes).sections if "huliyuan" in
                   [f.indicator.id for f in s.facts])
    assert heading == "养老服务供给更加优质多元"  # huliyuan is missed: the theme's title would claim too much


def test_part_two_does_not_repeat_what_part_one_said(city_draft):
    """市本级's note on chizheng is folded into part 一; a shortfall would not quote it again (review of issue
    22): every 目前 clause of part 二 is absent from part 一."""
    review, shortfalls, _ = parts(city_draft)
    first = "".join(review)
    for line in shortfalls:
        if "目前，" in line:
            said = line.split("目前，", 1)[1].rstrip("。")
            assert said not in first, said


def test_a_ceiling_ratio_above_its_target_is_above_it_not_below():
    """A ratio whose target is a ceiling (direction decrease: 空置率不超过10%) short of it is 高于目标."""
    vacancy = indicator("kongzhi", "床位空置率", Kind.RATIO, 10, baseline=15, scale=100, unit="%", goal="G1",
                        owner="jiuzhu", direction=Direction.DECREASE)
    plan = plan_of(("G1", "养老服务", "jiuzhu", (vacancy,)))
    records = [rec("wucheng", "kongzhi", numerator=12, denominator=100)]
    draft = draft_summary(build_summary(plan, records_frame(records), YEAR_END, county="wucheng"))
    assert sentence(draft, "kongzhi") == "床位空置率为12%，高于目标10%。"
