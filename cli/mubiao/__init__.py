"""mubiao (目标): a planning-target tracker for work plans and county progress reports.

Library first: everything the command line does can be done from Python.

    >>> from mubiao import load_plan
    >>> plan = load_plan("targets/jinhua-2021.toml")
"""

from __future__ import annotations

__version__ = "0.1.0"

from mubiao.errors import ExitCode, MubiaoError, PlanError, WorkspaceError
from mubiao.models import County, Goal, Indicator, Milestone, Owner, Plan, StatusThresholds
from mubiao.readers.plan import load_plan

__all__ = [
    "County",
    "ExitCode",
    "Goal",
    "Indicator",
    "Milestone",
    "MubiaoError",
    "Owner",
    "Plan",
    "PlanError",
    "StatusThresholds",
    "WorkspaceError",
    "__version__",
    "load_plan",
]
