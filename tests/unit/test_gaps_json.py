"""The JSON of `mubiao gaps --format json` (docs/contract.md §5): the document `gaps_document` describes, written
by orjson in pieces of rows. It must read back as that document for every number and every string a plan or a
county can hold, laid out as json.dumps(indent=2) lays it out (so the sample's JSON is the same bytes)."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import pytest

import mubiao.render.gaps
from conftest import REPO
from mubiao.analysis.gaps import Gaps, compute_gaps
from mubiao.models import Direction, Kind, Pace, Scope, Status
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import load_progress, records_frame
from mubiao.render.gaps import gaps_document, render_json
from test_gaps import END, JUNE, MARCH, START, indicator, plan, rec


def reference(gaps: Gaps) -> bytes:
    """The JSON as json.dumps writes the document."""
    text = json.dumps(gaps_document(gaps), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return text.encode("utf-8")


def same_document(gaps: Gaps) -> bool:
    """The rendered JSON reads back as the document, value for value and type for type (41 is an integer, 0.5 a
    float), and has its layout: line for line json.dumps's, but for how a number is spelled (1e-05, 0.00001)."""
    written = render_json(gaps)
    document = gaps_document(gaps)
    read = json.loads(written)
    if read != document or _types(read) != _types(document):
        return False
    ours, theirs = written.decode().splitlines(), reference(gaps).decode().splitlines()
    return len(ours) == len(theirs) and all(a == b or _numbers_line(a, b) for a, b in zip(ours, theirs))


def _types(value):
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_types(item) for item in value]
    return type(value).__name__


def _numbers_line(ours: str, theirs: str) -> bool:
    key_ours, _, number_ours = ours.rpartition(": ")
    key_theirs, _, number_theirs = theirs.rpartition(": ")
    strip = lambda text: text.rstrip(",")  # noqa: E731
    return key_ours == key_theirs and float(strip(number_ours)) == float(strip(number_theirs))


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
    assert render_json(gaps) == reference(gaps)  # (no number of the sample is spelled in exponent notation)


def test_rows_written_in_pieces_are_the_same_bytes(sample, monkeypatch):
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, JUNE)
    whole = render_json(gaps)
    for rows in (1, 2, 7, len(gaps.rows) - 1, len(gaps.rows)):
        monkeypatch.setattr(mubiao.render.gaps, "JSON_ROWS_AT_A_TIME", rows)
        assert render_json(gaps) == whole


@pytest.mark.parametrize("narrowed", [
    dict(counties=["wucheng"]), dict(counties=["city"]), dict(counties=["wucheng", "city", "nowhere"]),
    dict(statuses=[Status.BEHIND, Status.MISSED]), dict(goals=["G03"]), dict(owners=["yanglao"]),
    dict(statuses=[]), dict(counties=[], goals=["G03"]),
])
def test_a_selection_is_written_as_json_dumps_writes_it(sample, narrowed):
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, dt.date(2021, 6, 30)).select(**narrowed)
    assert same_document(gaps)


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
        assert same_document(gaps)
        for county in ("a", "city"):
            assert same_document(gaps.select(counties=[county]))


def test_a_plan_with_no_data_at_all_is_written_as_json_dumps_writes_it():
    the_plan = plan(indicator("I1", per_county=4), indicator("I2", Kind.MILESTONE, 1, 0))
    gaps = compute_gaps(the_plan, records_frame([]), JUNE)
    assert same_document(gaps)


def test_the_json_is_utf8_bytes_without_a_bom(sample):
    the_plan, progress = sample
    written = render_json(compute_gaps(the_plan, progress, JUNE))
    assert isinstance(written, bytes)
    assert written.startswith(b'{\n  "plan": "jinhua-2021",') and written.endswith(b"}\n")
    assert json.loads(written)["period"] == "2021-06"


@pytest.mark.parametrize("infinities", [{"progress": [(3, -math.inf)], "actual": [(5, math.inf)]},
                                        {"shortfall": [(7, math.inf)], "remaining": [(7, -math.inf)]},
                                        {"projected": [(0, math.inf)], "baseline": [(1, -math.inf)]}])
def test_an_infinite_figure_fails_the_rendering(sample, infinities):
    """A figure beyond any float (a ratio of 1e308 over 0.001) cannot be written in JSON: never as null."""
    the_plan, progress = sample
    gaps = compute_gaps(the_plan, progress, JUNE)
    columns = {}
    for name, values in infinities.items():
        column = getattr(gaps.table, name).copy()
        for row, value in values:
            column[row] = value
        columns[name] = column
    broken = replace(gaps, table=replace(gaps.table, **columns))
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        render_json(broken)


EDGE_NUMBERS = [
    0.0, -0.0, 1.0, -1.0, 41.0, 0.5, 0.1, 0.2 + 0.1, 1 / 3, -2 / 3, 100.0, 5.513307984790872, 0.9448669201520913,
    1e-4, -1e-4, 9.999999999999999e-05, 1.0000000000000002e-4, 1e-5, 3.14e-05, 1e-7, 1.4210854715202004e-14, 5e-324,
    123456789012345.0, 999999999999999.0, 999999999999999.9, 1e15, -1e15, 1000000000000000.5, 9999999999999998.0,
    1e16, 1.5e16, 123456789012345678.0, 1e21, 1e22, 1.7976931348623157e308, 2.0**53, 2.0**53 + 2,
]


@pytest.mark.parametrize("number", EDGE_NUMBERS)
def test_every_number_reads_back_as_itself(sample, number):
    """Whole numbers below 1e15 as integers (41, never 41.0), every other number as the same float."""
    the_plan, progress = sample
    import numpy as np

    gaps = compute_gaps(the_plan, progress, JUNE).select(counties=["city"], goals=["G03"])
    # every figure of the goal's indicators; its tasks (督办事项) keep theirs: a task's actual is the share of its
    # stages that it has come (0 to 1), said as a stage word, never a number of its own
    figure = ~np.array([ind.is_task for ind in gaps.table.indicators])[gaps.table.indicator]
    assert figure.any() and not figure.all()
    table = replace(gaps.table, actual=np.where(figure, gaps.table.actual * 0 + number, gaps.table.actual),
                    target=np.where(figure, gaps.table.target * 0 - number, gaps.table.target))
    assert same_document(replace(gaps, table=table))
