"""Plain CSV files are split into cells many at a time by pyarrow (`mubiao.readers.bulk`); any other file by
Python's csv module, one by one (`read_raw_table`). Both hand their cells to the same row rules: whatever the files
hold, a read must give the same records and findings as a read that splits every file with the csv module. Here
they read workspaces of messy files, generated from a seed, with the cells counties really type (full-width
digits, units, 1,500, 90%, dashes, 是/否, Excel day numbers) among clean ones, and blank lines, footers, ragged rows,
quoted cells, repeated and conflicting rows, counts going down.
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


def _row(rng: random.Random, county, plain: bool = False) -> list[str]:
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
        rng.choice([note for note in NOTES if not plain or "\n" not in note]),
    ]


def _workspace(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    (root / "targets").mkdir(parents=True)
    (root / "targets" / "jinhua-2021.toml").write_bytes((REPO / "targets" / "jinhua-2021.toml").read_bytes())
    for month in ("2021-05", "2021-06"):
        folder = root / "data" / PLAN.id / month
        folder.mkdir(parents=True)
        for county in [*rng.sample(PLAN.counties, 4), CITY_ITSELF]:
            plain = rng.random() < 0.5  # every row as many cells as the header, no cell over two lines
            rows = [_row(rng, county, plain) for _ in range(rng.randint(0, 25))]
            if rows and rng.random() < 0.3:
                rows.append(list(rows[0]))  # a repeated row
            rows.insert(rng.randint(0, len(rows)), [""] * (len(HEADER) if plain else rng.randint(0, 8)))  # blank
            if rng.random() < 0.2:
                rows.append(["填报人:张三", "", "", "", "联系电话:123"] + [""] * (3 if plain else 0))  # a footer
            if rng.random() < 0.2 and not plain:
                rows.append(rows[0][:3])  # a short row
            if rng.random() < 0.2 and not plain:
                rows.append([*_row(rng, county), "800"])  # a long row: `10,800` typed without quotes (D107)
            header = list(HEADER)
            if rng.random() < 0.2:
                header[1] = "期间"
            name = rng.choice([county.id, county.name])
            text = "\n".join(",".join(_quoted(cell, plain) for cell in row) for row in [header, *rows]) + "\n"
            # a county's file of the month, now and then one outside any month folder (its rows give the month)
            where = folder.parent if rng.random() < 0.1 else folder
            (where / f"{name}.csv").write_text(text, encoding=rng.choice(["utf-8", "utf-8-sig", "gb18030"]))


def _quoted(cell: str, plain: bool) -> str:
    """A cell as a CSV writer writes it (a plain file: quotes inside doubled), or as a hand-made one may."""
    if not any(ch in cell for ch in ',\n"'):
        return cell
    return '"' + (cell.replace('"', '""') if plain else cell) + '"'


@pytest.fixture
def one_by_one(monkeypatch):
    """`read(root)`: the read with no file parsed by the bulk parser."""
    import mubiao.readers.tables

    def read(root: Path):
        with monkeypatch.context() as patched:
            patched.setattr(mubiao.readers.tables, "csv_body", lambda path, known=None: None)
            return read_progress(PLAN, root, cache=False)

    return read


def _same(bulk, alone) -> None:
    assert bulk.findings == alone.findings
    pandas.testing.assert_frame_equal(bulk.frame, alone.frame)
    assert bulk.records == alone.records


@pytest.mark.parametrize("seed", range(40))
def test_files_parsed_together_give_what_files_parsed_alone_give(tmp_path, seed, one_by_one):
    _workspace(tmp_path, seed)
    with read_progress(PLAN, tmp_path, cache=False) as bulk, one_by_one(tmp_path) as alone:
        _same(bulk, alone)


def test_the_generated_files_hold_clean_rows_every_kind_of_finding_and_both_kinds_of_file(tmp_path, monkeypatch):
    # The comparison above means something only if the files give both: records, findings of many kinds, and files
    # each way (the bulk parser takes the plain ones, and hands back those with a ragged row)
    import mubiao.readers.bulk

    parsed, refused = [], []
    real = mubiao.readers.bulk.parse_bodies

    def counted(bodies):
        found = real(bodies)
        parsed.extend(p for chunk, _ in found[0] for p in chunk)
        refused.extend(found[1])
        return found

    monkeypatch.setattr(mubiao.readers.bulk, "parse_bodies", counted)
    codes, records = set(), 0
    for seed in range(40):
        folder = tmp_path / str(seed)
        _workspace(folder, seed)
        with read_progress(PLAN, folder, cache=False) as read:
            codes |= {f.code for f in read.findings}
            records += len(read.frame)
    assert records > 400 and len(parsed) > 120 and len(refused) > 20
    assert {"D107", "D110", "D111", "D112", "D113", "D114", "D116", "D120", "D121", "D122", "D124", "D125", "D126",
            "D128", "D201", "D202"} <= codes


def test_the_sample_workspace_reads_the_same_both_ways(one_by_one):
    with read_progress(PLAN, REPO, cache=False) as bulk, one_by_one(REPO) as alone:
        _same(bulk, alone)


@pytest.mark.parametrize("seed", range(0, 40, 4))
def test_the_gap_engine_gives_the_same_from_a_read_as_from_its_table(tmp_path, seed):
    # `mubiao gaps` hands the engine the read's store; the library's callers may hand it the tidy table
    from mubiao.analysis.gaps import compute_gaps

    _workspace(tmp_path, seed)
    with read_progress(PLAN, tmp_path) as read:
        for as_of in (None, "2021-05-31", "2021-06-30", "2021-12-31"):
            day = None if as_of is None else dt.date.fromisoformat(as_of)
            stored, table = compute_gaps(PLAN, read, day), compute_gaps(PLAN, read.frame, day)
            assert stored.as_of == table.as_of and stored.completeness == table.completeness
            assert stored.rows == table.rows
