"""The committed sample workspace (data/jinhua-2021) is what data/make_sample.py writes, byte for byte, and it
keeps the rules `mubiao check` enforces on progress data and the seed figures data/README.md promises."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import REPO
from mubiao import load_plan
from mubiao.models import Kind, Scope

SCRIPT = REPO / "data" / "make_sample.py"
SAMPLE = REPO / "data" / "jinhua-2021"
PLAN = load_plan(REPO / "targets" / "jinhua-2021.toml")

FIELDS = {
    "indicator": ("indicator", "指标编号", "编号"),
    "value": ("value", "完成值", "累计完成"),
    "numerator": ("numerator", "分子"),
    "denominator": ("denominator", "分母"),
    "done_on": ("done_on", "完成日期"),
    "note": ("note", "备注", "进展情况"),
    "county": ("县(市、区)",),
    "period": ("月份",),
}
FIELD_OF = {alias: field for field, aliases in FIELDS.items() for alias in aliases}
FULLWIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gbk"), "gbk"


def table(path: Path) -> list[list]:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    return list(csv.reader(io.StringIO(decode(path.read_bytes())[0], newline="")))


def records(path: Path) -> list[dict]:
    rows = table(path)
    start = next(i for i, row in enumerate(rows) if "指标编号" in row or "编号" in row or "indicator" in row)
    fields = [FIELD_OF.get(cell) for cell in rows[start]]
    return [{f: cell for f, cell in zip(fields, row) if f and cell not in (None, "")} for row in rows[start + 1:]]


def number(cell, unit: str | None) -> float:
    if isinstance(cell, (int, float)):
        return float(cell)
    text = cell.translate(FULLWIDTH).strip()
    if unit and text.endswith(unit):
        text = text[: -len(unit)]
    return float(text.replace(",", ""))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "jinhua-2021"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    return out


def test_the_script_writes_exactly_the_committed_files(generated):
    committed, fresh = files_under(SAMPLE), files_under(generated)
    assert committed, "no sample data committed: run `make sample-data`"
    assert sorted(committed) == sorted(fresh), "run `make sample-data` and commit the result"
    # CSVs byte for byte; the workbook by its cells, since its bytes depend on the openpyxl that writes them
    # (running the script twice in one environment gives the same bytes: see the next test)
    different = [
        name for name in committed
        if (table(SAMPLE / name) != table(generated / name) if name.endswith(".xlsx") else committed[name] != fresh[name])
    ]
    assert not different, f"regenerated files differ from the committed ones: {different}"


def test_running_it_again_replaces_stale_files(generated, tmp_path):
    out = tmp_path / "jinhua-2021"
    (out / "2020-12").mkdir(parents=True)
    (out / "2020-12" / "stale.csv").write_text("old")
    (out / "README.txt").write_text("kept")
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    assert files_under(out) == files_under(generated) | {"README.txt": b"kept"}


def test_layouts_and_encodings():
    names = sorted(files_under(SAMPLE))
    assert len(names) == 12 * 11 - 1 and "2021-08/pujiang.csv" not in names
    assert [n for n in names if not n.endswith(".csv")] == ["2021-06/dongyang.xlsx"]
    encodings = {n: decode((SAMPLE / n).read_bytes())[1] for n in names if n.endswith(".csv")}
    assert [n for n, e in encodings.items() if e == "gbk"] == ["2021-03/lanxi.csv"]
    assert {n for n, e in encodings.items() if e == "utf-8"} == {f"2021-{m:02d}/yiwu.csv" for m in range(1, 13)}
    assert table(SAMPLE / "2021-05/yiwu.csv")[0] == ["indicator", "value", "numerator", "denominator", "done_on",
                                                     "note"]
    assert table(SAMPLE / "2021-05/jindong.csv")[0] == ["编号", "累计完成", "分子", "分母", "完成日期", "进展情况"]
    xlsx = table(SAMPLE / "2021-06/dongyang.xlsx")
    assert xlsx[0][0] == "东阳市2021年6月工作进度填报表" and xlsx[1][:3] == ["县(市、区)", "月份", "指标编号"]
    assert xlsx[2][1] == "2021年6月"
    for name in names:
        data = (SAMPLE / name).read_bytes()
        if name.endswith(".csv"):
            assert data.count(b"\r\n") == data.count(b"\n"), name


def test_the_sample_keeps_the_progress_rules():
    counties = {c.name: c.id for c in PLAN.counties} | {"市本级": "city"}
    seen, valued, last_count, typed = set(), set(), {}, []
    for path in sorted(SAMPLE.rglob("*.*")):
        period, cid = path.parent.name, path.stem
        for record in records(path):
            ind = PLAN.indicator(record["indicator"])
            key = (cid, period, ind.id)
            assert key not in seen, key
            seen.add(key)
            assert period.startswith("2021-")
            assert (cid == "city") == (ind.scope is Scope.CITY), key
            if "county" in record:
                assert counties[record["county"]] == cid
                assert record["period"] == f"2021年{int(period[5:])}月"
            assert not str(record.get("note", " ")).startswith(("=", "+", "-", "@")), key
            target = ind.target if cid == "city" else ind.county_target(cid)
            if any(f in record for f in ("value", "numerator", "denominator")):
                valued.add(key)
            if ind.kind is Kind.MILESTONE:
                assert record.get("value") in (None, "是", "否"), key
                assert ("done_on" in record) == (record.get("value") == "是"), key
                continue
            if ind.is_task:  # a 督办事项 of 市本级: its stage word, dated once done
                assert record.get("value") in ind.stages, key
                assert ("done_on" in record) == (record.get("value") == ind.stages[-1]), key
                continue
            if ind.kind is Kind.RATIO:
                if "numerator" not in record:
                    assert "denominator" not in record and "value" not in record, key
                    continue
                num, den = number(record["numerator"], None), number(record["denominator"], None)
                assert den > 0 and 0 <= num and (ind.scale != 100 or num <= den), key
                value = num / den * ind.scale
            elif "value" not in record:
                continue
            else:
                value = number(record["value"], ind.unit)
            cells = (record.get("value"), record.get("numerator"), record.get("denominator"))
            if any(isinstance(c, str) and not re.fullmatch(r"\d+(\.\d+)?", c) for c in cells if c is not None):
                typed.append(key)
            assert 0 <= value <= 10 * target, key
            if ind.kind is Kind.COUNT:
                assert value >= last_count.get((cid, ind.id), 0), key
                assert value == int(value), key
                last_count[(cid, ind.id)] = value
    assert len(typed) >= 4  # １２, 230户, 10,800 …
    reported = defaultdict(set)
    for cid, _, ind_id in seen:
        reported[cid].add(ind_id)
    for ind in PLAN.indicators:  # every county files every indicator it reports, and only those
        assert {c.id for c in PLAN.reporting_counties(ind)} == {c for c in reported if ind.id in reported[c]} - {
            "city"} or ind.scope is Scope.CITY
    # storylines: kaifaqu never reports G08-anzangdian (row empty some months, absent others), wuyi leaves one empty
    never = {p for c, p, i in seen if (c, i) == ("kaifaqu", "G08-anzangdian")}
    assert 0 < len(never) < 12 and not {k for k in valued if k[0] == "kaifaqu" and k[2] == "G08-anzangdian"}
    assert ("wuyi", "2021-04", "G04-wanshan") in seen - valued


def test_wucheng_december_has_the_figures_of_its_2021_work_summary():
    text = (SAMPLE / "2021-12" / "wucheng.csv").read_bytes().decode("utf-8-sig")
    rows = {row["指标编号"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert {row["县(市、区)"] for row in rows.values()} == {"婺城区"}
    assert {row["月份"] for row in rows.values()} == {"2021年12月"}
    values = {
        "G03-shilaohua": "230", "G03-zhongxin": "8", "G03-kangyang": "1", "G02-dibao": "10800",
        "G04-yinling": "6", "G04-wanshan": "15", "G04-shegongzhan": "6", "G07-shengji": "1", "G07-shiji": "7",
        "G08-shifandian": "1", "G03-zhongxin-fugai": "是", "G04-cunguiminyue": "是", "G06-cishanri": "是",
        "G09-tongban": "是",
    }
    assert {ind: rows[ind]["完成值"] for ind in values} == values
    assert (rows["G03-huliyuan"]["分子"], rows["G03-huliyuan"]["分母"]) == ("171", "95000")  # 18 per 10k
    assert int(rows["G03-huliyuan"]["分子"]) / int(rows["G03-huliyuan"]["分母"]) * 10000 == pytest.approx(18)
    assert (rows["G07-fugai"]["分子"], rows["G07-fugai"]["分母"]) == ("18", "18")
    assert "完成230户困难老年人家庭适老化改造" in rows["G03-shilaohua"]["备注"]
    assert "900元/月" in rows["G02-dibao"]["备注"] and "5.9%" in rows["G02-dibao"]["备注"]
    assert "雅干村" in rows["G08-shifandian"]["备注"]
    for ind in ("G03-zhongxin-fugai", "G04-cunguiminyue", "G06-cishanri", "G09-tongban"):
        assert rows[ind]["完成日期"].startswith("2021-"), ind


def test_form_layout_files_are_forms_that_mubiao_form_would_write():
    """Every sample file in the form layout carries, in its reference columns, exactly what `mubiao form` writes
    for that county and month (so the sample is what counties send back, not a look-alike)."""
    from mubiao.forms import HEADERS, build_forms, form_counties
    from mubiao.readers.progress import read_progress
    from mubiao.readers.tables import read_table
    from mubiao.render.forms import _reference_cells

    records = read_progress(PLAN, REPO).records
    counties = {c.id: c for c in form_counties(PLAN)}
    checked = 0
    for path in sorted(SAMPLE.glob("2021-*/*.*")):
        sheet = read_table(path)
        header = [str(h) for h in sheet.header]
        if header != list(HEADERS)[:len(header)] or len(header) < len(HEADERS) - 2:  # (before 存在问题, 下步措施)
            continue
        (form,) = build_forms(PLAN, records, path.parent.name, [counties[path.stem]])
        expected = {row.indicator.id: _reference_cells(form, row) for row in form.rows}
        for _, cells in sheet.rows:
            shown = ["" if c is None else str(c) for c in cells[: len(expected[cells[2]])]]
            assert shown == expected[cells[2]], (path.name, cells[2])
        checked += 1
    assert checked >= 100


def test_city_reports_every_task_every_month_by_stage():
    """市本级 reports each 督办事项 of the plan every month: under way by June at the latest, dated once done, and
    done stays done; the few not done by December say why in a note (data/README.md)."""
    tasks = [ind for ind in PLAN.indicators if ind.is_task]
    assert tasks
    stages: dict[str, list[str]] = defaultdict(list)
    done_on: dict[str, set] = defaultdict(set)
    december_notes = {}
    for m in range(1, 13):
        rows = {r["indicator"]: r for r in records(SAMPLE / f"2021-{m:02d}" / "city.csv")}
        for ind in tasks:
            row = rows[ind.id]
            stages[ind.id].append(row["value"])
            if "done_on" in row:
                done_on[ind.id].add(row["done_on"])
            if m == 12:
                december_notes[ind.id] = row.get("note", "")
    for ind in tasks:
        order = [ind.stages.index(stage) for stage in stages[ind.id]]
        assert order == sorted(order), (ind.id, stages[ind.id])  # a stage reached is not lost
        assert "未启动" not in stages[ind.id][6:], ind.id
        assert len(done_on[ind.id]) <= 1, ind.id  # the same 完成日期 every month after
    not_done = [ind.id for ind in tasks if stages[ind.id][-1] != "已完成"]
    assert 2 <= len(not_done) <= 3 and all(december_notes[t] for t in not_done), not_done
