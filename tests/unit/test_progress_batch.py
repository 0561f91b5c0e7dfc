"""The fast reader (column by column, many files at once) against the row rules it stands in for.

`read_progress` reads CSV rows column by column and hands every row it is not sure of to the row rules;
`read_progress(..., by_row=True)` reads every row by the row rules. Whatever the files hold, both must give the
same records and the same findings. Here they read workspaces of messy files, generated from a seed, with the
cells counties really type (full-width digits, units, 1,500, 90%, dashes, 是/否, Excel day numbers) among clean
ones, and blank lines, footers, ragged rows, repeated and conflicting rows, counts going down.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas.testing
import pytest

from mubiao.models import County, Kind
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import read_progress

REPO = Path(__file__).resolve().parents[2]
PLAN = load_plan(REPO / "targets" / "jinhua-2021.toml")

#: The city itself reports too (市本级), in a file of its own.
CITY_ITSELF = County("city", "市本级")

HEADER = ["县(市、区)", "月份", "指标编号", "完成值", "分子", "分母", "完成日期", "备注"]

NUMBERS = ["12", "0", "3.5", "40", "41", "", "", "", "１２", "1,500", "41家", "90%", "-3", " ", "-", "—", "abc",
           "1e3", "+5", "12.", "007", "1" * 20, "0.000000001", "999999", "12 ", " 7"]
FLAGS = ["是", "否", "1", "0", "", "已完成", "未完成", "yes", "maybe", " 是 ", "√"]
DATES = ["", "", "", "2021-08-16", "2021/8/16", "2021年8月16日", "44424", "2021-02-30", "下月", "2021.8.1"]
NOTES = ["", "", "", "", "选址调整", " 前后有空格 ", "-", "=HYPERLINK(\"x\")", "多\n行", "a,b"]
PERIODS = ["2021年6月", "2021-06", "", "2021-6", "202106", "2021年7月", "2020-12", "六月", "2021/6/1"]


def _county_cells(rng: random.Random, county) -> str:
    other = rng.choice(PLAN.counties)
    return rng.choice([county.id, county.name, county.name, "", f" {county.name}", other.name, "不存在县", "市本级",
                       "city"])


def _indicator_cell(rng: random.Random) -> str:
    ind = rng.choice(PLAN.indicators)
    return rng.choices([ind.id, f" {ind.id}", "G99-nothing", "", ind.id.upper()], weights=[20, 1, 1, 1, 1])[0]


def _row(rng: random.Random, county) -> list[str]:
    indicator = _indicator_cell(rng)
    ind = next((i for i in PLAN.indicators if i.id == indicator.strip()), None)
    value = rng.choice(FLAGS if ind is not None and ind.kind is Kind.MILESTONE and rng.random() < 0.8 else NUMBERS)
    ratio = ind is not None and ind.kind is Kind.RATIO
    numerator = rng.choice(NUMBERS) if ratio or rng.random() < 0.05 else ""
    denominator = rng.choice(NUMBERS) if ratio or rng.random() < 0.05 else ""
    if ratio and rng.random() < 0.6:  # mostly a clean ratio
        denominator = str(rng.randint(1, 300))
        numerator = str(rng.randint(0, int(denominator)))
        value = ""
    clean = rng.random() < 0.5
    return [
        "" if clean else _county_cells(rng, county),
        "2021年6月" if clean else rng.choice(PERIODS),
        indicator,
        value,
        numerator,
        denominator,
        rng.choice(DATES),
        rng.choice(NOTES),
    ]


def _workspace(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    (root / "targets").mkdir(parents=True)
    (root / "targets" / "jinhua-2021.toml").write_bytes((REPO / "targets" / "jinhua-2021.toml").read_bytes())
    for month in ("2021-05", "2021-06"):
        folder = root / "data" / PLAN.id / month
        folder.mkdir(parents=True)
        for county in [*rng.sample(PLAN.counties, 4), CITY_ITSELF]:
            rows = [_row(rng, county) for _ in range(rng.randint(0, 25))]
            if rows and rng.random() < 0.3:
                rows.append(list(rows[0]))  # a repeated row
            rows.insert(rng.randint(0, len(rows)), [""] * rng.randint(0, 8))  # a blank line
            if rng.random() < 0.2:
                rows.append(["填报人:张三", "", "", "", "联系电话:123"])  # a footer
            if rng.random() < 0.2:
                rows.append(rows[0][:3])  # a short row
            if rng.random() < 0.2:
                rows.append([*_row(rng, county), "800"])  # a long row: `10,800` typed without quotes (D107)
            header = list(HEADER)
            if rng.random() < 0.2:
                header[1] = "期间"
            name = rng.choice([county.id, county.name])
            text = "\n".join(",".join(_quoted(cell) for cell in row) for row in [header, *rows]) + "\n"
            # a county's file of the month, now and then one outside any month folder (its rows give the month)
            where = folder.parent if rng.random() < 0.1 else folder
            (where / f"{name}.csv").write_text(text, encoding=rng.choice(["utf-8", "utf-8-sig", "gb18030"]))


def _quoted(cell: str) -> str:
    return f'"{cell}"' if any(ch in cell for ch in ',\n"') else cell


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_reader_gives_what_the_row_rules_give(tmp_path, seed):
    _workspace(tmp_path, seed)
    fast = read_progress(PLAN, tmp_path)
    by_row = read_progress(PLAN, tmp_path, by_row=True)
    assert fast.findings == by_row.findings
    pandas.testing.assert_frame_equal(fast.frame, by_row.frame)
    assert fast.records == by_row.records


def test_the_generated_files_hold_clean_rows_and_every_kind_of_finding(tmp_path):
    # The comparison above means something only if the files give both: records the fast way takes, and
    # findings of many kinds for the row rules to word.
    codes, records = set(), 0
    for seed in range(40):
        folder = tmp_path / str(seed)
        _workspace(folder, seed)
        read = read_progress(PLAN, folder)
        codes |= {f.code for f in read.findings}
        records += len(read.frame)
    assert records > 400
    assert {"D107", "D110", "D111", "D112", "D113", "D114", "D116", "D120", "D121", "D122", "D124", "D125", "D126",
            "D128", "D201", "D202"} <= codes


def test_the_sample_workspace_reads_the_same_both_ways():
    fast = read_progress(PLAN, REPO)
    by_row = read_progress(PLAN, REPO, by_row=True)
    assert fast.findings == by_row.findings
    pandas.testing.assert_frame_equal(fast.frame, by_row.frame)


@pytest.mark.parametrize("seed", range(0, 40, 4))
def test_the_gap_engine_gives_the_same_from_the_coded_records_as_from_the_table(tmp_path, seed):
    # `mubiao gaps` hands the engine the coded records; the library's callers hand it the tidy table
    from mubiao.analysis.gaps import compute_gaps

    _workspace(tmp_path, seed)
    read = read_progress(PLAN, tmp_path)
    for as_of in (None, "2021-05-31", "2021-06-30", "2021-12-31"):
        day = None if as_of is None else dt.date.fromisoformat(as_of)
        coded, table = compute_gaps(PLAN, read, day), compute_gaps(PLAN, read.frame, day)
        assert coded.as_of == table.as_of and coded.completeness == table.completeness
        assert coded.rows == table.rows
