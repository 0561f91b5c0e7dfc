"""report.html, read back as a tree: the six sections in order, a page that makes no request, the county grid,
the charts, and county notes that stay text whatever they contain."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mubiao.analysis.report import build_report
from mubiao.labels import labels, report_labels
from mubiao.models import Status
from mubiao.readers.progress import load_progress
from mubiao.render.punctuation import full_width
from mubiao.render.report_html import render_html
from mubiao.workspace import open_plan

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ("overview", "lagging", "counties", "owners", "completeness", "follow-up", "full-table")
CJK = re.compile(r"[\u4e00-\u9fff]")
SCRIPT_NOTE = "<script>alert(1)</script>"
FORMULA_NOTE = '=HYPERLINK("http://x","y")'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag: str, **attrs: str) -> Element:
        found = [e for e in self.iter(tag) if all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class TreeBuilder(HTMLParser):
    """html.parser into a small tree of Elements (text children are strings, entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        raise AssertionError(f"</{tag}> closes nothing open")

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed: {[e.tag for e in builder.stack[1:]]}"
    assert builder.declarations == ["DOCTYPE html"]
    return builder.root


@pytest.fixture(scope="module")
def sample():
    plan = open_plan(str(REPO), "jinhua-2021")
    progress = load_progress(plan, str(REPO))
    return plan, progress


@pytest.fixture(scope="module")
def report(sample):
    plan, progress = sample
    return build_report(plan, progress)


@pytest.fixture(scope="module")
def html(report):
    return render_html(report)


@pytest.fixture(scope="module")
def page(html):
    return parse(html)


def _with_note(progress, county: str, indicator: str, text: str):
    """The progress table with `text` as the note of the county's latest record of the indicator."""
    progress = progress.copy()
    chosen = progress[(progress["county"] == county) & (progress["indicator"] == indicator)]
    latest = chosen["period"].astype(str).idxmax()
    progress["note"] = progress["note"].astype(object)
    progress.loc[latest, "note"] = text
    return progress


def test_the_page_is_titled_with_the_plan_and_its_month(report, page):
    title = full_width(report_labels("zh").title.format(title=report.plan.title) + "(2021年12月)")
    assert page.find("html").attrs["lang"] == "zh-CN"
    assert page.find("meta", charset="utf-8")
    assert page.find("title").text() == title
    assert page.find("h1").text() == title
    byline = page.find("p", class_="byline").text()
    assert report.plan.organization in byline and report.gaps.period in byline


def test_seven_sections_in_order_with_their_headings(page):
    sections = list(page.iter("section"))
    assert [s.attrs["id"] for s in sections] == list(SECTIONS)
    words = report_labels("zh")
    expected = [full_width(heading) for heading in (words.overview, words.lagging, words.counties, words.owners,
                                                    words.completeness, words.follow_up, words.full_table)]
    assert [next(s.iter("h2")).text() for s in sections] == expected


def test_the_page_makes_no_request(html, page):
    for tag in ("script", "link", "img", "iframe", "object", "embed", "base", "audio", "video", "source"):
        assert not list(page.iter(tag)), f"<{tag}> in the page"
    for element in page.iter():
        for name, value in element.attrs.items():
            if name in ("src", "href", "srcset", "action", "poster", "data") or name.endswith(":href"):
                pytest.fail(f"<{element.tag} {name}={value!r}>")
            assert not re.match(r"\s*(https?:)?//", value) or name == "xmlns", f"<{element.tag} {name}={value!r}>"
    css = "".join(style.text() for style in page.iter("style"))
    assert "@import" not in css and "url(" not in css
    assert "@font-face" not in css  # no web fonts: the reader's CJK fonts do
    assert "data:" not in html


def test_print_css_sets_a4_and_keeps_the_colours(page):
    css = "".join(style.text() for style in page.iter("style"))
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:\s*15mm 12mm", css)
    assert "print-color-adjust: exact" in css and "@media print" in css
    assert "thead { display: table-header-group; }" in css
    assert "break-inside: avoid" in css


def test_every_table_has_a_header_that_repeats_on_each_printed_page(page):
    tables = list(page.iter("table"))
    assert len(tables) > 10
    for table in tables:
        assert next(table.iter("thead"), None) is not None


def test_the_county_grid_has_a_column_per_county_and_a_row_per_indicator(report, page):
    grid = page.find("table", id="county-grid")
    header = [th.text() for th in next(grid.iter("thead")).iter("th")]
    assert header[1:] == [county.name for county in report.plan.counties]
    rows = list(next(grid.iter("tbody")).iter("tr"))
    assert len(rows) == len(report.grid)
    plan_order = [ind.id for ind in report.plan.indicators if ind.id in report.grid]
    assert [next(row.iter("th")).find("span").text() for row in rows] == plan_order
    assert all(len(list(row.iter("td"))) == len(report.plan.counties) for row in rows)


def test_a_grid_cell_shows_the_county_status_on_its_colour(report, page):
    words = labels("zh")
    grid = page.find("table", id="county-grid")
    rows = {next(row.iter("th")).find("span").text(): list(row.iter("td"))
            for row in next(grid.iter("tbody")).iter("tr")}
    counties = [county.id for county in report.plan.counties]
    gap_row = report.grid["G02-tekun-yitihua"]["panan"]
    cell = rows["G02-tekun-yitihua"][counties.index("panan")]
    assert cell.text() == words.statuses[gap_row.status] == "未完成"  # on the deadline day, not done
    assert f"st-{gap_row.status.value}" in cell.classes()
    assert "磐安县" in cell.attrs["title"] and "2021-12" in cell.attrs["title"]
    # a county that does not report the indicator: a blank cell
    only_some = rows["G07-yingjianjinjian"]
    assert only_some[counties.index("wucheng")].text() == "" and "blank" in only_some[0].classes()


def test_the_charts_are_inline_svg_with_chinese_text(report, page):
    charts = list(page.iter("svg"))
    assert [chart.attrs["id"] for chart in charts] == ["chart-statuses", "chart-counties"]
    for chart in charts:
        assert chart.attrs["xmlns"] == "http://www.w3.org/2000/svg" and chart.attrs["role"] == "img"
        assert chart.attrs["viewbox"].startswith("0 0 ") and chart.attrs["width"] and chart.attrs["height"]
        assert CJK.search(next(chart.iter("title")).text())
        texts = [text.text() for text in chart.iter("text")]
        assert any(CJK.search(text) for text in texts)
        assert all("Noto Sans CJK SC" in text.attrs["font-family"] for text in chart.iter("text"))
    statuses = [text.text() for text in charts[0].iter("text")]
    assert "滞后" in statuses and str(report.overview[Status.MET]) in statuses
    counties = [text.text() for text in charts[1].iter("text")]
    assert all(county.name in counties for county in report.plan.counties)


def test_the_lagging_section_shows_the_numbers_and_the_notes(report, page):
    section = page.find("section", id="lagging")
    items = list(section.iter("article"))
    assert len(items) == len(report.every_lagging)
    first = items[0].text()
    assert report.lagging[0].row.name in first and "序时" in first and "个百分点" in first
    notes = [li.text() for li in section.iter("li")]
    assert any("磐安县" in note and "2021-12" in note for note in notes)
    assert any(note.startswith("市本级") for note in notes)  # G08-guihua: the city's own note


def test_a_cards_heading_matches_its_status_and_the_worst_come_first(report, page):
    """Under 滞后与未完成指标 only indicators missed or behind for the city, missed first and a larger shortfall
    first; an indicator on track with counties behind is listed apart, under its own heading (issue 22)."""
    from mubiao.analysis.report import LAGGING

    assert report.lagging and report.counties_lagging  # the sample at year end has both
    assert all(item.row.status in LAGGING for item in report.lagging)
    assert all(item.row.status not in LAGGING and item.counties for item in report.counties_lagging)
    keys = [(item.row.status.severity, -(item.row.shortfall or 0)) for item in report.lagging]
    assert keys == sorted(keys)
    section = page.find("section", id="lagging")
    cards = list(section.iter("article"))
    assert [bool(list(card.iter("h3"))) for card in cards] == (
        [True] * len(report.lagging) + [False] * len(report.counties_lagging))
    assert [h3.text() for h3 in section.iter("h3") if "sub-heading" in h3.classes()] == [
        full_width(report_labels("zh").counties_lagging)]


def test_the_full_table_has_every_row_with_the_city_row_bold(report, page):
    section = page.find("section", id="full-table")
    rows = [row for row in section.iter("tr") if row.attrs.get("class") in ("city", "county")]
    assert len(rows) == len(report.gaps.rows)
    assert sum(row.attrs["class"] == "city" for row in rows) == len(report.city_rows)
    headings = [h3.text() for h3 in section.iter("h3")]
    assert len(headings) == len({row.goal for row in report.gaps.rows})
    partial = [row for row in rows if any("flag" in span.classes() for span in row.iter("span"))]
    assert [row.text().count("9/10") for row in partial] == [1]


def test_a_note_with_markup_stays_text(sample):
    plan, progress = sample
    progress = _with_note(progress, "panan", "G03-zhongxin", SCRIPT_NOTE)
    progress = _with_note(progress, "dongyang", "G03-zhongxin", FORMULA_NOTE)
    html = render_html(build_report(plan, progress))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT_NOTE not in html
    page = parse(html)
    assert not list(page.iter("script")) and not list(page.iter("a"))
    notes = [span.text() for span in page.iter("span") if "note-text" in span.classes()]
    assert SCRIPT_NOTE in notes and FORMULA_NOTE in notes
    assert not any("href" in element.attrs for element in page.iter())


def test_the_same_report_renders_the_same_string(sample, report, html):
    assert render_html(report) == html
    plan, progress = sample
    assert render_html(build_report(plan, progress)) == html


def test_an_english_plan_gets_english_words(sample):
    plan, progress = sample
    english = dataclasses.replace(plan, language="en")
    page = parse(render_html(build_report(english, progress)))
    words = report_labels("en")
    assert page.find("html").attrs["lang"] == "en"
    assert [next(s.iter("h2")).text() for s in page.iter("section")] == [
        words.overview, words.lagging, words.counties, words.owners, words.completeness, words.follow_up,
        words.full_table]
    assert page.find("h1").text() == words.title.format(title=plan.title) + " (2021-12)"
    chart = page.find("svg", id="chart-statuses")
    assert "behind" in [text.text() for text in chart.iter("text")]


def test_a_month_with_nothing_behind_says_so(sample):
    plan, progress = sample
    page = parse(render_html(build_report(plan, progress, dt.date(2021, 1, 31))))
    section = page.find("section", id="lagging")
    assert not list(section.iter("article"))
    assert report_labels("zh").no_lagging in section.text()


def test_stale_months_are_starred_and_explained(sample):
    plan, progress = sample
    report = build_report(plan, progress, dt.date(2021, 8, 31))
    stale = [row for row in report.gaps.rows if row.stale]
    assert stale
    section = parse(render_html(report)).find("section", id="full-table")
    months = [td.text() for td in section.iter("td") if "stale" in td.classes()]
    assert len(months) == len(stale) and all(month.endswith("*") for month in months)
    assert full_width(labels("zh").stale_note) in section.text()
