"""`mubiao check` on the sample workspace: clean as committed, and every planted defect found at its cell."""

import csv
import io
import json
import shutil

import openpyxl
import pytest

from conftest import REPO

PLAN = "jinhua-2021"


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "targets").mkdir()
    shutil.copy(REPO / "targets" / f"{PLAN}.toml", tmp_path / "targets")
    shutil.copytree(REPO / "data" / PLAN, tmp_path / "data" / PLAN)
    return tmp_path


def test_the_sample_workspace_is_clean(cli):
    result = cli("check", "--strict", "--root", REPO, REPO / "targets", REPO / "data" / PLAN)
    assert result.exit_code == 0, result.output
    assert "没有发现问题" in result.output


def test_the_whole_sample_has_only_the_warnings_data_readme_tells_of(cli):
    """No errors anywhere; the district sample's four months sent again as the month before are D206 (data/
    README.md says which), and nothing else is found."""
    result = cli("check", "--root", REPO, "-f", "json")
    assert result.exit_code == 0, result.output
    found = sorted((f["code"], f["file"].replace("\\", "/").split("/data/")[-1]) for f in json.loads(result.stdout))
    assert found == [("D206", f"wucheng-2022/{month}/{unit}.csv") for month, unit in
                     (("2022-07", "chengzhong"), ("2022-07", "tangxi"), ("2022-08", "langya"),
                      ("2022-08", "tangxi"))]


class Csv:
    """A sample CSV opened for editing in its own encoding; positions are 1-based, as Excel shows them."""

    def __init__(self, root, month, county, encoding="utf-8-sig"):
        self.path = root / "data" / PLAN / month / f"{county}.csv"
        self.name = self.path.relative_to(root).as_posix()
        self.encoding = encoding
        self.rows = list(csv.reader(io.StringIO(self.path.read_bytes().decode(encoding), newline="")))

    def column(self, header):
        return self.rows[0].index(header) + 1

    def row_of(self, indicator):
        id_column = 0 if self.rows[0][0] in ("indicator", "编号") else self.column("指标编号") - 1
        return next(n for n, row in enumerate(self.rows, start=1) if row[id_column] == indicator)

    def set(self, indicator, header, text):
        row, column = self.row_of(indicator), self.column(header)
        self.rows[row - 1][column - 1] = text
        return row, column

    def save(self, encoding=None):
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows(self.rows)
        self.path.write_bytes(buffer.getvalue().encode(encoding or self.encoding))


