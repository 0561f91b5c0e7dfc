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


def test_check_of_plans_does_not_import_pandas():
    code = (
        "import sys\n"
        "from mubiao.app import app\n"
        "try:\n"
        f"    app(['check', '--strict', {str(REPO / 'targets')!r}], prog_name='mubiao')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'openpyxl') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_check_of_progress_files_does_not_import_pandas():
    """Checking data/ reads records without pandas (the tidy DataFrame is for analysis, not for linting)."""
    code = (
        "import sys\n"
        "from mubiao.app import app\n"
        "try:\n"
        f"    app(['check', '--root', {str(REPO)!r}], prog_name='mubiao')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "assert 'pandas' not in sys.modules  # (openpyxl itself imports numpy when it is installed)\n"
        "assert 'openpyxl' in sys.modules  # the sample has one xlsx, so this test can tell the difference\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
