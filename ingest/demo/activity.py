"""Ingest layer (demo): which pull requests and bug reports exist, vectorised.

Pure numpy; no store, no metric. Draws the ordinary PRs from a (person, day) intensity grid,
then the defects they introduce (reported later, fixed by someone else), the reverts, the
bots' PRs and one PR by a deleted account; gives every PR and issue its number in its
repository's shared sequence.
"""

from __future__ import annotations

import numpy as np

from ingest.demo import org, timeline
from ingest.demo.curves import DECLINING_TEAM, Curves
from ingest.demo.timeline import BASE, BOT, FIX, GHOST, REVERT, H, lognormal

DAY = float(org.DAY_S)
DEPENDABOT, GHOST_AUTHOR = -1, -2  # author codes that are not people
P_TWO_DEFECTS = 0.1
# Outcome of a report: fixed by a PR, closed by hand, or still open. Old reports are never
# still open (an open one adds its whole age to QACT); recent ones often are.
P_FIX, P_RESOLVED_NO_FIX = 0.9, 0.1
P_OPEN_RECENT, RECENT_DAYS = 0.25, 45
P_UNATTRIBUTED = 0.3  # unattributed reports, per attributed one
BOT_PRS_PER_REPO_DAY = 0.11
Batch = dict[str, np.ndarray]


def pick_teammates(
    rng: np.random.Generator,
    people: org.Roster,
    team: np.ndarray,
    day: np.ndarray,
    exclude: tuple[np.ndarray, ...] = (),
) -> np.ndarray:
    """A colleague per row: a member of ``team`` on ``day``, not in ``exclude``.

    Seniors are asked more often (LEVEL_REVIEW_WEIGHT). A row for which no one fits after
    a few draws gets -1 (the caller drops it).
    """
    n = len(team)
    out = np.full(n, -1)
    weights = np.array([org.LEVEL_REVIEW_WEIGHT[lvl] for lvl in org.LEVELS])[people.level]
    for t in range(len(org.TEAMS)):
        rows = np.flatnonzero(team == t)
        if rows.size == 0:
            continue
        members = np.flatnonzero((people.team_before == t) | (people.team_after == t))
        cum = weights[members].cumsum()
        todo = rows
        for _ in range(12):
            pick = members[np.searchsorted(cum, rng.random(todo.size) * cum[-1], side="right")]
            d = day[todo]
            ok = (
                (people.team_on(pick, d) == t)
                & (d >= people.first_day[pick])
                & (d < people.last_day[pick])
            )
            for ex in exclude:
                ok &= pick != ex[todo]
            out[todo[ok]] = pick[ok]
            todo = todo[~ok]
            if todo.size == 0:
                break
    return out


