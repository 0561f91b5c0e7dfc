"""What areas wrote beside their figures (issue 22, part 4): 备注, 存在问题 and 下步措施 read into one labelled note
and back into parts, and a note used as evidence only while it still speaks of the figure shown."""

import pytest

from conftest import REPO
from mubiao import load_plan, load_progress
from mubiao.analysis.notes import latest_notes
from mubiao.note_parts import NoteParts, joined, split
from mubiao.readers.progress import Record, records_frame

PLAN = load_plan(REPO / "targets" / "jinhua-2021.toml")


@pytest.mark.parametrize("text, parts", [
    ("本月验收5个村", NoteParts("本月验收5个村")),
    ("存在问题：山区村场地难落实；下步措施：2022年上半年完成", NoteParts("", "山区村场地难落实", "2022年上半年完成")),
    ("已建3个。存在问题:缺专职社工;下一步打算:年后招聘", NoteParts("已建3个", "缺专职社工", "年后招聘")),
    ("问题较多,正在解决", NoteParts("问题较多,正在解决")),  # a word, not a label
])
def test_a_note_splits_into_its_parts_at_their_labels(text, parts):
    assert split(text) == parts


def test_three_columns_join_into_a_note_that_splits_back():
    note = joined("完成2家。", "选址调整", "2022年6月前投用")
    assert note == "完成2家；存在问题：选址调整；下步措施：2022年6月前投用"
    assert split(note) == NoteParts("完成2家", "选址调整", "2022年6月前投用")
    assert joined(None, " ", None) is None and joined("", "缺资金", None) == "存在问题：缺资金"


def test_a_form_with_problem_and_measure_columns_reads_them_into_the_note(tmp_path):
    month = tmp_path / "data" / PLAN.id / "2021-12"
    month.mkdir(parents=True)
    (month / "panan.csv").write_text(
        "指标编号,完成值,备注,存在问题,下步措施\n"
        "G03-zhongxin,2,完成2家,维新乡中心选址调整,预计2022年6月前投用\n"
        "G04-wanshan,9,,,帮扶薄弱村\n"
        "G03-shilaohua,104,,,\n", encoding="utf-8")
    frame = load_progress(PLAN, tmp_path).set_index("indicator")
    assert frame.loc["G03-zhongxin", "note"] == "完成2家；存在问题：维新乡中心选址调整；下步措施：预计2022年6月前投用"
    assert frame.loc["G04-wanshan", "note"] == "下步措施：帮扶薄弱村"
    assert frame.loc["G03-shilaohua", "note"] is None or str(frame.loc["G03-shilaohua", "note"]) in ("<NA>", "nan")


def _record(period: str, value: float | None, note: str | None = None) -> Record:
    return Record("dongyang", period, "G03-zhongxin", value, None, None, None, note, f"{period}/dongyang.csv", 2)


@pytest.mark.parametrize("records, kept", [
    # July's good news beside December's other figure is history, not evidence
    ([_record("2021-07", 2, "巍山镇等2家中心建成"), _record("2021-12", 3)], None),
    # the figure has not moved since the note: it still speaks of it
    ([_record("2021-10", 3, "第3家已建成"), _record("2021-11", 3), _record("2021-12", 3)], "2021-10"),
    # the month's own note
    ([_record("2021-07", 2, "旧说明"), _record("2021-12", 3, "本月说明")], "2021-12"),
    # a month with a note and no figure does not hide the figure before it
    ([_record("2021-11", 3, "已建成3家"), _record("2021-12", None, "等待验收")], "2021-12"),
])
def test_a_note_counts_only_while_nothing_newer_says_otherwise(records, kept):
    notes = latest_notes(PLAN, records_frame(records), "2021-12")
    note = notes.get(("G03-zhongxin", "dongyang"))
    assert (note.period if note else None) == kept
