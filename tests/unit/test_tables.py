"""Reading what counties' tools write: every encoding Excel produces, and refusing what cannot be read."""

import codecs
import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from mubiao import load_plan
from mubiao.errors import ProgressError
from mubiao.numbers import parse_date, parse_number
from mubiao.readers.progress import read_progress
from mubiao.readers.tables import read_table

ENCODINGS = FIXTURES / "encodings"
READABLE = {
    "utf-8.csv": "utf-8",
    "utf-8-bom.csv": "utf-8-sig",
    "gbk-excel-ansi.csv": "gb18030",
    "gb18030.csv": "gb18030",
    "utf-16le-bom-excel-unicode-text.csv": "utf-16",
    "utf-16be-bom.csv": "utf-16",
    "semicolon.csv": "utf-8",
    "excel-title-row.xlsx": None,
}
REFUSED = ["utf-16le-no-bom.csv", "big5.csv", "latin-1.csv", "bom-says-utf-8-but-gbk.csv"]


def _figures(table):
    """The rows as (indicator, value, numerator, denominator, done_on, note), read as the progress reader does."""
    return [
        (
            cells[2],
            parse_number(cells[3]) if cells[3] != "是" else "是",
            parse_number(cells[4]),
            parse_number(cells[5]),
            parse_date(cells[6]),
            cells[7].replace("𠮷祥社区中心已开工", "两家中心已开工,受梅雨影响略有延期"),
        )
        for _, cells in table.rows
    ]


@pytest.mark.parametrize("name", READABLE)
def test_every_encoding_excel_writes_reads_to_the_same_table(name):
    table = read_table(ENCODINGS / name)
    reference = read_table(ENCODINGS / "utf-8.csv")
    assert table.encoding == READABLE[name]
    assert [str(h) for h in table.header] == [str(h) for h in reference.header]
    assert _figures(table) == _figures(reference)
    assert [number for number, _ in table.rows] == [table.header_row + i for i in (1, 2, 3)]


def test_a_character_outside_gbk_survives_gb18030():
    assert "𠮷" in read_table(ENCODINGS / "gb18030.csv").rows[0][1][7]


@pytest.mark.parametrize("name", REFUSED)
def test_what_cannot_be_decoded_is_refused_with_d002(name):
    with pytest.raises(ProgressError) as raised:
        read_table(ENCODINGS / name)
    assert raised.value.code == "D002"
    assert raised.value.file.endswith(name) and raised.value.hint


def test_nul_bytes_and_empty_files_are_d001(tmp_path):
    cases = {
        "nul.csv": b"indicator,value\r\nG03-zhongxin,4\x00\r\n",
        "empty.csv": b"",
        "spaces.csv": b" \r\n \r\n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ProgressError) as raised:
            read_table(tmp_path / name)
        assert raised.value.code == "D001", name


def test_a_renamed_file_is_read_as_what_its_bytes_say(tmp_path):
    """A CSV saved under an .xlsx name (an export's, a county's rename) is the CSV it is."""
    (tmp_path / "not-a-zip.xlsx").write_bytes(b"indicator,value\r\nG03-zhongxin,4\r\n")
    assert read_table(tmp_path / "not-a-zip.xlsx").rows == ((2, ("G03-zhongxin", "4")),)


def test_a_header_below_a_title_and_a_note_is_found(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("婺城区2021年6月工作进度填报表\n填写说明:请勿修改表头\n指标编号,完成值\nG03-zhongxin,4\n",
                    encoding="utf-8")
    table = read_table(path)
    assert table.header_row == 3 and table.rows == ((4, ("G03-zhongxin", "4")),)


def test_no_header_in_the_first_rows_is_d101(tmp_path):
    path = tmp_path / "no-header.csv"
    path.write_text("名称,数量\n康养联合体,1\n", encoding="utf-8")
    with pytest.raises(ProgressError) as raised:
        read_table(path)
    assert raised.value.code == "D101"


# Round trip: a table written as Excel writes it, in GB18030 or UTF-8 with BOM, reads back to the same values.

PLAN = load_plan(REPO / "targets" / "jinhua-2021.toml")
COUNTS = [ind.id for ind in PLAN.indicators if ind.kind.value == "count" and ind.scope.value == "county"]
_NOTE = st.text(
    st.characters(codec="gb18030", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20
).filter(lambda s: s.strip() == s and "  " not in s and not s.startswith(("-", "—", "/", "\\")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 100_000), st.decimals(0, 100_000, places=2).map(float)),
            st.one_of(st.none(), _NOTE),
        ),
        min_size=1,
        max_size=len(COUNTS),
    ),
    encoding=st.sampled_from(["gb18030", "utf-8-sig"]),
    thousands=st.booleans(),
)
def test_a_table_written_in_gb18030_or_utf8_sig_reads_back_to_the_same_values(values, encoding, thousands):
    rows = [["指标编号", "完成值", "备注"]]
    for indicator, (value, note) in zip(COUNTS, values):
        shown = "" if value is None else (f"{value:,}" if thousands else str(value))
        rows.append([indicator, shown, note or ""])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "targets").mkdir()
        shutil.copy(PLAN.path, root / "targets")
        month = root / "data" / PLAN.id / "2021-06"
        month.mkdir(parents=True)
        (month / "wucheng.csv").write_bytes(buffer.getvalue().encode(encoding))
        read = read_progress(PLAN, root)
    assert not read.errors, read.errors
    got = {(r.indicator, r.value, r.note) for r in read.records}
    want = {(i, None if v is None else float(v), n or None) for i, (v, n) in zip(COUNTS, values)}
    assert got == want
    assert all(r.county == "wucheng" and r.period == "2021-06" for r in read.records)
    assert codecs.lookup(encoding)  # the encodings named here are real codecs
