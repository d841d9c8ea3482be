"""Metrics layer: the framework's red flags, computed from data, each with its evidence. Read-only.

One set per evaluation dimension the data can read (seed framework, "Evaluation
Criteria"): Code Quality, Productivity, Responsibility. Judgment, Collaboration and Growth
cannot be read from pull requests: :func:`unreadable_dimensions` says so and points to the
competency assessments. Inside a team's first weeks after its AI adoption date a
productivity drop is the expected transition dip: it is reported as such
(``is_transition_dip``), never as a red flag. Flags are about teams and code, never a
ranking of people: they come ordered by dimension, team and period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from framework import Framework, ReviewRules
from framework import framework as load_framework
from metrics import sqlfiles
from metrics.aggregates import PERIODS, aggregates_on, check_choice
from metrics.attribution import blank_untraceable
from metrics.calendar import next_period_start, previous_period_start
from metrics.competency.phases import transition_end
from metrics.facts import parse_as_of, remembered, snapshot
from settings import Settings, settings
from store import DbPath, ReadSession, read_connection

DIMENSIONS = ("Code Quality", "Productivity", "Responsibility")
# The thresholds of the flags are settings (``settings.Settings.flag_*`` and ``min_prs``),
# quoted by :mod:`metrics.flag_rules`; the transition window is the framework file's.
BASELINE_PERIODS = 3  # after the transition: compared with up to this many periods before
MAX_EVIDENCE = 12  # evidence items listed per flag (the rest are counted)


@dataclass(frozen=True)
class Evidence:
    """A PR or defect behind a flag (title is untrusted text: show it as text)."""

    kind: str  # "pr" | "defect"
    id: str
    title: str
    url: str | None
    note: str = ""


@dataclass(frozen=True)
class RedFlag:
    """One red flag (or, with ``is_transition_dip``, an expected transition dip)."""

    dimension: str
    kind: str
    group: str
    period: str
    title: str
    sentence: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    n_evidence: int = 0  # evidence items in all (the list holds at most MAX_EVIDENCE)
    is_transition_dip: bool = False


def unreadable_dimensions() -> list[tuple[str, str]]:
    """The evaluation dimensions this data cannot read, each with where to look instead."""
    where = (
        "Pull requests and defects cannot show it; read it from the competency assessments "
        "(Competencies page) and from 1:1 conversations."
    )
    return [
        ("Judgment", f"Knowing when to use AI and when to code by hand. {where}"),
        ("Collaboration", f"Sharing AI knowledge and helping others improve. {where}"),
        ("Growth", f"Progress on the competency matrix. {where}"),
    ]


def _pct(x: float) -> str:
    return f"{x:.0%}"


class _Evidence:
    """The evidence PRs by (team, period, kind): at most MAX_EVIDENCE each (as records), with
    the count of all of them."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.parts: dict[tuple[str, str, str], list[dict]] = {}
        for record in frame.to_dict("records"):
            key = (record["team"], record["period"], record["kind"])
            self.parts.setdefault(key, []).append(record)
        self.team = ""

    def rows(self, period: str, kind: str) -> list[dict]:
        return self.parts.get((self.team, period, kind), [])

    def count(self, period: str, kind: str) -> int:
        part = self.rows(period, kind)
        return int(part[0]["n_kind"]) if part else 0


def _pr_evidence(
    rows: list[dict], n: int, note_of=None, *, with_defects: bool = False
) -> tuple[tuple[Evidence, ...], int]:
    """Evidence items for up to MAX_EVIDENCE PRs (and, if asked, the defects attributed to
    each, linked, right after it); ``n`` is how many PRs stand behind the flag in all."""
    items = []
    for row in rows[:MAX_EVIDENCE]:
        note = note_of(row) if note_of else ""
        items.append(
            Evidence("pr", row["pr_id"], str(row["title"] or ""), row["url"] or None, note)
        )
        if with_defects:
            for defect_id, title, url in zip(
                row["defect_ids"], row["defect_titles"], row["defect_urls"], strict=True
            ):
                items.append(
                    Evidence("defect", defect_id, str(title), url or None, f"in {row['pr_id']}")
                )
    return tuple(items), n


def _defect_note(row: dict) -> str:
    ids = list(row["defect_ids"])
    return "defects: " + ", ".join(ids) if ids else "reverted"


