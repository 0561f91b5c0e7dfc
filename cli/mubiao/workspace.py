"""The workspace (FORMATS §1): which plan a command means, and where its data and reports go."""

from __future__ import annotations

from pathlib import Path

from mubiao.errors import WorkspaceError
from mubiao.models import Plan


def plan_path(root: str | Path, plan: str | None = None) -> Path:
    """The plan file a command means: `--plan` as a path or an id in `targets/`, else the only plan there.

    Raises WorkspaceError when there is no such plan, or several and no `--plan` to choose.
    """
    targets = Path(root) / "targets"
    if plan:
        given = Path(plan)
        if given.suffix == ".toml" or len(given.parts) > 1:
            if given.is_file():
                return given
            raise WorkspaceError("找不到计划文件", file=given)
        candidate = targets / f"{plan}.toml"
        if candidate.is_file():
            return candidate
        raise WorkspaceError(f"targets/ 中没有计划“{plan}”", file=targets, hint=_choices(targets))
    plans = sorted(targets.glob("*.toml")) if targets.is_dir() else []
    if len(plans) == 1:
        return plans[0]
    if not plans:
        raise WorkspaceError("没有找到计划:targets/ 中没有 *.toml", file=targets,
                             hint="在工作区根目录运行,或用 --root 指定工作区")
    raise WorkspaceError(f"targets/ 中有 {len(plans)} 个计划,请用 --plan 指定一个", file=targets,
                         hint=_choices(targets))


def _choices(targets: Path) -> str:
    ids = [p.stem for p in sorted(targets.glob("*.toml"))] if targets.is_dir() else []
    return f"可选:{'、'.join(ids)}" if ids else "targets/ 中没有计划"


def open_plan(root: str | Path, plan: str | None = None) -> Plan:
    """Load the plan a command means (see `plan_path`). Raises WorkspaceError or PlanError."""
    from mubiao.readers.plan import load_plan

    return load_plan(plan_path(root, plan))


def reports_folder(root: str | Path, plan: Plan) -> Path:
    """`reports/<plan-id>/`: where a plan's generated files go by default."""
    return Path(root) / "reports" / plan.id
