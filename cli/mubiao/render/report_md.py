"""report.md: the monthly report as Markdown, for chat tools and git diffs. The same sections as report.html,
in the same order, from the same `Report`; every piece of county text goes through `md_cell`."""

from __future__ import annotations

from mubiao.analysis.report import LAGGING, Lagging, Report
from mubiao.labels import Labels, ReportLabels, labels, labels_within, report_labels, report_words
from mubiao.analysis.changes import arrow
from mubiao.models import Status
from mubiao.readers.layout import from_plan_folder
from mubiao.render.cells import md_cell, md_table
from mubiao.render.gaps import (
    SUMMARY_ORDER, unreported_since, area_name, counties_text, facts_text, md_goal_tables, md_notes, owner_name, percent,
    display_number, paced, refused_words, score_cells, score_header, task_text, with_unit,
)
from mubiao.render.punctuation import full_width


def render_md(report: Report) -> str:
    words, sections = report_words(report.plan, report.gaps.area)
    lines = [f"# {md_cell(report_title(report, sections))}", "",
             md_cell(byline(report, sections)), ""]
    for part in (_overview, _lagging, _counties, _owners, _completeness, _follow_up, _full_table):
        lines += part(report, words, sections)
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text if report.plan.language == "en" else full_width(text)  # GB/T 15834: ，：（）; in Chinese prose


def byline(report: Report, sections: ReportLabels) -> str:
    """`第6期 · 金华市民政局 · 截至 2021-06-30 · 数据月份 2021-06` (the number when the report has one)."""
    text = sections.byline.format(organization=report.plan.organization, as_of=report.as_of.isoformat(),
                                  period=report.gaps.period)
    if report.issue is None:
        return text
    return (f"No. {report.issue} · " if report.plan.language == "en" else f"第{report.issue}期 · ") + text


def overview_sentence(report: Report, words: Labels, sections: ReportLabels) -> str:
    """`全市共 47 项指标:已完成 37 项、有风险 6 项、滞后 4 项。` (statuses with no indicator left out)."""
    def counted(statuses) -> str:
        return words.list_separator.join(sections.status_count.format(status=words.statuses[s], count=n)
                                         for s in SUMMARY_ORDER if (n := statuses[s]))

    text = sections.overview_sentence.format(total=sum(report.overview.values()), parts=counted(report.overview))
    if report.tasks:  # the tasks without a number, counted apart: 督办事项 29 项:已完成 28 项、未完成 1 项。
        text += sections.tasks_sentence.format(total=sum(report.tasks.values()), parts=counted(report.tasks))
    return text


def since_sentence(report: Report, words: Labels) -> str:
    """What changed since the month compared with, for leadership's first screen: `与 2021-05 相比,新增滞后 2 项
    (…、…),脱离滞后 1 项(…);各县新增滞后 5 项次、脱离滞后 3 项次;排名上升最多的是…(↑3)`; empty when the
    report compares with no month (its plan's first month); `2022-04 没有收到报送,不与该月比较。` when that month has
    no report at all."""
    since = report.gaps.changes
    if since is None:
        return unreported_since(report.gaps)
    plan, english = report.plan, report.plan.language == "en"
    separator = words.list_separator
    moved = since.moves()
    missed, fell, rose = moved.missed, moved.fell, moved.recovered
    ranks = [(since.rank_move(score.county), score.county) for score in report.scores]
    ranks = [(move, county) for move, county in ranks if move]
    up = max(ranks, default=None)
    down = min(ranks, default=None)
    areas = labels_within(plan, report.gaps.area)

    def named(found, most: int = 5) -> str:
        names = separator.join(change.now.name for change in found[:most])
        return names + (f" and {len(found) - most} more" if english else f"等 {len(found)} 项") \
            if len(found) > most else names

    if english:
        text = (f"Since {since.since}: " + (f"{len(missed)} missed at their deadline ({named(missed)}), "
                                            if missed else "") +
                f"{len(fell)} indicators newly behind" + (f" ({named(fell)})" if fell else "") +
                f", {len(rose)} recovered" + (f" ({named(rose)})" if rose else "") +
                f"; {areas.counties}: {moved.areas_fell} rows newly behind, {moved.areas_recovered} recovered" +
                (f"; {len(moved.stale)} rows not reported this month (older figures kept)" if moved.stale else "")
                + ".")
        return text
    text = f"与 {since.since} 相比,"
    text += f"到期未完成 {len(missed)} 项（{named(missed)}）," if missed else ""
    text += f"新增滞后 {len(fell)} 项（{named(fell)}）," if fell else "没有新增滞后的指标,"
    text += f"脱离滞后 {len(rose)} 项（{named(rose)}）" if rose else "没有脱离滞后的指标"
    text += f";{areas.counties}新增滞后或未完成 {moved.areas_fell} 项次、脱离 {moved.areas_recovered} 项次"
    if moved.stale:  # areas that stopped reporting: their figures are last month's now
        stopped = list(dict.fromkeys(change.now.county for change in moved.stale))
        text += (f";{separator.join(plan.area_name(a) for a in stopped)}本月有 {len(moved.stale)} 项未报、"
                 f"沿用以前的数据")
    if up is not None and up[0] > 0:
        text += f";排名上升最多的是{plan.area_name(up[1])}({arrow(up[0])})"
    if down is not None and down[0] < 0:
        text += f",下降最多的是{plan.area_name(down[1])}({arrow(down[0])})"
    return text + "。"


