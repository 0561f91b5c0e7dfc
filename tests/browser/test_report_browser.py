"""report.html in a real browser (Debian's chromium driven by playwright): it loads with no request but its
own file and no error, lays out its Chinese with a CJK font, shows every section, the county grid and the
charts, keeps its table headers for print, and a county note with markup stays text.

chromium comes from tests/system-deps.sh (`make test`); without it these tests fail, never skip: a report
nobody has opened in a browser is not tested."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mubiao.analysis.report import build_report
from mubiao.labels import report_labels
from mubiao.readers.progress import load_progress
from mubiao.render.punctuation import full_width
from mubiao.render.report_html import render_html
from mubiao.workspace import open_plan

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ("overview", "lagging", "counties", "owners", "completeness", "follow-up", "full-table")
#: root in a container with the network closed: no sandbox, no GPU, nothing phoning home
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IMAGE_NOTE = "<img src=http://x/a.png>"


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail("chromium is not installed: run `make test` (tests/system-deps.sh installs it with the CJK "
                    "fonts)", pytrace=False)
    return found


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def sample():
    plan = open_plan(str(REPO), "jinhua-2021")
    return plan, load_progress(plan, str(REPO))


class Opened:
    """A page opened on a report file, with every request, console error and page error it caused."""

    def __init__(self, browser, path: Path) -> None:
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(f"console: {message.text}")
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.goto(self.url, wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def assert_quiet(self) -> None:
        assert self.requests == [self.url], f"requests other than the file itself: {self.requests}"
        assert self.errors == []


def open_report(browser, tmp_path: Path, html: str) -> Opened:
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return Opened(browser, path)


def platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts chromium actually drew the text of `selector` with: family name → glyph count (DevTools'
    CSS.getPlatformFontsForNode; a missing CJK font shows as a fallback family or none)."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no {selector}"
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {font["familyName"]: font["glyphCount"] for font in fonts}
    finally:
        session.detach()


def test_the_report_opens_shows_everything_and_prints(browser, sample, tmp_path):
    plan, progress = sample
    report = build_report(plan, progress)
    title = full_width(report_labels(plan.language).title.format(title=plan.title) + "(2021年12月)")
    opened = open_report(browser, tmp_path, render_html(report))
    page = opened.page
    try:
        assert page.title() == title
        assert page.locator("h1").inner_text() == title
        for section in SECTIONS:
            assert page.locator(f"section#{section}").is_visible(), section
            assert page.locator(f"section#{section} h2").is_visible(), section

        grid = page.locator("#county-grid")
        assert grid.is_visible()
        assert grid.locator("thead th.county").count() == len(plan.counties) == 10
        assert grid.locator("tbody tr").count() == len(report.grid)

        # the charts' labels are laid out: every <text> has a box, and the Chinese ones are wide
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart text')).map(text => {
            const box = text.getBBox(); return [text.textContent, box.width, box.height]; })""")
        assert len(boxes) > 20
        assert all(width > 0 and height > 0 for _, width, height in boxes), boxes
        for text, width, _ in boxes:
            if text == "磐安县":  # three CJK characters at 13px: about 39px, not a tofu-less zero
                assert width > 30

        # the Chinese is laid out in full-width glyphs (the fonts drawn are checked at the end)
        assert page.evaluate("""document.fonts.check('16px "Noto Sans CJK SC"')""")
        width = page.evaluate("""() => { const probe = document.createElement('span');
            probe.style.fontSize = '20px'; probe.textContent = '民政工作要点';
            document.body.appendChild(probe); const width = probe.getBoundingClientRect().width;
            probe.remove(); return width; }""")
        assert 100 <= width <= 140  # six full-width glyphs at 20px

        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.exists() and shot.stat().st_size > 10_000

        page.emulate_media(media="print")
        printed = page.evaluate("""() => ({
            thead: getComputedStyle(document.querySelector('#county-grid thead')).display,
            rows: getComputedStyle(document.querySelector('table.rows thead')).display,
            colours: getComputedStyle(document.querySelector('#county-grid td.st')).printColorAdjust,
            rowBreak: getComputedStyle(document.querySelector('#county-grid tbody tr')).breakInside,
        })""")
        assert printed == {"thead": "table-header-group", "rows": "table-header-group", "colours": "exact",
                           "rowBreak": "avoid"}
        assert page.locator("#county-grid").is_visible()
        opened.assert_quiet()

        # last, because DevTools' CSS domain fetches the document again: the Chinese is drawn with a CJK
        # font, not as boxes of a fallback
        assert "Noto Serif CJK SC" in platform_fonts(page, "h1")
        assert platform_fonts(page, "#overview p.lead").get("Noto Sans CJK SC", 0) > 10
        assert platform_fonts(page, "#county-grid thead th.county").get("Noto Sans CJK SC", 0) >= 3
        assert platform_fonts(page, "svg.chart text").get("Noto Sans CJK SC", 0) >= 3
    finally:
        page.close()


