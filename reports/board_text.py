"""Reports layer: the executive summary's sentences — narrative, notes on groups, method.

Every sentence restates figures already computed (no cause, no forecast, no claim beyond
them); thresholds are quoted from where they live. Part of :mod:`reports.board`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metrics import compare, groups, skills
from reports import traceability
from reports.document import Tile
from reports.format import count_text, value_text
from reports.quarters import QuarterShown
from settings import Settings, settings


def method_notes(config: Settings | None = None) -> tuple[str, ...]:
    """How to read the summary; the thresholds it quotes are read from where they live."""
    least = (config or settings()).small_group_min_people
    return (
        "QACT (quality-adjusted cycle time) is the time from first commit to merge plus the "
        "time spent fixing or reverting that change: speed the team paid for later is not "
        "rewarded.",
        "Quality tax: extra delivery time spent on rework (0% = none), in two parts — the "
        "follow-up PRs that fixed or reverted a change, and the time defects with no fix "
        "have been waiting. A few long-open defects can make most of it.",
        f"Direction compares with the previous quarter: {compare.tolerance_rule()}.",
        f"Groups only: no individual appears, no group of fewer than {least} people is "
        "shown, and none can be worked out from the others and the total.",
        "Not measured, by design: lines of code, AI usage frequency, AI suggestions "
        "accepted, speed of AI-assisted tasks, AI users versus non-users.",
    )


def coverage_text(row: Mapping[str, Any]) -> str:
    """What the delivery figures rest on, said once for all of them."""
    if not row:
        return "No merged change this quarter."
    text = f"Delivery figures rest on {count_text(int(row.get('n_prs') or 0), 'merged change')}"
    defects = int(row.get("n_defects") or 0)
    if defects:
        rate = row.get("defect_attribution_rate")
        traced = (
            f", {value_text(rate, 'share')} of them traced to the change that caused them"
            if rate is not None
            else ""
        )
        text += f" and {count_text(defects, 'defect')} reported{traced}"
    text += "."
    if by_method := traceability.coverage_words(row):
        text += f" {by_method}"
    if not traceability.is_traceable(row):
        # said once for every tile marked "not traceable": why, and how to fix it
        text += (
            " Too few traced to read the figures resting on them: connect the git clone "
            "(teamlens ingest git) or link tracker keys."
        )
    if row.get("is_low_data"):
        text += " That is too little data to read much into."
    return text


@dataclass(frozen=True)
class Moves:
    """The figures' tiles and comparisons, as the narrative reads them."""

    tiles: Mapping[str, Tile]
    moves: Mapping[str, compare.Comparison]
    previous: str  # the previous quarter's label

    def shown(self, figure_id: str) -> str:
        return self.tiles[figure_id].value

    def moved(self, figure_id: str, *, named: bool = False) -> str:
        """'worsened from 7%' ('… in 2026Q2' when ``named``)."""
        tile, direction = self.tiles[figure_id], self.moves[figure_id].direction
        where = f" in {self.previous}" if named else ""
        if direction in ("improved", "worsened", "unchanged"):
            return f"{direction} from {tile.previous}{where}"
        if tile.previous == traceability.NOT_TRACEABLE:
            return f"not traceable in {self.previous}"
        return f"no {self.previous} figure to compare"

    def is_traced(self, figure_id: str) -> bool:
        return self.tiles[figure_id].value != traceability.NOT_TRACEABLE