def focus_sentence(report: Report, words: Labels, most: int = 3) -> str:
    """What leadership must look at first, after the counts: the indicators furthest behind (with their
    progress and pace), the areas with most items behind or missed, and who has not reported: `需重点关注:差距最大
    的是…(0%,序时 100%)…;滞后和未完成最多的是磐安县(15 项)…;金华开发区 1 项未报送。` Empty when nothing is
    behind, missed or missing."""
    plan, english = report.plan, report.plan.language == "en"
    separator = words.list_separator

    def progress(row) -> str:
        pace = f", pace {percent(row.expected_progress)}" if english else f",序时 {percent(row.expected_progress)}"
        return percent(row.progress) + (pace if paced(row) else "")

    worst = [f"{item.row.name}({progress(item.row)})" for item in report.lagging if not item.row.is_task][:most]
    # tasks have no share of a way to rank by: named apart, with the stage they stand at
    tasks = [f"{item.row.name}({item.row.stage})" for item in report.lagging if item.row.is_task][:most]
    counted = [(score.statuses.get(Status.BEHIND, 0) + score.statuses.get(Status.MISSED, 0), score.county)
               for score in report.scores]
    areas = [f"{area_name(plan, county, words)}({count} {'items' if english else '项'})"
             for count, county in sorted(counted, key=lambda found: -found[0])[:most] if count]
    missing = [f"{area_name(plan, gap.county, words)} {len(gap.indicators)} {'items' if english else '项'}"
               for gap in report.gaps.completeness.every_missing]
    if not (worst or tasks or areas or missing):
        return ""
    if english:
        parts = ([f"furthest behind: {separator.join(worst)}"] if worst else []) + \
                ([f"tasks behind or missed: {separator.join(tasks)}"] if tasks else []) + \
                ([f"most behind or missed: {separator.join(areas)}"] if areas else []) + \
                ([f"not reported: {separator.join(missing)}"] if missing else [])
        return "To look at first: " + "; ".join(parts) + "."
    parts = ([f"差距最大的是{separator.join(worst)}"] if worst else []) + \
            ([f"滞后或未完成的督办事项是{separator.join(tasks)}"] if tasks else []) + \
            ([f"滞后和未完成最多的是{separator.join(areas)}"] if areas else []) + \
            ([f"{separator.join(missing)}未报送"] if missing else [])
    return "需重点关注:" + ";".join(parts) + "。"


