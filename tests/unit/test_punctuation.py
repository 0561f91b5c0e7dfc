"""Chinese punctuation in documents (GB/T 15834; render/punctuation.py, issue 22 in part): full-width marks in
Chinese prose, ASCII kept in numbers, units, dates and ids; and every Chinese document mubiao writes for the
sample (report, drafts) scanned for an ASCII mark between Chinese characters."""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import REPO
from mubiao.render.punctuation import full_width


@pytest.mark.parametrize("text, punctuated", [
    ("标准为10200元/年,尚未达到10500元/年的目标。", "标准为10200元/年，尚未达到10500元/年的目标。"),
    ("(一)社会救助。", "（一）社会救助。"),
    ("认知障碍照护试点(G02-pilot)", "认知障碍照护试点（G02-pilot）"),
    ("=HYPERLINK(\"http://x\")；存在问题", "=HYPERLINK(\"http://x\")；存在问题"),  # a call stays a call
    ("全区:0 / 2 个 · 0%(序时 49%)", "全区：0 / 2 个 · 0%（序时 49%）"),
    ("完成1,500户;覆盖率95%", "完成1,500户；覆盖率95%"),
    ("为目标500户的102%,3个县(市、区)中2个完成", "为目标500户的102%，3个县（市、区）中2个完成"),
    ("会议10:30开始", "会议10:30开始"),
    ("滞后的镇街: 东湖街道", "滞后的镇街：东湖街道"),
    ("“慈善一日捐”(G06-cishanri)", "“慈善一日捐”（G06-cishanri）"),
])
def test_marks_in_chinese_prose_become_full_width(text, punctuated):
    assert full_width(text) == punctuated


@pytest.mark.parametrize("text", [
    "error: targets: x", "(G02) and (x)", "2021-06-30", "10,800", "G01-dibao", "[链接](http://a.b/c)文字",
    "新增&lt;b&gt;398&lt;/b&gt;人", "a:b;c", "",
])
def test_ascii_text_numbers_links_and_entities_stay(text):
    assert full_width(text) == text


_ASCII_BETWEEN_CHINESE = re.compile(r"[\u4e00-\u9fff][,:;()][\u4e00-\u9fff]")


def _texts(root) -> dict[str, str]:
    texts = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in (".md", ".html"):
            texts[str(path.relative_to(root))] = path.read_text(encoding="utf-8")
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                xml = archive.read("word/document.xml").decode("utf-8")
            texts[str(path.relative_to(root))] = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    return texts


def test_no_document_of_the_sample_has_an_ascii_mark_between_chinese_characters(tmp_path, cli):
    """The report (md, html) with its 督办单 (md, docx), the city's and wucheng's drafts (md, html, docx) of the
    sample at 2021-06 and 2021-12, and the district's 2022 draft: `中,文` nowhere (the workbook and JSON are data,
    and keep what was typed)."""
    import shutil

    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data" / "jinhua-2021", tmp_path / "data" / "jinhua-2021")
    shutil.copytree(REPO / "data" / "wucheng-2022", tmp_path / "data" / "wucheng-2022")
    assert cli("summary", "--root", tmp_path, "--plan", "wucheng-2022", "--format", "md",
               "-o", tmp_path / "drafts" / "wucheng-2022.md").exit_code == 0
    for month in ("2021-06", "2021-12"):
        assert cli("report", "--root", tmp_path, "--plan", "jinhua-2021", "--as-of", month,
                   "--duban").exit_code == 0
        for county in ([], ["--county", "wucheng"]):
            for fmt in ("md", "html", "docx"):
                out = tmp_path / "drafts" / f"{month}-{county[-1] if county else 'city'}.{fmt}"
                assert cli("summary", "--root", tmp_path, "--plan", "jinhua-2021", "--as-of", month, *county,
                           "--format", fmt, "-o", out).exit_code == 0
    texts = _texts(tmp_path / "reports") | _texts(tmp_path / "drafts")
    assert len(texts) >= 16 + 2 * 14 + 1
    found = {name: sorted(set(_ASCII_BETWEEN_CHINESE.findall(text)))[:5] for name, text in texts.items()
             if _ASCII_BETWEEN_CHINESE.search(text)}
    assert not found, found


def test_a_line_end_after_a_closing_bracket_stays():
    """A heading ending in （临江市） keeps its line end: the next paragraph is not glued to it."""
    from mubiao.render.punctuation import full_width

    assert full_width("# 通报(临江市)\n\n东江省民政厅") == "# 通报（临江市）\n\n东江省民政厅"
