"""Every output deterministic (issue 8): each command, in each format, run twice gives the same bytes, on the
terminal and in every file it writes.

The two runs are two processes with different hash seeds (PYTHONHASHSEED), so an output that depends on the order
of a set or on the machine would differ; each process runs every command line in turn, in its own copy of the
workspace, with relative paths, so that what they print can be compared as it is.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES

WORKSPACE = FIXTURES / "bad" / "workspace"

#: Every command and format, as a user types them (in the workspace, so `--root .`).
COMMANDS = [
    ["check"], ["check", "--format", "json"], ["check", "--format", "github"],
    ["gaps"], ["gaps", "--format", "json"], ["gaps", "--format", "csv"], ["gaps", "--format", "md"],
    ["gaps", "--by", "county"], ["gaps", "--by", "county", "--format", "csv"],
    ["gaps", "--by", "county", "--format", "md"],
    ["gaps", "--format", "csv", "-o", "out/gaps.csv"], ["gaps", "-o", "out/gaps.txt"],
    ["report", "-o", "out/report"], ["report", "--as-of", "2021-05", "-o", "out/report-may"],
    ["summary", "-o", "out/summary.docx"], ["summary", "--county", "east", "--format", "md", "-o", "out/east.md"],
    ["summary", "--format", "html", "--trace", "-o", "out/city.html"],
    ["summary", "--all-counties", "--format", "md", "-o", "out/drafts"],
    ["form", "--period", "2021-07", "-o", "out/forms"],
    ["form", "--period", "2021-07", "--format", "csv", "-o", "out/forms-csv"],
    ["show", "G02-centres"], ["show", "G01-cover", "--notes", "0"],
    ["schema"], ["schema", "-o", "out/plan.schema.json"],
]

_DRIVER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from click.testing import CliRunner
    import typer.main
    from mubiao.app import app

    command = typer.main.get_command(app)
    for n, args in enumerate(json.loads(sys.argv[1])):
        with_root = args if args[0] == "schema" else args[:1] + ["--root", "."] + args[1:]
        result = CliRunner().invoke(command, with_root)
        Path(f"printed/{n}.txt").write_text(f"{result.exit_code}\\n{result.stdout}\\n{result.stderr}", encoding="utf-8")
""")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    import json

    base = tmp_path_factory.mktemp("determinism")
    runs = []
    for seed in ("1", "2"):
        root = base / f"run-{seed}"
        shutil.copytree(WORKSPACE, root)
        (root / "printed").mkdir()
        runs.append((root, subprocess.Popen([sys.executable, "-c", _DRIVER, json.dumps(COMMANDS)], cwd=root,
                                            env=_env(seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    for root, process in runs:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    return runs[0][0], runs[1][0]


def _env(seed: str) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "120"}


@pytest.mark.parametrize("n", range(len(COMMANDS)), ids=[" ".join(args) for args in COMMANDS])
def test_a_command_run_twice_prints_the_same(two_runs, n):
    first, second = (root / "printed" / f"{n}.txt" for root in two_runs)
    printed = first.read_text(encoding="utf-8")
    assert printed.startswith("0\n"), printed[-2000:]
    assert printed == second.read_text(encoding="utf-8")


def test_every_file_written_twice_is_the_same_bytes(two_runs):
    first, second = two_runs
    written = sorted(p.relative_to(first / "out") for p in (first / "out").rglob("*") if p.is_file())
    assert len(written) >= 20, written  # 2 gaps, 8 report files, 1 + 1 + 1 + 3 drafts, 4 + 4 forms, 1 schema
    assert written == sorted(p.relative_to(second / "out") for p in (second / "out").rglob("*") if p.is_file())
    differ = [str(name) for name in written
              if (first / "out" / name).read_bytes() != (second / "out" / name).read_bytes()]
    assert not differ, f"different bytes on a second run: {differ}"
