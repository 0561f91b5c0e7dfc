"""The Word draft of the year-end summary: a GB/T 9704-2012 page, Chinese fonts that Word will really use
(w:eastAsia on every style and run), page numbers in the footer, and the same bytes for the same draft."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import docx
import pytest

from mubiao.render.draft import DocumentFonts, Draft, Heading, Paragraph, Span
from mubiao.render.summary_docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

DRAFT = Draft(
    title="金华市婺城区民政局2021年工作总结(初稿)",
    blocks=(
        Heading("一、2021年工作总结"),
        Paragraph(
            lead="(一)民生兜底保障水平持续提升。",
            spans=(
                Span("全区最低生活保障标准提高至900元/月,增幅5.9%。", ("dibao-standard",)),
                Span("累计发放低保金2490.1万元、特困供养金949.36万元。", ("dibao-paid", "tekun-paid")),
            ),
        ),
        Paragraph(spans=(Span("困难群众探访关爱率、“幸福清单”送达率达到100%。"),)),
        Heading("二、2022年工作思路"),
        Paragraph(lead="(一)持续兜牢民生底线。", spans=(Span("<b>不是标记</b> & 原样写出。"),)),
    ),
    signature=("金华市婺城区民政局", "2022年1月13日"),
)


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _parts(data: bytes) -> dict[str, ElementTree.Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: ElementTree.fromstring(package.read(name))
                for name in package.namelist() if name.startswith("word/") and name.endswith(".xml")}


def _style(styles: ElementTree.Element, style_id: str) -> ElementTree.Element:
    found = [s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == style_id]
    assert len(found) == 1, f"one style {style_id} expected"
    return found[0]


def _val(element: ElementTree.Element | None, path: str, attribute: str = "val") -> str | None:
    found = None if element is None else element.find(path)
    return None if found is None else found.get(f"{W}{attribute}")


def _fonts(element: ElementTree.Element) -> set[str | None]:
    """The eastAsia fonts an element's w:rFonts names (style or run)."""
    return {fonts.get(f"{W}eastAsia") for fonts in element.iter(f"{W}rFonts")}


def _paragraphs(document: ElementTree.Element, style_id: str | None) -> list[ElementTree.Element]:
    return [p for p in document.iter(f"{W}p") if _val(p, f"{W}pPr/{W}pStyle") == style_id]


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(DRAFT)


@pytest.fixture(scope="module")
def parts(rendered) -> dict[str, ElementTree.Element]:
    return _parts(rendered)


def test_the_page_is_a4_with_the_official_margins(parts):
    section = parts["word/document.xml"].find(f"{W}body/{W}sectPr")
    size, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    assert (int(size.get(f"{W}w")), int(size.get(f"{W}h"))) == (_twips(210), _twips(297)) == (11906, 16838)
    expected = {"top": _twips(37), "bottom": _twips(35), "left": _twips(28), "right": _twips(26)}
    assert expected == {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}
    assert {side: int(margins.get(f"{W}{side}")) for side in expected} == expected


def test_title_is_2hao_xiaobiaosong_centred(parts):
    title = _style(parts["word/styles.xml"], "Title")
    assert _val(title, f"{W}rPr/{W}sz") == "44"
    assert _val(title, f"{W}pPr/{W}jc") == "center"
    assert _fonts(title) == {DocumentFonts().title}
    [paragraph] = _paragraphs(parts["word/document.xml"], "Title")
    assert _fonts(paragraph) == {DocumentFonts().title}


def test_body_is_3hao_fangsong_in_chinese_on_a_fixed_line(parts):
    styles = parts["word/styles.xml"]
    normal = _style(styles, "Normal")
    assert _val(normal, f"{W}rPr/{W}sz") == "32"
    assert _val(normal, f"{W}rPr/{W}rFonts", "eastAsia") == "仿宋_GB2312"
    assert _val(normal, f"{W}rPr/{W}lang", "eastAsia") == "zh-CN"
    assert _val(normal, f"{W}pPr/{W}jc") == "both"
    assert _val(normal, f"{W}pPr/{W}ind", "firstLineChars") == "200"
    assert _val(normal, f"{W}pPr/{W}spacing", "lineRule") == "exact"
    assert 28 * 20 <= int(_val(normal, f"{W}pPr/{W}spacing", "line")) <= 29 * 20  # twips: 28-29 pt
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert _val(defaults, f"{W}lang", "eastAsia") == "zh-CN"
    assert _val(defaults, f"{W}rFonts", "eastAsia") == "仿宋_GB2312"


