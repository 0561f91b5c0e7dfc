"""The root command: version, help for every command, docs that cannot drift, a fast start."""

import subprocess
import sys

import pytest

from conftest import REPO
from mubiao import __version__
from mubiao.app import app


def _commands():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"mubiao {__version__}\n"


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert "示例" in result.stdout and f"mubiao {name}" in result.stdout


@pytest.mark.parametrize("name", _commands())
def test_every_command_is_in_the_readme(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"mubiao {name}" in readme


def test_schema_command_prints_the_committed_schema(cli, tmp_path):
    printed = cli("schema")
    assert printed.exit_code == 0
    assert printed.stdout == (REPO / "targets" / "plan.schema.json").read_text(encoding="utf-8")
    out = tmp_path / "nested" / "plan.schema.json"
    assert cli("schema", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == printed.stdout


@pytest.mark.parametrize(
    "args, absent, present",
    [
        # plans only: nothing heavy at all (the start-up time of a CI lint)
        (["check", "--strict", str(REPO / "targets")], ("pandas", "numpy", "pyarrow", "openpyxl"), ()),
        # progress files too: no pandas (0.6 s to import); pyarrow parses the CSV files, openpyxl the one xlsx
        (["check", "--root", str(REPO)], ("pandas",), ("pyarrow", "openpyxl")),
    ],
    ids=["plans", "plans-and-progress"],
)
def test_check_does_not_import_what_it_does_not_need(args, absent, present):
    code = (
        "import sys\n"
        "from mubiao.app import app\n"
        "try:\n"
        f"    app({args!r}, prog_name='mubiao')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"assert not [m for m in {absent!r} if m in sys.modules], 'imported'\n"
        f"assert all(m in sys.modules for m in {present!r}), 'not imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
