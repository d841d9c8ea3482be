"""Metrics layer: the declared figures that are not per-(group, period) aggregates. No SQL.

:data:`metrics.REGISTRY` declares the aggregates of METRICS.md, one value per (group,
period). The review packet and the executive summary also show figures of another shape
— per AI competency, per group of the executive view, per person and quarter, or a change
between two values. Each is declared here, in :data:`SUMMARIES`, the same way (id, title,
unit, which direction is better, a meaning) plus what one value is about (``scope``) and
the dataclass that carries it (``carrier``; the id is one of its fields, which a test
checks), so no export shows a number that is not declared. Nothing registers itself by
import.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.compare import NEAR_ZERO, POINTS_TOLERANCE, TOLERANCE, Comparison
from metrics.groups import GroupFigures
from metrics.person_review import EvidenceList, MetricHistory, PersonQuarter, ReviewWindows
from metrics.registry import METRICS, Better, Metric
from metrics.skills import GoalsOnTrack, SkillShare, SkillShares


@dataclass(frozen=True)
class Summary:
    """A declared figure that is not a per-(group, period) aggregate."""

    id: str
    title: str
    unit: str  # "count", "share", "days", or "as the metric" (a companion of another figure)
    better: Better
    meaning: str
    scope: str  # what one value is about
    carrier: type  # the dataclass (returned by a public function of metrics) holding it


SUMMARIES: tuple[Summary, ...] = (
    Summary(
        "change",
        "Change since the previous period",
        "as the metric",
        "neither",
        "A figure now minus the same figure in the previous period (a quarter, on the "
        "executive summary), in the figure's own unit; no change when either side has no "
        "value.",
        "any figure, two periods",
        Comparison,
    ),
    Summary(
        "direction",
        "Direction of a change",
        "improved, worsened, unchanged or no comparison",
        "neither",
        f"Whether a change went the figure's better way. Within {TOLERANCE:.0%} of the "
        f"earlier value (or {NEAR_ZERO} for values near 0) it is unchanged; a percentage "
        f"is unchanged within {POINTS_TOLERANCE * 100:.0f} percentage point (its change "
        "taken to 0.1 point); a figure with no better side goes up or down.",
        "any figure, two periods",
        Comparison,
    ),
    Summary(
        "group_people",
        "Group size",
        "count",
        "neither",
        "Members of a team on the as-of date (people, not bots; no team: Unassigned). A "
        "team smaller than settings.small_group_min_people is merged into Other.",
        "group of the executive view",
        GroupFigures,
    ),
    Summary(
        "group_authors",
        "Authors behind a group's figures",
        "count",
        "neither",
        "Distinct authors of the group's PRs merged in the period. A group is shown on its "
        "own only when they are at least settings.small_group_min_people (or none), so a "
        "padded group cannot expose a few people's figures.",
        "group of the executive view, period",
        GroupFigures,
    ),
    Summary(
        "level_2_share",
        "Share at level 2 or above",
        "share",
        "higher",
        "Of the engineers assessed in a competency, the share whose level in force (the "
        "latest assessment; a manager's wins on the same day) is 2 or above. Unassessed "
        "engineers are not counted as level 0.",
        "AI competency, as of an instant",
        SkillShare,
    ),
    Summary(
        "level_3_share",
        "Share at level 3 or above",
        "share",
        "higher",
        "Of the engineers assessed in a competency, the share whose level in force is 3 or above.",
        "AI competency, as of an instant",
        SkillShare,
    ),
    Summary(
        "assessed_people",
        "Engineers assessed",
        "count",
        "neither",
        "Engineers with a level in force in the competency: what its shares rest on.",
        "AI competency, as of an instant",
        SkillShare,
    ),
    Summary(
        "engineers",
        "Engineers",
        "count",
        "neither",
        "People (not bots) in the store on the as-of date, with or without a team.",
        "organization, as of an instant",
        SkillShares,
    ),
    Summary(
        "assessed_people_max",
        "Engineers assessed, at most",
        "count",
        "neither",
        "The most engineers assessed in any one AI competency: the coverage of the pooled "
        "level-2 share.",
        "organization, as of an instant",
        SkillShares,
    ),
    Summary(
        "ai_level_2_share",
        "AI competencies at level 2+ (share of assessments)",
        "share",
        "higher",
        "Of every level in force in an AI-augmented competency (one per engineer and "
        "competency), the share at level 2 or above: the organization's skill growth in "
        "one number.",
        "organization, as of an instant",
        SkillShares,
    ),
    Summary(
        "ai_skills_compared",
        "AI competencies compared",
        "count",
        "neither",
        "AI competencies with a level-2 share both now and at the earlier instant.",
        "organization, two instants",
        SkillShares,
    ),
    Summary(
        "ai_skills_rising",
        "AI competencies rising",
        "count",
        "higher",
        "Of the AI competencies compared, those whose level-2 share is higher now than "
        "at the earlier instant.",
        "organization, two instants",
        SkillShares,
    ),
    Summary(
        "growth_goals_on_track",
        "Growth goals on track (met or within deadline)",
        "share",
        "higher",
        "Of the engineers with a developer level (so a growth goal), the share whose goal "
        "is met, or started and not past its deadline.",
        "organization, as of an instant",
        GoalsOnTrack,
    ),
    Summary(
        "on_track_people",
        "Engineers on track",
        "count",
        "neither",
        "Engineers whose growth goal is met or in progress.",
        "organization, as of an instant",
        GoalsOnTrack,
    ),
    Summary(
        "goal_people",
        "Engineers with a growth goal",
        "count",
        "neither",
        "Engineers with a developer level on record: what the on-track share rests on.",
        "organization, as of an instant",
        GoalsOnTrack,
    ),
    Summary(
        "team_median",
        "Team median",
        "as the metric",
        "neither",
        "The median of a person's metric over the members of their team (on the as-of "
        "date) who have a value in the period, the person included: context, never a "
        "ranking.",
        "person, period",
        MetricHistory,
    ),
    Summary(
        "team_people",
        "Members behind the team median",
        "count",
        "neither",
        "How many of the team's members had a value in the period.",
        "person, period",
        MetricHistory,
    ),
    Summary(
        "evidence_more",
        "Further evidence",
        "count",
        "neither",
        "How many more of the person's PRs (or defects) of the quarter stand behind a kind "
        "of evidence than the packet lists by name.",
        "person, quarter, kind of evidence",
        EvidenceList,
    ),
    Summary(
        "team_flags_elsewhere",
        "Team red flags not involving the person",
        "count",
        "neither",
        "Red flags of the person's team in the quarter that none of the person's PRs of the "
        "quarter meets (read from all of them, not from the flag's shortened evidence list); "
        "flags on the team's AI-assisted code are team-only and not counted.",
        "person, quarter",
        PersonQuarter,
    ),
    Summary(
        "goal_competencies",
        "Competencies of the growth goal",
        "count",
        "neither",
        "The competencies the person's growth goal applies to (by their developer level).",
        "person, as of an instant",
        PersonQuarter,
    ),
    Summary(
        "goal_competencies_reached",
        "Competencies at the goal",
        "count",
        "higher",
        "Of the growth goal's competencies, those where the person's level in force is "
        "at the goal's lower target or above.",
        "person, as of an instant",
        PersonQuarter,
    ),
    Summary(
        "learning_weighted_days",
        "Learning-weighted days of the quarter",
        "days",
        "neither",
        "Days of the quarter inside the person's learning-weighted window after adoption "
        "(growth weighs more than output); when they are at least half of the quarter, the "
        "packet puts Growth and Judgment first.",
        "person, quarter",
        ReviewWindows,
    ),
    Summary(
        "quarter_days",
        "Days of the quarter",
        "days",
        "neither",
        "Calendar days of the quarter, first and last included.",
        "quarter",
        ReviewWindows,
    ),
)

SUMMARY_BY_ID: dict[str, Summary] = {s.id: s for s in SUMMARIES}


def definition(figure_id: str) -> Metric | Summary:
    """The declaration of a figure: a registered metric, or a declared summary.

    Raises:
        KeyError: an id declared nowhere.
    """
    if figure_id in METRICS:
        return METRICS[figure_id]
    return SUMMARY_BY_ID[figure_id]
