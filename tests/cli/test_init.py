"""`mubiao init`: a new planning officer gets a workspace that passes `mubiao check` from one command, the example
workspace works with every command at once, nothing that exists is overwritten, and the installed package carries
everything init writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from mubiao import load_plan, workspace_init
from mubiao.errors import WorkspaceError
from mubiao.workspace_init import EXAMPLE_PLAN_ID, init_workspace, workspace_files

BUNDLED_SAMPLE = REPO / "cli" / "mubiao" / "sample"
BLANK = {"targets/plan-2031.toml", "targets/plan.schema.json", "data/README.md", "reports/README.md", ".gitignore"}


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def repository_sample() -> dict[str, bytes]:
    """The repository's sample workspace: the plan jinhua-2021 and its progress files, by workspace path."""
    data = files_under(REPO / "data" / EXAMPLE_PLAN_ID)
    return {f"targets/{EXAMPLE_PLAN_ID}.toml": (REPO / "targets" / f"{EXAMPLE_PLAN_ID}.toml").read_bytes(),
            **{f"data/{EXAMPLE_PLAN_ID}/{name}": content for name, content in data.items()}}


def test_a_blank_workspace_holds_the_plan_template_the_schema_two_readmes_and_a_gitignore(tmp_path):
    made = init_workspace(tmp_path / "ws", year=2031)
    assert set(files_under(tmp_path / "ws")) == BLANK
    assert made.plan == tmp_path / "ws" / "targets" / "plan-2031.toml"
    assert sorted(path.relative_to(made.root).as_posix() for path in made.files) == sorted(BLANK)
    assert {str(path) for path in workspace_files(year=2031)} == BLANK  # the library names the same files
    schema = (tmp_path / "ws" / "targets" / "plan.schema.json").read_text(encoding="utf-8")
    assert schema == (REPO / "targets" / "plan.schema.json").read_text(encoding="utf-8")
    assert ".mubiao-cache/" in (tmp_path / "ws" / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_plan_template_is_a_commented_plan_for_the_year_that_passes_check_strict(cli, tmp_path):
    init_workspace(tmp_path, year=2031)
    plan_file = tmp_path / "targets" / "plan-2031.toml"
    text = plan_file.read_text(encoding="utf-8")
    assert text.startswith("#:schema ./plan.schema.json\n")
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 20  # commented, in Chinese
    plan = load_plan(plan_file)
    assert (plan.id, str(plan.start), str(plan.end)) == ("plan-2031", "2031-01-01", "2031-12-31")
    assert {indicator.kind.value for indicator in plan.indicators} == {"count", "level", "ratio", "milestone"}
    result = cli("check", "--strict", "--root", tmp_path)
    assert result.exit_code == 0, result.stdout
    assert "没有发现问题" in result.stdout


def test_the_command_writes_into_the_folder_it_is_given_and_says_what_to_do_next(cli, tmp_path):
    result = cli("init", tmp_path / "新工作区")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "新工作区" / "targets" / "plan.schema.json").is_file()
    assert "写入 5 个文件" in result.stdout and "mubiao check" in result.stdout


def test_the_example_workspace_is_the_repository_sample_and_every_command_works_on_it(cli, tmp_path, monkeypatch):
    result = cli("init", tmp_path / "demo", "--example")
    assert result.exit_code == 0, result.output
    demo = files_under(tmp_path / "demo")
    assert {name: data for name, data in demo.items() if "jinhua-2021" in name} == repository_sample()
    assert "虚构" in demo["data/README.md"].decode("utf-8")  # the example's data says it is invented
    assert not any(name.startswith("targets/plan-") for name in demo)  # the sample instead of the template

    monkeypatch.chdir(tmp_path / "demo")  # the story: cd demo, then every command without --plan
    assert cli("check").exit_code == 0
    gaps = cli("gaps", "--format", "json")
    assert gaps.exit_code == 0 and json.loads(gaps.stdout)["period"] == "2021-12"
    assert cli("report").exit_code == 0
    assert cli("summary").exit_code == 0
    assert (tmp_path / "demo" / "reports" / "jinhua-2021" / "2021-12" / "summary-city.docx").is_file()


@pytest.mark.parametrize("existing", ["targets/plan-2031.toml", ".gitignore", "reports/README.md"])
def test_an_existing_file_is_never_overwritten_and_nothing_is_written(cli, tmp_path, existing):
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    before = files_under(tmp_path)
    with pytest.raises(WorkspaceError) as raised:
        init_workspace(tmp_path, year=2031)
    assert raised.value.file == str(tmp_path / existing)
    assert files_under(tmp_path) == before


