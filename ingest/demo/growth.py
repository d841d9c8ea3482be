"""Ingest layer (demo): quarterly competency assessments and recognitions, vectorised.

Pure numpy/pandas; no store, no metric. Most people grow toward their level's goal (juniors
reach Proficient, level 2, within about six months; the AI-augmented competencies move
after the team adopts AI tools); two people stay where they are all year.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ingest.demo import org, text

CORE = (
    "software_design",
    "data_structures_algorithms",
    "testing_quality",
    "debugging",
    "domain_knowledge",
)
AI_AUGMENTED = (
    "prompt_effectiveness",
    "ai_output_evaluation",
    "workflow_integration",
    "security_vigilance",
    "knowledge_sharing",
    "tool_adaptability",
)
COMPETENCIES = CORE + AI_AUGMENTED
ROUNDS = (date(2025, 12, 12), date(2026, 3, 13), date(2026, 6, 12), date(2026, 9, 11))

# By level (junior, mid, senior, staff): first-round level of core competencies and the
# chance of a step up per quarter (core; AI-augmented once the team has adopted).
CORE_START = np.array([1, 2, 3, 3])
CORE_START_UP = np.array([0.2, 0.25, 0.15, 0.5])  # chance a competency starts one higher
CORE_GROWTH = np.array([0.6, 0.22, 0.12, 0.06])
AI_START = np.array([1, 1, 1, 2])
AI_START_UP = np.array([0.0, 0.3, 0.5, 0.3])
AI_GROWTH = np.array([0.6, 0.45, 0.4, 0.35])
AI_GROWTH_BEFORE = 0.12
CAP = np.array([3, 3, 4, 4])

BEHAVIOURS = (
    "quality_catch",
    "knowledge_multiplication",
    "honest_limitation_discovery",
    "effective_mentoring",
    "process_improvement",
)
BEHAVIOUR_WEIGHTS = (0.3, 0.2, 0.15, 0.15, 0.2)
FORMATS = (
    "standup_verbal",
    "team_channel_written",
    "performance_review",
    "org_award_nomination",
    "conference_sponsorship",
)
FORMAT_WEIGHTS = (0.35, 0.35, 0.15, 0.1, 0.05)
RECOGNITIONS_PER_MONTH = (2, 4)  # per 30 days, inclusive


def assessments(
    rng: np.random.Generator, people: org.Roster, copy: org.Copy = org.FIRST
) -> pd.DataFrame:
    """Self and manager assessments of every competency, once a quarter, per person (each
    by the manager of their team in their ``copy`` of the organization)."""
    n_p, n_r, n_c = people.size, len(ROUNDS), len(COMPETENCIES)
    round_day = np.array([org.day_number(d) for d in ROUNDS])
    person = np.arange(n_p)[:, None]
    present = (round_day[None, :] >= people.first_day[:, None]) & (
        round_day[None, :] < people.last_day[:, None]
    )
    team = people.team_on(person, round_day[None, :])  # (p, r)
    adoption = np.array([org.day_number(t.adoption) for t in org.TEAMS])
    adopted = adoption[team] <= round_day[None, :]
    lvl = people.level
    is_ai = np.arange(n_c) >= len(CORE)
    start = np.where(
        is_ai[None, :],
        AI_START[lvl][:, None] + (rng.random((n_p, n_c)) < AI_START_UP[lvl][:, None]),
        CORE_START[lvl][:, None] + (rng.random((n_p, n_c)) < CORE_START_UP[lvl][:, None]),
    )
    growth = np.where(
        is_ai[None, None, :],
        np.where(adopted[:, :, None], AI_GROWTH[lvl][:, None, None], AI_GROWTH_BEFORE),
        CORE_GROWTH[lvl][:, None, None],
    )
    growth = np.where(people.stagnant[:, None, None], 0.0, growth)
    step = rng.random((n_p, n_r, n_c)) < growth
    # A step counts only between two rounds the person was present for.
    step[:, 0, :] = False
    step &= np.concatenate([np.zeros((n_p, 1), bool), present[:, :-1]], axis=1)[:, :, None]
    manager = np.minimum(start[:, None, :] + step.cumsum(axis=1), CAP[lvl][:, None, None])
    delta_p = np.where((lvl <= 1)[:, None], 1.0, 0.0) * np.array([0.1, 0.6, 0.3]) + np.where(
        (lvl >= 2)[:, None], 1.0, 0.0
    ) * np.array([0.2, 0.65, 0.15])
    u = rng.random((n_p, n_r, n_c))
    cum = delta_p.cumsum(axis=1)
    delta = np.where(u < cum[:, 0, None, None], -1, np.where(u < cum[:, 1, None, None], 0, 1))
    self_level = np.clip(manager + delta, 1, 4)
    p_idx, r_idx, c_idx = np.nonzero(np.broadcast_to(present[:, :, None], (n_p, n_r, n_c)))
    comps = text.as_objects(list(COMPETENCIES))[c_idx]
    dates = np.array(ROUNDS, dtype="datetime64[D]")[r_idx]
    login = people.login[p_idx]
    managers = text.as_objects([copy.login(t.manager) for t in org.TEAMS])[team[p_idx, r_idx]]
    evidence_pool = text.as_objects(list(text.EVIDENCE))
    m = len(p_idx)
    evidence = np.where(
        rng.random(m) < 0.6, evidence_pool[rng.integers(0, len(evidence_pool), m)], None
    )
    date_str = dates.astype(str).astype(object)
    base_id = "demo:" + login + ":" + comps + ":" + date_str
    frames = []
    for role, levels, assessor, notes in (
        ("manager", manager, managers, evidence),
        (
            "self",
            self_level,
            login,
            np.where(rng.random(m) < 0.4, "Self-assessment before the 1:1.", None),
        ),
    ):
        frames.append(
            pd.DataFrame(
                {
                    "assessment_id": base_id + ":" + role,
                    "login": login,
                    "competency": comps,
                    "level": levels[p_idx, r_idx, c_idx].astype(int),
                    "assessed_on": dates,
                    "assessor": assessor,
                    "assessor_role": role,
                    "evidence": notes,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def recognitions(
    rng: np.random.Generator,
    people: org.Roster,
    pull_requests: pd.DataFrame,
    copy: org.Copy = org.FIRST,
) -> pd.DataFrame:
    """Two to four recognitions a month across the organization (its ``copy``), some
    linking a PR."""
    # Two to four in every 30 days, on any day of the block.
    blocks = org.N_DAYS // 30
    per_block = rng.integers(RECOGNITIONS_PER_MONTH[0], RECOGNITIONS_PER_MONTH[1] + 1, blocks)
    block = np.repeat(np.arange(blocks), per_block)
    n = len(block)
    day = block * 30 + rng.integers(0, 30, n)
    dow = (day + org.START.weekday()) % 7
    day = np.minimum(day + np.where(dow >= 5, 7 - dow, 0), org.N_DAYS - 1)  # to Monday
    person = rng.integers(0, people.size, n)
    for _ in range(20):
        bad = (day < people.first_day[person]) | (day >= people.last_day[person])
        if not bad.any():
            break
        person[bad] = rng.integers(0, people.size, int(bad.sum()))
    behaviour = text.pick(rng, BEHAVIOUR_WEIGHTS, n)
    # Mentoring is recognised in the people who do it: not juniors.
    behaviour = np.where((behaviour == 3) & (people.level[person] == 0), 0, behaviour)
    fmt = text.pick(rng, FORMAT_WEIGHTS, n)
    notes = np.empty(n, dtype=object)
    pick_note = rng.integers(0, 3, n)
    for b, name in enumerate(BEHAVIOURS):
        pool = text.as_objects(list(text.RECOGNITION_NOTES[name]))
        rows = behaviour == b
        notes[rows] = pool[pick_note[rows] % len(pool)]
    on = np.datetime64(org.START.date(), "D") + day.astype("timedelta64[D]")
    prefix = "demo:recognition" + (f"-{copy.suffix}" if copy.suffix else "")
    frame = pd.DataFrame(
        {
            "recognition_id": [f"{prefix}:{i + 1:05d}" for i in range(n)],
            "login": people.login[person],
            "behaviour": text.as_objects(list(BEHAVIOURS))[behaviour],
            "format": text.as_objects(list(FORMATS))[fmt],
            "recognized_on": on,
            "note": notes,
            "_link": (behaviour != 3) & (rng.random(n) < 0.6),
            "_at": pd.DatetimeIndex(on.astype("datetime64[us]")).tz_localize("UTC"),
        }
    )
    # The PR link: the person's latest PR merged before the recognition.
    merged = pull_requests.loc[
        pull_requests["merged_at"].notna(), ["author_login", "merged_at", "url"]
    ]
    merged = merged.sort_values("merged_at")
    order = frame.sort_values("_at")
    linked = pd.merge_asof(
        order,
        merged.rename(columns={"author_login": "login", "merged_at": "_at"}),
        on="_at",
        by="login",
        direction="backward",
    ).set_index("recognition_id")
    frame["pr_url"] = np.where(
        frame["_link"], linked.loc[frame["recognition_id"], "url"].to_numpy(), None
    )
    frame["pr_url"] = frame["pr_url"].astype(object).where(frame["pr_url"].notna(), None)
    return frame.drop(columns=["_link", "_at"])
