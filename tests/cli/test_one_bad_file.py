"""One bad file never stops the month's work (issue 20, part 4): gaps, show, report and summary go on with the
valid records, say on stderr which files have errors (and the report lists them), and exit 1; `--strict`
refuses as before (exit 2)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import REPO


def _run(*args):
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def broken(tmp_path):
    """The sample with one township-style mistake in 浦江县's June file: "三十" in a count cell."""
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(REPO / "targets" / "jinhua-2021.toml", root / "targets")
    shutil.copytree(REPO / "data" / "jinhua-2021", root / "data" / "jinhua-2021")
    june = root / "data" / "jinhua-2021" / "2021-06" / "pujiang.csv"
    lines = june.read_text(encoding="utf-8-sig").splitlines()
    at = next(n for n, line in enumerate(lines) if ",G03-zhongxin," in line)
    cells = lines[at].split(",")
    cells[8] = "三十"  # 完成值
    lines[at] = ",".join(cells)
    june.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return root, at + 1


def test_gaps_goes_on_names_the_file_and_exits_1(broken):
    root, line = broken
    result = _run("gaps", "--root", root, "--as-of", "2021-06", "-f", "json")
    assert result.exit_code == 1
    assert f"pujiang.csv:{line}" in result.stderr and "D120" in result.stderr and "--strict" in result.stderr
    rows = json.loads(result.stdout)["rows"]
    row = next(r for r in rows if r["indicator"] == "G03-zhongxin" and r["county"] == "pujiang")
    assert row["reported_period"] != "2021-06"  # the refused June figure is not there: May's stands, marked stale
    assert row["stale"] is True


def test_strict_refuses_as_before(broken):
    root, _ = broken
    result = _run("gaps", "--root", root, "--as-of", "2021-06", "--strict")
    assert result.exit_code == 2 and "D120" in result.stderr


def test_the_report_writes_all_four_files_and_lists_the_file(broken, tmp_path):
    root, _ = broken
    out = tmp_path / "out"
    result = _run("report", "--root", root, "--as-of", "2021-06", "-o", out)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["gaps.json", "gaps.xlsx", "report.html", "report.md"]
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "以下文件有错误" in text and "| 2021-06/pujiang.csv | 1 |" in text and "三十" in text
    assert "三十" in (out / "report.html").read_text(encoding="utf-8")


def test_summary_and_show_go_on_too(broken, tmp_path):
    root, _ = broken
    assert _run("summary", "--root", root, "--as-of", "2021-06", "-f", "md", "-o", tmp_path / "s.md").exit_code == 1
    assert (tmp_path / "s.md").exists()
    shown = _run("show", "G03-zhongxin", "--root", root, "--as-of", "2021-06")
    assert shown.exit_code == 1 and "pujiang.csv" in shown.stderr


def test_the_row_whose_figure_was_refused_says_so_in_every_format(broken, tmp_path):
    """Nothing is replaced by an older month's figure in silence: the row of the refused figure carries the refusal
    (JSON `refused`, the CSV's column, `!` and its legend in the terminal, the report's lagging line)."""
    root, line = broken
    rows = json.loads(_run("gaps", "--root", root, "--as-of", "2021-06", "-f", "json").stdout)["rows"]
    refused = [r for r in rows if "refused" in r]
    assert [(r["indicator"], r["county"]) for r in refused] == [("G03-zhongxin", "pujiang")]
    assert refused[0]["refused"] == {"period": "2021-06", "file": "2021-06/pujiang.csv", "line": line,
                                     "code": "D120", "message": refused[0]["refused"]["message"]}
    assert "三十" in refused[0]["refused"]["message"] and refused[0]["reported_period"] == "2021-05"

    table = _run("gaps", "--root", root, "--as-of", "2021-06", "-f", "csv").stdout
    header, *lines = table.lstrip("\ufeff").splitlines()
    assert header.endswith(",未采用的报送")
    marked = [cells for cells in lines if cells.split(",")[-1]]
    assert len(marked) == 1 and ",G03-zhongxin," in marked[0] and f"2021-06/pujiang.csv 第{line}行 D120" in marked[0]

    terminal = _run("gaps", "--root", root, "--as-of", "2021-06", "-c", "pujiang", "-g", "G03").stdout
    assert "2021-05*!" in terminal and "! 本月报送的这一项有错误,未采用" in terminal

    out = tmp_path / "out"
    _run("report", "--root", root, "--as-of", "2021-06", "-o", out)
    assert "浦江县：" in (text := (out / "report.md").read_text(encoding="utf-8"))
    assert "2021-06 报送的数据有错误（D120），未采用，沿用 2021-05 的数据" in text
    assert "2021-05*!" in (out / "report.html").read_text(encoding="utf-8")


def test_a_file_that_cannot_be_read_marks_every_row_of_its_unit(broken):
    """A whole file refused (here: not a workbook at all) marks every row of the unit it was named for, and no
    other; the store kept from this read says the same on the next."""
    root, _ = broken
    (root / "data" / "jinhua-2021" / "2021-06" / "wuyi.csv").write_bytes(b"PK\x03\x04 not a workbook")
    for _ in range(2):  # read, then from the store
        rows = json.loads(_run("gaps", "--root", root, "--as-of", "2021-06", "-f", "json").stdout)["rows"]
        wuyi = [r for r in rows if r["county"] == "wuyi"]
        assert wuyi and all(r["refused"]["code"] == "D001" and r["refused"]["line"] is None for r in wuyi)
        assert all(r["refused"]["file"] == "2021-06/wuyi.csv" for r in wuyi)
        others = {r["county"] for r in rows if "refused" in r} - {"wuyi"}
        assert others == {"pujiang"}


def test_a_later_valid_figure_is_no_refusal(broken):
    """A figure refused in June and sent right in July: July's row stands on July's record, unmarked."""
    root, _ = broken
    rows = json.loads(_run("gaps", "--root", root, "--as-of", "2021-07", "-f", "json").stdout)["rows"]
    row = next(r for r in rows if r["indicator"] == "G03-zhongxin" and r["county"] == "pujiang")
    assert row["reported_period"] == "2021-07" and "refused" not in row
    assert not any("refused" in r for r in rows)


def test_a_file_refused_at_a_line_still_marks_its_units_rows(broken):
    """A whole file refused with a line (D002 at its first line, an encoding that is none) marks the unit's rows."""
    root, _ = broken
    (root / "data" / "jinhua-2021" / "2021-06" / "yiwu.csv").write_bytes(b"\xef\xbb\xbf\xff\xfe\xff indicator")
    rows = json.loads(_run("gaps", "--root", root, "--as-of", "2021-06", "-f", "json").stdout)["rows"]
    yiwu = [r for r in rows if r["county"] == "yiwu"]
    assert yiwu and all("refused" in r and r["refused"]["file"] == "2021-06/yiwu.csv" for r in yiwu)


def test_the_legend_is_only_where_a_row_shown_is_refused(broken):
    root, _ = broken
    other = _run("gaps", "--root", root, "--as-of", "2021-06", "-c", "wuyi")
    assert "本月报送的这一项有错误" not in other.stdout
    csv_text = _run("gaps", "--root", root, "--as-of", "2021-06", "-c", "wuyi", "-f", "csv").stdout
    assert "未采用的报送" not in csv_text