def test_every_planted_defect_is_found_at_its_file_row_and_column(cli, workspace):
    planted = set()

    wucheng = Csv(workspace, "2021-06", "wucheng")
    planted.add((wucheng.name, *wucheng.set("G03-zhongxin", "完成值", "四家"), "D120"))
    planted.add((wucheng.name, *wucheng.set("G03-huliyuan", "分母", "0"), "D122"))
    wucheng.save()

    lanxi = Csv(workspace, "2021-03", "lanxi", encoding="gbk")  # the GBK file stays GBK
    planted.add((lanxi.name, *lanxi.set("G03-zhongxin", "指标编号", "G03-zhongxn"), "D110"))
    lanxi.save()

    wuyi = Csv(workspace, "2021-07", "wuyi")
    planted.add((wuyi.name, *wuyi.set("G04-yinling", "月份", "2021年8月"), "D114"))
    planted.add((wuyi.name, *wuyi.set("G07-rexian", "县(市、区)", "武义"), "D111"))
    wuyi.save()

    yiwu = Csv(workspace, "2021-05", "yiwu", encoding="utf-8")  # English headers, no BOM
    april = Csv(workspace, "2021-04", "yiwu", encoding="utf-8")
    row = april.rows[april.row_of("G03-shilaohua") - 1]
    assert float(row[1]) > 0
    planted.add((yiwu.name, *yiwu.set("G03-shilaohua", "value", str(float(row[1]) - 1)), "D203"))
    yiwu.save()

    jindong = Csv(workspace, "2021-09", "jindong")
    duplicate = list(jindong.rows[jindong.row_of("G04-wanshan") - 1])
    duplicate[jindong.column("累计完成") - 1] = "99"
    jindong.rows.append(duplicate)
    planted.add((jindong.name, len(jindong.rows), jindong.column("累计完成"), "D201"))
    jindong.save()

    panan = Csv(workspace, "2021-10", "panan")
    city_row = list(panan.rows[1])
    city_row[panan.column("指标编号") - 1] = "G09-yimin"  # a scope-city indicator in a county's file
    city_row[panan.column("完成值") - 1] = "1"
    city_row[panan.column("完成日期") - 1] = ""
    panan.rows.append(city_row)
    planted.add((panan.name, len(panan.rows), panan.column("指标编号"), "D115"))
    panan.save()

    xlsx = workspace / "data" / PLAN / "2021-06" / "dongyang.xlsx"
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[2]]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 3).value == "G01-shizhe")
    sheet.cell(row, header.index("完成值") + 1, "进行中")
    book.save(xlsx)
    planted.add((xlsx.relative_to(workspace).as_posix(), row, header.index("完成值") + 1, "D125"))

    kaifaqu = Csv(workspace, "2021-05", "kaifaqu")
    kaifaqu.save(encoding="utf-16-le")  # Excel's "Unicode text" without its byte-order mark
    planted.add((kaifaqu.name, None, None, "D002"))

    result = cli("check", "-f", "json", "--root", workspace)
    assert result.exit_code == 1, result.output
    found = {
        (f["file"].removeprefix(str(workspace) + "/"), f["line"], f["column"], f["code"])
        for f in json.loads(result.stdout)
    }
    assert found == planted


def test_checking_one_file_still_sees_the_other_months(cli, workspace):
    yiwu = Csv(workspace, "2021-05", "yiwu", encoding="utf-8")
    yiwu.set("G03-shilaohua", "value", "0")
    yiwu.save()
    result = cli("check", "-f", "json", workspace / yiwu.name)
    assert [f["code"] for f in json.loads(result.stdout)] == ["D203"]
    assert result.exit_code == 0  # a warning
    assert cli("check", "--strict", workspace / yiwu.name).exit_code == 1


def test_a_level_typed_ten_times_over_is_an_outlier_of_its_own_series(cli, workspace):
    """D205 (issue 20, part 7): 浦江县's 低保标准 typed as 102600 in June, against 10260 in the other months."""
    pujiang = Csv(workspace, "2021-06", "pujiang")
    row, column = pujiang.set("G02-dibao", "完成值", "102600")
    pujiang.save()
    result = cli("check", "--root", workspace, "-f", "json")
    found = [f for f in json.loads(result.stdout) if f["code"] == "D205"]
    assert [(f["file"].replace("\\", "/").endswith("2021-06/pujiang.csv"), f["line"], f["column"])
            for f in found] == [(True, row, column)]
    assert "102600" in found[0]["message"] and "10260" in found[0]["message"]


def test_last_months_file_sent_again_is_said_once(cli, workspace):
    """D206: 浦江县's July file with June's every figure and note (the month changed only): one warning for the
    file, none for the sample as it is."""
    june = Csv(workspace, "2021-06", "pujiang")
    july = Csv(workspace, "2021-07", "pujiang")
    month = june.column("月份") - 1
    july.rows = [june.rows[0], *([*row[:month], "2021年7月", *row[month + 1:]] for row in june.rows[1:])]
    july.save()
    result = cli("check", "--root", workspace, "-f", "json")
    found = [f for f in json.loads(result.stdout) if f["code"] == "D206"]
    assert len(found) == 1 and found[0]["file"].replace("\\", "/").endswith("2021-07/pujiang.csv")
    assert found[0]["line"] is None and "2021-06" in found[0]["message"]
