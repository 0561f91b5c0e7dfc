"""Since last month (issue 22, part 2): `gaps --since` and the report compare with an earlier month, from the
same read: each row's status and figure then (环比), what fell behind and recovered, rank moves (↑2)."""

from __future__ import annotations

import json

from conftest import REPO

PLAN = ("--plan", "jinhua-2021", "--root", REPO)


def _run(*args):
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def _json(*args) -> dict:
    result = _run("gaps", *PLAN, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_each_row_carries_the_month_before_as_gaps_of_that_month_says_it():
    now, before = _json("--as-of", "2021-06", "--since", "2021-05"), _json("--as-of", "2021-05")
    then = {(r["county"], r["indicator"]): r for r in before["rows"]}
    fell = recovered = 0
    for row in now["rows"]:
        earlier = then[(row["county"], row["indicator"])]
        since = row["since"]
        assert since["period"] == "2021-05" and since["status"] == earlier["status"]
        assert since["actual"] == earlier["actual"]
        if row["actual"] is None or earlier["actual"] is None:
            assert since["change"] is None
        else:
            assert abs(since["change"] - (row["actual"] - earlier["actual"])) < 1e-9
        worse = ("behind", "missed")
        fell += row["status"] in worse and earlier["status"] not in worse
        recovered += earlier["status"] in worse and row["status"] not in (*worse, "no_data")
    assert now["since"] == {"period": "2021-05", "fell_behind": fell, "recovered": recovered, "became_stale": 0}
    assert recovered > 0  # (the sample has some: the test would not test much otherwise)


def test_an_area_that_stopped_reporting_is_said_to_have_become_stale(tmp_path):
    """浦江县 sent nothing for August: its rows carry July's figures, and became stale since July."""
    now, before = _json("--as-of", "2021-08", "--since", "上月"), _json("--as-of", "2021-07")
    then = {(r["county"], r["indicator"]): r for r in before["rows"]}
    stale = [row for row in now["rows"] if row["since"]["became_stale"]]
    assert stale and all(row["stale"] and not then[(row["county"], row["indicator"])]["stale"] for row in stale)
    assert {row["county"] for row in stale if row["county"]} == {"pujiang"}
    assert now["since"]["became_stale"] == sum(1 for row in stale if row["county"])
    assert _run("report", *PLAN, "--as-of", "2021-08", "-o", str(tmp_path)).exit_code == 0
    count = now["since"]["became_stale"]
    assert f"浦江县本月有 {count} 项未报、沿用以前的数据" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_without_since_the_json_is_the_contracts():
    document = _json("--as-of", "2021-06")
    assert "since" not in document and all("since" not in row for row in document["rows"])


def test_the_scoreboard_says_how_each_rank_moved():
    def ranks(*args):
        result = _run("gaps", *PLAN, "--by", "county", "-f", "json", *args)
        return {c["county"]: c for c in json.loads(result.stdout)["counties"]}

    now, before = ranks("--as-of", "2021-06", "--since", "上月"), ranks("--as-of", "2021-05")
    for county, score in now.items():
        assert score["rank_change"] == before[county]["rank"] - score["rank"]
    moved = next(c for c, s in now.items() if s["rank_change"])
    table = _run("gaps", *PLAN, "--by", "county", "--as-of", "2021-06", "--since", "上月").stdout
    move = now[moved]["rank_change"]
    assert f"{now[moved]['rank']} {'↑' if move > 0 else '↓'}{abs(move)}" in table


def test_the_report_opens_with_what_changed(tmp_path):
    assert _run("report", *PLAN, "--as-of", "2021-06", "-o", tmp_path).exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    overview = text.split("## 二、", 1)[0]
    assert "与 2021-05 相比" in overview and "脱离滞后 1 项（新建乡镇（街道）社会工作站）" in overview
    assert "与 2021-05 相比" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_plans_first_month_compares_with_nothing(tmp_path):
    assert _run("report", *PLAN, "--as-of", "2021-01", "-o", tmp_path).exit_code == 0
    assert "相比" not in (tmp_path / "report.md").read_text(encoding="utf-8").split("## 二、", 1)[0]


def test_a_since_month_not_before_the_as_of_month_is_refused():
    result = _run("gaps", *PLAN, "--as-of", "2021-06", "--since", "2021-08")
    assert result.exit_code == 2 and "--since 2021-08" in result.output


def test_a_month_without_any_report_is_not_compared_with_and_the_report_says_so(tmp_path):
    """The tester's May report said 与 2022-04 相比，新增滞后 3 项 against an April nobody reported: a month with no
    report at all says nothing of what changed."""
    import shutil
    from pathlib import Path

    for folder in ("targets", "data/jinhua-2021"):
        shutil.copytree(Path(REPO) / folder, tmp_path / folder)
    shutil.rmtree(tmp_path / "data/jinhua-2021/2021-05")
    result = _run("report", "--plan", "jinhua-2021", "--root", tmp_path, "--as-of", "2021-06", "-o", tmp_path / "r")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "2021-05 没有收到报送，不与该月比较。" in text and "与 2021-05 相比" not in text
    document = json.loads(_run("gaps", "--plan", "jinhua-2021", "--root", tmp_path, "--as-of", "2021-06",
                               "--since", "2021-05", "-f", "json").stdout)
    assert "since" not in document and all("since" not in row for row in document["rows"])
    # a month with reports is still compared with
    assert "与 2021-05 相比" in (Path(REPO) / "tests/golden/report-jinhua-2021-2021-06.md").read_text(encoding="utf-8")
