"""The JSON of `mubiao gaps --format json` (FORMATS §5) is written straight from the gap table's columns, with
orjson formatting the numbers: it must stay byte for byte what `json.dumps(gaps_document(gaps), ensure_ascii=False,
indent=2, allow_nan=False)` writes, for every number and every string a plan or a county can hold."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import numpy as np
import pytest

from conftest import REPO
from mubiao.analysis.gaps import Gaps, compute_gaps
from mubiao.models import Direction, Kind, Pace, Scope, Status
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import load_progress, records_frame
from mubiao.render.gaps import _json_number, _json_numbers, gaps_document, render_json
from test_gaps import END, JUNE, MARCH, START, indicator, plan, rec


def reference(gaps: Gaps) -> bytes:
    """The JSON as it has always been written: a dict per row through json.dumps."""
    text = json.dumps(gaps_document(gaps), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return text.encode("utf-8")


def dumped(value: float) -> bytes:
    """One number as the document writes it: NaN (no figure) is null."""
    return b"null" if math.isnan(value) else json.dumps(_json_number(value), allow_nan=False).encode()


# ---------------------------------------------------------------------------------------------------- numbers


EDGE_NUMBERS = [
    0.0, -0.0, 1.0, -1.0, 41.0, 0.5, 0.1, 0.2 + 0.1, 1 / 3, -2 / 3, 100.0, 5.513307984790872, 0.9448669201520913,
    1e-4, -1e-4, 9.999999999999999e-05, 1.0000000000000002e-4, 1e-5, 3.14e-05, 1e-7, 1.4210854715202004e-14, 5e-324,
    123456789012345.0, 999999999999999.0, 999999999999999.9, 1e15, -1e15, 1000000000000000.5, 9999999999999998.0,
    1e16, 1.5e16, 123456789012345678.0, 1e21, 1e22, 1.7976931348623157e308, math.nan, 2.0**53, 2.0**53 + 2,
]


def test_edge_numbers_are_written_as_json_dumps_writes_them():
    values = np.array(EDGE_NUMBERS)
    assert _json_numbers(values) == [dumped(v) for v in EDGE_NUMBERS]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_numbers_of_every_size_are_written_as_json_dumps_writes_them(seed):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**63, 20_000, dtype=np.int64).view(np.float64)  # any double, any exponent
    spread = np.sign(rng.random(20_000) - 0.5) * 10 ** rng.uniform(-8, 18, 20_000)  # every notation json.dumps uses
    rounded = np.round(spread * 100) / 100  # figures as counties type them: integers and short decimals
    ratios = rng.integers(0, 500, 20_000) / rng.integers(1, 500, 20_000)  # progress, shortfall and the like
    for values in (bits[np.isfinite(bits)], spread, rounded, ratios):
        assert _json_numbers(values) == [dumped(v) for v in values.tolist()]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_whole_numbers_with_and_without_gaps_are_written_as_json_dumps_writes_them(seed):
    """A column of whole numbers (and NaN) is written as integers, another way than a column with fractions:
    the same text."""
    rng = np.random.default_rng(seed)
    whole = np.round(np.sign(rng.random(5_000) - 0.5) * 10 ** rng.uniform(0, 14.99, 5_000))  # below 1e15
    beyond = np.round(10 ** rng.uniform(0, 17, 5_000))  # from 1e15 on, json.dumps writes floats (1e+15)
    with_gaps = np.where(rng.random(5_000) < 0.3, np.nan, whole)
    small = rng.integers(-1000, 1000, 5_000).astype(np.float64)
    for values in (whole, beyond, with_gaps, small, np.full(7, np.nan), np.array([-0.0, 0.0, 2.0**53, 1e15])):
        assert _json_numbers(values) == [dumped(v) for v in values.tolist()]


def test_no_numbers_is_no_texts():
    assert _json_numbers(np.array([])) == []


def test_an_infinite_number_fails_as_json_dumps_fails():
    with pytest.raises(ValueError, match="^Out of range float values are not JSON compliant: -inf$"):
        _json_numbers(np.array([1.0, -math.inf]))


# --------------------------------------------------------------------------------------------- whole documents


@pytest.fixture(scope="module")
def sample():
    the_plan = load_plan(REPO / "targets" / "jinhua-2021.toml")
    return the_plan, load_progress(the_plan, REPO)


@pytest.mark.parametrize("as_of", [None, dt.date(2021, 1, 31), dt.date(2021, 6, 30), dt.date(2021, 8, 15),
                                   dt.date(2020, 12, 31)])
def test_the_sample_workspace_is_written_as_json_dumps_writes_it(sample, as_of):
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, as_of)
    assert render_json(gaps) == reference(gaps)


@pytest.mark.parametrize("narrowed", [
    dict(counties=["wucheng"]), dict(counties=["city"]), dict(counties=["wucheng", "city", "nowhere"]),
    dict(statuses=[Status.BEHIND, Status.MISSED]), dict(goals=["G03"]), dict(owners=["yanglao"]),
    dict(statuses=[]), dict(counties=[], goals=["G03"]),
])
def test_a_selection_is_written_as_json_dumps_writes_it(sample, narrowed):
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, dt.date(2021, 6, 30)).select(**narrowed)
    assert render_json(gaps) == reference(gaps)


def test_no_rows_is_an_empty_list(sample):
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, JUNE).select(statuses=[])
    assert len(gaps.table) == 0
    assert b'"rows": [],' in render_json(gaps)
    assert render_json(gaps) == reference(gaps)


#: Names and units with everything JSON has to escape, and text that is not ASCII.
AWKWARD = ['引号"与\\反斜杠', "换行\n制表\t回车\r", "控制\x01\x1f字符", "=HYPERLINK(\"x\")", "emoji 🎯 and \u2028",
           "", "{\n  \"rows\": []\n}"]


def test_every_kind_of_row_and_awkward_text_is_written_as_json_dumps_writes_it():
    the_plan = plan(
        replace(indicator("I1", per_county=4, unit=AWKWARD[1], owner="o-1"), name=AWKWARD[0]),
        indicator("I2", Kind.LEVEL, 100, 50, milestones=((MARCH, 60),), unit="元/年", owner=AWKWARD[2]),
        indicator("I3", Kind.RATIO, 90, 80, scale=100.0, unit="%", direction=Direction.DECREASE, goal="G2"),
        replace(indicator("I4", Kind.MILESTONE, 1, 0, goal="G2", unit=None), name=AWKWARD[3]),
        replace(indicator("I5", Kind.COUNT, 10, 10, scope=Scope.CITY, goal="G3", unit=AWKWARD[5]), name=AWKWARD[4]),
        replace(indicator("I6", Kind.COUNT, 30, allocation={"a": 12.5, "c": 1e-5}, baselines={"a": 2.0}, goal="G3",
                          pace=Pace.STEP, deadline=dt.date(2021, 7, 1)), name=AWKWARD[6]),
        counties=("a", "b", "c"),
    )
    records = [
        rec("a", "2021-04", 1), rec("a", "2021-05", 2.5), rec("a", "2021-06", 3), rec("b", "2021-06", 5),
        rec("a", "2021-06", 55, indicator="I2"), rec("b", "2021-05", 70, indicator="I2"),
        rec("a", "2021-06", numerator=7, denominator=9, indicator="I3"),
        rec("b", "2021-06", numerator=1, denominator=0, indicator="I3"), rec("c", "2021-06", 85, indicator="I3"),
        rec("a", "2021-06", 1, indicator="I4"), rec("b", "2021-06", done_on=dt.date(2021, 6, 2), indicator="I4"),
        rec("city", "2021-05", 4, indicator="I5"), rec("city", "2021-06", 12, indicator="I5"),
        rec("a", "2021-06", 1e-7, indicator="I6"), rec("c", "2021-06", 2e16, indicator="I6"),
        rec("nowhere", "2021-06", 3), rec("a", "2021-06", 3, indicator="unknown"),
    ]
    frame = records_frame(records)
    for as_of in (START, MARCH, JUNE, dt.date(2021, 7, 15), END):
        gaps = compute_gaps(the_plan, frame, as_of)
        assert render_json(gaps) == reference(gaps)
        for county in ("a", "city"):
            narrowed = gaps.select(counties=[county])
            assert render_json(narrowed) == reference(narrowed)


def test_a_plan_with_no_data_at_all_is_written_as_json_dumps_writes_it():
    the_plan = plan(indicator("I1", per_county=4), indicator("I2", Kind.MILESTONE, 1, 0))
    gaps = compute_gaps(the_plan, records_frame([]), JUNE)
    assert render_json(gaps) == reference(gaps)


def test_the_json_is_utf8_bytes_without_a_bom(sample):
    the_plan, progress = sample
    written = render_json(compute_gaps(the_plan, progress, JUNE))
    assert isinstance(written, bytes)
    assert written.startswith(b'{\n  "plan": "jinhua-2021",') and written.endswith(b"}\n")
    assert json.loads(written)["period"] == "2021-06"


@pytest.mark.parametrize("infinities", [{"progress": [(3, -math.inf)], "actual": [(5, math.inf)]},
                                        {"shortfall": [(7, math.inf)], "remaining": [(7, -math.inf)]},
                                        {"projected": [(0, math.inf)], "baseline": [(1, -math.inf)]}])
def test_an_infinite_figure_fails_where_json_dumps_failed(sample, infinities):
    """A figure beyond any float (a ratio of 1e308 over 0.001) cannot be written: the first one in the document
    fails the rendering with json.dumps's own message, as it always has."""
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, JUNE)
    columns = {}
    for name, values in infinities.items():
        column = getattr(gaps.table, name).copy()
        for row, value in values:
            column[row] = value
        columns[name] = column
    broken = replace(gaps, table=replace(gaps.table, **columns))
    with pytest.raises(ValueError) as theirs:
        reference(broken)
    with pytest.raises(ValueError) as ours:
        render_json(broken)
    assert str(ours.value) == str(theirs.value)
