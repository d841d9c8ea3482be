"""The framework file: the defaults follow the seed, and every kind of bad file is refused
with the field and the reason."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

import framework as fw_module
from framework import FrameworkError, load_framework, parse_framework
from settings import InputError

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "framework.toml"


@pytest.fixture
def raw() -> dict:
    with DEFAULT.open("rb") as handle:
        return tomllib.load(handle)


def refused(raw: dict) -> list[tuple[str, str]]:
    with pytest.raises(FrameworkError) as info:
        parse_framework(raw, "org.toml")
    assert isinstance(info.value, InputError)
    assert "org.toml" in str(info.value)
    return info.value.problems


def fields(problems: list[tuple[str, str]]) -> list[str]:
    return [field for field, _ in problems]


# --- the defaults ---------------------------------------------------------------------


def test_default_framework_has_the_seed_competencies_and_levels():
    fw = load_framework(DEFAULT)
    assert [c.id for c in fw.competencies if c.group == "core"] == [
        "software_design",
        "data_structures_algorithms",
        "testing_quality",
        "debugging",
        "domain_knowledge",
    ]
    assert [c.id for c in fw.competencies if c.group == "ai"] == [
        "prompt_effectiveness",
        "ai_output_evaluation",
        "workflow_integration",
        "security_vigilance",
        "knowledge_sharing",
        "tool_adaptability",
    ]
    assert [fw.level_name(n) for n in fw.level_numbers] == [
        "1 Beginner",
        "2 Proficient",
        "3 Advanced",
        "4 Expert",
    ]
    # the seed's beginner / proficient / expert indicators sit on levels 1, 2 and 4
    prompt = fw.competency("prompt_effectiveness")
    assert prompt.indicator(1) == "Simple prompts, high iteration count"
    assert prompt.indicator(2) == "Structured prompts, 1-2 iterations"
    assert prompt.indicator(4) == "Template-quality prompts, first-attempt success"
    assert prompt.indicator(3)  # teamlens's own bridge
    assert all(len(c.indicators) == 4 for c in fw.competencies)


def test_default_framework_dimensions_goals_rules_and_recognition():
    fw = load_framework(DEFAULT)
    assert [d.id for d in fw.dimensions] == [
        "code_quality",
        "productivity",
        "judgment",
        "collaboration",
        "growth",
        "responsibility",
    ]
    assert all(d.good and d.red_flags for d in fw.dimensions)
    goals = {level.id: level.growth_goal for level in fw.developer_levels}
    assert (goals["junior"].target_min, goals["junior"].target_max) == (2, 2)
    assert goals["junior"].within_months == 6
    assert (goals["mid"].target_min, goals["mid"].target_max) == (3, 3)
    assert "Lead AI code review sessions" in goals["mid"].actions
    assert (goals["senior"].target_min, goals["senior"].target_max) == (3, 4)
    assert "Define team AI practices" in goals["senior"].actions
    assert (goals["staff"].target_min, goals["staff"].target_max) == (4, 4)
    assert all(level.conversation for level in fw.developer_levels)
    rules = fw.review
    assert (rules.monthly_checkins_months, rules.steady_checkin_months) == (6, 3)
    assert rules.learning_weighted_months == 3
    assert (rules.dip_weeks_min, rules.dip_weeks_max) == (2, 4)
    assert rules.ai_competencies_from_first_cycle is True
    assert [b.id for b in fw.behaviours] == [
        "quality_catch",
        "knowledge_multiplication",
        "honest_limitation_discovery",
        "effective_mentoring",
        "process_improvement",
    ]
    assert [f.id for f in fw.formats] == [
        "standup_verbal",
        "team_channel_written",
        "performance_review",
        "org_award_nomination",
        "conference_sponsorship",
    ]
    assert fw.format("performance_review").frequency == "Quarterly"


def test_an_organization_points_teamlens_at_its_own_file(tmp_path, monkeypatch):
    own = tmp_path / "ladder.toml"
    text = DEFAULT.read_text().replace('name = "Expert"', 'name = "Principal"')
    own.write_text(text)
    monkeypatch.setenv("TEAMLENS_FRAMEWORK", str(own))
    assert fw_module.framework_path() == own
    assert fw_module.framework().level_name(4) == "4 Principal"


def test_a_five_level_ladder_is_accepted(raw):
    raw["levels"].append({"number": 5, "name": "Distinguished"})
    raw["developer_levels"][3]["growth_goal"]["target_level"] = [5, 5]
    fw = parse_framework(raw)
    assert fw.level_numbers == (1, 2, 3, 4, 5)


# --- every kind of bad file -----------------------------------------------------------


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(FrameworkError, match=r"nowhere\.toml refused: file: does not exist"):
        load_framework(tmp_path / "nowhere.toml")


def test_file_that_is_not_toml_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("levels = [\n")
    with pytest.raises(FrameworkError, match=r"file: not valid TOML"):
        load_framework(bad)


def test_unknown_top_level_field(raw):
    raw["competences"] = []
    assert refused(raw) == [("competences", "unknown field")]


def test_missing_section(raw):
    del raw["review"]
    assert refused(raw) == [("review", "missing")]


def test_missing_required_field(raw):
    del raw["competencies"][2]["name"]
    assert refused(raw) == [("competencies[2].name", "missing")]


def test_wrong_type(raw):
    raw["developer_levels"][0]["growth_goal"]["within_months"] = "six"
    assert refused(raw) == [
        ("developer_levels[0].growth_goal.within_months", "must be a whole number")
    ]


def test_levels_with_a_gap(raw):
    raw["levels"][3]["number"] = 5
    problems = refused(raw)
    assert problems[0][0] == "levels"
    assert "without gaps" in problems[0][1]


def test_indicator_for_a_level_that_does_not_exist(raw):
    raw["competencies"][0]["indicators"]["7"] = "Walks on water"
    assert fields(refused(raw)) == ["competencies[0].indicators.7"]


def test_duplicate_competency_id(raw):
    raw["competencies"][1]["id"] = "software_design"
    problems = refused(raw)
    assert problems == [("competencies[1].id", "duplicate id 'software_design'")]


def test_competency_id_that_is_not_an_identifier(raw):
    raw["competencies"][0]["id"] = "Software Design"
    assert fields(refused(raw)) == ["competencies[0].id"]


def test_unknown_competency_group(raw):
    raw["competencies"][0]["group"] = "soft"
    problems = refused(raw)
    assert problems[0][0] == "competencies[0].group"
    assert "core, ai" in problems[0][1]


def test_unknown_developer_level(raw):
    raw["developer_levels"][0]["id"] = "intern"
    problems = refused(raw)
    assert fields(problems) == ["developer_levels[0].id", "developer_levels"]
    assert "missing junior" in problems[1][1]


def test_growth_goal_outside_the_ladder(raw):
    raw["developer_levels"][3]["growth_goal"]["target_level"] = [4, 6]
    problems = refused(raw)
    assert problems == [
        (
            "developer_levels[3].growth_goal.target_level",
            "6 is not a level of this framework (1..4)",
        )
    ]


def test_growth_goal_range_upside_down(raw):
    raw["developer_levels"][2]["growth_goal"]["target_level"] = [4, 3]
    assert refused(raw) == [
        ("developer_levels[2].growth_goal.target_level", "lowest 4 is above highest 3")
    ]


def test_bad_transition_window(raw):
    raw["review"]["transition_dip_weeks"] = [4, 2]
    assert fields(refused(raw)) == ["review.transition_dip_weeks"]


def test_empty_name(raw):
    raw["recognition_behaviours"][0]["name"] = "  "
    assert refused(raw) == [("recognition_behaviours[0].name", "must not be empty")]


def test_every_problem_is_listed_not_just_the_first(raw):
    bad = copy.deepcopy(raw)
    bad["levels"][0]["number"] = "one"
    bad["dimensions"][0]["red_flags"] = "many"
    bad["recognition_formats"][1]["id"] = "standup_verbal"
    problems = refused(bad)
    assert set(fields(problems)) >= {
        "levels[0].number",
        "dimensions[0].red_flags",
        "recognition_formats[1].id",
    }
