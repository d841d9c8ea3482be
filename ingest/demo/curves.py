"""Ingest layer (demo): the stories, as per-(team, day) curves the generator samples from.

Pure numpy; no store, no metric. Each story is a knob here, so a reader can see what the
demo is meant to show and a test can check the data shows it:

1. the adoption dip: every team delivers ~40 % fewer PRs, slower, in the 3-4 weeks after its
   AI adoption date, then recovers and improves;
2. the declining team (Mobile): volume up ~65 % after adoption, while defects and reverts
   per PR rise by a similar proportion;
3. the rubber-stampers (Platform): most large PRs approved within minutes, empty-bodied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.demo import org

DECLINING_TEAM = "Mobile"
RUBBER_STAMP_TEAM = "Platform"

DIP_VOLUME = 0.55  # share of the usual PR rate in the 3 weeks after adoption
DIP_CYCLE = 1.7  # cycle time multiplier in the 4 weeks after adoption
POST_VOLUME = {"Mobile": 1.65}  # others: POST_VOLUME_DEFAULT
POST_VOLUME_DEFAULT = 1.12
POST_CYCLE = {"Mobile": 0.75}
POST_CYCLE_DEFAULT = 0.85

DEFECT_P = 0.045  # chance a merged PR introduces a reported bug
REVERT_P = 0.008  # chance a merged PR is reverted
DECLINE_DEFECT_P = 0.085
DECLINE_REVERT_P = 0.018
FAILING_P = 0.05
DECLINE_FAILING_P = 0.09
RUBBER_P = 0.03  # chance a large PR of an ordinary team gets a rubber stamp
RUBBER_TEAM_P = (0.6, 0.8)  # the rubber-stampers, before / from 4 weeks after adoption
AI_BEFORE_P = 0.01  # early experimenters before the team's adoption date


@dataclass(frozen=True)
class Curves:
    """Arrays of shape (teams, days) — or (days,) for the calendar."""

    volume: np.ndarray
    cycle: np.ndarray
    defect: np.ndarray
    revert: np.ndarray
    rubber: np.ndarray
    ai: np.ndarray
    failing: np.ndarray
    weekday: np.ndarray  # (days,) activity factor: weekends and the year-end holidays


def curves() -> Curves:
    """The demo's story curves (deterministic: no randomness here)."""
    days = np.arange(org.N_DAYS)
    n_teams = len(org.TEAMS)
    shape = (n_teams, org.N_DAYS)
    volume, cycle, defect, revert, rubber, ai, failing = (np.zeros(shape) for _ in range(7))
    big = 10_000.0
    for t, team in enumerate(org.TEAMS):
        a = (days - org.day_number(team.adoption)).astype(float)
        post_v = POST_VOLUME.get(team.name, POST_VOLUME_DEFAULT)
        post_c = POST_CYCLE.get(team.name, POST_CYCLE_DEFAULT)
        volume[t] = np.interp(
            a,
            [-big, -0.5, 0, 20.5, 21, 27.5, 28, 56, big],
            [1, 1, DIP_VOLUME, DIP_VOLUME, 0.8, 0.8, 1.0, post_v, post_v],
        )
        cycle[t] = np.interp(
            a, [-big, -0.5, 0, 27.5, 28, 49, big], [1, 1, DIP_CYCLE, DIP_CYCLE, 1.2, post_c, post_c]
        )
        declining = team.name == DECLINING_TEAM
        defect[t] = np.interp(
            a,
            [-big, -0.5, 0, 27.5, 28, 70, big],
            [
                DEFECT_P,
                DEFECT_P,
                DEFECT_P * 1.2,
                DEFECT_P * 1.2,
                DEFECT_P,
                DECLINE_DEFECT_P if declining else DEFECT_P * 0.85,
                DECLINE_DEFECT_P if declining else DEFECT_P * 0.85,
            ],
        )
        revert[t] = np.interp(
            a,
            [-big, 28, 70, big],
            [REVERT_P, REVERT_P, *(2 * [DECLINE_REVERT_P if declining else REVERT_P * 0.9])],
        )
        failing[t] = np.interp(
            a,
            [-big, 28, 70, big],
            [FAILING_P, FAILING_P, *(2 * [DECLINE_FAILING_P if declining else FAILING_P])],
        )
        if team.name == RUBBER_STAMP_TEAM:
            rubber[t] = np.where(a >= 28, RUBBER_TEAM_P[1], RUBBER_TEAM_P[0])
        else:
            rubber[t] = RUBBER_P
        ai[t] = np.where(a < 0, AI_BEFORE_P, np.interp(a, [0, 56], [0.3, 1.0]))
    dow = (days + org.START.weekday()) % 7
    weekday = np.where(dow >= 5, 0.05, 1.0)
    holidays = (days >= org.day_of(12, 24)) & (days <= org.day_of(1, 1))
    weekday = np.where(holidays, weekday * 0.6, weekday)
    return Curves(volume, cycle, defect, revert, rubber, ai, failing, weekday)