def red_flags(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    period: str = "month",
    teams: Iterable[str] | None = None,
    *,
    since: date | None = None,
    config: Settings | None = None,
    fw: Framework | None = None,
) -> list[RedFlag]:
    """The red flags of each team and period up to ``as_of`` (periods from ``since``).

    Returns:
        Flags ordered by dimension (Code Quality, Productivity, Responsibility), team,
        period; transition dips are included with ``is_transition_dip=True``.
    """
    check_choice(period, PERIODS, "period")
    config = config or settings()
    with snapshot(db, parse_as_of(as_of), config) as session:
        return flags_on(session, period, teams, since=since, config=config, fw=fw)


def _evidence(session: ReadSession, period: str, teams: tuple[str, ...]) -> pd.DataFrame:
    """The evidence PRs of ``teams`` (empty: every team), filtered in SQL and remembered
    per session: a page shows a dozen teams at a time, of hundreds at a million PRs."""

    def make() -> pd.DataFrame:
        with read_connection(session) as conn:
            return sqlfiles.frame(
                conn,
                "flag_evidence",
                {"period": period, "teams": list(teams), "max_evidence": MAX_EVIDENCE},
            )

    return remembered(session, ("flag_evidence", period, MAX_EVIDENCE, teams), make)


def flags_on(
    session: ReadSession,
    period: str,
    teams: Iterable[str] | None,
    *,
    since: date | None,
    config: Settings,
    fw: Framework | None = None,
    rows: pd.DataFrame | None = None,
) -> list[RedFlag]:
    """:func:`red_flags` from the fact tables already built on ``session``.

    Args:
        rows: the by-team aggregates of ``period`` for ``teams`` when the caller has them
            (:func:`metrics.aggregates.aggregates_on`): not computed a second time.
    """
    rules = (fw or load_framework()).review
    chosen = tuple(teams or ())
    if rows is None:
        rows = aggregates_on(session, period=period, by="team", teams=chosen, config=config)
    # a period whose defects are mostly untraced raises no flag on its defect figures
    rows = blank_untraceable(rows)
    evidence = _evidence(session, period, tuple(sorted(set(chosen))))
    with read_connection(session) as conn:
        adoption = dict(conn.execute("select team, ai_adoption_date from teams").fetchall())
    ev = _Evidence(evidence)
    rows["period_start"] = pd.to_datetime(rows["period_start"]).dt.date
    flags: list[RedFlag] = []
    for team, team_rows in rows.groupby("group", sort=True):
        by_start = {r.period_start: r for r in team_rows.itertuples(index=False)}
        ev.team = team
        for start in sorted(by_start):
            row = by_start[start]
            if since is not None and next_period_start(start, period) <= since:
                continue
            prev = by_start.get(previous_period_start(start, period))
            flags.extend(_code_quality(team, row, prev, ev, config))
            flags.extend(
                _productivity(team, row, by_start, ev, period, adoption.get(team), config, rules)
            )
            flags.extend(_responsibility(team, row, ev, config))
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    flags.sort(key=lambda f: (order[f.dimension], f.group, f.period, f.kind))
    return flags


def _code_quality(team, row, prev, ev: _Evidence, config: Settings) -> list[RedFlag]:
    out = []
    if (
        prev is not None
        and pd.notna(row.ai_defect_rate)
        and pd.notna(prev.ai_defect_rate)
        and row.ai_defect_rate > row.defect_rate
        and prev.ai_defect_rate > prev.defect_rate
    ):
        both = ev.rows(prev.period, "ai_failed") + ev.rows(row.period, "ai_failed")
        n = ev.count(prev.period, "ai_failed") + ev.count(row.period, "ai_failed")
        items, n = _pr_evidence(both, n, _defect_note, with_defects=True)
        out.append(
            RedFlag(
                "Code Quality",
                "ai_defect_rate_above_team",
                team,
                row.period,
                "AI-assisted code has more defects than the team's own, two periods running",
                f"In {prev.period} and {row.period}, AI-assisted PRs of {team} had "
                f"{prev.ai_defect_rate:.2f} and {row.ai_defect_rate:.2f} defects per PR, "
                f"above the team's own {prev.defect_rate:.2f} and {row.defect_rate:.2f}: "
                "look at how AI output is reviewed and tested before merge.",
                items,
                n,
            )
        )
    n_stamped = ev.count(row.period, "rubber_stamp")
    reviewed = row.n_reviewed_prs
    if (
        reviewed >= config.min_prs
        and n_stamped >= config.flag_rubber_stamp_min
        and pd.notna(row.rubber_stamp_rate)
        and row.rubber_stamp_rate >= config.flag_rubber_stamp_rate
    ):
        items, n = _pr_evidence(ev.rows(row.period, "rubber_stamp"), n_stamped)
        ai_note = ""
        if pd.notna(row.ai_rubber_stamp_rate):
            ai_note = f" For AI-assisted PRs the rate was {_pct(row.ai_rubber_stamp_rate)}."
        out.append(
            RedFlag(
                "Code Quality",
                "rubber_stamping",
                team,
                row.period,
                "Large changes approved without a word",
                f"{n_stamped} of {reviewed} reviewed PRs of {team} in {row.period} "
                f"({_pct(row.rubber_stamp_rate)}) were large changes approved within minutes "
                f"with no comment and no change request.{ai_note}",
                items,
                n,
            )
        )
    return out


