"""Property tests over everything that reads what people type (issue 8): any input gives a result or a clear
error, never another exception.

- the cell parsers (`mubiao.numbers`): any text or cell value -> a value, None, or CellError;
- the table reader: any bytes as a .csv, .tsv or .xlsx -> a Table or ProgressError;
- the progress reader: any bytes as a county's file -> records and findings (`read_progress` never raises), and
  `load_progress` gives a table or ProgressError;
- the plan checker: any bytes, and the workspace plan with any line's value replaced by any TOML value -> findings
  (`check_plan_file` never raises), and `load_plan` gives a Plan or PlanError.

`make test` runs each with hypothesis's default number of examples (100); `make fuzz` runs this folder with
`--hypothesis-profile=fuzz` (tests/conftest.py): 10,000 examples each, or MUBIAO_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from mubiao.errors import PlanError, ProgressError
from mubiao.numbers import (
    CellError,
    normalise_number,
    parse_as_of,
    parse_date,
    parse_done_flag,
    parse_number,
    parse_period,
)

WORKSPACE = FIXTURES / "bad" / "workspace"
PLAN_TEXT = (WORKSPACE / "targets" / "demo.toml").read_text(encoding="utf-8")

#: Slow examples are the point here (files on disk, a plan checked): no deadline, no complaint about it.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def examples(quick: int) -> settings:
    """`quick` examples in `make test`, where each example writes files, and no shrinking of a failing one (the
    input that fails is printed as found); under `make fuzz` the fuzz profile's own count, shrunk to the smallest
    failing input (the profile is loaded before this module is imported, so `settings.default` is it)."""
    if settings.default.max_examples > 100:
        return settings(FUZZ, max_examples=settings.default.max_examples)
    return settings(FUZZ, max_examples=quick, phases=[Phase.explicit, Phase.reuse, Phase.generate])

# --- cells ----------------------------------------------------------------------------------------------------

#: What a cell can be: text as counties type it (digits of every width, separators, units, signs, spaces), any
#: text at all, and what openpyxl gives for an xlsx cell (numbers including nan and inf, booleans, dates, times).
_PIECES = st.sampled_from(list("0123456789０１２３４５６７８９,，.。%％ 　-+eE年月日/\\—–家\t\n") +
                          ["元/年", "1,500", "１２", "2021", "inf", "nan", "1e999", "是", "否"])
CELLS = st.one_of(
    st.none(),
    st.lists(_PIECES, max_size=10).map("".join),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
UNITS = st.sampled_from([None, "", "家", "元/年", "%", "％", "人/万名老年人", "个"])


@FUZZ
@given(CELLS, UNITS)
@example("¹", None)  # a digit to str.isdigit, not to int(): once a ValueError out of parse_date
def test_any_cell_is_a_number_none_or_a_cell_error(cell, unit):
    for parse in (lambda c: parse_number(c, unit), lambda c: normalise_number(c, unit), parse_done_flag,
                  parse_period, parse_date):
        try:
            value = parse(cell)
        except CellError as exc:
            assert str(exc) and "\n" not in str(exc), repr(str(exc))
        else:
            assert value is None or value == value  # never NaN


@FUZZ
@given(st.one_of(st.text(max_size=30), st.lists(_PIECES, max_size=10).map("".join)))
def test_any_as_of_is_a_date_or_a_cell_error(text):
    try:
        day = parse_as_of(text)
    except CellError as exc:
        assert str(exc)
    else:
        assert isinstance(day, dt.date)


# --- tables -----------------------------------------------------------------------------------------------------

#: Bytes that look like a county's CSV more often than random bytes do: a header and rows from the tokens that
#: matter (delimiters, quotes, line ends, NULs, byte-order marks, non-UTF-8 bytes, known ids), in some encoding.
_TOKENS = st.sampled_from(["指标编号", "完成值", "分子", "分母", "完成日期", "备注", "县(市、区)", "月份", "indicator",
                           "value", "G01-dibao", "G02-centres", "G01-cover", "G01-review", "G02-carers", "G02-pilot",
                           "12", "１２家", "1,500", "90%", "是", "2021-06", "2021-02-30", "东区", "east", "city", "",
                           ",", ",", ";", "\t", '"', '""', "\r\n", "\n", "\r", " ", "\x00", "=SUM(A1)", "\ufeff"])
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-32", "big5", "latin-1"])


@st.composite
def csv_like(draw) -> bytes:
    text = "".join(draw(st.lists(_TOKENS, max_size=60)))
    data = text.encode(draw(_ENCODINGS), errors="replace")
    if draw(st.booleans()):  # damage it: cut it, or put stray bytes in
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + (data[at:] if draw(st.booleans()) else b"")
    return data


ANY_BYTES = st.one_of(st.binary(max_size=512), csv_like())


def _valid_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in [["指标编号", "完成值", "备注"], ["G02-centres", 12, "两家中心已开工"], ["G01-dibao", "10,800", None]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_XLSX = _valid_workbook()


def _with_part(name: str, content: bytes) -> bytes:
    """VALID_XLSX with one part's content replaced."""
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    members[name] = content
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out.getvalue()


