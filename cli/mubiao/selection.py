"""What a user names on the command line (a county, an owner, a goal, an indicator) resolved to plan ids."""

from __future__ import annotations

from typing import Iterable, Sequence

from mubiao.errors import WorkspaceError
from mubiao.models import CITY, Plan
from mubiao.suggest import closest


def choose(what: str, wanted: Iterable[str], options: Sequence[tuple[str, str]]) -> list[str]:
    """The ids of `wanted`, each given by id or by name, in the order given, without repeats.

    `options` are (id, name) pairs; an unknown key raises WorkspaceError naming the closest option."""
    by_key = {key: option_id for option_id, name in options for key in (option_id, name)}
    chosen = []
    for key in wanted:
        key = key.strip()
        if key not in by_key:
            guess = closest(key, by_key)
            hint = f"是不是 {guess}?" if guess else f"可选:{'、'.join(dict.fromkeys(option_id for option_id, _ in options))}"
            raise WorkspaceError(f"计划中没有{what}“{key}”", hint=hint)
        chosen.append(by_key[key])
    return list(dict.fromkeys(chosen))


def county_options(plan: Plan, with_city: bool = True) -> list[tuple[str, str]]:
    """The plan's areas as (id, name), regions too, and the city itself (`city`, 市本级) when asked."""
    options = [(county.id, county.name) for county in (*plan.counties, *plan.regions)]
    # the whole's row and the bureau's own, in the plan's words too (区本级, 全区), and in a city bureau's
    words = dict.fromkeys(["市本级", "全市", plan.levels.own, plan.levels.whole])
    return options + [(CITY, word) for word in words] if with_city else options


def area_options(plan: Plan) -> list[tuple[str, str]]:
    """What `--area` may name: a region or a unit, by id or name."""
    return [(area.id, area.name) for area in plan.areas]


def owner_options(plan: Plan) -> list[tuple[str, str]]:
    return [(owner.id, owner.name) for owner in plan.owners]


def goal_options(plan: Plan) -> list[tuple[str, str]]:
    return [(goal.id, goal.title) for goal in plan.goals]


def indicator_options(plan: Plan) -> list[tuple[str, str]]:
    return [(ind.id, ind.name) for ind in plan.indicators]
