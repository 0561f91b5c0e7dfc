"""The inbox (`mubiao intake`, issue 20 part 5): twenty files as a district's staff receive them, misnamed and
mixed, each filed where it belongs, refused with what to send back, or said not to be a return; a second run
changes nothing, and the originals are never touched."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import REPO

MARCH = REPO / "data" / "wucheng-2022" / "2022-03"


def _run(*args):
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _titled(source: Path, target: Path, unit: str) -> None:
    """A township's own workbook: a title naming it and the month, no unit column."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"{unit}2022年3月民政重点工作进展情况表"])
    sheet.append([f"填报单位:{unit}"])
    for row in rows:
        sheet.append(row[1:])
    book.save(target)


@pytest.fixture
def inbox(tmp_path):
    """An empty district workspace (its plan only) and a folder of 20 received files."""
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(REPO / "targets" / "wucheng-2022.toml", root / "targets")
    folder = tmp_path / "收件"
    folder.mkdir()
    townships = sorted(MARCH.glob("*.csv"))
    townships = [p for p in townships if p.stem not in ("city", "luodian", "chengdong")]
    for n, source in enumerate(townships[:14], start=1):  # 14 returns whose unit column says whose they are
        shutil.copy(source, folder / f"附件{n}.csv")
    _titled(MARCH / "luodian.csv", folder / "罗店镇3月报表(1).xlsx", "罗店镇")  # a title names the unit
    _titled(MARCH / "chengdong.csv", folder / "3月进展.xlsx", "城东街道")
    shutil.copy(MARCH / "city.csv", folder / "区本级.csv")
    bad = (MARCH / townships[14].name).read_text(encoding="utf-8-sig").splitlines()
    at = next(n for n, line in enumerate(bad) if ",G01-ertongzhijia," in line or ",G04-chizheng," in line)
    cells = bad[at].split(",")
    cells[8] = "三十"
    bad[at] = ",".join(cells)
    (folder / "有错的表.csv").write_text("\n".join(bad) + "\n", encoding="utf-8-sig")
    shutil.copy(REPO / "tests" / "fixtures" / "progress" / "formats" / "dongyang.xls", folder / "别的市的.xls")
    (folder / "情况说明.docx").write_bytes(b"PK\x03\x04")
    assert len(list(folder.iterdir())) == 20
    return root, folder, townships


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_twenty_mixed_files_are_each_filed_where_they_belong(inbox):
    root, folder, townships = inbox
    before = _digest(folder)
    result = _run("intake", folder, "--root", root)
    assert result.exit_code == 1  # one refused, two not returns of this plan
    filed = root / "data" / "wucheng-2022" / "2022-03"
    names = sorted(p.name for p in filed.iterdir())
    expected = sorted([*(p.name for p in townships[:14]), "luodian.xlsx", "chengdong.xlsx", "city.csv"])
    assert names == expected
    for source in townships[:14]:
        assert (filed / source.name).read_bytes() == source.read_bytes()
    out = result.stdout
    assert "退回" in out and "三十" in out and "请改正后重新报送" in out  # what to send back to the township
    assert "已归档 17、退回 1、认不出 2" in out
    assert _digest(folder) == before  # the originals as they were
    assert _run("check", "--root", root, "--strict").exit_code == 0


def test_a_second_run_changes_nothing_and_a_dry_run_writes_nothing(inbox):
    root, folder, _ = inbox
    dry = _run("intake", folder, "--root", root, "--dry-run")
    assert "试运行" in dry.stdout and not (root / "data").exists()
    _run("intake", folder, "--root", root)
    filed = root / "data" / "wucheng-2022"
    before = {p: p.read_bytes() for p in filed.rglob("*") if p.is_file()}
    again = _run("intake", folder, "--root", root)
    assert "已在 17" in again.stdout and "已归档" not in again.stdout.split("\n")[-2]
    assert {p: p.read_bytes() for p in filed.rglob("*") if p.is_file()} == before


def test_a_different_file_for_a_filed_month_is_replaced_only_when_asked_and_kept(inbox, tmp_path):
    root, folder, townships = inbox
    _run("intake", folder, "--root", root)
    changed = tmp_path / "安地镇3月报表(修改).csv"
    source = next(p for p in townships[:14] if p.stem == "andi")
    changed.write_text(source.read_text(encoding="utf-8-sig").replace("\n", "\n", 1) + "\n", encoding="utf-8-sig")
    refused = _run("intake", changed, "--root", root)
    assert refused.exit_code == 1 and "已有不同文件" in refused.stdout and "--replace" in refused.stdout
    replaced = _run("intake", changed, "--root", root, "--replace")
    assert replaced.exit_code == 0 and "已替换" in replaced.stdout
    kept = list((root / "data" / "wucheng-2022" / ".history" / "2022-03").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == source.read_bytes()
    assert (root / "data" / "wucheng-2022" / "2022-03" / "andi.csv").read_bytes() == changed.read_bytes()


def test_a_summary_sheet_is_filed_as_the_months_summary(tmp_path):
    """A district's own summary sheet (a row per township) names no one unit: it is filed as the month's 汇总,
    its month from its title, and reads there."""
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(REPO / "targets" / "wucheng-2022.toml", root / "targets")
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "progress" / "formats" / "wide-by-area.xlsx", folder / "6月汇总表.xlsx")
    result = _run("intake", folder, "--root", root)
    assert result.exit_code == 0, result.stdout
    assert (root / "data" / "wucheng-2022" / "2022-06" / "汇总.xlsx").is_file()
    checked = _run("check", "--root", root)
    assert "0 个错误" in checked.stdout and "D103" in checked.stdout
