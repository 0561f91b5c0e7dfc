"""`mubiao form` through the CLI: files written where they should be, and usage errors that say what to do."""

import shutil

import pytest

from conftest import REPO


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    return tmp_path


def test_writes_one_form_per_county_and_the_city(cli, workspace):
    result = cli("form", "--plan", "jinhua-2021", "--period", "2021-06", "--root", workspace)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (workspace / "reports" / "jinhua-2021" / "forms" / "2021-06").iterdir())
    assert len(written) == 11 and "wucheng.xlsx" in written and "city.xlsx" in written
    assert "已生成2021年6月填报表 11 份" in result.output and "婺城区" in result.output


def test_csv_forms_for_chosen_counties_into_a_folder(cli, workspace, tmp_path):
    out = tmp_path / "发县"
    result = cli("form", "-p", "jinhua-2021", "--period", "2021-06", "-c", "wucheng", "-c", "金东区",
                 "--format", "csv", "-o", out, "--root", workspace)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["jindong.csv", "wucheng.csv"]
    assert not (workspace / "data").exists()  # forms never go into the inputs


@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "2021-06"], f"targets/ 中有 {len(list((REPO / 'targets').glob('*.toml')))} 个计划,请用 --plan 指定一个"),
        (["-p", "nosuch", "--period", "2021-06"], "targets/ 中没有计划“nosuch”"),
        (["-p", "jinhua-2021", "--period", "2022-01"], "不在计划期"),
        (["-p", "jinhua-2021", "--period", "June"], "不是月份"),
        (["-p", "jinhua-2021", "--period", "2021-06", "-c", "nowhere"], "计划中没有县“nowhere”"),
    ],
)
def test_usage_errors_exit_2_with_one_line(cli, workspace, args, message):
    result = cli("form", *args, "--root", workspace)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (workspace / "reports").exists()
