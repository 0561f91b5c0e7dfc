"""Plan TOML -> `Plan`, with every default of docs/contract.md §2 resolved."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from mubiao.checks.findings import Finding, Severity, raise_first_error
from mubiao.errors import PlanError
from mubiao.models import (
    DEFAULT_STAGES,
    County,
    Direction,
    Form,
    Goal,
    Indicator,
    Kind,
    Levels,
    Milestone,
    Owner,
    Pace,
    Plan,
    Rule,
    Scope,
    StatusThresholds,
    Theme,
    frozen_mapping,
    levels_of,
    stage_share,
)
from mubiao.readers.toml_document import plan_bytes, read_toml

_DEFAULT_PACE = {Kind.COUNT: Pace.LINEAR, Kind.RATIO: Pace.LINEAR, Kind.LEVEL: Pace.STEP, Kind.MILESTONE: Pace.STEP}


def load_plan(path: str | Path, *, cache_root: str | Path | None = None) -> Plan:
    """Read a plan file into a frozen `Plan`.

    Raises PlanError at the first error-level finding (with its line and column) when the file is not a valid
    plan; warnings do not stop loading. `mubiao check` lists every finding. With `cache_root` (a workspace), a
    plan file whose exact bytes were found free of errors before is neither parsed nor checked again (a national
    plan's TOML and its check take most of a second; `mubiao.readers.plan_memo`).
    """
    raw = None
    if cache_root is not None:
        from mubiao.readers import plan_memo

        try:
            raw = plan_bytes(path)
        except PlanError:
            raw = None  # read_toml says why
        data = plan_memo.recall(cache_root, raw) if raw is not None else None
        if data is not None:
            try:
                return build_plan(data, path=Path(path))
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # a memo that does not make a plan: the file is read and checked again
    from mubiao.checks.plan import check_document  # (not needed when the plan is remembered)

    document = read_toml(path, raw)  # (the bytes read for the memo, when there is a workspace)
    raise_first_error(check_document(document), PlanError, document.path)
    if raw is not None:
        plan_memo.remember(cache_root, raw, document.data)
    return build_plan(document.data, path=document.path)


def read_plan(path: str | Path) -> tuple[list[Finding], Plan | None]:
    """Every finding of a plan file (as `mubiao check` lists them) and the plan, or None when any finding is an
    error: checking and loading a plan in one reading."""
    from mubiao.checks.plan import check_plan_document

    findings, document = check_plan_document(path)
    if document is None or any(f.severity is Severity.ERROR for f in findings):
        return findings, None
    return findings, build_plan(document.data, path=document.path)


def build_plan(data: dict[str, Any], path: Path | None = None) -> Plan:
    """A `Plan` from TOML data that `check_document` found free of errors."""
    plan = data["plan"]
    status = plan.get("status", {})
    areas = [County(id=c["id"], name=c["name"], parent=c.get("parent")) for c in data.get("counties", [])]
    parents = {area.parent for area in areas if area.parent is not None}
    defaults = StatusThresholds()
    return Plan(
        id=plan["id"],
        title=plan["title"],
        organization=plan["organization"],
        start=plan["start"],
        end=plan["end"],
        language=plan.get("language", "zh"),
        source=plan.get("source"),
        due_day=plan.get("due_day"),
        first_issue=plan.get("first_issue"),
        status=StatusThresholds(
            at_risk=float(status.get("at_risk", defaults.at_risk)),
            behind=float(status.get("behind", defaults.behind)),
            due_soon_days=int(status.get("due_soon_days", defaults.due_soon_days)),
        ),
        levels=_levels(plan),
        counties=tuple(area for area in areas if area.id not in parents),
        regions=tuple(area for area in areas if area.id in parents),
        owners=tuple(Owner(id=o["id"], name=o["name"]) for o in data.get("owners", [])),
        goals=tuple(_goal(g, plan, {o["id"]: o["name"] for o in data.get("owners", [])}) for g in data.get("goals", [])),
        themes=tuple(Theme(title=t["title"], plain=t.get("plain"), goals=tuple(t.get("goals", ())),
                           indicators=tuple(t.get("indicators", ()))) for t in data.get("themes", [])),
        rules=tuple(Rule(id=r["id"], name=r.get("name", r["id"]), rule=r["rule"]) for r in data.get("rules", [])),
        path=path,
    )


def _levels(plan: dict[str, Any]) -> Levels:
    """`[plan.levels]` over the defaults the organisation's name implies (`levels_of`)."""
    given = plan.get("levels", {})
    words = {key.name: given[key.name] for key in fields(Levels) if key.name in given}
    if "middle" in words:
        words["middle"] = tuple(words["middle"])
    return replace(levels_of(plan["organization"]), **words)


def _goal(goal: dict[str, Any], plan: dict[str, Any], owners: dict[str, str]) -> Goal:
    indicators = tuple(_indicator(i, goal, plan) for ind in goal.get("indicators", [])
                       for i in per_department(ind, owners))
    tasks = tuple(_task(t, goal, plan) for t in goal.get("tasks", []))
    return Goal(id=goal["id"], title=goal["title"], owner=goal.get("owner"), indicators=indicators + tasks)


def grown_target(ind: dict[str, Any]) -> float:
    """A target stated as growth over last year (`growth = 5`: 增长5%): `last_year` (or, for a level or a ratio,
    the baseline, where it stood when the plan began) × (1 + growth / 100), rounded to 6 decimals (1200 × 1.05 is
    1260, not 1260.0000000000002)."""
    reference = ind.get("last_year", ind.get("baseline", 0))
    return round(float(reference) * (1 + float(ind["growth"]) / 100), 6)


def per_department(ind: dict[str, Any], owners: dict[str, str]) -> list[dict[str, Any]]:
    """An indicator with `departments` (a quota each department of the bureau must meet: "业务处室信息被录用数不少于4条",
    docs/plan-format.md "Quotas per department") as one indicator per department, reported by 市本级: its id
    `<id>.<department>`, its name with the department's, the department its owner; any other indicator as it is."""
    if "departments" not in ind:
        return [ind]
    rest = {key: value for key, value in ind.items() if key != "departments"}
    return [{**rest, "id": f"{ind['id']}.{department}", "name": f"{ind['name']}({owners.get(department, department)})",
             "owner": department, "scope": "city"} for department in ind["departments"]]


def task_stages(task: dict[str, Any]) -> tuple[str, ...]:
    """A task's stages: its `stages`, else 未启动, 推进中, its nodes' stages in date order, 已完成."""
    if "stages" in task:
        return tuple(task["stages"])
    nodes = [m["stage"] for m in sorted(task.get("milestones", []), key=lambda m: m["date"])]
    first, going, done = DEFAULT_STAGES
    middle = [going, *(stage for stage in nodes if stage not in DEFAULT_STAGES)]
    return (first, *dict.fromkeys(middle), done)


def _task(task: dict[str, Any], goal: dict[str, Any], plan: dict[str, Any]) -> Indicator:
    """A task without a number (`[[goals.tasks]]`, docs/plan-format.md "Tasks") as an indicator of kind task: its
    figure the share of its way, by its stages; its nodes the stages due by their dates. The bureau's own work
    (reported once, by 市本级) unless it names the areas that carry it."""
    stages = task_stages(task)
    counties = task.get("counties")
    return Indicator(
        id=task["id"], name=task["name"], goal=goal["id"], kind=Kind.TASK, target=1.0, baseline=0.0,
        deadline=task.get("deadline", plan["end"]), pace=Pace.STEP, owner=task.get("owner", goal.get("owner")),
        scope=Scope.COUNTY if counties is not None else Scope.CITY, source=task.get("source"),
        milestones=tuple(Milestone(date=m["date"], target=stage_share(stages, stages.index(m["stage"])), stage=m["stage"])
                         for m in task.get("milestones", [])),
        counties=tuple(counties) if counties is not None and counties != "all" else None,
        summary=task.get("summary"), stages=stages)


def _indicator(ind: dict[str, Any], goal: dict[str, Any], plan: dict[str, Any]) -> Indicator:
    kind = Kind(ind["kind"])
    counties = ind.get("counties")
    if counties == "allocated":  # only the areas the allocation names report it (docs/plan-format.md)
        counties = list(ind.get("allocation", {}))
    return Indicator(
        id=ind["id"],
        name=ind["name"],
        goal=goal["id"],
        kind=kind,
        target=float(ind.get("target", 1)) if kind is Kind.MILESTONE else grown_target(ind) if "growth" in ind
        else float(ind["target"]),
        baseline=0.0 if kind is Kind.MILESTONE else float(ind.get("baseline", 0)),
        deadline=ind.get("deadline", plan["end"]),
        direction=Direction(ind.get("direction", "increase")),
        pace=Pace(ind["pace"]) if "pace" in ind else _DEFAULT_PACE[kind],
        form=Form(ind.get("form", "reach")),
        unit=ind.get("unit"),
        owner=ind.get("owner", goal.get("owner")),
        scope=Scope(ind.get("scope", "county")),
        source=ind.get("source"),
        milestones=tuple(Milestone(date=m["date"], target=float(m["target"])) for m in ind.get("milestones", [])),
        allocation=frozen_mapping({k: float(v) for k, v in ind.get("allocation", {}).items()}),
        per_county=float(ind["per_county"]) if "per_county" in ind else None,
        baselines=frozen_mapping({k: float(v) for k, v in ind.get("baselines", {}).items()}),
        scale=float(ind["scale"]) if "scale" in ind else None,
        counties=tuple(counties) if counties is not None else None,
        summary=ind.get("summary"),
        profile=tuple(float(share) for share in ind.get("profile", ())),
        stock=bool(ind.get("stock", False)),
        own_counts=bool(ind.get("own_counts", False)),
        growth=float(ind["growth"]) if "growth" in ind else None,
        stretch=float(ind["stretch"]) if "stretch" in ind else None,
        ranged=bool(ind.get("range", False)),
    )
