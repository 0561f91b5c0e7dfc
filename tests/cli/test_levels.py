"""The plan's levels and their words (issue 19, part 1): a district bureau's outputs say 全区, 乡镇(街道), 镇街
and 区本级, never a city bureau's 全市, 县(市、区), 县 and 市本级; a township's draft is its report to the bureau.

The district workspace is the bad-input corpus's small workspace (tests/fixtures/bad/workspace/) with the
organisation 示范区民政局 and townships for counties; no name in it holds 县 or 全市, so any such word in an
output is one of mubiao's own.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from mubiao.labels import in_words
from mubiao.models import Levels, levels_of
from mubiao.readers.plan import load_plan


def run(*args: str):
    """The command line run in-process, as `mubiao` runs it."""
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, list(args))

CORPUS_WORKSPACE = REPO / "tests" / "fixtures" / "bad" / "workspace"
CITY_WORDS = re.compile(r"全市|县|市本级|[(（]市、区[)）]")


def district(root: Path) -> Path:
    shutil.copytree(CORPUS_WORKSPACE, root)
    plan = root / "targets" / "demo.toml"
    text = plan.read_text(encoding="utf-8")
    for old, new in (("示范市民政局", "示范区民政局"), ("示范市民政工作要点", "示范区民政工作要点"),
                     ('name = "东区"', 'name = "东湖街道"'), ('name = "西区"', 'name = "西山镇"'),
                     ('name = "北区"', 'name = "北塘乡"'), ("建成全市智慧养老服务平台", "建成全区智慧养老服务平台")):
        assert old in text, old
        text = text.replace(old, new)
    plan.write_text(text, encoding="utf-8")
    return root


def test_the_words_follow_from_the_organisations_name():
    assert levels_of("金华市民政局") == Levels()
    assert levels_of("金华市婺城区民政局").whole == "全区" and not levels_of("金华市婺城区民政局").unit_bureaus
    assert levels_of("浦江县民政局").own == "县本级"
    assert levels_of("浙江省民政厅").units == "市(州)"


def test_a_plan_may_name_its_own_words(tmp_path):
    root = district(tmp_path / "ws")
    plan = root / "targets" / "demo.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        'language = "zh"', 'language = "zh"\n\n[plan.levels]\nunits = "社区"\nunit = "社区"'), encoding="utf-8")
    levels = load_plan(plan).levels
    assert (levels.whole, levels.units, levels.unit, levels.own) == ("全区", "社区", "社区", "区本级")
    assert run("check", "--root", str(root), str(plan)).exit_code == 0


def test_in_words_changes_fixed_texts_in_one_pass():
    province = levels_of("浙江省民政厅")
    assert in_words("三、各县(市、区)完成情况与排名", province) == "三、各市(州)完成情况与排名"
    assert in_words("全市共 3 项;市本级;滞后的县", province) == "全省共 3 项;省本级;滞后的市"
    assert in_words("全市", Levels()) == "全市"


def _outputs(root: Path, shown: str = "G02-centres", month: str = "2021-07") -> dict[str, str]:
    """Every output of every command, as text (an xlsx or docx as the text of its XML parts)."""
    texts = {}
    for args in (["gaps"], ["gaps", "--format", "md"], ["gaps", "--format", "csv"], ["gaps", "--format", "json"],
                 ["gaps", "--by", "county"], ["show", shown], ["check"]):
        result = run(*args, "--root", str(root))
        texts[" ".join(args)] = result.stdout + result.stderr
    for args in (["report"], ["summary"], ["summary", "--all-counties"], ["form", "--period", month],
                 ["form", "--period", month, "--format", "csv"]):
        assert run(*args, "--root", str(root)).exit_code == 0, args
    for path in sorted((root / "reports").rglob("*.*")):
        name = str(path.relative_to(root))
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as archive:
                texts[name] = "".join(archive.read(member).decode("utf-8") for member in archive.namelist()
                                      if member.endswith(".xml"))
        elif path.suffix in (".md", ".html", ".csv", ".json"):
            texts[name] = path.read_text(encoding="utf-8-sig")
    return texts


def test_no_output_of_a_district_says_a_city_bureaus_words(tmp_path):
    texts = _outputs(district(tmp_path / "ws"))
    assert {"reports/demo/2021-06/report.html", "reports/demo/2021-06/gaps.xlsx",
            "reports/demo/2021-06/summary-city.docx", "reports/demo/forms/2021-07/east.xlsx"} <= set(texts)
    said = {name: sorted({text[max(0, m.start() - 12):m.end() + 8] for m in CITY_WORDS.finditer(text)})[:5]
            for name, text in texts.items() if CITY_WORDS.search(text)}
    assert not said, said
    report = texts["reports/demo/2021-06/report.md"]
    assert "全区共" in report and "各乡镇（街道）完成情况与排名" in report and "（镇街 × 指标）" in report


def test_a_townships_draft_is_its_report_to_the_bureau(tmp_path):
    root = district(tmp_path / "ws")
    assert run("summary", "--root", str(root), "--county", "east", "--format", "md",
               "-o", str(tmp_path / "east.md")).exit_code == 0
    lines = (tmp_path / "east.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# 东湖街道2021年上半年民政工作总结（初稿）"  # (its data end in June: a 半年总结)
    assert lines[2] == "示范区民政局："
    assert "东湖街道民政局" not in "\n".join(lines) and "示范区东湖街道" not in "\n".join(lines)
    assert lines[-2].strip() == "东湖街道"


def test_a_township_form_reads_back_under_its_own_headers(tmp_path):
    """The form's area column is headed 乡镇(街道) and its target column 本镇街目标: both read back."""
    root = district(tmp_path / "ws")
    assert run("form", "--root", str(root), "--period", "2021-07", "--county", "east", "--format", "csv").exit_code == 0
    [form] = (root / "reports" / "demo" / "forms" / "2021-07").glob("east.csv")
    header = form.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("乡镇(街道),月份,指标编号") and "本镇街目标" in header
    import csv
    import io

    rows = list(csv.reader(io.StringIO(form.read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r[2] == "G02-centres")
    row[rows[0].index("完成值")] = "15"  # as the township fills it in
    month = root / "data" / "demo" / "2021-07"
    month.mkdir()
    with (month / "东湖街道.csv").open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    result = run("check", "--root", str(root), str(month))
    assert result.exit_code == 0, result.stdout
    document = json.loads(run("gaps", "--root", str(root), "--format", "json").stdout)
    assert document["period"] == "2021-07"
    assert next(r["actual"] for r in document["rows"] if r["indicator"] == "G02-centres" and r["county"] == "east") == 15


@pytest.mark.parametrize("level, whole", [("city", "全市"), ("district", "全区"), ("county", "全县"),
                                          ("province", "全省")])
def test_init_writes_the_levels_words_into_a_template_that_passes_check(tmp_path, level, whole):
    assert run("init", str(tmp_path / "ws"), "--level", level).exit_code == 0
    [plan] = (tmp_path / "ws" / "targets").glob("plan-*.toml")
    text = plan.read_text(encoding="utf-8")
    assert f"年{whole}民政工作要点" in text
    assert run("check", "--strict", "--root", str(tmp_path / "ws")).exit_code == 0
    assert load_plan(plan).levels.whole == whole
    if level in ("district", "province"):  # (a county bureau's own words have 县 in them: 全县, 县本级)
        assert not CITY_WORDS.search(text), "a city bureau's word in the template"


def test_the_partial_legend_names_the_plans_own_counts(tmp_path):
    """东湖街道 sent nothing in June: the legend says 2 of 3 townships, not the fixed example of 9 of 10."""
    root = district(tmp_path / "ws")
    text = run("gaps", "--root", str(root), "--as-of", "2021-06").stdout
    assert "2/3:全区数只汇总了已报送的镇街(3 个中的 2 个),是部分数据" in text
    assert "9/10" not in text and "10 个中的 9 个" not in text
    assert run("report", "--root", str(root), "--as-of", "2021-06").exit_code == 0
    report = (root / "reports" / "demo" / "2021-06" / "report.md").read_text(encoding="utf-8")
    assert "2/3：全区数只汇总了已报送的镇街（3 个中的 2 个），是部分数据" in report


def test_the_district_sample_says_its_own_words_everywhere(tmp_path):
    """The Done-when of issue 19 on the district sample (targets/wucheng-2022.toml, seed 004 part 二): no output
    says 全市, 县(市、区), 市本级, 县 or a city bureau's 处室 (a district bureau has 科室), and every township's
    draft is titled and addressed as its report to the bureau."""
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(REPO / "targets" / "wucheng-2022.toml", root / "targets")
    shutil.copytree(REPO / "data" / "wucheng-2022", root / "data" / "wucheng-2022")
    texts = _outputs(root, shown="G01-ertongzhijia", month="2022-12")
    words = re.compile(CITY_WORDS.pattern + "|处室")
    said = {name: sorted({text[max(0, m.start() - 12):m.end() + 8] for m in words.finditer(text)})[:5]
            for name, text in texts.items() if words.search(text)}
    assert not said, said
    assert "全区共" in texts["reports/wucheng-2022/2022-12/report.md"]
    plan = load_plan(root / "targets" / "wucheng-2022.toml")
    drafts = sorted((root / "reports" / "wucheng-2022" / "2022-12").glob("summary-*.docx"))
    assert len(drafts) == len(plan.counties) + 1
    for county in plan.counties:
        lines = _docx_lines(root / "reports" / "wucheng-2022" / "2022-12" / f"summary-{county.id}.docx")
        assert lines[0] == f"{county.name}2022年民政工作总结（初稿）", lines[:2]
        assert lines[1] == "金华市婺城区民政局：", lines[:2]
        assert lines[-2] == county.name and f"{county.name}民政局" not in "".join(lines)


def _docx_lines(path: Path) -> list[str]:
    import docx

    return [paragraph.text.strip() for paragraph in docx.Document(str(path)).paragraphs if paragraph.text.strip()]


def test_a_districts_plan_findings_say_its_words(tmp_path):
    """check's indicator messages are said in the plan's words (分镇街目标, 全区目标), as every output is."""
    plan = tmp_path / "targets" / "wc.toml"
    plan.parent.mkdir()
    text = (REPO / "targets" / "wucheng-2022.toml").read_text(encoding="utf-8")
    plan.write_text(text.replace('id = "wucheng-2022"', 'id = "wc"').replace("target = 11\n", "target = 12\n", 1),
                    encoding="utf-8")
    shown = run("check", str(plan)).stdout
    assert "P209" in shown and "分镇街目标合计 11" in shown and "全区目标为 12" in shown
    assert not CITY_WORDS.search(shown.replace(str(plan), ""))
