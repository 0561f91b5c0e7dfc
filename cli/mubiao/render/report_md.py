"""report.md: the monthly report as Markdown, for chat tools and git diffs. The same sections as report.html,
in the same order, from the same `Report`; every piece of county text goes through `md_cell`."""

from __future__ import annotations

from mubiao.analysis.report import Lagging, Report
from mubiao.labels import Labels, ReportLabels, labels, labels_within, report_labels, report_words
from mubiao.analysis.changes import arrow
from mubiao.readers.layout import from_plan_folder
from mubiao.render.cells import md_cell, md_table
from mubiao.render.gaps import (
    SUMMARY_ORDER, area_name, counties_text, facts_text, md_goal_tables, md_notes, owner_name, percent,
    refused_words, score_cells, score_header,
)
from mubiao.render.punctuation import full_width


def render_md(report: Report) -> str:
    words, sections = report_words(report.plan, report.gaps.area)
    lines = [f"# {md_cell(report_title(report, sections))}", "",
             md_cell(byline(report, sections)), ""]
    for part in (_overview, _lagging, _counties, _owners, _completeness, _full_table):
        lines += part(report, words, sections)
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text if report.plan.language == "en" else full_width(text)  # GB/T 15834: ，：（）; in Chinese prose


def byline(report: Report, sections: ReportLabels) -> str:
    return sections.byline.format(organization=report.plan.organization, as_of=report.as_of.isoformat(),
                                  period=report.gaps.period)


def overview_sentence(report: Report, words: Labels, sections: ReportLabels) -> str:
    """`全市共 47 项指标:已完成 37 项、有风险 6 项、滞后 4 项。` (statuses with no indicator left out)."""
    parts = words.list_separator.join(sections.status_count.format(status=words.statuses[s], count=n)
                                      for s in SUMMARY_ORDER if (n := report.overview[s]))
    return sections.overview_sentence.format(total=sum(report.overview.values()), parts=parts)


def since_sentence(report: Report, words: Labels) -> str:
    """What changed since the month compared with, for leadership's first screen: `与 2021-05 相比,新增滞后 2 项
    (…、…),脱离滞后 1 项(…);各县新增滞后 5 项次、脱离滞后 3 项次;排名上升最多的是…(↑3)`; empty when the
    report compares with no month (its plan's first month)."""
    since = report.gaps.changes
    if since is None:
        return ""
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
                f"; {areas.counties}: {moved.areas_fell} rows newly behind, {moved.areas_recovered} recovered.")
        return text
    text = f"与 {since.since} 相比,"
    text += f"到期未完成 {len(missed)} 项（{named(missed)}）," if missed else ""
    text += f"新增滞后 {len(fell)} 项（{named(fell)}）," if fell else "没有新增滞后的指标,"
    text += f"脱离滞后 {len(rose)} 项（{named(rose)}）" if rose else "没有脱离滞后的指标"
    text += f";{areas.counties}新增滞后或未完成 {moved.areas_fell} 项次、脱离 {moved.areas_recovered} 项次"
    if up is not None and up[0] > 0:
        text += f";排名上升最多的是{plan.area_name(up[1])}({arrow(up[0])})"
    if down is not None and down[0] < 0:
        text += f",下降最多的是{plan.area_name(down[1])}({arrow(down[0])})"
    return text + "。"


def report_title(report: Report, sections: ReportLabels) -> str:
    """`2021年全市民政工作要点推进情况通报`; a region's (`--area`) adds its name: `…通报(临江市)`."""
    title = sections.title.format(title=report.plan.title)
    return f"{title}({report.plan.area_name(report.gaps.area)})" if report.gaps.area else title


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
    counts = [[words.statuses[s], str(report.overview[s])] for s in SUMMARY_ORDER]
    since = since_sentence(report, words)
    return [f"## {sections.overview}", "", md_cell(overview_sentence(report, words, sections)), "",
            *([md_cell(since), ""] if since else []),
            *md_table([words.status, sections.indicators], counts),
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
    lines = [f"{heading} {md_cell(row.name)}({md_cell(row.indicator)})", "",
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
    header = [words.owner, sections.indicators, *(words.statuses[s] for s in SUMMARY_ORDER),
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