@st.composite
def damaged_workbook(draw) -> bytes:
    """A valid workbook with bytes flipped, cut or inserted, or one of its parts replaced by any bytes."""
    data = bytearray(VALID_XLSX)
    how = draw(st.sampled_from(["flip", "cut", "insert", "part"]))
    # anywhere, or near the end, where a zip keeps its directory (hypothesis favours small numbers)
    anywhere = st.one_of(st.integers(0, len(data) - 1), st.integers(1, 300).map(lambda back: len(data) - back))
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(anywhere)
            data[at] ^= draw(st.integers(1, 255))
    elif how == "cut":
        del data[draw(anywhere):]
    elif how == "insert":
        at = draw(anywhere)
        data[at:at] = draw(st.binary(min_size=1, max_size=16))
    else:
        with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
            name = draw(st.sampled_from(sorted(archive.namelist())))
        data = bytearray(_with_part(name, draw(st.one_of(st.binary(max_size=200), csv_like()))))
    return bytes(data)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=ANY_BYTES, suffix=st.sampled_from([".csv", ".tsv", ".xlsx"]))
@example(data=b"\xff\xfe\x00\x00" + "指标编号,完成值\n".encode("utf-32-le"), suffix=".csv")
@example(data=b"indicator,value,note\nG01-dibao,1,\"open", suffix=".csv")
def test_any_bytes_are_a_table_or_a_progress_error(data, suffix, scratch):
    from mubiao.readers.tables import read_table

    path = scratch / f"east{suffix}"
    path.write_bytes(data)
    try:
        table = read_table(path)
    except ProgressError as exc:
        assert exc.code and exc.code.startswith("D") and exc.one_line()
    else:
        assert table.header_row >= 1


@examples(50)
@given(data=damaged_workbook())
@example(data=(FIXTURES / "bad" / "progress" / "xlsx-archive-needs-a-newer-unzip.xlsx").read_bytes())
@example(data=_with_part("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c><v>1"))  # a file left open
def test_a_damaged_workbook_is_a_table_or_a_progress_error(data, scratch):
    from mubiao.readers.tables import read_table

    path = scratch / "east.xlsx"
    path.write_bytes(data)
    try:
        read_table(path)
    except ProgressError as exc:
        assert exc.code and exc.one_line()
    finally:
        gc.collect()  # a file the reader left open is found here, in this test, not in a later one


# --- the progress reader ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_plan():
    from mubiao import load_plan

    return load_plan(WORKSPACE / "targets" / "demo.toml")


