"""The words reports use, in the plan's language (`[plan] language`: zh or en)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from mubiao.models import Status


@dataclass(frozen=True)
class Labels:
    city: str
    """The city row (全市)."""
    city_itself: str
    """The city's own reports (市本级), as a reporting unit."""
    statuses: Mapping[Status, str]
    county: str
    indicator: str
    actual_target: str
    progress: str
    status: str
    reported: str
    counties: str
    rank: str
    mean_progress: str
    expected: str
    shortfall: str
    projected: str
    as_of: str
    stale_note: str
    partial_note: str
    expected_mark_note: str
    reports: str
    target: str
    done: str
    not_done: str
    points: str
    will_meet: str
    will_miss: str
    owner: str
    notes: str
    yes: str
    no: str
    done_counties: str
    behind_by: str
    not_reported: str
    pace: str
    """Before the expected progress in a table cell: `44%(序时 49%)`."""
    """Before the list of counties that have not reported this month."""
    items: str
    """How many indicators, after a county's name: a format with one `{}`."""
    list_separator: str
    ahead_by: str
    """After `8/10` on a milestone's city row: counties done of all."""


ZH = Labels(
    city="全市",
    city_itself="市本级",
    statuses=MappingProxyType({
        Status.MET: "已完成", Status.ON_TRACK: "正常推进", Status.AT_RISK: "有风险", Status.BEHIND: "滞后",
        Status.MISSED: "未完成", Status.NO_DATA: "未报送", Status.NO_TARGET: "无目标",
    }),
    county="地区", indicator="指标", actual_target="完成 / 目标", progress="进度", status="状态", reported="数据月份",
    counties="县(市、区)", rank="排名", mean_progress="平均进度", expected="序时目标", shortfall="对照序时",
    projected="按近期进度预计", as_of="截至", stale_note="* 该县本月未报,沿用最近一次报送的数据",
    partial_note="9/10:全市数只汇总了已报送的县(10 个中的 9 个),是部分数据",
    expected_mark_note="┃ 序时进度(按时间应达到的位置)", reports="报送", target="目标", done="已完成", not_done="未完成",
    points="个百分点", will_meet="预计能完成", will_miss="预计完不成", owner="责任处室", notes="各县填报说明",
    yes="是", no="否", done_counties="县完成", behind_by="落后", ahead_by="超前",
    not_reported="未报送:", pace="序时", items="({} 项)", list_separator="、",
)

EN = Labels(
    city="City",
    city_itself="city (own reports)",
    statuses=MappingProxyType({
        Status.MET: "met", Status.ON_TRACK: "on track", Status.AT_RISK: "at risk", Status.BEHIND: "behind",
        Status.MISSED: "missed", Status.NO_DATA: "no data", Status.NO_TARGET: "no target",
    }),
    county="Area", indicator="Indicator", actual_target="actual / target", progress="progress", status="status",
    reported="data month", counties="County", rank="rank", mean_progress="mean progress", expected="expected",
    shortfall="vs pace", projected="projected at recent pace", as_of="as of",
    stale_note="* no report this month: the latest earlier report is used",
    partial_note="9/10: the city figure adds up only the counties that reported (9 of 10): a partial figure",
    expected_mark_note="┃ expected progress (where the time elapsed says it should be)", reports="reports",
    target="target", done="done", not_done="not done", points="pp", will_meet="will meet", will_miss="will miss",
    owner="owner", notes="notes from the counties",
    yes="yes", no="no", done_counties="done", behind_by="behind", ahead_by="ahead",
    not_reported="not reported: ", pace="expected", items=" ({} indicators)", list_separator=", ",
)


def labels(language: str) -> Labels:
    """The labels of a plan's language (Chinese unless the plan says `en`)."""
    return EN if language == "en" else ZH