def _in_transition(start: date, end: date, adopted: date | None, rules: ReviewRules) -> bool:
    if adopted is None:
        return False
    return start < transition_end(adopted, rules) and adopted < end


def _baseline(
    by_start: dict, start: date, period: str, adopted: date | None, config: Settings, rules
):
    """What a period's volume and quality are compared with, and how to name it.

    After a team's transition window: its last (up to ``BASELINE_PERIODS``) periods wholly
    before its AI adoption date, pooled, so a gradual slide shows; otherwise the previous
    period.
    """
    if adopted is not None and start >= transition_end(adopted, rules):
        before = [
            by_start[s]
            for s in sorted(by_start)
            if next_period_start(s, period) <= adopted and by_start[s].merged_prs > 0
        ][-BASELINE_PERIODS:]
        if not before:
            return None
        n_prs = sum(r.merged_prs for r in before)
        if n_prs < config.min_prs:
            return None
        defects = sum(r.defect_rate * r.merged_prs for r in before)
        qacts = [r.qact_p50_h for r in before if pd.notna(r.qact_p50_h)]
        label = f"before AI adoption ({before[0].period} to {before[-1].period})"
        return (
            n_prs / len(before),
            defects / n_prs,
            sum(qacts) / len(qacts) if qacts else float("nan"),
            label,
        )
    prev = by_start.get(previous_period_start(start, period))
    if prev is None or prev.merged_prs < config.min_prs:
        return None
    return (prev.merged_prs, prev.defect_rate, prev.qact_p50_h, f"in {prev.period}")


def _productivity(team, row, by_start, ev, period, adopted, config, rules) -> list[RedFlag]:
    if row.merged_prs < config.min_prs:
        return []
    end = next_period_start(row.period_start, period)
    prev = by_start.get(previous_period_start(row.period_start, period))
    if _in_transition(row.period_start, end, adopted, rules):
        if prev is None or prev.merged_prs < config.min_prs:
            return []
        growth = row.merged_prs / prev.merged_prs - 1
        slower = (
            pd.notna(row.cycle_time_p50_h)
            and pd.notna(prev.cycle_time_p50_h)
            and prev.cycle_time_p50_h > 0
            and row.cycle_time_p50_h / prev.cycle_time_p50_h - 1 >= config.flag_dip
        )
        if growth <= -config.flag_dip or slower:
            return [
                RedFlag(
                    "Productivity",
                    "transition_dip",
                    team,
                    row.period,
                    "Expected transition dip after AI adoption",
                    f"{team} adopted AI tools on {adopted:%Y-%m-%d}. In {row.period} it merged "
                    f"{row.merged_prs} PRs ({prev.merged_prs} in {prev.period}) with a median "
                    f"cycle time of {row.cycle_time_p50_h:.0f} h "
                    f"({prev.cycle_time_p50_h:.0f} h before). A dip in the first "
                    f"{rules.dip_weeks_max} weeks is expected while people learn new "
                    "workflows: it is not a red flag.",
                    is_transition_dip=True,
                )
            ]
        return []
    base = _baseline(by_start, row.period_start, period, adopted, config, rules)
    if base is None:
        return []
    base_prs, base_defect_rate, base_qact, label = base
    growth = row.merged_prs / base_prs - 1
    if growth < config.flag_volume_up:
        return []
    worse = []
    if pd.notna(row.defect_rate) and pd.notna(base_defect_rate) and base_defect_rate > 0:
        change = row.defect_rate / base_defect_rate - 1
        if change >= config.flag_quality_worse * growth:
            worse.append(
                f"its defect rate rose {_pct(change)} ({base_defect_rate:.3f} → "
                f"{row.defect_rate:.3f} per PR)"
            )
    if pd.notna(row.qact_p50_h) and pd.notna(base_qact) and base_qact > 0:
        change = row.qact_p50_h / base_qact - 1
        if change >= config.flag_quality_worse * growth:
            worse.append(
                f"its median QACT rose {_pct(change)} ({base_qact:.0f} h → {row.qact_p50_h:.0f} h)"
            )
    if not worse:
        return []
    items, n = _pr_evidence(
        ev.rows(row.period, "failed"),
        ev.count(row.period, "failed"),
        _defect_note,
        with_defects=True,
    )
    return [
        RedFlag(
            "Productivity",
            "volume_over_quality",
            team,
            row.period,
            "More volume, paid for with quality",
            f"{team} merged {row.merged_prs} PRs in {row.period}, {_pct(growth)} more than "
            f"{label} ({base_prs:.0f} a period), while " + " and ".join(worse) + ".",
            items,
            n,
        )
    ]


