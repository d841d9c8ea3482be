"""The competency framework: validating a parsed framework file, naming every bad field. Pure.

:func:`parse_framework` walks the parsed TOML and collects every problem (field, reason)
instead of failing at the first, so one refusal lists all that must be fixed.
"""

from __future__ import annotations

import re
from typing import Any

from framework.model import (
    COMPETENCY_GROUPS,
    DEVELOPER_LEVELS,
    GOAL_SCOPES,
    Behaviour,
    Competency,
    DeveloperLevel,
    Dimension,
    Framework,
    FrameworkError,
    GrowthGoal,
    Level,
    RecognitionFormat,
    ReviewRules,
)

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _Reader:
    """Walks the parsed TOML, collecting (field, reason) problems instead of failing fast."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def bad(self, field: str, reason: str) -> None:
        self.problems.append((field, reason))

    def table(self, raw: Any, field: str, keys: dict[str, bool]) -> dict[str, Any] | None:
        """A table with exactly the known ``keys`` (True = required)."""
        if not isinstance(raw, dict):
            self.bad(field, "must be a table")
            return None
        for key in raw:
            if key not in keys:
                self.bad(f"{field}.{key}" if field else key, "unknown field")
        for key, required in keys.items():
            if required and key not in raw:
                self.bad(f"{field}.{key}" if field else key, "missing")
        return raw

    def text(self, raw: dict[str, Any], key: str, field: str, *, empty: bool = False) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str):
            self.bad(f"{field}.{key}", "must be a string")
            return ""
        if not empty and key in raw and not value.strip():
            self.bad(f"{field}.{key}", "must not be empty")
        return value.strip()

    def ident(self, raw: dict[str, Any], key: str, field: str) -> str:
        value = self.text(raw, key, field)
        if value and not _ID.match(value):
            self.bad(f"{field}.{key}", f"{value!r} must be lower_snake_case (a-z, 0-9, _)")
        return value

    def integer(self, value: Any, field: str, *, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(field, "must be a whole number")
            return low
        if not low <= value <= high:
            self.bad(field, f"{value} is out of range ({low}..{high})")
        return value

    def strings(self, raw: dict[str, Any], key: str, field: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(f"{field}.{key}", "must be a list of strings")
            return ()
        return tuple(v.strip() for v in value)

    def idents(self, raw: dict[str, Any], key: str, field: str) -> tuple[str, ...]:
        """A list of lower_snake_case ids, each listed once."""
        values = self.strings(raw, key, field)
        for value in values:
            if not _ID.match(value):
                self.bad(f"{field}.{key}", f"{value!r} must be lower_snake_case (a-z, 0-9, _)")
        if len(set(values)) != len(values):
            self.bad(f"{field}.{key}", "lists an id twice")
        return values

    def array(self, raw: dict[str, Any], key: str) -> list[Any]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not value:
            if key in raw:
                self.bad(key, "must be a non-empty array of tables ([[" + key + "]])")
            return []
        return value

    def unique(self, ids: list[str], key: str) -> None:
        seen: set[str] = set()
        for index, value in enumerate(ids):
            if value and value in seen:
                self.bad(f"{key}[{index}].id", f"duplicate id {value!r}")
            seen.add(value)


def _levels(r: _Reader, raw: dict[str, Any]) -> tuple[Level, ...]:
    levels = []
    for index, item in enumerate(r.array(raw, "levels")):
        field = f"levels[{index}]"
        t = r.table(item, field, {"number": True, "name": True, "summary": False})
        if t is None:
            continue
        number = r.integer(t.get("number", 0), f"{field}.number", low=1, high=9)
        levels.append(Level(number, r.text(t, "name", field), r.text(t, "summary", field)))
    numbers = [level.number for level in levels]
    if levels and numbers != list(range(1, len(levels) + 1)):
        r.bad("levels", f"numbers must run 1, 2, 3 … in order without gaps; found {numbers}")
    return tuple(levels)


def _competencies(r: _Reader, raw: dict[str, Any], numbers: set[int]) -> tuple[Competency, ...]:
    out = []
    keys = {
        "id": True,
        "group": True,
        "name": True,
        "definition": False,
        "indicators": True,
        "dimension": False,
    }
    for index, item in enumerate(r.array(raw, "competencies")):
        field = f"competencies[{index}]"
        t = r.table(item, field, keys)
        if t is None:
            continue
        group = r.text(t, "group", field)
        if group and group not in COMPETENCY_GROUPS:
            r.bad(f"{field}.group", f"{group!r} must be one of {', '.join(COMPETENCY_GROUPS)}")
        indicators: list[tuple[int, str]] = []
        raw_ind = t.get("indicators", {})
        if not isinstance(raw_ind, dict):
            r.bad(f"{field}.indicators", "must be a table keyed by level number")
            raw_ind = {}
        for key, value in raw_ind.items():
            where = f"{field}.indicators.{key}"
            if not key.isdigit() or int(key) not in numbers:
                r.bad(where, f"{key!r} is not a level number ({sorted(numbers)})")
            elif not isinstance(value, str) or not value.strip():
                r.bad(where, "must be a non-empty string")
            else:
                indicators.append((int(key), value.strip()))
        if "indicators" in t and numbers and not indicators:
            r.bad(f"{field}.indicators", "must describe at least one level")
        out.append(
            Competency(
                id=r.ident(t, "id", field),
                group=group,
                name=r.text(t, "name", field),
                definition=r.text(t, "definition", field, empty=True),
                indicators=tuple(sorted(indicators)),
                dimension=r.ident(t, "dimension", field) if "dimension" in t else "",
            )
        )
    r.unique([c.id for c in out], "competencies")
    return tuple(out)


def _dimensions(r: _Reader, raw: dict[str, Any]) -> tuple[Dimension, ...]:
    out = []
    keys = {
        "id": True,
        "name": True,
        "good": True,
        "red_flags": True,
        "metrics": False,
        "evidence": False,
        "flags": False,
    }
    for index, item in enumerate(r.array(raw, "dimensions")):
        field = f"dimensions[{index}]"
        t = r.table(item, field, keys)
        if t is None:
            continue
        out.append(
            Dimension(
                id=r.ident(t, "id", field),
                name=r.text(t, "name", field),
                good=r.text(t, "good", field),
                red_flags=r.strings(t, "red_flags", field),
                metrics=r.idents(t, "metrics", field),
                evidence=r.idents(t, "evidence", field),
                flags=r.idents(t, "flags", field),
            )
        )
    r.unique([d.id for d in out], "dimensions")
    return tuple(out)


def _goal(r: _Reader, raw: Any, field: str, top: int) -> GrowthGoal:
    keys = {"target_level": True, "competencies": True, "within_months": False, "actions": False}
    t = r.table(raw, field, keys) or {}
    target = t.get("target_level", [1, 1])
    if (
        not isinstance(target, list)
        or len(target) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in target)
    ):
        r.bad(f"{field}.target_level", "must be [lowest, highest], two level numbers")
        target = [1, 1]
    low, high = target
    for value in (low, high):
        if top and not 1 <= value <= top:
            r.bad(f"{field}.target_level", f"{value} is not a level of this framework (1..{top})")
    if low > high:
        r.bad(f"{field}.target_level", f"lowest {low} is above highest {high}")
    scope = r.text(t, "competencies", field)
    if scope and scope not in GOAL_SCOPES:
        r.bad(f"{field}.competencies", f"{scope!r} must be one of {', '.join(GOAL_SCOPES)}")
    months = t.get("within_months")
    if months is not None:
        months = r.integer(months, f"{field}.within_months", low=1, high=120)
    return GrowthGoal(low, high, scope, months, r.strings(t, "actions", field))


def _developer_levels(r: _Reader, raw: dict[str, Any], top: int) -> tuple[DeveloperLevel, ...]:
    out = []
    keys = {
        "id": True,
        "name": True,
        "experience": False,
        "career_focus": False,
        "conversation": False,
        "growth_goal": True,
    }
    for index, item in enumerate(r.array(raw, "developer_levels")):
        field = f"developer_levels[{index}]"
        t = r.table(item, field, keys)
        if t is None:
            continue
        level_id = r.text(t, "id", field)
        if level_id and level_id not in DEVELOPER_LEVELS:
            r.bad(f"{field}.id", f"{level_id!r} must be one of {', '.join(DEVELOPER_LEVELS)}")
        out.append(
            DeveloperLevel(
                id=level_id,
                name=r.text(t, "name", field),
                experience=r.text(t, "experience", field, empty=True),
                career_focus=r.text(t, "career_focus", field, empty=True),
                conversation=r.strings(t, "conversation", field),
                growth_goal=_goal(r, t.get("growth_goal", {}), f"{field}.growth_goal", top),
            )
        )
    ids = [level.id for level in out]
    r.unique(ids, "developer_levels")
    missing = [level for level in DEVELOPER_LEVELS if level not in ids]
    if out and missing:
        r.bad("developer_levels", f"missing {', '.join(missing)} (every level needs a goal)")
    return tuple(out)


def _review(r: _Reader, raw: dict[str, Any]) -> ReviewRules:
    keys = {
        "monthly_checkins_months": True,
        "steady_checkin_months": True,
        "learning_weighted_months": True,
        "transition_dip_weeks": True,
        "ai_competencies_from_first_cycle_after_adoption": False,
        "learning_weighted_dimensions": False,
    }
    if "review" not in raw:  # reported as missing by the top-level check
        return ReviewRules(6, 3, 3, 2, 4, True)
    t = r.table(raw["review"], "review", keys) or {}

    def months(key: str, default: int) -> int:
        return r.integer(t.get(key, default), f"review.{key}", low=0, high=60)

    monthly = months("monthly_checkins_months", 6)
    steady = r.integer(
        t.get("steady_checkin_months", 3), "review.steady_checkin_months", low=1, high=12
    )
    learning = months("learning_weighted_months", 3)
    dip = t.get("transition_dip_weeks", [2, 4])
    if (
        not isinstance(dip, list)
        or len(dip) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 52 for v in dip)
        or dip[0] > dip[1]
    ):
        r.bad("review.transition_dip_weeks", "must be [shortest, longest] weeks, 0..52, in order")
        dip = [2, 4]
    first = t.get("ai_competencies_from_first_cycle_after_adoption", True)
    if not isinstance(first, bool):
        r.bad("review.ai_competencies_from_first_cycle_after_adoption", "must be true or false")
        first = True
    weighted = r.idents(t, "learning_weighted_dimensions", "review")
    return ReviewRules(monthly, steady, learning, dip[0], dip[1], first, weighted)


def _behaviours(r: _Reader, raw: dict[str, Any]) -> tuple[Behaviour, ...]:
    out = []
    for index, item in enumerate(r.array(raw, "recognition_behaviours")):
        field = f"recognition_behaviours[{index}]"
        keys = {"id": True, "name": True, "description": False, "dimension": False}
        t = r.table(item, field, keys)
        if t is None:
            continue
        out.append(
            Behaviour(
                r.ident(t, "id", field),
                r.text(t, "name", field),
                r.text(t, "description", field, empty=True),
                r.ident(t, "dimension", field) if "dimension" in t else "",
            )
        )
    r.unique([b.id for b in out], "recognition_behaviours")
    return tuple(out)


def _formats(r: _Reader, raw: dict[str, Any]) -> tuple[RecognitionFormat, ...]:
    out = []
    keys = {"id": True, "name": True, "frequency": False, "audience": False}
    for index, item in enumerate(r.array(raw, "recognition_formats")):
        field = f"recognition_formats[{index}]"
        t = r.table(item, field, keys)
        if t is None:
            continue
        out.append(
            RecognitionFormat(
                r.ident(t, "id", field),
                r.text(t, "name", field),
                r.text(t, "frequency", field, empty=True),
                r.text(t, "audience", field, empty=True),
            )
        )
    r.unique([f.id for f in out], "recognition_formats")
    return tuple(out)


def _references(r: _Reader, fw: Framework) -> None:
    """Every dimension named elsewhere in the file is one of the file's dimensions, so a
    renamed dimension is refused where it is still named, never silently emptied."""
    known = {d.id for d in fw.dimensions}
    if not known:
        return
    names = ", ".join(sorted(known))
    for key, items in (
        ("competencies", fw.competencies),
        ("recognition_behaviours", fw.behaviours),
    ):
        for index, item in enumerate(items):
            if item.dimension and item.dimension not in known:
                r.bad(
                    f"{key}[{index}].dimension",
                    f"{item.dimension!r} is not a dimension of this file ({names})",
                )
    for value in fw.review.learning_weighted_dimensions:
        if value not in known:
            r.bad(
                "review.learning_weighted_dimensions",
                f"{value!r} is not a dimension of this file ({names})",
            )
    owners: dict[str, str] = {}
    for index, dimension in enumerate(fw.dimensions):
        for flag in dimension.flags:
            if flag in owners:
                r.bad(f"dimensions[{index}].flags", f"{flag!r} already belongs to {owners[flag]}")
            owners[flag] = dimension.id


_SECTIONS = {
    "name": False,
    "levels": True,
    "competencies": True,
    "dimensions": True,
    "developer_levels": True,
    "review": True,
    "recognition_behaviours": True,
    "recognition_formats": True,
}


def parse_framework(raw: dict[str, Any], path: str = "<framework>") -> Framework:
    """Validate parsed TOML and build a :class:`Framework`.

    Raises:
        FrameworkError: every unusable field, each with its reason.
    """
    r = _Reader()
    r.table(raw, "", _SECTIONS)
    name = r.text(raw, "name", "") if "name" in raw else "competency framework"
    levels = _levels(r, raw)
    numbers = {level.number for level in levels}
    framework = Framework(
        name=name or "competency framework",
        path=path,
        levels=levels,
        competencies=_competencies(r, raw, numbers),
        dimensions=_dimensions(r, raw),
        developer_levels=_developer_levels(r, raw, len(levels)),
        review=_review(r, raw),
        behaviours=_behaviours(r, raw),
        formats=_formats(r, raw),
    )
    _references(r, framework)
    if r.problems:
        # A field named ".x" comes from the top-level table; show it as "x".
        raise FrameworkError(path, [(f.lstrip("."), why) for f, why in r.problems])
    return framework
