"""The Word draft opened by a real word processor: LibreOffice converts it to PDF, and poppler reads the PDF back.

The fonts are set to the Noto CJK fonts `make test` installs (tests/system-deps.sh), so the PDF shows whether
the configured fonts were used (serif body, sans headings) rather than a fallback, whether the Chinese text came
through, and whether the page is A4. A machine without LibreOffice or poppler fails here: never skipped, since a
skipped test would let a broken Word file pass review.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from mubiao.render.draft import DocumentFonts, Draft, Heading, Paragraph, Span
from mubiao.render.summary_docx import render_docx

FONTS = DocumentFonts(title="Noto Serif CJK SC", body="Noto Serif CJK SC", heading1="Noto Sans CJK SC",
                      heading2="Noto Serif CJK SC")
FIGURES = "全区最低生活保障标准提高至900元/月,增幅5.9%。"
DRAFT = Draft(
    title="金华市婺城区民政局2021年工作总结(初稿)",
    blocks=(
        Heading("一、2021年工作总结"),
        Paragraph(lead="(一)民生兜底保障水平持续提升。", spans=(
            Span("落实“提低”决策部署,"), Span(FIGURES, ("dibao-standard",)),
            Span("累计发放低保金2490.1万元、特困供养金949.36万元。", ("dibao-paid", "tekun-paid")),
        )),
        Heading("二、2022年工作思路"),
        Paragraph(lead="(一)持续兜牢民生底线。", spans=(Span("完善社会救助体系,提升兜底保障能力。"),)),
    ),
    signature=("金华市婺城区民政局", "2022年1月13日"),
)
CONVERSION_TIMEOUT_S = 120


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: `make test` installs it (tests/system-deps.sh), "
                    "or run `bash tests/system-deps.sh`", pytrace=False)
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    """The draft rendered to .docx, then converted to PDF by LibreOffice (headless, a throwaway profile)."""
    folder = tmp_path_factory.mktemp("office")
    source = folder / "summary.docx"
    source.write_bytes(render_docx(DRAFT, FONTS))
    return _to_pdf(source)


def _to_pdf(source: Path) -> Path:
    soffice = _program("soffice")
    folder = source.parent
    started = time.monotonic()
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=CONVERSION_TIMEOUT_S)
    seconds = time.monotonic() - started
    target = source.with_suffix(".pdf")
    assert target.exists(), (f"LibreOffice wrote no PDF in {seconds:.1f} s (exit {result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return target


def test_the_chinese_text_comes_through(pdf):
    text = re.sub(r"\s+", "", _run(_program("pdftotext"), "-enc", "UTF-8", str(pdf), "-"))
    assert DRAFT.title in text
    assert FIGURES in text
    assert "(一)民生兜底保障水平持续提升。" in text
    assert "—1—" in text  # the page number, from the footer's PAGE field


def test_the_configured_fonts_are_the_ones_used(pdf):
    listing = _run(_program("pdffonts"), str(pdf))
    names = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    assert any("NotoSerifCJK" in name for name in names), listing  # title, body, leads
    assert any("NotoSansCJK" in name for name in names), listing  # first-level headings


def test_the_page_is_a4(pdf):
    info = _run(_program("pdfinfo"), str(pdf))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    width, height = float(size[1]), float(size[2])
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1, info


def test_the_wucheng_draft_of_the_command_opens_in_the_fonts_its_style_names(tmp_path, cli):
    """End to end: `mubiao summary --county wucheng --template DIR`, DIR/style.toml naming the Noto fonts; the
    PDF LibreOffice makes of the .docx states seed 004's figures in those fonts."""
    from conftest import REPO

    style = tmp_path / "house-style"
    style.mkdir()
    (style / "style.toml").write_text('[fonts]\ntitle = "Noto Serif CJK SC"\nbody = "Noto Serif CJK SC"\n'
                                      'heading1 = "Noto Sans CJK SC"\nheading2 = "Noto Serif CJK SC"\n',
                                      encoding="utf-8")
    source = tmp_path / "wucheng.docx"
    result = cli("summary", "--root", REPO, "--plan", "jinhua-2021", "--as-of", "2021-12", "--county", "wucheng",
                 "--template", style, "-o", source)
    assert result.exit_code == 0, result.output
    pdf = _to_pdf(source)
    text = re.sub(r"\s+", "", _run(_program("pdftotext"), "-enc", "UTF-8", str(pdf), "-"))
    assert "金华市婺城区民政局2021年工作总结（初稿）" in text
    for figure in ("为10800元/年", "提高至900元/月", "困难老年人家庭适老化改造230户", "18人/万名老年人", "市级完善型农村社区15个"):
        assert figure in text, figure
    fonts = _run(_program("pdffonts"), str(pdf))
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts, fonts


def test_a_duban_notice_converts_with_libreoffice(tmp_path, cli):
    """`report --duban`: a 督办单 opens in LibreOffice as an A4 page with its number, addressee, items and page
    number (issue 22, part 3)."""
    from conftest import REPO

    assert cli("report", "--root", REPO, "--plan", "jinhua-2021", "-o", tmp_path, "--duban").exit_code == 0
    source = tmp_path / "督办单" / "督办单-01-社会救助处.docx"
    pdf = _to_pdf(source)
    text = re.sub(r"\s+", "", _run(_program("pdftotext"), "-enc", "UTF-8", str(pdf), "-"))
    for words in ("督办单〔2021〕12月-1号", "社会救助处：", "特困人员基本生活标准城乡一体化：婺城区、永康市、磐安县到期未完成",
                  "金华市民政局", "—1—"):
        assert words in text, words
    assert "(A4)" in _run(_program("pdfinfo"), str(pdf))


def test_a_notice_running_onto_a_second_page_keeps_its_last_words_with_the_signature(tmp_path, cli):
    """GB/T 9704: no page holds only the date, nor only the signature. 养老服务处's December notice runs to a second
    page; that page has its closing sentence, the bureau and the date together."""
    from conftest import REPO

    assert cli("report", "--root", REPO, "--plan", "jinhua-2021", "-o", tmp_path, "--duban").exit_code == 0
    pdf = _to_pdf(tmp_path / "督办单" / "督办单-02-养老服务处.docx")
    pages = int(re.search(r"Pages:\s+(\d+)", _run(_program("pdfinfo"), str(pdf))).group(1))
    last = re.sub(r"\s+", "", _run(_program("pdftotext"), "-f", str(pages), "-l", str(pages), "-enc", "UTF-8",
                                   str(pdf), "-"))
    assert "金华市民政局" in last and "2021年12月31日" in last and "请对照上述事项" in last, last