def test_a_note_with_an_image_tag_is_text_and_loads_nothing(browser, sample, tmp_path):
    plan, progress = sample
    progress = progress.copy()
    chosen = progress[(progress["county"] == "panan") & (progress["indicator"] == "G03-zhongxin")]
    progress["note"] = progress["note"].astype(object)
    progress.loc[chosen["period"].astype(str).idxmax(), "note"] = IMAGE_NOTE
    opened = open_report(browser, tmp_path, render_html(build_report(plan, progress)))
    page = opened.page
    try:
        assert page.locator("img").count() == 0
        note = page.locator("#lagging .note-text", has_text=IMAGE_NOTE)
        assert note.count() == 1 and note.is_visible()
        assert note.inner_text() == IMAGE_NOTE
        opened.assert_quiet()
    finally:
        page.close()


#: What the page must hold to at each width: nothing wider than the viewport (a wide table scrolls inside its
#: own box), no cell whose text spills over its neighbours, chart labels that do not overlap and stay readable.
LAYOUT_CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  const spilled = Array.from(document.querySelectorAll('td, th'))
    .filter(cell => cell.scrollWidth > cell.clientWidth + 1 && getComputedStyle(cell).overflow === 'visible')
    .map(cell => cell.textContent.trim()).slice(0, 5);
  const outside = Array.from(document.querySelectorAll('main > *, section > *, section h3, section p'))
    .filter(el => el.getBoundingClientRect().right > width + 1).map(el => el.tagName + ' ' + el.textContent.slice(0, 20))
    .slice(0, 5);
  const overlaps = [];
  let smallest = 1e9;
  for (const chart of document.querySelectorAll('svg.chart')) {
    const boxes = Array.from(chart.querySelectorAll('text')).map(t => [t.textContent, t.getBoundingClientRect()]);
    for (const [, box] of boxes) smallest = Math.min(smallest, box.height);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j];
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
        overlaps.push(a + ' / ' + b);
    }
  }
  return {width, page, spilled, outside, overlaps: overlaps.slice(0, 5), smallest};
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_the_report_fits_a_phone_and_a_desktop_without_overflow_or_overlap(browser, sample, tmp_path, width):
    """At 390 px (a phone) and 1366 px (a laptop): the page is no wider than the screen, no table cell's text
    spills, chart labels neither overlap nor shrink below 10 px (issue 22)."""
    plan, progress = sample
    path = tmp_path / "report.html"
    path.write_text(render_html(build_report(plan, progress, as_of=None)), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        found = page.evaluate(LAYOUT_CHECK)
        assert found["page"] <= found["width"], f"the page is {found['page']} px wide on a {width} px screen"
        assert found["outside"] == [], found["outside"]
        assert found["spilled"] == [], found["spilled"]
        assert found["overlaps"] == [], found["overlaps"]
        assert found["smallest"] >= 10, f"chart labels {found['smallest']:.1f} px high"
    finally:
        page.close()


def test_the_printed_report_numbers_its_pages(browser, sample, tmp_path):
    """Printed (to PDF, as a bureau prints the 通报), each page carries its number at the foot: `— 2 —`."""
    import subprocess

    plan, progress = sample
    path = tmp_path / "report.html"
    path.write_text(render_html(build_report(plan, progress)), encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.pdf(path=str(tmp_path / "report.pdf"), prefer_css_page_size=True)
    finally:
        page.close()
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "report.pdf"), "-"], check=True,
                            capture_output=True, text=True).stdout
    assert "— 2 —" in second.replace("\u2014", "—") or "—2—" in "".join(second.split())
