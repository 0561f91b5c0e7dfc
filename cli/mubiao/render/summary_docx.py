"""The year-end summary draft (年度工作总结) as a Word file laid out as a Chinese official document (GB/T 9704-2012).

The page is A4 with the standard's margins (type area 156 × 225 mm); the title is 2号 小标宋, the text 3号 仿宋 on
a fixed 28.95 pt line (22 lines a page), first-level headings 3号 黑体, run-in second-level headings 楷体, and the
page number "— 1 —" in 4号 宋体, right on odd pages and left on even ones.

Every font is set in a real style (Normal, Title, Heading 1, "Run-in Heading", Signature, Footer), so staff can
restyle the draft in Word, and once more on every run. Each w:rFonts names the font for all four slots (ascii,
hAnsi, eastAsia, cs): python-docx's `font.name` sets only the Latin ones, and Word draws Chinese text with the
eastAsia font, so without it the text would come out in the theme's (Japanese or Latin) font. The same font in
every slot also keeps the digits and the ambiguous punctuation (“”—) in the document's own face.
"""

from __future__ import annotations

import datetime as dt
import io

from mubiao.render.cells import text_only
from mubiao.render.draft import DocumentFonts, Draft, Heading, Paragraph
from mubiao.render.package import DEFAULT_STAMP, stable_package

#: Page size and margins of GB/T 9704-2012 (5.2.1, 5.2.2), in millimetres.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: The footer's distance from the page's bottom edge: puts the page number's dash about 7 mm below the type
#: area, as GB/T 9704-2012 7.5 asks.
FOOTER_DISTANCE_MM = 25
#: Line pitch in twips: the 225 mm type area holds 22 lines (GB/T 9704-2012 5.2.2): 12756 / 22 -> 579 (28.95 pt).
LINE_PITCH_TWIPS = 579
#: The title's line pitch (a 2号 title on the body's 28.95 pt line would be cramped when it wraps).
TITLE_LINE_PITCH_PT = 35
#: The page number: 4号 半角宋体 between two em dashes (GB/T 9704-2012 7.5).
PAGE_NUMBER_FONT = "宋体"
PAGE_NUMBER_SIZE_PT = 14

#: Names of the styles the document uses (Word's built-in names where one fits, so Word localises them).
BODY_STYLE = "Normal"
TITLE_STYLE = "Title"
HEADING_STYLE = "Heading 1"
LEAD_STYLE = "Run-in Heading"
SIGNATURE_STYLE = "Signature"
FOOTER_STYLE = "Footer"

#: Styles kept from python-docx's template: the defaults Word expects and the ones filled in here. The rest
#: (tables, lists, quotes ...) are dropped, so the style list shows only this document's styles and no
#: leftover style carries a Latin-only font.
_KEPT_STYLE_IDS = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Title", "Heading1", "Footer"}

#: The languages of the text (w:lang), as Word set up for Chinese writes them: Chinese script is zh-CN, and Latin
#: script (digits, abbreviations) en-US. Marking the digits zh-CN too would let LibreOffice break lines inside a
#: number (`202` / `1年`), since it then wraps them by the Chinese rule of "a break between any two characters".
CHINESE_LANGUAGE = "zh-CN"
LATIN_LANGUAGE = "en-US"
#: The document's language in its properties (dc:language), by Draft.language.
_DOCUMENT_LANGUAGES = {"zh": "zh-CN", "en": "en-US"}


def render_docx(draft: Draft, fonts: DocumentFonts = DocumentFonts(), *, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
    """The draft as a .docx laid out by GB/T 9704-2012, in `fonts` (sizes in points).

    The text goes in as written (no markup is interpreted), less any character XML cannot hold. The same draft
    and fonts give the same bytes: the document's created/modified dates and the zip entries' times are `stamp`.
    """
    import docx

    document = docx.Document()
    _prune_template(document)
    _define_styles(document, fonts)
    _lay_out_page(document)
    _add_page_numbers(document)

    title = document.add_paragraph(style=TITLE_STYLE)
    _add_run(title, draft.title, fonts.title)
    if draft.addressee:  # 主送机关: flush left, under the title (GB/T 9704-2012, 7.3.2)
        addressee = document.add_paragraph(style=BODY_STYLE)
        _set_indent(addressee, first_line_chars=0, size=fonts.body_size)  # (a paragraph's format, as a style's)
        _add_run(addressee, draft.addressee, fonts.body)
    for block in draft.blocks:
        if isinstance(block, Heading):
            _add_run(document.add_paragraph(style=HEADING_STYLE), block.text, fonts.heading1)
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph(style=BODY_STYLE)
            if block.lead:
                _add_run(paragraph, block.lead, fonts.heading2, style=LEAD_STYLE)
            for span in block.spans:
                _add_run(paragraph, span.text, fonts.body)
        else:  # a new kind of block must be placed here, not dropped silently
            raise TypeError(f"render_docx cannot place a {type(block).__name__}")
    if draft.signature and document.paragraphs:  # nor a page with only the signature: the last words go with it
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    for number, line in enumerate(draft.signature):
        paragraph = document.add_paragraph(style=SIGNATURE_STYLE)
        if number == 0:  # one empty line between the text and the signature
            paragraph.paragraph_format.space_before = _twips(LINE_PITCH_TWIPS)
        # the bureau and the date stay on one page (GB/T 9704: never a page that holds only the date)
        paragraph.paragraph_format.keep_with_next = number < len(draft.signature) - 1
        _add_run(paragraph, line, fonts.body)

    properties = document.core_properties
    properties.title = text_only(draft.title)  # XML: no control characters
    properties.author = properties.last_modified_by = "mubiao"
    properties.comments = ""
    properties.language = _DOCUMENT_LANGUAGES.get(draft.language, draft.language)
    properties.revision = 1
    properties.created = properties.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_package(buffer.getvalue(), stamp)


# ---- the template --------------------------------------------------------------------------------------------

def _prune_template(document) -> None:
    """Drop what python-docx's template carries that this document should not: its unused styles, the Word 2010
    copy of the styles (stylesWithEffects, which Word 2010 would read instead of ours) and the thumbnail of an
    empty page."""
    styles = document.styles.element
    for style in styles.findall(_qn("w:style")):
        if style.get(_qn("w:styleId")) not in _KEPT_STYLE_IDS:
            styles.remove(style)
    for style in styles.findall(_qn("w:style")):
        for child in style.findall(_qn("w:link")) + style.findall(_qn("w:rsid")):
            style.remove(child)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rel_id)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package.rels[rel_id]


