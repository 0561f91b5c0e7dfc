"""Bad input, hostile input, and nothing lost (issue 8): every file of the corpus in tests/fixtures/bad/ through
`mubiao check`, `gaps`, `report` and `summary`.

For each entry a scratch workspace (tests/fixtures/bad/workspace/) gets the file where the entry says, and the
commands run in-process on it. Whatever the file, every command must
- print no traceback, report no internal error, and print no control character;
- leave every input byte for byte as it was, and write nothing but under `reports/` (and mubiao's own cache);
- write only safe files (tests/hardening/output_safety.py);
and, by the entry's `Expect` (see corpus.py):
- a refused input: `check` exits 1 with an error of the entry's code at its file and line; `gaps`, `report` and
  `summary` exit 2 with one line, `error: <file>:<line>…: <code> …`;
- a readable one: every command exits 0 and gaps.json holds the figures the entry says.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from output_safety import assert_printable, assert_safe_outputs

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"


def _load_corpus():
    spec = importlib.util.spec_from_file_location("bad_input_corpus", BAD / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
ENTRIES = sorted(corpus.CORPUS.values(), key=lambda e: e.name)

#: What mubiao itself may write besides the output folder: the store of read progress files (readers/store.py).
OWN_FOLDERS = ("reports", ".mubiao-cache")
#: How the application reports an exception it did not expect (app._ErrorBoundary).
INTERNAL_ERROR = "内部错误"


@dataclass
class Run:
    args: list[str]
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def command(self) -> str:
        return " ".join(self.args[:1] + [a for a in self.args[1:] if a.startswith("--format")])


def run(*args: str) -> Run:
    """The command line run in-process, as `mubiao` runs it (typer.testing.CliRunner builds the click command
    anew for every call, a quarter of the time of a refused input; it is built once here)."""
    result = CliRunner().invoke(_command(), list(args))
    return Run(list(args), result.exit_code, result.stdout, result.stderr, result.exception)


@functools.cache
def _command():
    import typer.main

    from mubiao.app import app

    return typer.main.get_command(app)


@pytest.fixture(scope="session")
def huge_inputs(tmp_path_factory):
    """`path(entry)`: the file of a recipe, written once per session."""
    folder = tmp_path_factory.mktemp("huge-inputs")
    made: dict[str, Path] = {}

    def path(entry) -> Path:
        if entry.name not in made:
            target = folder / entry.name.replace("/", "--")
            with target.open("wb") as out:
                entry.huge(out)
            made[entry.name] = target
        return made[entry.name]

    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) by its path relative to `folder`, with the hash of its bytes."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while chunk := handle.read(2**22):
                    digest.update(chunk)
            files[str(path.relative_to(folder))] = digest.hexdigest()
    return files


def expected_line(entry, data: bytes | None) -> int | None:
    """The line the messages must name: the entry's number, or the first line of the file holding its text."""
    line = entry.expect.line
    if not isinstance(line, str):
        return line
    assert data is not None, f"{entry.name}: a text marker needs the file's bytes"
    for number, text in enumerate(data.decode("utf-8", "replace").split("\n"), start=1):
        if line in text:
            return number
    raise AssertionError(f"{entry.name}: no line holds {line!r}")


def place(entry, root: Path, huge_inputs) -> tuple[Path, bytes | None]:
    """Put the entry into the workspace; returns its path there and (for a small entry) its bytes."""
    target = root / entry.place
    target.parent.mkdir(parents=True, exist_ok=True)
    if entry.small is not None:
        data = (BAD / entry.name).read_bytes()
        target.write_bytes(data)
        return target, data
    target.unlink(missing_ok=True)  # a plan recipe takes the place of the workspace's plan
    os.link(huge_inputs(entry), target)  # the same bytes without a copy: a recipe's file is large
    return target, None


#: A finding line of `mubiao check`'s text output: `  line:column  错误  CODE  message` under its file's line.
_FINDING = re.compile(r"^\s+(?P<line>\d+|-):(?:\d+|-)\s+(?P<severity>错误|警告)\s+(?P<code>[DP]\d{3})\s")


def shown_findings(output: str) -> dict[str, list[tuple[str, str, int | None]]]:
    """The findings `mubiao check` printed, by the file line above them: (severity, code, line)."""
    found: dict[str, list[tuple[str, str, int | None]]] = {}
    current = None
    for text in output.splitlines():
        if match := _FINDING.match(text):
            line = None if match["line"] == "-" else int(match["line"])
            found.setdefault(current, []).append((match["severity"], match["code"], line))
        elif text and not text[0].isspace():
            current = text.strip()
    return found


def check_finding(entry, run_: Run, file: Path, line: int | None) -> None:
    """`check` exits 1 and shows, under the file's name, an error of the entry's code at the line."""
    assert run_.exit_code == 1, f"check exited {run_.exit_code}, not 1:\n{run_.stdout}{run_.stderr}"
    found = {_bare(name): findings for name, findings in shown_findings(run_.stdout).items()}
    mine = found.get(_bare(str(file)), []) + found.get(_bare(os.path.relpath(file)), [])
    assert ("错误", entry.expect.code, line) in mine, (
        f"check shows no error {entry.expect.code} at line {line} of {file.name}; it shows {mine or found}:\n"
        f"{run_.stdout[-3000:]}")


