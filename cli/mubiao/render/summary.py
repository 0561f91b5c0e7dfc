"""Year-end summary drafts (年度工作总结初稿): the facts of `analysis/summary.py` put into words, then into
Markdown, HTML or Word.

Every sentence comes from a jinja2 template chosen by the indicator's kind and status, in the plan's language
(`templates/summary/<lang>/`): `<kind>.<status>.j2` if there is one, else `<kind>.met.j2` or
`<kind>.short.j2`, else `no_data.j2`/`no_target.j2`. A folder given as `--template DIR` is searched first,
and an indicator's own `summary` template in the plan wins over both. The variables are listed in
`docs/summary.md` (and `render.draft.SENTENCE_VARIABLES`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mubiao.analysis.summary import Fact, Summary
from mubiao.errors import MubiaoError
from mubiao.labels import Labels, SummaryLabels, in_words, labels, labels_within, levels_within, summary_labels
from mubiao.models import Kind, Levels, Status
from mubiao.note_parts import split
from mubiao.render.cells import md_cell, md_inline, template_text
from mubiao.render.draft import DocumentFonts, Draft, Heading, Paragraph, Span
from mubiao.render.gaps import area_name, display_number, owner_name, percent, task_text
from mubiao.render.punctuation import full_width

if TYPE_CHECKING:
    import jinja2

    from mubiao.formats import SummaryFormat
    from mubiao.models import Plan

#: The package's own templates: `summary/<lang>/*.j2` and `summary/style.toml`.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "summary"

_CLAUSES = re.compile("[,;\u3002\uff0c\uff1b]+")  # , ; 。，；: where a note's clauses end
_END = "\u3002.!?\uff01\uff1f\u2026"  # 。.!?！？…: a sentence already ends
_FIGURES = re.compile(r"\d+(?:\.\d+)?")


class TemplateError(MubiaoError):
    """A summary template that cannot be read or rendered."""


@dataclass(frozen=True)
class Templates:
    """Where a draft's words come from: the language, an optional folder of the user's own templates."""

    language: str = "zh"
    folder: Path | None = None
    levels: Levels = Levels()
    """The plan's words: the Chinese templates are written in a city bureau's (全市, 县(市、区)) and read in
    these (`labels.in_words`, applied to the template's text, never to the data it fills in)."""

    @cached_property
    def environment(self) -> "jinja2.Environment":
        import jinja2

        from mubiao.render.sentences import environment

        folders = [TEMPLATES / self.language]
        if self.folder is not None:
            folders.insert(0, self.folder / self.language)
            folders.insert(1, self.folder)
        # Plain text, not HTML: escaping happens in each output format's renderer. Sandboxed and bounded: a
        # plan's own `summary` template comes with the plan, and a sentence has no business with Python's insides
        # nor with loops (render/sentences.py; `mubiao check` refuses the same as P218).
        return environment(jinja2.FileSystemLoader([str(f) for f in folders]))

    @cached_property
    def _vetted(self) -> dict[str, "jinja2.Template"]:
        return {}

    def _template(self, names: list[str], own: str | None) -> "jinja2.Template":
        """The template to render, checked once against what a sentence may do (render/sentences.py)."""
        import jinja2

        from mubiao.render.sentences import refused_construct

        key = "\0own\0" + own if own is not None else "\0".join(names)
        if key not in self._vetted:
            if own is not None:
                source = own
            else:
                name = self.environment.select_template(names).name
                source = self.environment.loader.get_source(self.environment, name)[0]
            if own is None and self.language != "en":  # (a plan's own template is in its own words already)
                source = in_words(source, self.levels)
            parsed = self.environment.parse(source)
            refused = refused_construct(parsed)
            if refused is not None:
                raise jinja2.TemplateSyntaxError(f"句子模板不能用{refused}", 1)
            self._vetted[key] = self.environment.from_string(parsed)  # (compiled from the tree just checked)
        return self._vetted[key]

    def sentence(self, names: list[str], values: dict[str, Any], own: str | None = None, where: str = "") -> str:
        """The first of the templates `names` that exists (or the indicator's `own` template) rendered with
        `values`, on one line."""
        import jinja2

        from mubiao.render.sentences import render

        try:
            text = render(self._template(names, own), values)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"总结模板出错{where}:{exc.message or exc}",
                                hint="模板变量见 docs/summary.md") from None
        return " ".join(text.split()) if self.language == "en" else "".join(text.split())

    def fonts(self) -> DocumentFonts:
        """The Word fonts: `style.toml` of the user's folder, else the package's."""
        path = self.folder / "style.toml" if self.folder and (self.folder / "style.toml").is_file() else \
            TEMPLATES / "style.toml"
        try:
            style = tomllib.loads(path.read_text(encoding="utf-8")).get("fonts", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise TemplateError(f"无法读取样式文件:{exc}", file=path) from None
        known = {f.name for f in fields(DocumentFonts)}
        return DocumentFonts(**{key: value for key, value in style.items() if key in known})


def draft_summary(summary: Summary, templates: Templates | None = None) -> Draft:
    """The draft: title, 一 (one run-in paragraph per goal), 二 (shortfalls), 三 (next year), signature."""
    plan = summary.plan
    # a deeper plan's whole draft speaks of the areas directly under it (a province's: its cities)
    whole = summary.county is None and bool(plan.regions)
    templates = templates or Templates(plan.language, levels=plan.levels)
    if whole:
        templates = replace(templates, levels=levels_within(plan, None))
    words, parts = labels_within(plan, None) if whole else labels(plan), summary_labels(plan)
    year, organization = summary.year, organization_of(summary)
    period = _period_words(summary, plan.language)  # 上半年 in a June draft of a year's plan
    blocks: list[Heading | Paragraph] = [Heading(parts.review.format(year=year, period=period))]
    said: set[str] = set()  # note clauses already in the draft: a clause is said once
    for number, section in enumerate(summary.sections, 1):
        spans = _spaced([_achievement(summary, fact, templates, words, said) for fact in section.facts],
                        plan.language)
        lead = parts.goal_lead.format(number=numeral(number, plan.language), title=section.heading)
        blocks.append(Paragraph(spans, lead=lead))

    blocks.append(Heading(parts.shortfalls))
    shortfalls = summary.shortfalls
    if not shortfalls:
        open_ = sum(fact.row.status is not Status.MET for goal in summary.goals for fact in goal.facts)
        blocks.append(Paragraph((Span(parts.none_behind.format(count=open_) if open_ else parts.no_shortfalls),)))
    # what the short areas wrote, worked out once for parts 二 (causes, progress) and 三 (measures)
    values = [_values(summary, fact, words) | _reported(summary, fact, words, parts, said) for fact in shortfalls]
    for number, (fact, value) in enumerate(zip(shortfalls, values), 1):
        text = templates.sentence(["shortfall.j2"], value, where=f"(指标 {fact.indicator.id})")
        blocks.append(Paragraph((Span(parts.item.format(number=number)), Span(text, (fact.indicator.id,)))))

    mid_year = summary.as_of < plan.end  # a draft before the plan's end: its next steps are this year's
    blocks.append(Heading(parts.next_steps if mid_year else parts.next_year.format(next_year=year + 1)))
    blocks.append(Paragraph((Span(parts.next_steps_intro if mid_year else
                                  parts.next_year_intro.format(next_year=year + 1)),)))
    for number, (fact, value) in enumerate(zip(shortfalls, values), 1):
        text = templates.sentence(["next_year.j2"], value, where=f"(指标 {fact.indicator.id})")
        blocks.append(Paragraph((Span(parts.item.format(number=number)), Span(text, (fact.indicator.id,)))))
    reports_up = summary.county is not None and not has_bureau(plan, summary.county)  # its report to the bureau
    more = parts.more_area if reports_up else parts.more  # a township has no departments to add theirs
    blocks.append(Paragraph((Span(parts.item.format(number=len(shortfalls) + 1)), Span(more))))

    day = summary.as_of
    signature = (organization, parts.date.format(year=day.year, month=day.month, day=day.day))
    title = (parts.unit_title if reports_up else parts.title).format(organization=organization, year=year,
                                                                     period=period)
    addressee = parts.addressee.format(organization=plan.organization) if reports_up else None
    draft = Draft(title, tuple(blocks), signature, plan.language, addressee)
    return draft if plan.language == "en" else punctuated(draft)


def punctuated(draft: Draft) -> Draft:
    """The draft with the punctuation of its Chinese prose full-width (GB/T 15834: ，：；（）), ASCII kept in
    numbers, units and ids (render/punctuation.py)."""
    from dataclasses import replace

    def block(each: Heading | Paragraph) -> Heading | Paragraph:
        if isinstance(each, Heading):
            return Heading(full_width(each.text))
        return Paragraph(tuple(replace(span, text=full_width(span.text)) for span in each.spans),
                         full_width(each.lead) if each.lead else each.lead)

    return replace(draft, title=full_width(draft.title), blocks=tuple(block(each) for each in draft.blocks),
                   signature=tuple(full_width(line) for line in draft.signature),
                   addressee=full_width(draft.addressee) if draft.addressee else None)


def organization_of(summary: Summary) -> str:
    """Whose draft it is: the plan's organisation for the city; for a county, the county's bureau named the
    way the seeds do (金华市民政局 → 金华市婺城区民政局)."""
    if summary.county is None:
        return summary.plan.organization
    return bureau_of(summary.plan, summary.county)


def bureau_of(plan: "Plan", area: str) -> str:
    """The civil-affairs bureau of an area, named the way the seeds do (金华市民政局 → 金华市婺城区民政局; a
    province's county: 临江市云溪县民政局), or the area's name where it has no bureau of its own (金华开发区)."""
    organization, county = plan.organization, plan.area_name(area)
    if not has_bureau(plan, area):  # no bureau of its own: its draft is its report, by name
        return county
    if plan.regions and plan.language != "en":  # a province's county: 临江市云溪县民政局, its city: 临江市民政局
        return "".join(plan.area_name(a) for a in reversed(plan.ancestors(area))) + county + "民政局"
    for suffix in ("民政局", "民政厅"):
        if organization.endswith(suffix):
            return f"{organization[:-len(suffix)]}{county}{suffix}"
    return f"{county}{organization}" if plan.language != "en" else f"{county}, {organization}"


#: Areas that report like a county but are no administrative division with a civil-affairs bureau of their own
#: (a development zone's social affairs are a bureau of its committee): 金华开发区, 新区, 园区, 度假区.
_NO_BUREAU = ("开发区", "新区", "园区", "度假区", "管委会")


def has_bureau(plan: "Plan", county: str) -> bool:
    """Whether the area has a civil-affairs bureau of its own (`[plan.levels] unit_bureaus`, and not a zone)."""
    return plan.levels.unit_bureaus and not plan.area_name(county).endswith(_NO_BUREAU)


def numeral(number: int, language: str) -> str:
    """一, 二 … 十, 十一 … 九十九 in Chinese; 1, 2 … otherwise."""
    if language == "en":
        return str(number)
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


def _achievement(summary: Summary, fact: Fact, templates: Templates, words: Labels, said: set[str]) -> Span:
    """The indicator's sentence in the first part, with its notes folded in."""
    ind, status = fact.indicator, fact.row.status
    if status is Status.NO_DATA or status is Status.NO_TARGET:
        names = [f"{ind.kind.value}.{status.value}.j2", f"{status.value}.j2"]
    else:
        outcome = "met" if status is Status.MET else "short"
        names = [f"{ind.kind.value}.{status.value}.j2", f"{ind.kind.value}.{outcome}.j2"]
    own = ind.summary if status is not Status.NO_DATA else None
    text = templates.sentence(names, _values(summary, fact, words), own, where=f"(指标 {ind.id})")
    progress = [split(note.text).progress for note in fact.notes]
    if progress and own is None and status is Status.MET and ind.kind.done_or_not and \
            fact.row.counties_total is None and _names(ind.name, progress[0]):
        # a task done, whose note names it: the note says what was done, in the area's words (not "已完成"
        # and the note twice); a note that does not name it ("改造工程通过竣工验收", "实施方案已印发") follows
        # the sentence, which says what was done
        if folded := fold_notes(progress, said, summary.plan.language):
            return Span(folded, (ind.id,))
    if progress and own is None and status is Status.MET and ind.is_task and fact.row.counties_total is None:
        # a task without a number done, its 进展情况 not naming it: its name, then what was done, as a summary
        # writes it ("推行“物质+服务”救助新模式,救助覆盖全部镇街"), not "…已完成。" and the note apart
        if folded := fold_notes(progress, said, summary.plan.language, "", ind.name):
            return Span(f"{ind.name}{': ' if summary.plan.language == 'en' else ','}{folded}", (ind.id,))
    folded = fold_notes(progress, said, summary.plan.language, text, ind.name)
    return Span(_joined(text, folded, language=summary.plan.language), (ind.id,))


def _spaced(spans: list[Span], language: str) -> tuple[Span, ...]:
    """Spans that run on in a paragraph: in English each but the last ends with a space."""
    if language != "en":
        return tuple(spans)
    return tuple(Span(span.text + " ", span.indicators) if index < len(spans) - 1 else span
                 for index, span in enumerate(spans))


def _joined(*sentences: str, language: str = "zh") -> str:
    """Sentences run on: Chinese with nothing between them, other languages with a space."""
    return ("" if language != "en" else " ").join(s for s in sentences if s)


def fold_notes(notes: list[str], said: set[str], language: str = "zh", sentence: str = "", name: str = "") -> str:
    """The notes as one sentence, each clause (split at ,;。) said only once in the draft: `said` holds the
    clauses already written and is updated. A clause whose figures the `sentence` before it states already
    (`累计12条` after "完成…12条") is left out, and so is one that only says the indicator's `name` again
    ("完成康养联合体建设试点建设"): a fact is said once. The sentence ends with 。 (or `.` in English) unless it
    ends already."""
    stated = _figures(sentence)
    clauses = []
    for note in notes:
        for clause in _CLAUSES.split(note):
            clause = clause.strip()
            if _figures(clause) & stated or (name and name in clause and len(clause) - len(name) <= 4):
                said.add(clause)  # (累计12条 after 完成…12条; 完成<name>建设: said already)
                continue
            if clause and clause not in said:
                said.add(clause)
                clauses.append(clause)
    if not clauses:
        return ""
    text = (", " if language == "en" else ",").join(clauses)
    return text if text[-1] in _END else text + ("." if language == "en" else "。")


def _names(name: str, text: str) -> bool:
    """Whether `text` names the item `name`: shares a run of half its characters (at least 4) with it and ends as
    it ends, the head of a Chinese noun phrase (自建业务软件新电脑适配改造 in "自建业务软件完成新电脑适配改造"; not
    示范型居家养老服务中心乡镇(街道)全覆盖 in "实现服务中心镇街全覆盖"); a short name must appear whole."""
    length = max(4, len(name) // 2)
    if len(name) <= length:
        return name in text
    return name[-2:] in text and any(name[i:i + length] in text for i in range(len(name) - length + 1))


def _figures(text: str) -> set[str]:
    """The figures a text states with the first character of their unit (`12条`, `8家`, `2万`), dates left out
    (2035年, 7月1日, 2020-2035: they say when, they are no result): `完成…2个` does not repeat `惠及2万人`."""
    found = set()
    for match in _FIGURES.finditer(text):
        after = text[match.end():match.end() + 1]
        if after in ("年", "月", "日", "号") or (len(match.group()) == 4 and match.group()[:2] in ("19", "20")):
            continue
        found.add(match.group() + after)
    return found


def _reported(summary: Summary, fact: Fact, words: Labels, parts: SummaryLabels, said: set[str]) -> dict[str, str]:
    """What the area (a county draft) or each short county (a city draft) wrote of an unmet indicator, each
    part as one clause list: `causes` (what it wrote under 存在问题, the only cause a draft gives), `progress`
    (its 备注, unless part 一 said it already: `said`) and `measures` (下步措施) (mubiao/note_parts.py). A note's
    own semicolons become commas: the areas are what `；` separates."""
    found: dict[str, list[str]] = {"causes": [], "progress": [], "measures": []}
    english = summary.plan.language == "en"
    for note in fact.causes:
        note_parts = split(note.text)
        for key, text in (("causes", note_parts.problem), ("progress", note_parts.progress),
                          ("measures", note_parts.measure)):
            text = text.rstrip(_END + ",;\uff0c\uff1b")
            if key == "progress" and text and all(c.strip() in said for c in _CLAUSES.split(text) if c.strip()):
                continue  # (part 一 has these words already: said once)
            if text and not english:
                text = text.replace("\uff1b", "\uff0c").replace(";", ",")
            if text:
                if note.period != summary.gaps.period and not english:  # an older month's words, still current
                    year, month = int(note.period[:4]), int(note.period[5:])
                    text += f"({'' if year == summary.as_of.year else f'{year}年'}{month}月报送)"
                area = area_name(summary.plan, note.county, words) if summary.county is None else ""
                found[key].append(parts.cause.format(area=area, text=text) if area else text)
    return {key: parts.causes_separator.join(texts) for key, texts in found.items()}


def _values(summary: Summary, fact: Fact, words: Labels) -> dict[str, Any]:
    """The template variables of a fact (SENTENCE_VARIABLES): numbers formatted as people write them."""
    plan, row, ind = summary.plan, fact.row, fact.indicator
    county_names = words.list_separator.join(plan.area_name(c) for c in fact.short_counties)
    missing_names = words.list_separator.join(plan.area_name(c) for c in fact.missing_counties)
    if summary.county is None:
        area = words.city
    else:
        area = _area_word(plan.area_name(summary.county), plan.language)
    return {
        "id": ind.id, "name": ind.name, "kind": ind.kind.value, "direction": ind.direction.value,
        "unit": ind.unit or "", "status": row.status.value, "status_word": words.statuses[row.status],
        "area": area, "city": summary.county is None and row.counties_total is not None,
        "actual": _number(row.actual), "target": _number(row.target),
        "baseline": _number(row.baseline), "remaining": _number(row.remaining),
        "remaining_unit": words.points if ind.unit in ("%", "％") else ind.unit or "",
        "rate": percent(row.progress), "expected": _number(row.expected),
        "deadline": row.deadline.isoformat(), "as_of": summary.as_of.isoformat(),
        "as_of_day": summary.as_of.isoformat() if plan.language == "en" else
        f"{summary.as_of.year}年{summary.as_of.month}月{summary.as_of.day}日",
        # the city's offices (责任处室) are the city draft's: a county's draft speaks of the county only
        "owner": owner_name(plan, row.owner) if row.owner and summary.county is None else "",
        # the areas the draft speaks of: a city's counties, a province's cities
        "counties_total": fact.counties_total,
        "counties_met": len(fact.met_counties),
        "counties_short": county_names, "counties_missing": missing_names, "year": summary.year,
        "next_year": summary.year + 1, "causes": "", "progress": "", "measures": "",
        "exceeded": row.actual is not None and row.target is not None and _beyond(row.actual, row.target, ind),
        "change": _change(row.actual, row.baseline),
        # before its deadline an indicator is on its way: the words of a mid-year draft (进度滞后, 按期完成)
        "due": row.deadline <= summary.as_of, "by_when": _by_when(row.deadline, summary.as_of, plan.language),
        **_stretch_values(summary, fact),
        "verb_led": ind.name.startswith(ACTION_VERBS),
        # a task's (督办事项): the stage it has reached, whether it has started, what its status stands on
        **({"actual": row.stage or "", "stage": row.stage or "", "started": bool(row.actual),
            "node": task_text(row, words) if row.status in (Status.BEHIND, Status.AT_RISK) else ""}
           if row.is_task else {"stage": "", "started": row.actual is not None, "node": ""}),
    }


#: The verbs a plan's clauses open with (推进…建设, 深化…改革): a name that starts with one is already what to do, and
#: a sentence of part 三 says it as it is, not 加快推进推进….
ACTION_VERBS = ("推进", "推动", "加快", "加强", "健全", "完善", "深化", "开展", "探索", "建立", "建设", "打造", "实施",
                "落实", "优化", "提升", "提高", "构建", "引入", "发挥", "组织", "做好", "扎实", "持续", "改造", "培育",
                "增强", "搭建", "规范", "创建", "争创", "编制", "修订", "出台", "启动", "全面", "巩固", "强化", "促进",
                "积极", "稳步", "确保", "定期", "开通", "承接", "设置", "新建", "筹建", "召开", "举办", "制定")


def _stretch_values(summary: Summary, fact: Fact) -> dict[str, Any]:
    """An indicator with a stretch target (力争15个) or a range (10-15个), in the whole's draft: `stretch_words`, what
    the figure came to against it once the firm target is met (达到力争目标15个, 距力争目标15个尚差3个, 达到10-15个的
    目标); a range's `target` is the range (10-15: 距目标10-15个尚差3个 is to its lower end) and `exceeded` means
    beyond its upper end."""
    row, ind, english = fact.row, fact.indicator, summary.plan.language == "en"
    if row.stretch is None or row.actual is None:
        return {"stretch_words": ""}
    high, unit = _number(row.stretch), ind.unit or ""
    span = "-".join(map(_number, sorted((row.target, row.stretch))))  # a range low to high, whichever end is met
    if row.status is not Status.MET:  # short of the firm target: a range is still said as the plan says it
        return {"stretch_words": "", **({"target": span} if row.ranged else {})}
    if row.ranged:
        beyond = _beyond(row.actual, row.stretch, ind)
        words = "" if beyond else (f"within the target range of {span} {unit}" if english else f"达到{span}{unit}的目标")
        return {"stretch_words": words, "exceeded": beyond, "target": span}
    if row.stretch_met:
        return {"stretch_words": f"reaching the stretch target of {high} {unit}" if english else
                f"达到力争目标{high}{unit}"}
    short = _number(abs(row.stretch - row.actual))
    return {"stretch_words": f"{short} {unit} short of the stretch target of {high} {unit}" if english else
            f"距力争目标{high}{unit}尚差{short}{unit}"}


def _beyond(actual: float, target: float, ind) -> bool:
    """Whether a figure is past its target in the indicator's good direction (not merely at it)."""
    from mubiao.numbers import TOLERANCE

    return actual < target - TOLERANCE if ind.direction.value == "decrease" else actual > target + TOLERANCE


def _change(actual: float | None, baseline: float | None) -> str:
    """How the figure moved from the plan's baseline: `rose`, `fell`, `held`, or '' without both (a baseline of
    0 is none: the plan did not state one, and no standard stood at 0 元)."""
    from mubiao.numbers import TOLERANCE

    if actual is None or not baseline:
        return ""
    return "held" if abs(actual - baseline) <= TOLERANCE else "rose" if actual > baseline else "fell"


def _period_words(summary: Summary, language: str) -> str:
    """The part of the year a draft before the plan's end sums up: 上半年 (June), 前三季度 (September), 1—4月
    (else); nothing at the plan's end (a year's summary) or in English."""
    day, plan = summary.as_of, summary.plan
    if day >= plan.end or language == "en" or day.year != plan.start.year and day.year != plan.end.year:
        return ""
    first = plan.start.month if plan.start.year == day.year else 1
    return {6: "上半年", 9: "前三季度"}.get(day.month, f"{first}—{day.month}月") if first == 1 else \
        f"{first}—{day.month}月"


def _by_when(deadline, as_of, language: str) -> str:
    """When an indicator not yet due is to be done, as a draft says it: 年底, 2022年6月底, 9月15日."""
    import calendar

    month_end = deadline.day == calendar.monthrange(deadline.year, deadline.month)[1]
    if language == "en":
        return f"by {deadline.isoformat()}"
    if month_end and deadline.month == 12:
        return "年底" if deadline.year == as_of.year else f"{deadline.year}年底"
    year = "" if deadline.year == as_of.year else f"{deadline.year}年"
    return f"{year}{deadline.month}月底" if month_end else f"{year}{deadline.month}月{deadline.day}日"


def _number(value: float | None) -> str:
    return "" if value is None else display_number(value, 2)


def _area_word(county_name: str, language: str) -> str:
    """How a county's own draft says "the whole area": 全区, 全县, 全市 by the last character of its name."""
    if language == "en":
        return ""
    last = county_name[-1:]
    return f"全{last}" if last in "区县市旗" else county_name


# ------------------------------------------------------------------------------------------------ formats


def render_md(draft: Draft, trace: bool = False) -> str:
    """Markdown: the title as `#`, first-level headings as `##`, the run-in leads in bold; `trace` puts the
    indicator ids behind each sentence after it, as `〔G03-shilaohua〕`."""
    lines = [f"# {md_cell(draft.title)}", ""]
    if draft.addressee:
        lines += [md_cell(draft.addressee), ""]
    for block in draft.blocks:
        if isinstance(block, Heading):
            lines += [f"## {md_cell(block.text)}", ""]
            continue
        text = "".join(md_inline(span.text) + (_trace(span) if trace else "") for span in block.spans)
        lines += [(_bold_lead(block.lead) if block.lead else "") + text, ""]
    lines += [md_cell(line) + "  " for line in draft.signature]
    return "\n".join(lines).rstrip() + "\n"


def _bold_lead(lead: str) -> str:
    """`**(一)养老服务**。`: the closing `**` goes before the lead's own full stop, for CommonMark cannot
    close bold between a punctuation mark and the letter after it (`**…。**全市` shows its asterisks)."""
    words = lead.rstrip(_END + " ")
    return f"**{md_inline(words)}**{md_inline(lead[len(words):])}"


def _trace(span: Span) -> str:
    return f"〔{'、'.join(span.indicators)}〕" if span.indicators else ""


def render_html(draft: Draft, trace: bool = False) -> str:
    """A self-contained HTML page of the draft (the same text as the Word file); `trace` shows the indicator
    ids behind each sentence, small and grey."""
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                     finalize=template_text, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    return environment.get_template("draft.html.j2").render(draft=draft, trace=trace, fonts=DocumentFonts(),
                                                            is_heading=lambda b: isinstance(b, Heading))


#: The text formats of a draft (Word is rendered by `render/summary_docx.py`, which needs the fonts).
RENDERERS = {"md": render_md, "html": render_html}


def render_draft(draft: Draft, output_format: "SummaryFormat", templates: Templates, trace: bool = False) -> str | bytes:
    """The draft in one of the formats of `mubiao summary` (Word takes its fonts from the templates' style)."""
    from mubiao.formats import SummaryFormat

    if output_format is SummaryFormat.DOCX:
        from mubiao.render.summary_docx import render_docx

        return render_docx(draft, templates.fonts())
    return RENDERERS[output_format.value](draft, trace)