# ---- styles --------------------------------------------------------------------------------------------------

def _define_styles(document, fonts: DocumentFonts) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    styles = document.styles
    _set_defaults(styles.element, fonts)
    settings = document.settings.element
    theme_language = settings.find(_qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.attrib.update(_lang_element().attrib)

    body = styles[BODY_STYLE]
    _set_style_font(body, fonts.body, fonts.body_size)
    _child(body.element.get_or_add_rPr(), "w:lang").attrib.update(_lang_element().attrib)
    _set_line(body, LINE_PITCH_TWIPS)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _set_indent(body, first_line_chars=2, size=fonts.body_size)

    title = _reset(styles[TITLE_STYLE])
    _set_style_font(title, fonts.title, fonts.title_size)
    _set_line(title, TITLE_LINE_PITCH_PT * 20)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = _twips(LINE_PITCH_TWIPS)  # a blank line between title and text
    title.paragraph_format.keep_with_next = True
    _set_indent(title, first_line_chars=0, size=fonts.title_size)

    heading = _reset(styles[HEADING_STYLE])
    _set_style_font(heading, fonts.heading1, fonts.body_size)
    heading.paragraph_format.keep_with_next = True
    heading.element.get_or_add_pPr().append(_element("w:outlineLvl", val="0"))  # Word's navigation pane

    lead = styles.add_style(LEAD_STYLE, WD_STYLE_TYPE.CHARACTER)
    lead.base_style = styles["Default Paragraph Font"]
    lead.quick_style = True
    _set_style_font(lead, fonts.heading2)

    signature = styles.add_style(SIGNATURE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    signature.element.attrib.pop(_qn("w:customStyle"))  # Word's own 签名 style, not a look-alike
    signature.base_style = body
    signature.next_paragraph_style = signature
    signature.quick_style = True
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _set_indent(signature, first_line_chars=0, right_chars=2, size=fonts.body_size)

    footer = styles[FOOTER_STYLE]
    _set_style_font(footer, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE_PT)
    footer.paragraph_format.line_spacing = 1.0
    footer.paragraph_format.space_after = Pt(0)
    _set_indent(footer, first_line_chars=0, size=PAGE_NUMBER_SIZE_PT)

    for style in (body, title, heading, lead, signature, footer):
        _set_bold(style.element.get_or_add_rPr(), False)


def _set_defaults(styles_element, fonts: DocumentFonts) -> None:
    """docDefaults: the body font in every slot instead of the template's theme fonts, 3号, Chinese; no space
    after paragraphs."""
    defaults = styles_element.find(_qn("w:docDefaults"))
    run_defaults = defaults.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    for child in list(run_defaults):
        run_defaults.remove(child)
    _set_fonts(run_defaults, fonts.body)
    _set_size(run_defaults, fonts.body_size)
    run_defaults.append(_lang_element())
    paragraph_defaults = defaults.find(_qn("w:pPrDefault")).find(_qn("w:pPr"))
    for child in list(paragraph_defaults):
        paragraph_defaults.remove(child)
    paragraph_defaults.append(_element("w:spacing", after="0", line="240", lineRule="auto"))


def _reset(style):
    """A built-in style of the template emptied of its formatting (colours, borders, theme fonts, bold)."""
    for tag in ("w:pPr", "w:rPr"):
        for child in style.element.findall(_qn(tag)):
            style.element.remove(child)
    return style


def _set_style_font(style, name: str, size_pt: float | None = None) -> None:
    rPr = style.element.get_or_add_rPr()
    _set_fonts(rPr, name)
    if size_pt is not None:
        _set_size(rPr, size_pt)


def _set_line(style, pitch_twips: int) -> None:
    """A fixed line pitch (行距固定值) and no space before or after."""
    from docx.shared import Pt

    format_ = style.paragraph_format
    format_.line_spacing = _twips(pitch_twips)  # a Length: exact spacing
    format_.space_before = format_.space_after = Pt(0)


def _set_indent(style, *, first_line_chars: int, right_chars: int = 0, size: float) -> None:
    """Indents in characters of `size` points (w:firstLineChars, w:rightChars: hundredths of a character), which
    Word follows, and the same as lengths for readers that know only those."""
    from docx.shared import Pt

    format_ = style.paragraph_format
    format_.first_line_indent = Pt(first_line_chars * size)
    if right_chars:
        format_.right_indent = Pt(right_chars * size)
    indent = format_.element.get_or_add_pPr().get_or_add_ind()
    indent.set(_qn("w:firstLineChars"), str(first_line_chars * 100))
    if right_chars:
        indent.set(_qn("w:rightChars"), str(right_chars * 100))


# ---- page ----------------------------------------------------------------------------------------------------

def _lay_out_page(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.gutter = Mm(0)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    grid = section._sectPr.find(_qn("w:docGrid"))
    if grid is not None:  # no grid snapping: the fixed line pitch lays out the 22 lines
        grid.set(_qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def _add_page_numbers(document) -> None:
    """"— 1 —" in every footer: odd pages right and even pages left, each one character in from the edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    one_character = Pt(PAGE_NUMBER_SIZE_PT)
    for footer, alignment, example in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "1"),
                                       (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "2")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = FOOTER_STYLE
        paragraph.alignment = alignment
        indent = paragraph.paragraph_format.element.get_or_add_pPr().get_or_add_ind()
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = one_character
            indent.set(_qn("w:rightChars"), "100")
        else:
            paragraph.paragraph_format.left_indent = one_character
            indent.set(_qn("w:leftChars"), "100")
        _add_run(paragraph, "— ", PAGE_NUMBER_FONT)
        _add_field(paragraph, "PAGE", example, PAGE_NUMBER_FONT)
        _add_run(paragraph, " —", PAGE_NUMBER_FONT)


def _add_field(paragraph, instruction: str, shown: str, font: str) -> None:
    """A complex field (begin, instruction, separate, last shown result, end), as Word writes one."""
    code = _element("w:instrText", space="preserve")
    code.text = f" {instruction} "
    for content in (_element("w:fldChar", fldCharType="begin"), code, _element("w:fldChar", fldCharType="separate")):
        _add_run(paragraph, "", font)._r.append(content)
    _add_run(paragraph, shown, font)
    _add_run(paragraph, "", font)._r.append(_element("w:fldChar", fldCharType="end"))


# ---- runs and XML --------------------------------------------------------------------------------------------

def _add_run(paragraph, text: str, font: str, style: str | None = None):
    """A run of `text` (tabs and line breaks as Word's, other control characters dropped) with `font` in every
    slot, over what its style says, so Word cannot fall back to a theme font for the Chinese."""
    run = paragraph.add_run(text_only(text), style=style)  # (a stray one from a cell cannot stop a draft)
    _set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _set_fonts(rPr, name: str) -> None:
    rFonts = rPr.get_or_add_rFonts()
    for attribute in list(rFonts.attrib):
        rFonts.attrib.pop(attribute)  # theme fonts (w:asciiTheme ...) would win over the names
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rFonts.set(_qn(f"w:{slot}"), name)


def _set_size(rPr, size_pt: float) -> None:
    """The size in half-points, for Latin and Chinese (w:sz) and for complex scripts (w:szCs)."""
    for tag in ("w:sz", "w:szCs"):
        _child(rPr, tag).set(_qn("w:val"), str(round(size_pt * 2)))


def _set_bold(rPr, bold: bool) -> None:
    for tag in ("w:b", "w:bCs"):
        _child(rPr, tag).set(_qn("w:val"), "1" if bold else "0")


def _child(rPr, tag: str):
    """rPr's `tag` child, added in its place in the schema's order when missing."""
    element = rPr.find(_qn(tag))
    if element is None:
        element = rPr.insert_element_before(_element(tag), *_RUN_PROPERTY_ORDER[_RUN_PROPERTY_ORDER.index(tag) + 1:])
    return element


#: The order of w:rPr's children (ECMA-376 CT_RPr), where a missing one is inserted.
_RUN_PROPERTY_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)


def _lang_element():
    return _element("w:lang", val=LATIN_LANGUAGE, eastAsia=CHINESE_LANGUAGE)


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement

    return OxmlElement(tag, attrs={_qn(f"w:{key}"): value for key, value in attributes.items()})


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _twips(count: int):
    from docx.shared import Twips

    return Twips(count)