def _repo_for(rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
    """A repository per PR: one of its team's, 3 % of the time another team's."""
    repo = np.zeros(len(team), dtype=int)
    u = rng.random(len(team))
    for t, spec in enumerate(org.TEAMS):
        rows = team == t
        cum = np.cumsum([share for _, share in spec.repos])
        idx = np.minimum(np.searchsorted(cum, u[rows], side="right"), len(cum) - 1)
        choices = np.array([org.REPO_INDEX[f"{org.ORG}/{name}"] for name, _ in spec.repos])
        repo[rows] = choices[idx]
    other = rng.random(len(team)) < 0.03
    primary = np.array([org.REPO_INDEX[f"{org.ORG}/{t.repos[0][0]}"] for t in org.TEAMS])
    repo[other] = primary[rng.integers(0, len(org.TEAMS), int(other.sum()))]
    return repo


def _owner_team() -> np.ndarray:
    owner = np.zeros(len(org.REPOS), dtype=int)
    for t, spec in enumerate(org.TEAMS):
        for name, _ in spec.repos:
            owner[org.REPO_INDEX[f"{org.ORG}/{name}"]] = t
    return owner


def _adoption_days() -> np.ndarray:
    return np.array([org.day_number(t.adoption) for t in org.TEAMS])


def _day_of(ts: np.ndarray) -> np.ndarray:
    return np.clip(((ts - org.START_S) // DAY).astype(int), 0, org.N_DAYS - 1)


def _size(rng: np.random.Generator, median: np.ndarray | float, n: int) -> np.ndarray:
    return np.clip(np.round(lognormal(rng, median, 0.95, n)), 1, 6000).astype(int)


def _ai(
    rng: np.random.Generator, cv: Curves, team: np.ndarray, day: np.ndarray, prop: np.ndarray
) -> np.ndarray:
    """The AI-assisted reason index per PR (-1: not AI-assisted)."""
    n = len(team)
    adopted = day >= _adoption_days()[team]
    p = np.where(adopted, cv.ai[team, day] * prop, cv.ai[team, day])
    flagged = rng.random(n) < p
    # Before adoption only a commit trailer shows an experiment (no team label yet).
    reason = np.where(adopted, rng.choice(3, n, p=[0.5, 0.35, 0.15]), 1 + (rng.random(n) < 0.3))
    return np.where(flagged, reason, -1)


def _batch(kind: int, n: int, **arrays: np.ndarray) -> Batch:
    out: Batch = {"kind": np.full(n, kind)}
    defaults = {"target": -1, "defect": -1, "rubber": False, "ai": -1, "revert_body": 0}
    for key, value in defaults.items():
        out[key] = np.full(n, value)
    out.update(arrays)
    return out


def _counts(rng: np.random.Generator, lam: np.ndarray) -> np.ndarray:
    """Daily PR counts per person from expected counts ``lam`` (people x days).

    Not plain Poisson: each person's running total follows their running expectation
    (systematic sampling), with weekly ups and downs. A team's weekly volume then moves
    with its story, not with sampling noise, which a 4-person team would drown in.
    """
    n_people, n_days = lam.shape
    weeks = n_days // 7 + 1
    wobble = np.exp(0.35 * rng.standard_normal((n_people, weeks)) - 0.35**2 / 2)
    noisy = lam * np.repeat(wobble, 7, axis=1)[:, :n_days]
    running = np.floor(np.cumsum(noisy, axis=1) + rng.random((n_people, 1)))
    return np.diff(running, axis=1, prepend=0.0).astype(int)


def base_prs(
    rng: np.random.Generator, people: org.Roster, cv: Curves, target: float, prop: np.ndarray
) -> Batch:
    """Ordinary PRs of people: Poisson counts over a (person, day) intensity grid."""
    n_people, n_days = people.size, org.N_DAYS
    days = np.arange(n_days)
    team_pd = people.team_on(np.arange(n_people)[:, None], days[None, :])
    active = (days[None, :] >= people.first_day[:, None]) & (
        days[None, :] < people.last_day[:, None]
    )
    rate = np.array([org.LEVEL_RATE[lvl] for lvl in org.LEVELS])[people.level]
    lam = rate[:, None] * cv.volume[team_pd, days[None, :]] * cv.weekday[None, :] * active
    lam *= target / lam.sum()
    cell = np.repeat(np.arange(n_people * n_days), _counts(rng, lam).ravel())
    person, day = cell // n_days, cell % n_days
    team = team_pd.ravel()[cell]
    n = len(cell)
    hour = np.clip(rng.normal(13.5, 2.5, n), 6, 22.5)
    created = org.START_S + day * DAY + hour * H
    is_rubber_team = np.array([t.name == "Platform" for t in org.TEAMS])[team]
    size = _size(rng, np.where(is_rubber_team, 260, 110), n)
    rubber = (size >= 200) & (rng.random(n) < cv.rubber[team, day])
    return _batch(
        BASE,
        n,
        author=person,
        team=team,
        repo=_repo_for(rng, team),
        created=created,
        size=size,
        rubber=rubber,
        ai=_ai(rng, cv, team, day, prop[person]),
        verb=rng.integers(0, 12, n),
        obj=rng.integers(0, 12, n),
        qual=rng.integers(0, 8, n),
    )


def with_timeline(rng: np.random.Generator, batch: Batch, cv: Curves) -> Batch:
    """The batch plus its timeline (see :func:`ingest.demo.timeline.timeline`)."""
    day = _day_of(batch["created"])
    batch["day"] = day
    batch.update(
        timeline.timeline(
            rng, batch["kind"], batch["created"], cv.cycle[batch["team"], day], batch["rubber"]
        )
    )
    return batch


def defects(rng: np.random.Generator, base: Batch, cv: Curves) -> Batch:
    """Bug reports: most attributed to the base PR that introduced them, some not."""
    merged = np.flatnonzero(base["merged_ok"])
    team, mday = base["team"][merged], _day_of(base["done"][merged])
    mult = np.ones(len(merged))
    declining = org.TEAM_INDEX[DECLINING_TEAM]
    post = (team == declining) & (mday >= _adoption_days()[declining])
    mult[post] = np.where(base["ai"][merged][post] >= 0, 1.15, 0.75)
    has = rng.random(len(merged)) < cv.defect[team, mday] * mult
    count = 1 + (rng.random(len(merged)) < P_TWO_DEFECTS)
    culprit = np.repeat(merged[has], count[has])
    reported = base["done"][culprit] + lognormal(rng, 4 * DAY, 1.0, len(culprit))
    keep = reported <= org.END_S
    culprit, reported = culprit[keep], reported[keep]
    n_att = len(culprit)
    # The PR merged just before the culprit in the same repository, for two-PR reports.
    order = merged[np.lexsort((base["done"][merged], base["repo"][merged]))]
    previous = np.full(len(base["kind"]), -1)
    same = base["repo"][order[1:]] == base["repo"][order[:-1]]
    previous[order[1:][same]] = order[:-1][same]
    variant = rng.choice(5, n_att, p=[0.45, 0.15, 0.12, 0.1, 0.18])
    culprit2 = np.where(variant == 3, previous[culprit], -1)
    variant = np.where((variant == 3) & (culprit2 < 0), 0, variant)
    # Unattributed reports land in a repository in proportion to its PRs.
    n_un = rng.poisson(P_UNATTRIBUTED * max(n_att, 1))
    repo_share = np.bincount(base["repo"], minlength=len(org.REPOS)) + 1.0
    un_repo = rng.choice(len(org.REPOS), n_un, p=repo_share / repo_share.sum())
    un_reported = rng.uniform(org.START_S + 7 * DAY, org.END_S, n_un)
    n = n_att + n_un
    repo = np.concatenate([base["repo"][culprit], un_repo])
    owner = _owner_team()
    return {
        "repo": repo,
        "team": np.concatenate([base["team"][culprit], owner[un_repo]]),
        "reported": np.concatenate([reported, un_reported]),
        "culprit": np.concatenate([culprit, np.full(n_un, -1)]),
        "culprit2": np.concatenate([culprit2, np.full(n_un, -1)]),
        "variant": np.concatenate([variant, 5 + rng.integers(0, 2, n_un)]),
        "symptom": rng.integers(0, 8, n),
        "severity": rng.choice(4, n, p=[0.35, 0.4, 0.2, 0.05]),
        "outcome": _outcomes(rng, np.concatenate([reported, un_reported])),
        "resolve_after": lognormal(rng, 2 * DAY, 0.8, n),
    }


def _outcomes(rng: np.random.Generator, reported: np.ndarray) -> np.ndarray:
    """0: fixed by a PR, 1: closed by hand, 2: still open at the end."""
    recent = reported > org.END_S - RECENT_DAYS * DAY
    u = rng.random(len(reported))
    p_open = np.where(recent, P_OPEN_RECENT, 1 - P_FIX - P_RESOLVED_NO_FIX)
    return np.where(u < p_open, 2, np.where(u < p_open + P_RESOLVED_NO_FIX, 1, 0))


def fixes(
    rng: np.random.Generator,
    people: org.Roster,
    cv: Curves,
    base: Batch,
    bugs: Batch,
    prop: np.ndarray,
) -> Batch:
    """Fix PRs, by someone other than the culprit's author, with 'Fixes #N' bodies."""
    rows = np.flatnonzero(bugs["outcome"] == 0)
    created = bugs["reported"][rows] + lognormal(rng, 20 * H, 0.9, len(rows))
    team = bugs["team"][rows]
    culprit = bugs["culprit"][rows]
    culprit2 = bugs["culprit2"][rows]
    culprit_author = np.where(culprit >= 0, base["author"][np.maximum(culprit, 0)], -1)
    culprit2_author = np.where(culprit2 >= 0, base["author"][np.maximum(culprit2, 0)], -1)
    author = pick_teammates(rng, people, team, _day_of(created), (culprit_author, culprit2_author))
    keep = (created <= org.END_S) & (author >= 0)
    rows, created, team, author = rows[keep], created[keep], team[keep], author[keep]
    n = len(rows)
    size = _size(rng, 45, n)
    day = _day_of(created)
    return _batch(
        FIX,
        n,
        author=author,
        team=team,
        repo=bugs["repo"][rows],
        created=created,
        size=size,
        rubber=(size >= 200) & (rng.random(n) < cv.rubber[team, day]),
        ai=_ai(rng, cv, team, day, prop[author]),
        defect=rows,
        fix_body=rng.choice(4, n, p=[0.6, 0.15, 0.1, 0.15]),
    )


def reverts(rng: np.random.Generator, people: org.Roster, cv: Curves, base: Batch) -> Batch:
    """Revert PRs of merged base PRs (GitHub's button body, or only the title)."""
    merged = np.flatnonzero(base["merged_ok"])
    team, mday = base["team"][merged], _day_of(base["done"][merged])
    target = merged[rng.random(len(merged)) < cv.revert[team, mday]]
    created = base["done"][target] + lognormal(rng, 18 * H, 1.0, len(target))
    keep = created <= org.END_S
    target, created = target[keep], created[keep]
    n = len(target)
    team = base["team"][target]
    other = pick_teammates(rng, people, team, _day_of(created), (base["author"][target],))
    author = np.where((rng.random(n) < 0.5) & (other >= 0), other, base["author"][target])
    return _batch(
        REVERT,
        n,
        author=author,
        team=team,
        repo=base["repo"][target],
        created=created,
        size=base["size"][target],
        target=target,
        revert_body=(rng.random(n) < 0.15).astype(int),
    )


def bot_prs(rng: np.random.Generator, cv: Curves, scale: float = 1.0) -> Batch:
    """Dependabot's version bumps in every repository (``scale`` times the demo's rate)."""
    lam = BOT_PRS_PER_REPO_DAY * scale * np.where(cv.weekday >= 0.5, 1.0, 0.2)
    counts = rng.poisson(np.tile(lam, len(org.REPOS)))
    cell = np.repeat(np.arange(len(org.REPOS) * org.N_DAYS), counts)
    repo, day = cell // org.N_DAYS, cell % org.N_DAYS
    n = len(cell)
    return _batch(
        BOT,
        n,
        author=np.full(n, DEPENDABOT),
        team=_owner_team()[repo],
        repo=repo,
        created=org.START_S + day * DAY + 6 * H + rng.uniform(0, 1800, n),
        size=_size(rng, 12, n),
        dep=rng.integers(0, 10, n),
        minor=rng.integers(1, 30, n),
    )


def ghost_pr(rng: np.random.Generator) -> Batch:
    """One PR whose author deleted their account (GitHub shows 'ghost')."""
    platform = org.TEAM_INDEX["Platform"]
    created = org.START_S + org.day_of(12, 3) * DAY + 14.2 * H
    return _batch(
        GHOST,
        1,
        author=np.array([GHOST_AUTHOR]),
        team=np.array([platform]),
        repo=np.array([org.REPO_INDEX["acme/platform-infra"]]),
        created=np.array([created]),
        size=np.array([180]),
        verb=np.array([11]),
        obj=np.array([2]),
        qual=np.array([0]),
    )


def concat(batches: list[Batch]) -> Batch:
    """One batch of every PR, in the order given (indices into earlier batches stay valid)."""
    keys = sorted(set().union(*batches))
    out: Batch = {}
    for key in keys:
        parts = []
        for b in batches:
            n = len(b["kind"])
            if key in b:
                parts.append(b[key])
            else:
                parts.append(np.full(n, -1))
        out[key] = np.concatenate(parts)
    return out


def number(prs: Batch, bugs: Batch) -> tuple[np.ndarray, np.ndarray]:
    """Numbers for PRs and issues: one sequence per repository, in order of creation."""
    repo = np.concatenate([prs["repo"], bugs["repo"]])
    when = np.concatenate([prs["created"], bugs["reported"]])
    n = len(repo)
    order = np.lexsort((np.arange(n), when, repo))
    sorted_repo = repo[order]
    rank = np.arange(n) - np.searchsorted(sorted_repo, sorted_repo, side="left")
    offset = np.array(list(org.REPO_NUMBER_OFFSET.values()))
    numbers = np.empty(n, dtype=int)
    numbers[order] = offset[sorted_repo] + rank + 1
    return numbers[: len(prs["repo"])], numbers[len(prs["repo"]) :]
