"""`mubiao check` through the CLI: exit codes, the three formats, default paths, --strict."""

import json
import shutil

import pytest

from conftest import FIXTURES, INVALID_PLANS, REPO, expected_findings
from mubiao.checks.findings import RULES, Severity

INVALID = FIXTURES / "plans" / "invalid"


def test_sample_workspace_passes_strict(cli):
    result = cli("check", "--strict", REPO / "targets")
    assert result.exit_code == 0, result.output
    assert "没有发现问题" in result.output


def test_default_path_is_targets_under_the_root(cli, tmp_path):
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copy(INVALID / "p108-unknown-owner.toml", tmp_path / "targets")
    result = cli("check", "--root", tmp_path)
    assert result.exit_code == 1
    assert "p108-unknown-owner.toml" in result.output


def test_root_from_the_environment(cli, tmp_path, monkeypatch):
    (tmp_path / "targets").mkdir()
    shutil.copy(INVALID / "p108-unknown-owner.toml", tmp_path / "targets")
    result = cli("check", env={"MUBIAO_ROOT": str(tmp_path)})
    assert result.exit_code == 1 and "P108" in result.output


@pytest.mark.parametrize("path", INVALID_PLANS, ids=lambda p: p.stem)
def test_exit_code_follows_severity(cli, path):
    errors = any(RULES[code].severity is Severity.ERROR for code, _ in expected_findings(path))
    assert cli("check", path).exit_code == (1 if errors else 0)
    assert cli("check", "--strict", path).exit_code == 1


@pytest.mark.parametrize("fixture", ["p108-unknown-owner.toml", "p001-toml-syntax-two-values.toml"])
def test_error_on_line_n_is_reported_at_line_n_in_every_format(cli, fixture):
    path = INVALID / fixture
    ((code, line),) = expected_findings(path)

    text = cli("check", path)
    assert text.exit_code == 1
    assert f"  {line}:" in text.output and code in text.output

    as_json = cli("check", "--format", "json", path)
    assert as_json.exit_code == 1
    (finding,) = json.loads(as_json.stdout)
    assert (finding["code"], finding["line"], finding["file"]) == (code, line, str(path))
    assert set(finding) == {"code", "severity", "message", "file", "line", "column"}

    github = cli("check", "--format", "github", path)
    assert github.exit_code == 1
    assert github.stdout.startswith(f"::error file={str(path).replace(':', '%3A')},line={line},col=")
    assert f"title={code} " in github.stdout


def test_github_format_escapes_data_and_properties(cli, tmp_path):
    odd = tmp_path / "a,b:c"
    odd.mkdir()
    target = odd / "p108-unknown-owner.toml"
    shutil.copy(INVALID / "p108-unknown-owner.toml", target)
    out = cli("check", "--format", "github", target).stdout
    assert "a%2Cb%3Ac" in out
    assert out.count("\n") == 1


def test_json_is_an_empty_list_when_clean(cli):
    result = cli("check", "--format", "json", REPO / "targets")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_a_missing_path_cannot_run(cli):
    result = cli("check", "no-such-folder")
    assert result.exit_code == 2
    assert "error: no-such-folder: 路径不存在" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_file_kind_cannot_run(cli, tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    result = cli("check", tmp_path / "notes.docx")
    assert result.exit_code == 2 and "notes.docx" in result.output


def test_a_folder_means_every_toml_in_it(cli, tmp_path):
    shutil.copy(INVALID / "p108-unknown-owner.toml", tmp_path)
    shutil.copy(INVALID / "p209-allocation-does-not-sum.toml", tmp_path)
    (tmp_path / "README.md").write_text("not a plan")
    findings = json.loads(cli("check", "-f", "json", tmp_path).stdout)
    assert sorted(f["code"] for f in findings) == ["P108", "P209"]


def test_internal_error_exits_2_without_traceback(cli, monkeypatch):
    def boom(path):
        raise RuntimeError("boom")

    import mubiao.checks.run

    monkeypatch.setattr(mubiao.checks.run, "read_plan", boom)
    result = cli("check", REPO / "targets")
    assert result.exit_code == 2
    assert "内部错误" in result.output and "Traceback" not in result.output
    debug = cli("--debug", "check", REPO / "targets")
    assert debug.exit_code == 2 and "Traceback" in debug.output


def test_inputs_are_never_modified(cli):
    before = {p: p.read_bytes() for p in INVALID_PLANS}
    for path in INVALID_PLANS:
        cli("check", "-f", "json", path)
    assert {p: p.read_bytes() for p in INVALID_PLANS} == before
    assert not [p for p in INVALID.iterdir() if p.suffix != ".toml"]


def test_a_progress_bar_counts_every_file_on_a_terminal(monkeypatch, tmp_path):
    """The bar advances once per file checked (plans and progress files), and is silent when piped."""
    import shutil

    from mubiao.checks.run import check_files, files_to_check

    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data" / "jinhua-2021", tmp_path / "data" / "jinhua-2021")
    files = files_to_check([tmp_path / "targets", tmp_path / "data" / "jinhua-2021" / "2021-06"], tmp_path)
    ticks = []
    check_files(files, lambda: ticks.append(1))
    assert len(ticks) == len(files.files) == len(list((REPO / "targets").glob("*.toml"))) + 11
