"""督办单: one follow-up notice per owner (处室) and per area with items behind or missed (`report --duban`).

Each notice is a `Draft` (render/draft.py), so it is written by the same Markdown and Word renderers as the
year-end drafts: a GB/T 9704 page, the number in the title (`督办单〔2021〕第12期-3号`), the addressee flush left, the items
as the report's 下一步要求 says them (render/report_md.py), the bureau and the date signed at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mubiao.render.draft import Draft, Paragraph, Span
from mubiao.render.summary import bureau_of, punctuated, render_md

if TYPE_CHECKING:
    from mubiao.analysis.report import Report

#: Where the notices go, under the report's folder.
FOLDER = "督办单"


@dataclass(frozen=True)
class Notice:
    """One 督办单: its number, whom it is for, and the document."""

    number: int
    addressee: str
    draft: Draft

    @property
    def stem(self) -> str:
        """`督办单-03-社会救助处`: the files' name without the suffix (numbered, so they sort as issued)."""
        safe = "".join(c for c in self.addressee if c not in '\\/:*?"<>|')
        return f"{FOLDER}-{self.number:02d}-{safe}"


def notices(report: "Report") -> tuple[Notice, ...]:
    """The notices of a report: each owner with items first (plan order), then each area, numbered from 1 within
    the report and named by it: `督办单〔2021〕第12期-3号` (numbered report) or `督办单〔2021〕12月-3号` (by its data
    month), so no two notices of a year share a number. Items that name no owner have nobody to send a notice to:
    they stay in the report's 下一步要求."""
    from mubiao.labels import report_words
    from mubiao.render.report_md import follow_up_groups, report_title

    plan = report.plan
    words, sections = report_words(plan, report.gaps.area)
    source = f"《{report_title(report, sections)}》" + (f"(第{report.issue}期)" if report.issue else "")
    day = report.as_of
    series = f"第{report.issue}期" if report.issue else f"{int(report.gaps.period[5:])}月"
    found = [(name if kind == "owner" else bureau_of(plan, key), lines)
             for _, entries in follow_up_groups(report, words, sections) for kind, key, name, lines in entries
             if key is not None]
    made = []
    for number, (whom, lines) in enumerate(found, 1):
        blocks = [Paragraph((Span(f"根据{source},截至{day.year}年{day.month}月{day.day}日,你单位以下事项滞后或未完成,"
                                  "现予督办:"),))]
        blocks += [Paragraph((Span(f"{n}.{line}"),)) for n, line in enumerate(lines, 1)]
        blocks.append(Paragraph((Span("请对照上述事项,明确责任人和完成时限,抓紧推进,并在下月报送中说明进展和存在问题。"),)))
        draft = Draft(title=f"督办单〔{day.year}〕{series}-{number}号", blocks=tuple(blocks),
                      signature=(plan.organization, f"{day.year}年{day.month}月{day.day}日"), language="zh",
                      addressee=f"{whom}:")
        made.append(Notice(number, whom, punctuated(draft)))
    return tuple(made)


def notice_files(report: "Report") -> dict[str, bytes]:
    """`督办单/<stem>.docx` and `.md` of every notice (empty for an English plan: the notice is a Chinese form)."""
    from mubiao.render.summary_docx import render_docx

    if report.plan.language == "en":
        return {}
    files = {}
    for notice in notices(report):
        files[f"{FOLDER}/{notice.stem}.md"] = render_md(notice.draft).encode("utf-8")
        files[f"{FOLDER}/{notice.stem}.docx"] = render_docx(notice.draft)
    return files
