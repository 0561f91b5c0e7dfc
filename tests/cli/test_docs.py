"""Docs cannot drift: every command has help text with an example and a section in README.md's command reference;
every `$ mubiao …` line the docs show parses with the options the commands really have; the CI example and the
pre-commit hook run on the sample workspace."""

from __future__ import annotations

import re
import shlex

import pytest
import typer.main

from conftest import REPO
from mubiao.app import app
from mubiao.workspace_init import init_workspace

GROUP = typer.main.get_command(app)
COMMANDS = sorted(GROUP.commands)
README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = REPO / "README.zh-CN.md"
CI = REPO / "docs" / "ci.md"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def command_reference() -> str:
    start = README.index("## Command reference")
    end = README.index("\n## ", start + 1)
    return README[start:end]


def shown_commands(text: str) -> list[list[str]]:
    """The arguments of every `$ mubiao …` line in a document's console blocks (without a trailing shell part)."""
    lines = re.findall(r"^\$ mubiao(.*)$", text, re.MULTILINE)
    return [shlex.split(re.split(r"\s*(?:;|>|\|)", line, maxsplit=1)[0]) for line in lines]


def test_every_command_is_registered():
    assert {"init", "check", "gaps", "show", "report", "summary", "form", "schema"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name):
    command = GROUP.commands[name]
    assert command.help and command.help.strip(), f"mubiao {name} has no help text"
    assert command.get_short_help_str(limit=200).strip()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_commands_help_shows_an_example_of_it(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0
    _, found, examples = result.stdout.partition("示例")
    assert found, f"mubiao {name} --help has no 示例 section"
    examples = examples.split("\nArguments:")[0].split("\nOptions:")[0]
    # a line of its own that starts with the command, as it would be typed
    assert re.search(rf"^\s+mubiao {name}(\s|$)", examples, re.MULTILINE), f"mubiao {name}: no example line"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_section_in_the_readme_command_reference(name):
    assert re.search(rf"^### `mubiao {name}(`| )", command_reference(), re.MULTILINE), \
        f"README.md's command reference has no ### `mubiao {name} …` heading"


def test_the_readme_documents_no_command_that_does_not_exist():
    documented = re.findall(r"^### `mubiao (\S+?)[` ]", command_reference(), re.MULTILINE)
    assert set(documented) <= set(COMMANDS)


def test_the_readme_links_the_chinese_guide_and_the_ci_page():
    assert "(README.zh-CN.md)" in README and GUIDE.is_file()
    assert "(docs/ci.md)" in README and CI.is_file()
    assert "--install-completion" in README and "--show-completion" in README
    assert "mubiao-check" in README


@pytest.mark.parametrize("document", [REPO / "README.md", GUIDE, CI], ids=lambda path: path.name)
def test_every_command_line_shown_in_the_docs_parses(document):
    shown = shown_commands(document.read_text(encoding="utf-8"))
    assert shown, f"no `$ mubiao …` line in {document.name}"
    for args in shown:
        if not args or args[0].startswith("-"):  # mubiao --version, mubiao --help
            continue
        assert args[0] in GROUP.commands, f"{document.name}: no command `mubiao {args[0]}`"
        # unknown options, bad choices and missing required options raise click's usage errors here
        GROUP.commands[args[0]].make_context(args[0], args[1:])


def test_the_chinese_guide_walks_through_the_monthly_workflow():
    guide = GUIDE.read_text(encoding="utf-8")
    order = ["$ mubiao init", "$ mubiao check", "$ mubiao form", "$ mubiao check data/", "$ mubiao gaps",
             "$ mubiao report", "$ mubiao summary"]
    positions = [guide.find(step) for step in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions))


def test_the_ci_example_runs_on_the_sample_workspace(cli, tmp_path, monkeypatch):
    steps = re.findall(r"^\s+- run: (mubiao .+)$", CI.read_text(encoding="utf-8"), re.MULTILINE)
    assert "mubiao check --format github" in steps and "mubiao gaps --fail-on missed" in steps
    init_workspace(tmp_path, example=True)
    monkeypatch.chdir(tmp_path)
    for step in steps:
        result = cli(*shlex.split(step)[1:])
        # the sample's data ends on the deadline of most targets: what is not met then is missed, as ci.md says
        expected = 1 if step == "mubiao gaps --fail-on missed" else 0
        assert result.exit_code == expected, (step, result.output)
        if expected:
            assert "未完成" in result.output
    assert cli("gaps", "--as-of", "2021-11", "--fail-on", "missed").exit_code == 0


def _hook() -> dict[str, str]:
    """The one hook of .pre-commit-hooks.yaml, its `key: value` lines (a YAML parser is not a test dependency)."""
    text = HOOKS.read_text(encoding="utf-8")
    assert text.count("\n- id:") == 1, "one hook expected"
    return dict(re.findall(r"^(?:- |  )(\w+): (.+)$", text[text.index("\n- id:"):], re.MULTILINE))


def test_the_pre_commit_hook_runs_mubiao_check_on_plans_and_progress_files_only():
    hook = _hook()
    assert hook["id"] == "mubiao-check" and hook["entry"] == "mubiao check" and hook["language"] == "python"
    types = {tag.strip() for tag in hook["types_or"].strip("[]").split(",")}
    assert {"toml", "csv"} <= types
    files = re.compile(hook["files"])
    for path in ["targets/jinhua-2021.toml", "data/jinhua-2021/2021-06/wucheng.csv", "data/p/2021-06/dongyang.xlsx",
                 "data/p/2021-06/lanxi.tsv"]:
        assert files.search(path), path
    for path in ["pyproject.toml", "data/README.md", "targets/plan.schema.json", "docs/x.toml", "data/p/a.docx"]:
        assert not files.search(path), path


def test_the_pre_commit_hook_entry_checks_the_files_pre_commit_passes(cli, tmp_path, monkeypatch):
    init_workspace(tmp_path, example=True)
    monkeypatch.chdir(tmp_path)
    entry = shlex.split(_hook()["entry"])[1:]
    passed = ["targets/jinhua-2021.toml", "data/jinhua-2021/2021-06/wucheng.csv",
              "data/jinhua-2021/2021-06/dongyang.xlsx"]
    result = cli(*entry, *passed)
    assert result.exit_code == 0, result.output
    assert "检查了 3 个文件" in result.stdout


def test_the_contract_is_in_the_repository_and_what_cites_it_finds_it():
    """The code, the help text and the docs cite docs/contract.md by section, never a file outside the repository."""
    contract = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## §(\d)", contract, re.MULTILINE))
    assert sections == {"1", "2", "3", "4", "5", "6"}
    cited = set()
    for path in [*(REPO / "cli").rglob("*.py"), *(REPO / "docs").glob("*.md"), REPO / "README.md",
                 REPO / "data" / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert "FORMATS" not in text and "../shared" not in text, path
        cited |= set(re.findall(r"contract(?:\.md\)?|\]\(contract\.md\)) §(\d)", text))
    assert cited and cited <= sections