def _responsibility(team, row, ev: _Evidence, config: Settings) -> list[RedFlag]:
    out = []
    n_unreviewed = ev.count(row.period, "unreviewed")
    if (
        n_unreviewed >= config.flag_unreviewed_min
        and pd.notna(row.unreviewed_merge_rate)
        and row.unreviewed_merge_rate >= config.flag_unreviewed_rate
    ):
        items, n = _pr_evidence(ev.rows(row.period, "unreviewed"), n_unreviewed)
        out.append(
            RedFlag(
                "Responsibility",
                "unreviewed_merges",
                team,
                row.period,
                "Code merged without review",
                f"{n_unreviewed} of {row.merged_prs} PRs of {team} merged in {row.period} "
                f"({_pct(row.unreviewed_merge_rate)}) had no review by anyone but the author.",
                items,
                n,
            )
        )
    n_dismissed = ev.count(row.period, "dismissed")
    if n_dismissed:
        items, n = _pr_evidence(ev.rows(row.period, "dismissed"), n_dismissed)
        out.append(
            RedFlag(
                "Responsibility",
                "dismissed_review_merges",
                team,
                row.period,
                "Merged after a change request was dismissed",
                f"{n_dismissed} PR{'s' if n_dismissed > 1 else ''} of {team} merged in "
                f"{row.period} after a reviewer's request for changes was dismissed.",
                items,
                n,
            )
        )
    n_bypass = ev.count(row.period, "security")
    if n_bypass:
        items, n = _pr_evidence(ev.rows(row.period, "security"), n_bypass)
        out.append(
            RedFlag(
                "Responsibility",
                "security_bypass_merges",
                team,
                row.period,
                "Merged over a failing security check",
                f"{n_bypass} PR{'s' if n_bypass > 1 else ''} of {team} merged in "
                f"{row.period} while a security check was failing.",
                items,
                n,
            )
        )
    return out


# --- flags grouped by rule and team (the pages' view) -------------------------------------


@dataclass(frozen=True)
class FlagGroup:
    """One rule's flags of one team: the same sentence month after month is one item."""

    dimension: str
    kind: str
    group: str
    title: str
    flags: tuple[RedFlag, ...]  # newest period first

    @property
    def latest(self) -> RedFlag:
        return self.flags[0]

    @property
    def periods(self) -> list[str]:
        """The periods it was raised in, newest first."""
        return [f.period for f in self.flags]

    @property
    def count(self) -> int:
        return len(self.flags)

    @property
    def is_transition_dip(self) -> bool:
        return self.latest.is_transition_dip


def group_flags(flags: Iterable[RedFlag]) -> list[FlagGroup]:
    """Flags grouped by (dimension, rule, team): each group's flags newest first; groups by
    dimension (in :data:`DIMENSIONS` order), then newest latest period first, then team and
    rule by name — time and names, never a figure."""
    parts: dict[tuple[str, str, str], list[RedFlag]] = {}
    for flag in flags:
        parts.setdefault((flag.dimension, flag.kind, flag.group), []).append(flag)
    groups = []
    for (dimension, kind, team), mine in parts.items():
        mine.sort(key=lambda f: f.period, reverse=True)  # labels of one period type sort
        groups.append(FlagGroup(dimension, kind, team, mine[0].title, tuple(mine)))
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    groups.sort(key=lambda g: (g.group, g.kind))
    groups.sort(key=lambda g: g.latest.period, reverse=True)
    groups.sort(key=lambda g: order.get(g.dimension, len(order)))
    return groups
