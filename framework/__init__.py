"""The competency framework as data: load and validate the framework file. Pure; no store.

The framework (competencies, levels and their indicators, evaluation dimensions, growth
goals and conversation guides by developer level, the first-year review rules,
recognition behaviours and formats) lives in one TOML file. The default is
``data/framework.toml``; an organization points teamlens at its own with
``framework_path`` in its settings or ``$TEAMLENS_FRAMEWORK``. A file that cannot be used
is refused with :class:`FrameworkError`, naming each bad field and the reason.

One module per responsibility; this package re-exports their public names:
:mod:`~framework.model` (the dataclasses), :mod:`~framework.parse` (validation) and
:mod:`~framework.files` (which file, loading, caching).
"""

from framework.files import framework, framework_path, load_framework
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
from framework.parse import parse_framework

__all__ = [
    "COMPETENCY_GROUPS",
    "DEVELOPER_LEVELS",
    "GOAL_SCOPES",
    "Behaviour",
    "Competency",
    "DeveloperLevel",
    "Dimension",
    "Framework",
    "FrameworkError",
    "GrowthGoal",
    "Level",
    "RecognitionFormat",
    "ReviewRules",
    "framework",
    "framework_path",
    "load_framework",
    "parse_framework",
]
