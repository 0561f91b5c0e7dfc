"""Chinese punctuation in documents (GB/T 15834-2011): full-width ，：；（）！？ in Chinese prose, ASCII kept in
numbers, units, dates and ids.

mubiao's own texts, the counties' notes and the plan's names are written with whatever a keyboard gave (ASCII
`,` `:` `(` most often). Documents leadership forwards (the report, the drafts) pass their prose through
`full_width` once, as the last step: a mark is made full-width when it stands in Chinese text, that is when a
Chinese character (or a full-width mark) is next to it; `1,500`, `10:30`, `10/10`, `G02-pilot`, `2021-06` and
`(G02)` between Latin letters stay as they are. A pair of brackets goes full-width together: `(一)`, and
`认知障碍照护试点(G02-pilot)` where the text before it is Chinese.
"""

from __future__ import annotations

import re

#: A Chinese character or a mark of Chinese text (curly quotes, …, CJK punctuation, ideographs, full-width forms).
_CHINESE = "\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_MARKS = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
#: A mark in Chinese prose: Chinese before it or after it; or a comma or semicolon before a number that Chinese
#: follows (`102%,3个县`), unless it separates thousands (`1,500户`: a digit before, three after). `10:30`,
#: `1,500` and `a:b` have no Chinese next to them and stay.
_MARK = re.compile(rf"(?<=[{_CHINESE}])[,;:!?]|[,;:!?](?=\s?[{_CHINESE}])"
                   rf"|(?<![0-9])[,;](?=[0-9.]+[{_CHINESE}])"
                   rf"|(?<=[0-9])[,;](?![0-9]{{3}}(?:[^0-9]|$))(?=[0-9.]+[{_CHINESE}])")
#: A bracketed run without brackets or line breaks inside, with what stands before and after it.
_BRACKETS = re.compile(r"\(([^()\n]*)\)")
_HAS_CHINESE = re.compile(f"[{_CHINESE}]")


def full_width(text: str) -> str:
    """`text` with the punctuation of its Chinese prose made full-width (see the module docstring)."""
    if not text or not _HAS_CHINESE.search(text):
        return text
    for _ in range(4):  # innermost first: `(新建乡镇(街道)社会工作站)` is two passes
        converted = _BRACKETS.sub(lambda found, text=text: _brackets(found, text), text)
        if converted == text:
            break
        text = converted
    text = _MARK.sub(_mark, text)
    # the space after a mark within a line goes (a line end stays: it ends a heading or a paragraph)
    return re.sub(rf"([，；：！？（）])[ \t]+(?=[{_CHINESE}])|(?<=[{_CHINESE}])[ \t]+(?=[（）])", r"\1", text)


#: The end of an HTML entity (`&gt;`, `&#39;`): its `;` is markup, not punctuation.
_ENTITY = re.compile(r"&#?\w{1,8}$")


def _mark(found: re.Match) -> str:
    mark = found.group()
    if mark == ";" and _ENTITY.search(found.string, max(0, found.start() - 10), found.start()):
        return mark
    return _MARKS[mark]


def _brackets(found: re.Match, text: str) -> str:
    before = text[found.start() - 1:found.start()]
    after = text[found.end():found.end() + 1]
    if before == "]":  # a Markdown link's address
        return found.group()
    called = before.isascii() and (before.isalnum() or before == "_")  # HYPERLINK("x"): a call, not prose
    if _HAS_CHINESE.search(found.group(1)) or _HAS_CHINESE.match(before) or \
            (_HAS_CHINESE.match(after) and not called):
        return f"（{found.group(1)}）"
    return found.group()
