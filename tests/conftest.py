from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from mubiao.app import app

# Property tests run a few examples in `make test` (hypothesis's default, or what a test sets); `make fuzz` runs the
# ones in tests/fuzz/ with `--hypothesis-profile=fuzz`: many more, however long they take.
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("MUBIAO_FUZZ_EXAMPLES", "10000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID_PLANS = sorted((FIXTURES / "plans" / "valid").glob("*.toml"))
INVALID_PLANS = sorted((FIXTURES / "plans" / "invalid").glob("*.toml"))
SAMPLE_PLANS = sorted((REPO / "targets").glob("*.toml"))

_EXPECT = re.compile(rb"# expect: ((?:P\d{3} ?)+)")


def expected_findings(path: Path) -> list[tuple[str, int]]:
    """The (code, line) pairs a fixture announces with `# expect: CODE` comments on the lines concerned."""
    lines = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n")
    return sorted(
        (code.decode(), number)
        for number, line in enumerate(lines, start=1)
        for found in _EXPECT.findall(line)
        for code in found.split()
    )


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(app, [str(a) for a in args], **kwargs)

    return invoke


GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files under tests/golden/ from the current output (review the diff)")


@pytest.fixture
def golden(request):
    """`golden(name, text)`: assert that text equals tests/golden/<name>; with --update-golden, write it."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
        assert text == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"

    return check


# -- the bad-input corpus (issue 8): how many inputs it holds, printed at the end of every run that collected it


def pytest_terminal_summary(terminalreporter):
    from_corpus = [report for reports in terminalreporter.stats.values() for report in reports
                   if getattr(report, "when", None) == "call" and "test_bad_input_corpus.py::test_every_command" in
                   getattr(report, "nodeid", "")]
    if not from_corpus:
        return
    passed = sum(report.passed for report in from_corpus)
    names = [report.nodeid.split("[", 1)[1].rstrip("]") for report in from_corpus]
    plans = sum(name.startswith("plans/") for name in names)
    terminalreporter.write_line(
        f"bad-input corpus (tests/fixtures/bad/): {len(names)} inputs, {plans} plans and {len(names) - plans} "
        f"progress files; {passed} answered as they must")