def went_on(entry, run_: Run, file: Path, line: int | None) -> None:
    """A bad progress file does not stop the month's work (docs/progress-files.md, "One bad file"): the command
    ran (exit 1) and its problem list on stderr names the file, the line and the code."""
    assert run_.exit_code == 1, f"{run_.command} exited {run_.exit_code}, not 1:\n{run_.stdout[-2000:]}{run_.stderr}"
    where = str(file) + (f":{line}" if line is not None else "")
    listed = [text for text in run_.stderr.splitlines() if _printable(where) in text]
    assert listed, f"{run_.command}: does not name {where}:\n{run_.stderr}"
    assert any(entry.expect.code in text for text in listed), f"{run_.command}: no {entry.expect.code}:\n{run_.stderr}"


def refusal(entry, run_: Run, file: Path, line: int | None) -> None:
    """One line on stderr, `error: <file>:<line>…: <code> …`, and exit 2."""
    assert run_.exit_code == 2, f"{run_.command} exited {run_.exit_code}, not 2:\n{run_.stdout[-2000:]}{run_.stderr}"
    lines = [text for text in run_.stderr.splitlines() if text.strip()]
    assert len(lines) == 1, f"{run_.command}: {len(lines)} lines on stderr:\n{run_.stderr}"
    message = lines[0]
    assert message.startswith("error: "), message
    where = str(file) + (f":{line}:" if line is not None else ":")
    assert _printable(where) in message, f"{run_.command}: does not name {where}: {message}"
    assert entry.expect.code in message, f"{run_.command}: does not name {entry.expect.code}: {message}"


def _bare(path: str) -> str:
    """A path without control characters or the pictures mubiao shows for them (rich drops a few itself)."""
    return re.sub("[\x00-\x1f\x7f-\x9f\u2400-\u2421\ufffd]", "", path)


def _printable(text: str) -> str:
    """Text as mubiao prints it: control characters shown as their pictures (`console.printable`)."""
    from mubiao.console import printable

    return printable(text)


def readings(entry, root: Path) -> None:
    """gaps.json of the report holds the figures the entry says."""
    [report] = list((root / "reports" / "demo").glob("*/gaps.json"))
    rows = json.loads(report.read_text(encoding="utf-8"))["rows"]
    for (indicator, county), actual in entry.expect.reads.items():
        row = next(r for r in rows if r["indicator"] == indicator and r["county"] == county)
        assert row["actual"] == actual, f"{indicator} {county or 'city'}: {row['actual']} read, {actual} meant"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_command_answers_a_bad_input_clearly_and_loses_nothing(entry, tmp_path, monkeypatch, huge_inputs):
    root = tmp_path / "workspace"
    shutil.copytree(corpus.WORKSPACE, root)
    file, data = place(entry, root, huge_inputs)
    before = snapshot(tmp_path)
    cwd = tmp_path / "cwd"  # relative paths land here: nothing may
    cwd.mkdir()
    monkeypatch.chdir(cwd)

    runs = {name: run(name, "--root", str(root)) for name in entry.expect.commands}
    extra = [run(*args, "--root", str(root)) for args in entry.expect.extra]

    for each in [*runs.values(), *extra]:
        shown = each.stdout + each.stderr
        assert INTERNAL_ERROR not in shown and "Traceback" not in shown, f"{each.command}:\n{shown[-3000:]}"
        assert each.exception is None or isinstance(each.exception, SystemExit), repr(each.exception)
        assert_printable(shown, each.command)

    line = expected_line(entry, data)
    if entry.readable:
        for each in [*runs.values(), *extra]:
            assert each.exit_code == 0, f"{each.command} exited {each.exit_code}:\n{each.stdout[-2000:]}{each.stderr}"
        if "report" in runs:
            readings(entry, root)
    else:
        if "check" in runs:
            check_finding(entry, runs["check"], file, line)
        bad_file = entry.name.startswith("progress/")
        for name in ("gaps", "report", "summary"):
            if name in runs:
                (went_on if bad_file else refusal)(entry, runs[name], file, line)
        if bad_file and "gaps" in runs:  # --strict refuses as before
            refusal(entry, run("gaps", "--strict", "--root", str(root)), file, line)

    after = snapshot(tmp_path)
    assert {name: after.get(name) for name in before} == before, "an input changed or went away"
    written = [Path(name).parts for name in sorted(set(after) - set(before))]
    outside = [parts for parts in written if parts[0] != "workspace" or parts[1] not in OWN_FOLDERS]
    assert not outside, f"written outside reports/: {outside}"
    if (root / "reports").is_dir():
        assert_safe_outputs(root / "reports")


def test_the_corpus_has_at_least_60_inputs_each_named_after_its_defect():
    assert len(ENTRIES) >= 60
    committed = {f"{folder}/{p.name}" for folder in ("plans", "progress") for p in (BAD / folder).iterdir()}
    assert committed == {e.name for e in ENTRIES if e.small is not None}, "run tests/fixtures/bad/corpus.py"
    assert all(e.story for e in ENTRIES), "every entry says what is wrong with it"
    assert all(e.readable or e.expect.code for e in ENTRIES)
    too_big = [p for p in BAD.rglob("*") if p.is_file() and p.stat().st_size > 200_000]
    assert not too_big, f"commit a recipe instead: {too_big}"
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert not [e.name for e in ENTRIES if e.name not in readme], "every entry is listed in the README"


def test_an_unexpected_exception_fails_the_corpus_test_instead_of_being_swallowed(tmp_path, monkeypatch):
    """The application turns any exception into `error: 内部错误…` and exit 2, which is also the exit of a clear
    refusal: the corpus test must tell the two apart."""
    import mubiao.readers.plan

    shutil.copytree(corpus.WORKSPACE, tmp_path / "workspace")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(mubiao.readers.plan, "build_plan", broken)
    result = run("gaps", "--root", str(tmp_path / "workspace"))
    assert result.exit_code == 2 and INTERNAL_ERROR in result.stderr and "Traceback" not in result.stderr