def need_text(report: Report, row, pace: bool = True) -> str:
    """What a row still needs, for 下一步要求: `还需 7 家` (a count), `还差 3 个百分点`, `还差 600 元/年` (a level or
    ratio), `尚未完成` (a task); with `pace` its pace when it is behind it (`按序时应达 14.8 个,现为 2 个`); a figure
    of an earlier month says so (`沿用 2021-07 的数据`)."""
    english = report.plan.language == "en"
    if row.is_task:  # where it stands and what its status stands on: 现为推进中,节点“6月底完成方案”未完成
        words = labels(report.plan)
        now = f"now {row.stage}" if english else f"现为{row.stage}"
        why = task_text(row, words) if row.status is Status.BEHIND else ""
        text = f"{now}{', ' if english else ','}{why}" if why else now
    elif row.kind == "milestone" or row.remaining is None:
        text = "not done" if english else "尚未完成"
    elif row.unit in ("%", "％"):
        text = (f"{display_number(row.remaining, 2)} points short" if english else
                f"还差 {display_number(row.remaining, 2)} 个百分点")
    else:
        amount = with_unit(display_number(row.remaining, 2), row.unit or "")
        text = (f"{amount} to go" if english else f"还需 {amount}") if row.kind == "count" else \
            (f"{amount} short" if english else f"还差 {amount}")
    if pace and row.kind not in ("milestone", "task") and row.status is Status.BEHIND and row.expected is not None and paced(row):
        expected, actual = (with_unit(display_number(v, 1), row.unit or "") for v in (row.expected, row.actual or 0))
        text += f" (pace {expected}, now {actual})" if english else f"(按序时应达 {expected},现为 {actual})"
    if row.stale and row.reported_period:
        text += f" ({row.reported_period} figure)" if english else f"(沿用 {row.reported_period} 的数据)"
    return text


def when_text(report: Report, item) -> str:
    """By when an item is due: `2021-09-30 前` (its next milestone or its deadline); on the deadline day
    `到期未完成(期限 2021-12-31)`, after it `已逾期(期限 …)`."""
    english, deadline = report.plan.language == "en", item.row.deadline
    if item.by is not None:
        return f"by {item.by.isoformat()}" if english else f"{item.by.isoformat()} 前"
    if deadline >= report.as_of:
        return f"due today (deadline {deadline.isoformat()})" if english else f"到期未完成(期限 {deadline.isoformat()})"
    return f"overdue (deadline {deadline.isoformat()})" if english else f"已逾期(期限 {deadline.isoformat()})"


def _needed_by(report: Report, row, item, pace: bool = True) -> str:
    """`还需 1 家,到期未完成(期限 …)`; a task is just `到期未完成(…)` (not 尚未完成 twice) or `尚未完成,9-30 前`."""
    need, when = need_text(report, row, pace), when_text(report, item)
    if row.kind == "milestone" and item.by is None and not row.stale:
        return when
    return f"{need}{', ' if report.plan.language == 'en' else ','}{when}"


def follow_up_owner_line(report: Report, item, words: Labels) -> str:
    """An owner's item: `新建…中心:全市还需 1 家,到期未完成(期限 2021-12-31);东阳市还需 1 家、磐安县还需 1 家。`
    (an indicator on track for the whole names only its areas behind, then when)."""
    plan, english = report.plan, report.plan.language == "en"
    comma, semicolon = (", ", "; ") if english else (",", ";")
    space = " " if english else ""
    parts = []
    if item.areas and item.row.kind in ("milestone", "task"):  # a task: which areas have not done it (not 全市尚未完成)
        names = words.list_separator.join(area_name(plan, r.county, words) for r in item.areas)
        parts.append(f"{names}{space}{_needed_by(report, item.areas[0], item, False)}")
    else:
        if item.row.status in LAGGING:
            whole = f"{words.city}{space}" if item.areas else ""
            parts.append(f"{whole}{_needed_by(report, item.row, item)}")
        if item.areas:
            named = words.list_separator.join(f"{area_name(plan, r.county, words)}{space}{need_text(report, r, False)}"
                                              for r in item.areas)
            parts.append(named if item.row.status in LAGGING else f"{named}{comma}{when_text(report, item)}")
    return f"{item.row.name}{': ' if english else ':'}{semicolon.join(parts)}{'.' if english else '。'}"


def follow_up_area_line(report: Report, item) -> str:
    """An area's item: `新建乡镇(街道)示范型居家养老服务中心(养老服务处):还需 1 家,到期未完成(期限 2021-12-31)。`"""
    english = report.plan.language == "en"
    owner = f"({owner_name(report.plan, item.row.owner)})" if item.row.owner else ""
    if english:
        return f"{item.row.name} {owner}: {_needed_by(report, item.row, item)}."
    return f"{item.row.name}{owner}:{_needed_by(report, item.row, item)}。"