def test_the_cli_names_the_existing_file_on_one_line_and_exits_2(cli, tmp_path):
    assert cli("init", tmp_path).exit_code == 0
    before = files_under(tmp_path)
    result = cli("init", tmp_path, "--example")  # the schema, READMEs and .gitignore are there already
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and "targets/plan.schema.json: 文件已存在" in line and "不覆盖" in line
    assert files_under(tmp_path) == before


def test_a_file_where_a_folder_is_to_go_is_refused(cli, tmp_path):
    (tmp_path / "data").write_text("not a folder\n", encoding="utf-8")
    result = cli("init", tmp_path)
    assert result.exit_code == 2 and f"{tmp_path / 'data'}: 已有同名文件" in result.stderr
    assert files_under(tmp_path) == {"data": b"not a folder\n"}


@pytest.mark.parametrize("folder", ["new", "existing"])
def test_a_failure_part_way_removes_every_file_and_folder_it_made(tmp_path, monkeypatch, folder):
    root = tmp_path / "ws"
    if folder == "existing":
        (root / "reports").mkdir(parents=True)  # there before: it stays, and so does root
    real_open, opened = open, []

    def disk_full_on_the_third_file(path, mode="r", *args, **kwargs):
        opened.append(path)
        stream = real_open(path, mode, *args, **kwargs)
        if len(opened) == 3:  # half-written, then the disk is full
            stream.close()
            raise OSError(28, "No space left on device", str(path))
        return stream

    monkeypatch.setattr(workspace_init, "open", disk_full_on_the_third_file, raising=False)
    with pytest.raises(OSError, match="No space left"):
        init_workspace(root, year=2031)
    assert len(opened) == 3
    left = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*"))
    assert left == ([] if folder == "new" else ["ws", "ws/reports"])


def test_a_file_that_appears_while_writing_is_left_alone_and_the_rest_undone(tmp_path, monkeypatch):
    theirs = tmp_path / "reports" / "README.md"
    real_open = open

    def someone_else_writes_the_readme_meanwhile(path, mode="r", *args, **kwargs):
        if Path(path).name == "README.md" and Path(path).parent.name == "data":
            theirs.parent.mkdir(exist_ok=True)
            theirs.write_text("theirs\n", encoding="utf-8")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(workspace_init, "open", someone_else_writes_the_readme_meanwhile, raising=False)
    with pytest.raises(WorkspaceError, match="文件已存在"):
        init_workspace(tmp_path, year=2031)
    assert files_under(tmp_path) == {"reports/README.md": b"theirs\n"}


def test_the_package_carries_the_repository_sample_byte_for_byte():
    bundled, repository = files_under(BUNDLED_SAMPLE), repository_sample()
    assert sorted(bundled) == sorted(repository), "run `python data/bundle_sample.py` (after `make sample-data`)"
    different = [name for name in bundled if bundled[name] != repository[name]]
    assert not different, f"the package's sample differs: {different}; run `python data/bundle_sample.py`"


def test_a_built_package_has_everything_init_writes(tmp_path):
    """What `pip install` puts in site-packages, as setuptools builds it from pyproject.toml's package data, run
    from outside the repository (the real install, from PyPI, is `bash tests/install-check.sh [--pipx]`)."""
    pytest.importorskip("setuptools", reason="needs setuptools in the test environment to build the package")
    build = tmp_path / "build"
    build.mkdir()
    subprocess.run(
        [sys.executable, "-W", "ignore", "-c", "from setuptools import setup; setup()", "-q",
         "egg_info", "--egg-base", str(build), "build_py", "--build-lib", str(build / "lib")],
        cwd=REPO, check=True, capture_output=True,
    )
    code = (
        "import mubiao, sys\n"
        f"assert mubiao.__file__.startswith({str(build / 'lib')!r}), mubiao.__file__\n"
        "from mubiao.app import app\n"
        "for args in (['init', 'blank'], ['init', 'demo', '--example'], ['check', '--root', 'demo']):\n"
        "    try:\n"
        "        app(args, prog_name='mubiao')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, (args, exit.code)\n"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MUBIAO_", "PYTHON"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False,
                            env={**env, "PYTHONPATH": str(build / "lib")})
    assert result.returncode == 0, result.stderr
    assert "没有发现问题" in result.stdout
    assert files_under(tmp_path / "demo" / "data").keys() >= {f"{EXAMPLE_PLAN_ID}/2021-06/dongyang.xlsx"}
