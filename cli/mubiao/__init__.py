"""mubiao (目标): a planning-target tracker for work plans and county progress reports.

Library first: everything the command line does can be done from Python.

    >>> from mubiao import load_plan
    >>> plan = load_plan("targets/jinhua-2021.toml")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public names, loaded on first use so that `import mubiao` (and `mubiao --version`) stays cheap.
_EXPORTS = {
    "ExitCode": "mubiao.errors",
    "MubiaoError": "mubiao.errors",
    "PlanError": "mubiao.errors",
    "ProgressError": "mubiao.errors",
    "WorkspaceError": "mubiao.errors",
    "County": "mubiao.models",
    "Goal": "mubiao.models",
    "Indicator": "mubiao.models",
    "Milestone": "mubiao.models",
    "Owner": "mubiao.models",
    "Plan": "mubiao.models",
    "Status": "mubiao.models",
    "StatusThresholds": "mubiao.models",
    "Gaps": "mubiao.analysis.gaps",
    "GapRow": "mubiao.analysis.gaps",
    "compute_gaps": "mubiao.analysis.gaps",
    "indicator_history": "mubiao.analysis.history",
    "load_plan": "mubiao.readers.plan",
    "load_progress": "mubiao.readers.progress",
    "read_progress": "mubiao.readers.progress",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from mubiao.analysis.gaps import GapRow, Gaps, compute_gaps
    from mubiao.analysis.history import indicator_history
    from mubiao.errors import ExitCode, MubiaoError, PlanError, ProgressError, WorkspaceError
    from mubiao.models import County, Goal, Indicator, Milestone, Owner, Plan, Status, StatusThresholds
    from mubiao.readers.plan import load_plan
    from mubiao.readers.progress import load_progress, read_progress


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'mubiao' has no attribute {name!r}")
