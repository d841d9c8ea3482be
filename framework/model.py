"""The competency framework as data: its validated model (frozen dataclasses). Pure; no store."""

from __future__ import annotations

from dataclasses import dataclass

from settings import InputError

DEVELOPER_LEVELS: tuple[str, ...] = ("junior", "mid", "senior", "staff")
COMPETENCY_GROUPS: tuple[str, ...] = ("core", "ai")
GOAL_SCOPES: tuple[str, ...] = ("ai", "core", "all")


class FrameworkError(InputError, ValueError):
    """A framework file that cannot be used. ``problems`` holds (field, reason) pairs."""

    def __init__(self, file: str, problems: list[tuple[str, str]]):
        self.file = file
        self.problems = problems
        shown = "; ".join(f"{field}: {reason}" for field, reason in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"framework file {file} refused: {shown}{more}")


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    summary: str


@dataclass(frozen=True)
class Competency:
    id: str
    group: str  # core | ai
    name: str
    definition: str
    indicators: tuple[tuple[int, str], ...]  # (level number, what that level looks like)
    dimension: str = ""  # the evaluation dimension its assessments are evidence of ('': none)

    def indicator(self, level: int) -> str:
        """What ``level`` looks like for this competency ('' when the file says nothing)."""
        return dict(self.indicators).get(level, "")


@dataclass(frozen=True)
class Dimension:
    """An evaluation dimension, and which evidence of the data informs it in a review."""

    id: str
    name: str
    good: str
    red_flags: tuple[str, ...]
    metrics: tuple[str, ...] = ()  # registered metric ids shown beside the team median
    evidence: tuple[str, ...] = ()  # kinds of PR / defect evidence listed by name
    flags: tuple[str, ...] = ()  # the red-flag rules (kinds) that belong to it


@dataclass(frozen=True)
class GrowthGoal:
    target_min: int
    target_max: int
    competencies: str  # ai | core | all
    within_months: int | None  # None: the framework sets no deadline
    actions: tuple[str, ...]


@dataclass(frozen=True)
class DeveloperLevel:
    id: str  # junior | mid | senior | staff
    name: str
    experience: str
    career_focus: str
    conversation: tuple[str, ...]
    growth_goal: GrowthGoal


@dataclass(frozen=True)
class ReviewRules:
    monthly_checkins_months: int
    steady_checkin_months: int
    learning_weighted_months: int
    dip_weeks_min: int
    dip_weeks_max: int
    ai_competencies_from_first_cycle: bool
    # the dimensions put first, and weighted higher, while growth counts for more than output
    learning_weighted_dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Behaviour:
    id: str
    name: str
    description: str
    dimension: str = ""  # the evaluation dimension its recognitions are evidence of


@dataclass(frozen=True)
class RecognitionFormat:
    id: str
    name: str
    frequency: str
    audience: str


@dataclass(frozen=True)
class Framework:
    """A validated framework. Every sequence keeps the file's order."""

    name: str
    path: str
    levels: tuple[Level, ...]
    competencies: tuple[Competency, ...]
    dimensions: tuple[Dimension, ...]
    developer_levels: tuple[DeveloperLevel, ...]
    review: ReviewRules
    behaviours: tuple[Behaviour, ...]
    formats: tuple[RecognitionFormat, ...]

    @property
    def level_numbers(self) -> tuple[int, ...]:
        return tuple(level.number for level in self.levels)

    @property
    def competency_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.competencies)

    def level_name(self, number: int) -> str:
        """'2 Proficient' style label of a competency level."""
        for level in self.levels:
            if level.number == number:
                return f"{level.number} {level.name}"
        return str(number)

    def competency(self, competency_id: str) -> Competency:
        for competency in self.competencies:
            if competency.id == competency_id:
                return competency
        raise KeyError(competency_id)

    def developer_level(self, level_id: str) -> DeveloperLevel:
        for level in self.developer_levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def goal_competencies(self, goal: GrowthGoal) -> tuple[str, ...]:
        """The competency ids a growth goal's target level applies to."""
        if goal.competencies == "all":
            return self.competency_ids
        return tuple(c.id for c in self.competencies if c.group == goal.competencies)

    def behaviour(self, behaviour_id: str) -> Behaviour:
        for behaviour in self.behaviours:
            if behaviour.id == behaviour_id:
                return behaviour
        raise KeyError(behaviour_id)

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def format(self, format_id: str) -> RecognitionFormat:
        for fmt in self.formats:
            if fmt.id == format_id:
                return fmt
        raise KeyError(format_id)