def follow_up_groups(report: Report, words: Labels, sections: ReportLabels) -> list[tuple[str, list]]:
    """下一步要求 as every format lays it out: (heading, [(kind, id, name, lines)]) for the owners (kind `owner`;
    items with no owner named under 未明确责任处室) and then the areas (kind `area`); empty when nothing is behind."""
    plan, follow = report.plan, report.follow_ups
    owners = [("owner", owner, owner_name(plan, owner) if owner else sections.no_owner,
               [follow_up_owner_line(report, item, words) for item in items]) for owner, items in follow.owners]
    areas = [("area", area, area_name(plan, area, words), [follow_up_area_line(report, item) for item in items])
             for area, items in follow.areas]
    return [(heading, groups) for heading, groups in ((sections.follow_up_owners, owners),
                                                       (sections.follow_up_areas, areas)) if groups]


def _follow_up(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    lines = [f"## {sections.follow_up}", ""]
    groups = follow_up_groups(report, words, sections)
    if not groups:
        return lines + [md_cell(sections.no_follow_up), ""]
    for heading, entries in groups:
        lines += [f"### {md_cell(heading)}", ""]
        for _, _, name, items in entries:
            lines += [f"**{md_cell(name)}**", "", *(f"{n}. {md_cell(line)}" for n, line in enumerate(items, 1)), ""]
    return lines


def report_title(report: Report, sections: ReportLabels) -> str:
    """`2021年全市民政工作要点推进情况通报(2021年6月)`: the plan's title and the data month; a region's (`--area`)
    adds its name: `…通报(临江市,2021年6月)`."""
    title = sections.title.format(title=report.plan.title)
    year, month = map(int, report.gaps.period.split("-"))
    if report.plan.language == "en":
        when = report.gaps.period
        return f"{title} ({report.plan.area_name(report.gaps.area)}, {when})" if report.gaps.area else f"{title} ({when})"
    when = f"{year}年{month}月"
    return f"{title}({report.plan.area_name(report.gaps.area)},{when})" if report.gaps.area else f"{title}({when})"


def completeness_sentence(report: Report, sections: ReportLabels) -> str:
    done = report.gaps.completeness
    sentence = sections.completeness_sentence.format(period=done.period, expected=done.expected,
                                                     reported=done.reported, rate=percent(done.rate, 1))
    if done.own_expected:  # the bureau's own indicators, beside the counties' pairs
        sentence += sections.own_sentence.format(expected=done.own_expected,
                                                 reported=done.own_expected - len(done.own_missing))
    if (on_time := report.gaps.timeliness) is not None:  # the plan names a due day
        plan, english = report.plan, report.plan.language == "en"
        separator = ", " if english else "、"
        sentence += sections.on_time_sentence.format(due=on_time.due.isoformat(), on_time=len(on_time.on_time),
                                                     expected=on_time.expected, rate=percent(on_time.rate, 1))
        if on_time.late:
            units = separator.join(f"{plan.area_name(unit)}({when.month}月{when.day}日)" if not english else
                                   f"{plan.area_name(unit)} ({when.date().isoformat()})" for unit, when in on_time.late)
            sentence += sections.late_sentence.format(count=len(on_time.late), units=units)
        if on_time.unknown:
            sentence += sections.unknown_sentence.format(
                count=len(on_time.unknown), units=separator.join(plan.area_name(unit) for unit in on_time.unknown))
    return sentence


def _overview(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    counts = [[words.statuses[s], str(report.overview[s]), *([str(report.tasks[s])] if report.tasks else [])]
              for s in SUMMARY_ORDER]
    since, focus = since_sentence(report, words), focus_sentence(report, words)
    return [f"## {sections.overview}", "", md_cell(overview_sentence(report, words, sections)), "",
            *([md_cell(focus), ""] if focus else []), *([md_cell(since), ""] if since else []),
            *md_table([words.status, sections.indicators, *([words.task] if report.tasks else [])], counts),
            md_cell(completeness_sentence(report, sections)), ""]


def _lagging(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    lines = [f"## {sections.lagging}", ""]
    if not report.every_lagging:
        return lines + [md_cell(sections.no_lagging), ""]
    for item in report.lagging:
        lines += _lagging_item(report, item, words, sections)
    if report.counties_lagging:
        lines += [f"### {md_cell(sections.counties_lagging)}", ""]
        for item in report.counties_lagging:
            lines += _lagging_item(report, item, words, sections, heading="####")
    return lines


def _lagging_item(report: Report, item: Lagging, words: Labels, sections: ReportLabels,
                  heading: str = "###") -> list[str]:
    plan, row = report.plan, item.row
    city = f"{area_name(plan, row.county, words)}:{facts_text(row, words)} · {words.statuses[row.status]}"
    if counties_text(row):
        city += f" · {words.reports} {counties_text(row)}"
    kind = f"{words.task} " if row.is_task else ""  # a task without a number says so
    lines = [f"{heading} {md_cell(row.name)}({kind}{md_cell(row.indicator)})", "",
             f"- {md_cell(words.owner)}:{md_cell(owner_name(plan, row.owner))}", f"- {md_cell(city)}"]
    if item.counties:
        lines.append(f"- {md_cell(sections.lagging_counties)}")
        lines += [f"  - {md_cell(area_name(plan, r.county, words))}:{md_cell(facts_text(r, words))} · "
                  f"{md_cell(words.statuses[r.status])}{_refused(report, r, words)}" for r in item.counties]
    if item.notes:
        lines.append(f"- {md_cell(sections.notes)}")
        lines += [f"  - {md_cell(area_name(plan, n.county, words))}"
                  f"({n.period}):{md_cell(n.text)}" for n in item.notes]
    return lines + [""]


def _refused(report: Report, row, words: Labels) -> str:
    """` · 2021-06 报送的数据有错误(D120),未采用,沿用 2021-05 的数据` when a later figure was refused."""
    refusal = report.gaps.refusal(row)
    return "" if refusal is None else f" · {md_cell(refused_words(row, refusal, words))}"


def _counties(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    plan = report.plan
    words = labels_within(plan, report.gaps.area)  # the areas ranked: a province's cities
    scores = [score_cells(plan, score, report.gaps.changes) for score in report.scores]
    counties = [county for county in plan.children(report.gaps.area)
                if any(county.id in cells for cells in report.grid.values())]
    grid = [[f"{plan.indicator(indicator).name}({indicator})",
             *(words.statuses[cells[c.id].status] if c.id in cells else "" for c in counties)]
            for indicator, cells in report.grid.items()]
    return [f"## {sections.counties}", "", *md_table(score_header(words), scores),
            f"> {md_cell(words.mean_progress_note)}", "",
            *md_table([words.indicator, *(c.name for c in counties)], grid), f"> {md_cell(sections.grid_note)}", ""]


def _owners(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    plan = report.plan
    header = [words.owner, sections.indicators_and_tasks if report.tasks else sections.indicators,
              *(words.statuses[s] for s in SUMMARY_ORDER),
              sections.lagging_indicators]
    rows = [[owner_name(plan, o.owner), str(o.indicators), *(str(o.statuses[s]) for s in SUMMARY_ORDER),
             words.list_separator.join(plan.indicator(i).name for i in o.lagging) or "—"] for o in report.owners]
    return [f"## {sections.owners}", "", *md_table(header, rows)]


def _completeness(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    plan, done = report.plan, report.gaps.completeness
    lines = [f"## {sections.completeness}", "", md_cell(completeness_sentence(report, sections)), ""]
    if not done.every_missing:
        lines += [md_cell(sections.all_reported), ""]
    else:
        rows = [[area_name(plan, m.county, words), str(len(m.indicators)),
                 words.list_separator.join(plan.indicator(i).name for i in m.indicators)] for m in done.every_missing]
        lines += md_table([words.counties, sections.indicators, sections.missing], rows)
    if problems := problem_rows(report):
        lines += [md_cell(sections.problems), "",
                  *md_table(list(sections.problems_columns), [[md_cell(cell) for cell in row] for row in problems])]
    return lines


def problem_rows(report: Report) -> list[list[str]]:
    """Each file with errors that the report went on without (docs/progress-files.md, "One bad file"): its name
    under data/<plan>/, how many errors, the first of them (where, and what to fix)."""
    problems = report.gaps.problems
    if problems is None or not problems.errors:
        return []
    by_file: dict[str, list] = {}
    for finding in problems.errors:
        by_file.setdefault(finding.file, []).append(finding)
    rows = []
    for file, found in by_file.items():
        first = found[0]
        where = f"第 {first.line} 行:" if first.line else ""
        rows.append([from_plan_folder(file, report.plan.id), str(len(found)), f"{where}{first.message}"])
    return rows


def _full_table(report: Report, words: Labels, sections: ReportLabels) -> list[str]:
    return [f"## {sections.full_table}", "", *md_goal_tables(report.gaps, words, "###"),
            *md_notes(report.gaps, words), ""]