def test_headings_are_heiti_and_leads_kaiti(parts):
    styles, document = parts["word/styles.xml"], parts["word/document.xml"]
    heading = _style(styles, "Heading1")
    assert _fonts(heading) == {"黑体"}
    assert _val(heading, f"{W}rPr/{W}b") == "0"  # 黑体 is bold enough; GB/T headings are not bolded
    headings = _paragraphs(document, "Heading1")
    assert ["".join(t.text for t in p.iter(f"{W}t")) for p in headings] == ["一、2021年工作总结", "二、2022年工作思路"]
    assert all(_fonts(p) == {"黑体"} for p in headings)

    lead_runs = [r for r in document.iter(f"{W}r") if _val(r, f"{W}rPr/{W}rStyle") is not None]
    assert [r.find(f"{W}t").text for r in lead_runs] == ["(一)民生兜底保障水平持续提升。", "(一)持续兜牢民生底线。"]
    assert all(_fonts(r) == {"楷体_GB2312"} for r in lead_runs)
    lead_style = _style(styles, _val(lead_runs[0], f"{W}rPr/{W}rStyle"))
    assert lead_style.get(f"{W}type") == "character" and _fonts(lead_style) == {"楷体_GB2312"}
    figures = [r for r in document.iter(f"{W}r") if "900元/月" in "".join(t.text for t in r.iter(f"{W}t"))]
    assert figures and _fonts(figures[0]) == {"仿宋_GB2312"}


def test_signature_lines_are_right_aligned(parts):
    assert _val(_style(parts["word/styles.xml"], "Signature"), f"{W}pPr/{W}jc") == "right"
    lines = _paragraphs(parts["word/document.xml"], "Signature")
    assert ["".join(t.text for t in p.iter(f"{W}t")) for p in lines] == list(DRAFT.signature)


def test_every_font_that_names_latin_names_chinese_too(parts):
    for name in ("word/styles.xml", "word/document.xml", "word/footer1.xml", "word/footer2.xml"):
        fonts = list(parts[name].iter(f"{W}rFonts"))
        assert fonts, name
        for element in fonts:
            if element.get(f"{W}ascii") is not None:
                assert element.get(f"{W}eastAsia") == element.get(f"{W}ascii"), (name, element.attrib)
            assert not any(key.endswith("Theme") for key in element.attrib), (name, element.attrib)


def test_page_numbers_are_page_fields_odd_right_even_left(parts):
    assert parts["word/settings.xml"].find(f"{W}evenAndOddHeaders") is not None
    footers = {}
    for reference in parts["word/document.xml"].iter(f"{W}footerReference"):
        footers[reference.get(f"{W}type")] = reference.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert set(footers) == {"default", "even"}
    footer_parts = [part for name, part in parts.items() if name.startswith("word/footer")]
    assert len(footer_parts) == 2
    for footer in footer_parts:
        instructions = "".join(t.text for t in footer.iter(f"{W}instrText"))
        assert instructions.strip() == "PAGE"
        assert [f.get(f"{W}fldCharType") for f in footer.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
        text = "".join(t.text for t in footer.iter(f"{W}t"))
        assert text.startswith("— ") and text.endswith(" —")
        assert _fonts(footer) == {"宋体"}
    assert sorted(_val(footer, f".//{W}pPr/{W}jc") for footer in footer_parts) == ["left", "right"]
    assert _val(_style(parts["word/styles.xml"], "Footer"), f"{W}rPr/{W}sz") == "28"  # 4号


def test_configured_fonts_flow_through():
    fonts = DocumentFonts(title="Noto Serif CJK SC", body="Noto Serif CJK SC", heading1="Noto Sans CJK SC",
                          heading2="Noto Sans CJK TC", title_size=20, body_size=15)
    parts = _parts(render_docx(DRAFT, fonts))
    styles, document = parts["word/styles.xml"], parts["word/document.xml"]
    assert _fonts(_style(styles, "Normal")) == {"Noto Serif CJK SC"}
    assert _val(_style(styles, "Normal"), f"{W}rPr/{W}sz") == "30"
    assert _val(_style(styles, "Title"), f"{W}rPr/{W}sz") == "40"
    assert _fonts(_style(styles, "Heading1")) == {"Noto Sans CJK SC"}
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans CJK TC"} == _fonts(document)
    assert not {"仿宋_GB2312", "黑体", "楷体_GB2312"} & (_fonts(styles) | _fonts(document))


def test_the_same_draft_is_the_same_file(rendered):
    assert render_docx(DRAFT) == rendered
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        core = package.read("docProps/core.xml").decode()
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert "<dc:creator>mubiao</dc:creator>" in core and "<cp:lastModifiedBy>mubiao</cp:lastModifiedBy>" in core
    assert "2000-01-01T00:00:00Z" in core


def test_word_reads_back_the_draft_text_in_order(rendered):
    document = docx.Document(io.BytesIO(rendered))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts == [DRAFT.title, *(block.text for block in DRAFT.blocks), *DRAFT.signature]
    assert "<b>不是标记</b> & 原样写出。" in texts[-3]  # no markup is interpreted


def test_control_characters_are_dropped_not_fatal():
    draft = Draft(title="工作总结\x00", blocks=(Paragraph(spans=(Span("增幅\x0b5.9%\x1f。"),)),))
    document = docx.Document(io.BytesIO(render_docx(draft)))
    assert [paragraph.text for paragraph in document.paragraphs] == ["工作总结", "增幅5.9%。"]
