"""`load_progress` on the sample workspace: one tidy table, and a missing figure stays missing all the way."""

import pandas as pd
import pytest

from conftest import REPO
from mubiao import ProgressError, load_plan, load_progress
from mubiao.readers.progress import TIDY_COLUMNS

PLAN = load_plan(REPO / "targets" / "jinhua-2021.toml")


@pytest.fixture(scope="module")
def frame():
    return load_progress(PLAN, REPO)


def _one(frame, county, period, indicator):
    rows = frame[(frame.county == county) & (frame.period == period) & (frame.indicator == indicator)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_tidy_table_has_its_columns_and_types(frame):
    assert tuple(frame.columns) == TIDY_COLUMNS
    assert {frame[c].dtype.name for c in ("value", "numerator", "denominator")} == {"Float64"}
    assert str(frame["row"].dtype) == "Int64" and frame["done_on"].dtype.kind == "M"
    assert set(frame.county) == {c.id for c in PLAN.counties} | {"city"}
    assert set(frame.period) == {f"2021-{m:02d}" for m in range(1, 13)}


def test_an_empty_cell_is_missing_never_zero(frame):
    wanshan = _one(frame, "wuyi", "2021-04", "G04-wanshan")  # data/README.md: left empty by the county
    assert pd.isna(wanshan.value) and wanshan.value is pd.NA
    tekun = _one(frame, "yongkang", "2021-07", "G02-tekun")
    assert pd.isna(tekun.value)
    assert frame["value"].isna().sum() > 0 and not (frame["value"].fillna(-1) == 0).all()


def test_a_month_not_sent_has_no_rows_at_all(frame):
    assert frame[(frame.county == "pujiang") & (frame.period == "2021-08")].empty
    assert not frame[(frame.county == "pujiang") & (frame.period == "2021-09")].empty


def test_wucheng_december_is_the_seed(frame):
    """婺城区's December 2021 figures from seed 004 (data/README.md)."""
    assert _one(frame, "wucheng", "2021-12", "G03-shilaohua").value == 230
    assert _one(frame, "wucheng", "2021-12", "G03-zhongxin").value == 8
    huliyuan = _one(frame, "wucheng", "2021-12", "G03-huliyuan")
    assert huliyuan.numerator / huliyuan.denominator * 10000 == pytest.approx(18)


def test_the_gbk_file_and_the_xlsx_are_in_the_table(frame):
    assert frame.file.str.endswith("2021-03/lanxi.csv").sum() > 0
    xlsx = frame[frame.file.str.endswith("2021-06/dongyang.xlsx")]
    assert len(xlsx) > 0 and xlsx.row.min() == 3  # the header is on row 2, under a title


def test_an_error_stops_loading_with_its_place(tmp_path):
    month = tmp_path / "data" / PLAN.id / "2021-06"
    month.mkdir(parents=True)
    (month / "wucheng.csv").write_text("指标编号,完成值\nG03-zhongxin,四家\n", encoding="utf-8")
    with pytest.raises(ProgressError) as raised:
        load_progress(PLAN, tmp_path)
    error = raised.value
    assert (error.code, error.line, error.column) == ("D120", 2, 2)
    assert error.file.endswith("wucheng.csv") and "四家" in error.message