@examples(40)
@given(data=st.one_of(ANY_BYTES, damaged_workbook()), suffix=st.sampled_from([".csv", ".tsv", ".xlsx"]))
@example(data=_with_part("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c><v>1"), suffix=".xlsx")
@example(data=(FIXTURES / "bad" / "progress" / "xlsx-archive-needs-a-newer-unzip.xlsx").read_bytes(), suffix=".xlsx")
def test_any_county_file_gives_findings_never_an_exception(data, suffix, demo_plan):
    from mubiao.readers.progress import load_progress, read_progress

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        month = root / "data" / "demo" / "2021-06"
        month.mkdir(parents=True)
        shutil.copy(WORKSPACE / "data" / "demo" / "2021-05" / "west.csv", month.parent / "west-may.csv")
        (month / f"east{suffix}").write_bytes(data)
        read = read_progress(demo_plan, root)
        assert all(f.code.startswith("D") and f.message for f in read.findings)
        try:
            load_progress(demo_plan, root)
        except ProgressError as exc:
            assert exc.one_line()
        finally:
            if suffix == ".xlsx":
                gc.collect()  # a file the reader left open is found here, in this test, not in a later one


# --- the plan ---------------------------------------------------------------------------------------------------

#: TOML values of every type and size, valid and not: what a planner may type after `key =`.
TOML_VALUES = st.one_of(
    st.integers().map(str),
    st.integers(min_value=10**20, max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "-inf", "+inf", "1e999", "0x1F", "0o17", "1_000", "true", "false", "[]", "{}", '""',
                     "0001-01-01", "9999-12-31", "2021-02-30", "2021-06-30T12:00:00+08:00", "12:00:00",
                     '"2021-12-31"', "[1, [2, [3]]]", '{ east = "x" }', '["east", 1]', '"../../x"', '"CON"',
                     '"{{ name.__class__ }}"', '"{{ oops"', '"a\\u0000b"', '"\\u001b[2J"']),
    st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.isoformat()),
)
_LINES = PLAN_TEXT.split("\n")
_VALUE_LINES = [n for n, line in enumerate(_LINES) if " = " in line and not line.lstrip().startswith("#")]


@st.composite
def edited_plan(draw) -> bytes:
    """The workspace plan with a few lines' values replaced, lines dropped or repeated, or any bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    lines = list(_LINES)
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.sampled_from(_VALUE_LINES))
        key = lines[n].split(" = ", 1)[0]
        how = draw(st.sampled_from(["value", "value", "value", "drop", "repeat"]))
        if how == "value":
            lines[n] = f"{key} = {draw(TOML_VALUES)}"
        elif how == "drop":
            lines[n] = ""
        else:
            lines[n] = lines[n] + "\n" + lines[n].replace(" = ", "_x = ", 1)
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


@examples(50)
@given(data=edited_plan())
@example(data="\n".join(_LINES).replace("target = 60", "target = " + "9" * 5000).encode())
def test_any_plan_gives_findings_and_loads_or_says_why_not(data, scratch):
    from mubiao.checks.plan import check_plan_file
    from mubiao.readers.plan import load_plan

    path = scratch / "demo.toml"
    path.write_bytes(data)
    findings = check_plan_file(path)
    assert all(f.code.startswith("P") and f.message for f in findings)
    _quick_schema_check_is_never_laxer(path)
    try:
        plan = load_plan(path)
    except PlanError as exc:
        assert exc.one_line()
        assert any(f.severity.value == "error" for f in findings), "load_plan refused a plan check found no error in"
    else:
        assert not [f for f in findings if f.severity.value == "error"], "load_plan took a plan with errors"
        assert plan.id == "demo"


def _quick_schema_check_is_never_laxer(path) -> None:
    """What the quick (fastjsonschema) check passes, jsonschema passes too: otherwise a finding would be lost."""
    from mubiao.checks.plan import _passes_schema_quickly, _validator
    from mubiao.readers.toml_document import read_toml

    try:
        data = read_toml(path).json_data()
    except PlanError:
        return
    if _passes_schema_quickly(data):
        assert not list(_validator().iter_errors(data))