def narrative(figures: Moves, now: Mapping[str, Any], shown: QuarterShown) -> list[str]:
    """Delivery, quality and review health in sentences that restate the figures: no cause,
    no forecast, no claim beyond them."""
    label = shown.quarter.label
    out = [f"{label} is still running: figures from {shown.span} only."] if shown.is_partial else []
    if not now:
        return [*out, f"No change was merged in {label}: there are no delivery figures."]
    f = figures
    merged = count_text(int(now.get("merged_prs") or 0), "change")
    if f.is_traced("qact_p50_h"):
        out += [
            f"{merged} merged in {label}. A typical change took {f.shown('qact_p50_h')} to "
            f"deliver correctly, rework included (QACT median; "
            f"{f.moved('qact_p50_h', named=True)}).",
            _tax_sentence(f, now),
            f"Change failure rate {f.shown('change_failure_rate')} "
            f"({f.moved('change_failure_rate')}); defects per change "
            f"{f.shown('defect_rate')} ({f.moved('defect_rate')}).",
        ]
    else:
        # never a 0 where the defects could not be traced: say why, and how to fix it
        out += [
            f"{merged} merged in {label}; a typical change took "
            f"{value_text(now.get('cycle_time_p50_h'), 'hours')} from first commit to merge "
            "(cycle time median).",
            traceability.notice(now, label),
        ]
    out += [
        f"{f.shown('unreviewed_merge_rate')} of changes merged without review "
        f"({f.moved('unreviewed_merge_rate')}); {f.shown('rubber_stamp_rate')} of reviewed "
        f"changes rubber-stamped ({f.moved('rubber_stamp_rate')}).",
    ]
    if now.get("is_low_data"):
        out.append("The delivery figures rest on few changes this quarter; read them with care.")
    rate = now.get("defect_attribution_rate")
    if rate is not None and rate < 1 and f.is_traced("qact_p50_h"):
        out.append(
            f"{value_text(rate, 'share')} of the quarter's defects were traced to the change "
            "that caused them; the rest are not in the defect rate."
        )
    return out


def skill_sentences(
    shares: skills.SkillShares, goals: skills.GoalsOnTrack, previous: str
) -> list[str]:
    """Skill growth and growth goals, restated."""
    out = []
    if shares.ai_level_2_share is not None:
        text = (
            f"{value_text(shares.ai_level_2_share, 'share')} of AI-competency assessments "
            "stand at level 2 or above"
        )
        if shares.ai_skills_compared:
            text += (
                f"; the share rose in {shares.ai_skills_rising} of "
                f"{shares.ai_skills_compared} competencies since {previous}"
            )
        out.append(text + ".")
    else:
        out.append("No engineer has been assessed in an AI-augmented competency yet.")
    if goals.goal_people:
        out.append(
            f"{goals.on_track_people} of {count_text(goals.goal_people, 'engineer')} with a "
            f"growth goal are on track ({value_text(goals.growth_goals_on_track, 'share')})."
        )
    return out


def _tax_sentence(f: Moves, now: Mapping[str, Any]) -> str:
    text = f"Rework added {f.shown('quality_tax')} to delivery time ({f.moved('quality_tax')})"
    follow, waiting = now.get("quality_tax_follow_up"), now.get("quality_tax_open_defects")
    if follow is None or waiting is None:
        return text + "."
    text += (
        f": {value_text(follow, 'ratio')} in fixes and reverts, "
        f"{value_text(waiting, 'ratio')} in defects still without a fix"
    )
    if waiting > follow:
        text += ", so most of it is defects waiting for repair"
    return text + "."


def group_note(shown: groups.ShownGroups) -> str:
    """How the groups were chosen so that no small group can be seen or worked out."""
    least = shown.min_people
    if not shown.is_org_shown:
        return (
            f"The organization has {count_text(shown.org_people, 'person', 'people')} "
            f"({count_text(shown.org_authors, 'author')} this quarter), fewer than {least}: "
            "no figure is shown, so no one's work can be read from it."
        )
    rule = (
        f"Teams with fewer than {least} people (or whose figures rest on fewer than {least} "
        "authors)"
    )
    if shown.other_shown and shown.beyond:
        n = len(shown.rows) - 1
        largest = "The largest team is" if n == 1 else f"The {n} largest teams are"
        text = (
            f"{largest} shown on {'its' if n == 1 else 'their'} own (by headcount); the other "
            f"{count_text(len(shown.beyond) + shown.small_groups, 'team')} are merged into "
            f'"{groups.OTHER}" (a summary cannot list every team; {rule.lower()} would be '
            "merged in any case)"
        )
        return text + "."
    if shown.other_shown:
        text = f'{rule} are merged into "{groups.OTHER}"'
        if shown.folded:
            text += (
                f"; {', '.join(shown.folded)} "
                f"{'is' if len(shown.folded) == 1 else 'are'} merged in too, so that no small "
                "team's figures can be worked out from the organization's total"
            )
        return text + "."
    if shown.small_groups:
        return (
            f"{rule} cannot be shown, even merged, without letting their figures be worked "
            "out from the organization's total: no group is shown, only the organization."
        )
    return f"Every team has at least {least} people."
