"""Ingest layer (demo): drawn PRs and defects -> the store's row shapes, as pandas frames.

Pure (numpy/pandas); no store, no metric. Builds the pull_requests, pr_commits, reviews,
pr_events and defects frames exactly as a GitHub sync would hand them to ``ingest.writer``:
ids 'owner/repo#N', texts that carry the references, labels, checks and AI-assist flags.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.demo import org, text
from ingest.demo.activity import DEPENDABOT, GHOST_AUTHOR, Batch, pick_teammates
from ingest.demo.timeline import (
    APPROVED,
    BASE,
    BOT,
    CHANGES_REQUESTED,
    FIX,
    GHOST,
    MIN,
    REVERT,
    STATE_NAMES,
    H,
    lognormal,
)

END = float(org.END_S)


def ts(seconds: np.ndarray) -> pd.DatetimeIndex:
    """Seconds since the epoch (float, nan = none) -> UTC timestamps to the second."""
    x = np.asarray(seconds, dtype=float)
    out = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[s]")
    ok = np.isfinite(x)
    out[ok] = np.floor(x[ok]).astype("int64").astype("datetime64[s]")
    return pd.DatetimeIndex(out.astype("datetime64[us]")).tz_localize("UTC")


def obj(values: np.ndarray) -> np.ndarray:
    """Any array as an object array of str (for element-wise concatenation)."""
    return np.asarray(values).astype(str).astype(object)


def shas(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random 40-hex commit ids, without a Python loop."""
    hexes = rng.bytes(20 * n).hex().encode()
    return np.frombuffer(hexes, dtype="S40").astype(str).astype(object)


def logins(people: org.Roster, author: np.ndarray) -> np.ndarray:
    """Person codes (index, DEPENDABOT, GHOST_AUTHOR) -> logins."""
    table = np.concatenate([people.login, np.array([org.DEPENDABOT, org.GHOST], dtype=object)])
    code = np.where(
        author >= 0, author, np.where(author == DEPENDABOT, people.size, people.size + 1)
    )
    return table[code]


def titles(prs: Batch, bugs: Batch) -> np.ndarray:
    """PR titles; a revert's title quotes its target's (GitHub's revert button)."""
    n = len(prs["kind"])
    out = np.full(n, "", dtype=object)
    objects = text.as_objects([o for team in text.OBJECTS for o in team])
    plain = np.isin(prs["kind"], (BASE, GHOST))
    out[plain] = (
        text.as_objects(text.VERBS)[prs["verb"][plain]]
        + " "
        + objects[prs["team"][plain] * 12 + prs["obj"][plain]]
        + text.as_objects(text.QUALIFIERS)[prs["qual"][plain]]
    )
    symptoms = text.as_objects([s[0].lower() + s[1:] for team in text.SYMPTOMS for s in team])
    fix = prs["kind"] == FIX
    d = prs["defect"][fix]
    out[fix] = "Fix " + symptoms[bugs["team"][d] * 8 + bugs["symptom"][d]]
    rev = prs["kind"] == REVERT
    out[rev] = 'Revert "' + out[prs["target"][rev]] + '"'
    bot = prs["kind"] == BOT
    deps = text.as_objects(text.DEPENDENCIES)[prs["dep"][bot]]
    minor = prs["minor"][bot]
    out[bot] = "Bump " + deps + " from 1." + obj(minor) + ".0 to 1." + obj(minor + 1) + ".0"
    return out


def bodies(
    rng: np.random.Generator,
    prs: Batch,
    bugs: Batch,
    title: np.ndarray,
    repo: np.ndarray,
    numbers: np.ndarray,
    bug_numbers: np.ndarray,
) -> np.ndarray:
    """PR bodies: fix PRs name their defect, reverts their target; the rest name nothing."""
    n = len(prs["kind"])
    out = np.full(n, "", dtype=object)
    plain = np.flatnonzero(np.isin(prs["kind"], (BASE, GHOST)))
    choice = text.pick(rng, text.PR_BODY_WEIGHTS, len(plain))
    for j, template in enumerate(text.PR_BODIES):
        rows = plain[choice == j]
        if rows.size:
            out[rows] = text.fill(template, title=title[rows]) if "{" in template else template
    fix = np.flatnonzero(prs["kind"] == FIX)
    symptoms = text.as_objects([s for team in text.SYMPTOMS for s in team])
    for j, template in enumerate(text.FIX_BODIES):
        rows = fix[prs["fix_body"][fix] == j]
        dd = prs["defect"][rows]
        out[rows] = text.fill(
            template,
            d=bug_numbers[dd],
            repo=repo[rows],
            symptom=symptoms[bugs["team"][dd] * 8 + bugs["symptom"][dd]],
        )
    rev = np.flatnonzero(prs["kind"] == REVERT)
    by_button = rev[prs["revert_body"][rev] == 0]
    target = prs["target"][by_button]
    out[by_button] = text.fill("Reverts {repo}#{n}", repo=repo[target], n=numbers[target])
    by_title = rev[prs["revert_body"][rev] == 1]
    out[by_title] = text.as_objects(text.REVERT_REASONS)[rng.integers(0, 2, len(by_title))]
    bot = np.flatnonzero(prs["kind"] == BOT)
    out[bot] = (
        "Bumps "
        + np.array([t[len("Bump ") :] for t in title[bot]], dtype=object)
        + ".\n\nDependabot will rebase this PR as long as you don't alter it yourself."
    )
    return out


def pull_requests(
    rng: np.random.Generator,
    people: org.Roster,
    prs: Batch,
    bugs: Batch,
    numbers: np.ndarray,
    bug_numbers: np.ndarray,
    failing_p: np.ndarray,
    copy: org.Copy = org.FIRST,
) -> pd.DataFrame:
    """The pull_requests frame (head_sha is filled in by :func:`commits`), in the
    repositories of ``copy``."""
    n = len(prs["kind"])
    kind = prs["kind"]
    repo = text.as_objects(list(copy.repos))[prs["repo"]]
    pr_id = repo + "#" + obj(numbers)
    url = "https://github.com/" + repo + "/pull/" + obj(numbers)
    title = titles(prs, bugs)
    body = bodies(rng, prs, bugs, title, repo, numbers, bug_numbers)
    merged, closed, is_open = prs["merged_ok"], prs["is_closed"], prs["is_open"]
    done = prs["done"]
    # Labels: a pre-built list per code, shared by the rows that carry it.
    ai = prs["ai"]
    plain_label = text.pick(rng, text.LABEL_WEIGHTS, n)
    label_code = np.where(ai == 0, 6 + plain_label, plain_label)
    label_code = np.where(kind == FIX, np.where(ai == 0, 13, 12), label_code)
    label_code = np.where(kind == REVERT, 14, label_code)
    label_code = np.where(kind == BOT, 15, label_code)
    label_code = np.where(kind == GHOST, 3, label_code)
    label_lists = text.lists(
        [[lbl] for lbl in text.LABELS]
        + [[lbl, "ai-assisted"] for lbl in text.LABELS]
        + [["bugfix"], ["bugfix", "ai-assisted"], ["revert"], ["dependencies"]]
    )
    # Checks: the head commit's rollup state at merge (now, for open PRs).
    u = rng.random(n)
    failing = u < failing_p
    check = np.where(failing, 1, np.where(u < failing_p + 0.004, 2, np.where(u > 0.99, 4, 0)))
    w = rng.random(n)
    check = np.where(is_open, np.where(w < 0.7, 0, np.where(w < 0.9, 3, 1)), check)
    check_names = np.array(["SUCCESS", "FAILURE", "ERROR", "PENDING", None], dtype=object)
    fail_code = 1 + text.pick(rng, text.CHECK_WEIGHTS, n)
    fail_code = np.where(rng.random(n) < 0.1, len(text.CHECK_NAMES) + 1, fail_code)
    fail_code = np.where(check == 1, fail_code, 0)
    fail_code = np.where(check == 2, len(text.CHECK_NAMES) + 2, fail_code)
    fail_code = np.where(check == 4, len(text.CHECK_NAMES) + 3, fail_code)
    fail_lists = text.lists(
        [[]]
        + [[name] for name in text.CHECK_NAMES]
        + [["unit-tests", "CodeQL"], ["ci/build"], None]
    )
    additions = np.round(prs["size"] * rng.uniform(0.45, 0.92, n)).astype(int)
    deletions = prs["size"] - additions
    rev = np.flatnonzero(kind == REVERT)
    additions[rev], deletions[rev] = deletions[prs["target"][rev]], additions[prs["target"][rev]]
    changed_files = np.clip(1 + prs["size"] // 45 + rng.poisson(1.0, n), 1, 120)
    updated = np.where(is_open, np.minimum(END, np.fmax(prs["created"], prs["t1"])), done)
    updated = np.where(is_open & (updated > END), END, updated)
    ai_reasons = np.array([*text.AI_REASONS, None], dtype=object)
    author = logins(people, prs["author"])
    return pd.DataFrame(
        {
            "pr_id": pr_id,
            "repo": repo,
            "number": numbers,
            "url": url,
            "title": title,
            "body": body,
            "author_login": author,
            "is_author_bot": kind == BOT,
            "state": np.where(merged, "MERGED", np.where(closed, "CLOSED", "OPEN")),
            "is_draft": is_open & prs["is_opened_as_draft"] & (prs["ready"] > END),
            "is_opened_as_draft": prs["is_opened_as_draft"],
            "created_at": ts(prs["created"]),
            "merged_at": ts(np.where(merged, done, np.nan)),
            "closed_at": ts(np.where(merged | closed, done, np.nan)),
            "updated_at": ts(updated),
            "base_ref": "main",
            "additions": additions,
            "deletions": deletions,
            "changed_files": changed_files,
            "labels": label_lists[label_code],
            "is_ai_assisted": ai >= 0,
            "ai_assisted_reason": ai_reasons[np.where(ai >= 0, ai, 3)],
            "check_state": check_names[check],
            "failing_checks": fail_lists[fail_code],
            "source_url": url,
        }
    )


def commits(
    rng: np.random.Generator,
    people: org.Roster,
    prs: Batch,
    frame: pd.DataFrame,
    bug_numbers: np.ndarray,
) -> pd.DataFrame:
    """pr_commits; sets the PR frame's head_sha. Messages only where they carry a trailer or
    a reference (the store keeps no other commit text)."""
    kind = prs["kind"]
    n = len(kind)
    simple = np.isin(kind, (REVERT, BOT))
    count = np.where(
        simple, 1, 1 + np.minimum(rng.poisson(np.where(prs["size"] > 300, 2.5, 1.5)), 14)
    )
    pr = np.repeat(np.arange(n), count)
    first = np.cumsum(count) - count
    j = np.arange(len(pr)) - first[pr]
    fc = prs["first_commit"]
    bound = np.where(
        prs["dismiss"] == 2,
        prs["t_dismiss"] - 5 * MIN,
        np.where(
            np.isfinite(prs["t2"]),
            prs["t2"] - 10 * MIN,
            np.where(prs["reviewed"], prs["t1"], prs["done"]) - 5 * MIN,
        ),
    )
    bound = np.minimum(np.maximum(bound, fc), END)
    span = bound[pr] - fc[pr]
    authored = fc[pr] + np.where(j == 0, 0.0, (j + rng.random(len(pr))) / count[pr] * span)
    authored = np.minimum(authored, END)
    rebased = rng.random(len(pr)) < 0.2
    committed = authored + np.where(
        rebased, rng.random(len(pr)) * (bound[pr] - authored).clip(0), rng.uniform(0, 120, len(pr))
    )
    cap = np.where(prs["is_open"], END, prs["done"] - 1.0)[pr]
    committed = np.maximum(authored, np.minimum(committed, cap))
    sha = shas(rng, len(pr))
    last = first + count - 1
    frame["head_sha"] = sha[last]
    message = np.full(len(pr), None, dtype=object)
    title = frame["title"].to_numpy(dtype=object)
    trailers = text.as_objects(list(text.AI_TRAILERS))
    # The last commit carries the PR's trailer and, for a fix, its reference.
    head = title.copy()
    fix_pr = np.flatnonzero(kind == FIX)
    head[fix_pr] = head[fix_pr] + "\n\nFixes #" + obj(bug_numbers[prs["defect"][fix_pr]])
    trailer_pr = np.flatnonzero(prs["ai"] >= 1)
    head[trailer_pr] = head[trailer_pr] + "\n\n" + trailers[prs["ai"][trailer_pr]]
    keep = np.union1d(fix_pr, trailer_pr)
    message[last[keep]] = head[keep]
    author = logins(people, prs["author"])
    author = np.where(prs["author"] == GHOST_AUTHOR, None, author)
    return pd.DataFrame(
        {
            "pr_id": frame["pr_id"].to_numpy(dtype=object)[pr],
            "sha": sha,
            "authored_at": ts(authored),
            "committed_at": ts(committed),
            "author_login": author[pr],
            "message": message,
        }
    )


def reviews_and_events(
    rng: np.random.Generator, people: org.Roster, prs: Batch, frame: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """reviews (first review, re-approval, second reviewer, bot, author reply, pending,
    after merge) and pr_events (ready for review, back to draft, dismissals)."""
    kind, n = prs["kind"], len(prs["kind"])
    pr_id = frame["pr_id"].to_numpy(dtype=object)
    author = prs["author"]
    author_login = frame["author_login"].to_numpy(dtype=object)
    day = prs["day"]
    r1 = pick_teammates(rng, people, prs["team"], day, (author,))
    r2 = pick_teammates(rng, people, prs["team"], day, (author, r1))
    login1, login2 = logins(people, r1), logins(people, r2)
    t1, t2, done = prs["t1"], prs["t2"], prs["done"]
    reviewed, rubber, first_state = prs["reviewed"], prs["rubber"], prs["first_state"]
    merged = prs["merged_ok"]
    u = rng.random((8, n))
    inline = rng.poisson(np.array([[0.4], [2.5], [1.8]])[first_state].ravel(), n)
    parts = []

    def slot(slot_no, mask, who, state, when, empty, comments, dismissed=False, bot=False):
        rows = np.flatnonzero(mask)
        parts.append(
            pd.DataFrame(
                {
                    "review_id": pr_id[rows] + f"/review/{slot_no}",
                    "pr_id": pr_id[rows],
                    "reviewer_login": _take(who, rows),
                    "is_reviewer_bot": bot,
                    "state": _take(state, rows),
                    "submitted_at": ts(_take(when, rows)),
                    "is_body_empty": _take(empty, rows),
                    "inline_comment_count": _take(comments, rows),
                    "is_dismissed": _take(dismissed, rows),
                }
            )
        )

    has1 = reviewed & (r1 >= 0) & (t1 <= END)
    dismissed = prs["dismiss"] > 0
    state1 = np.where(dismissed, "DISMISSED", STATE_NAMES[first_state])
    empty1 = np.where(rubber, True, u[0] < np.where(first_state == APPROVED, 0.45, 0.08))
    inline1 = np.where(rubber, 0, np.where(first_state == CHANGES_REQUESTED, 1 + inline, inline))
    slot(1, has1, login1, state1, t1, empty1, inline1, dismissed)
    slot(
        2,
        np.isfinite(t2) & (r1 >= 0) & (t2 <= END),
        login1,
        "APPROVED",
        t2,
        u[1] < 0.6,
        rng.poisson(0.3, n),
    )
    extra = reviewed & ~rubber & (u[2] < 0.25) & (r2 >= 0) & np.isin(kind, (BASE, FIX, GHOST))
    t3 = t1 + rng.uniform(0.1, 0.9, n) * (done - t1)
    state3 = np.where(u[3] < 0.6, "COMMENTED", "APPROVED")
    slot(3, extra & (t3 <= END), login2, state3, t3, u[4] < 0.3, rng.poisson(1.2, n))
    t4 = np.minimum(prs["ready"] + rng.uniform(2, 8, n) * MIN, done)
    slot(
        4,
        (kind != BOT) & (u[5] < 0.12) & (t4 <= END),
        org.ACTIONS_BOT,
        "COMMENTED",
        t4,
        False,
        rng.poisson(1.0, n),
        bot=True,
    )
    t5 = t1 + rng.uniform(0.05, 0.95, n) * (done - t1)
    slot(
        5,
        reviewed & (author >= 0) & (u[6] < 0.03) & (t5 <= END),
        author_login,
        "COMMENTED",
        t5,
        False,
        rng.poisson(1.0, n),
    )
    slot(6, (u[7] < 0.015) & (r2 >= 0), login2, "PENDING", np.nan, True, 0)
    t7 = done + lognormal(rng, 6 * H, 1.0, n)
    late = merged & (rng.random(n) < 0.025) & (r2 >= 0) & (t7 <= END)
    slot(
        7,
        late,
        login2,
        np.where(rng.random(n) < 0.5, "COMMENTED", "APPROVED"),
        t7,
        rng.random(n) < 0.5,
        rng.poisson(0.8, n),
    )
    reviews = pd.concat(parts, ignore_index=True)
    # A deleted reviewer: the earliest Data first review was by an account since deleted.
    data_first = np.flatnonzero(has1 & (prs["team"] == org.TEAM_INDEX["Data"]) & (kind == BASE))
    if data_first.size:
        ghost_review = pr_id[data_first[np.argmin(prs["created"][data_first])]] + "/review/1"
        reviews.loc[reviews["review_id"] == ghost_review, "reviewer_login"] = org.GHOST

    events = []
    ready = prs["ready"]
    drafted = prs["is_opened_as_draft"] & (ready <= END)
    events.append(
        _events(pr_id, np.flatnonzero(drafted), "ready_for_review", "1", ready, author_login)
    )
    again = np.flatnonzero(drafted & (rng.random(n) < 0.1) & (t1 - ready > 1 * H))
    events.append(_events(pr_id, again, "convert_to_draft", "1", ready + 20 * MIN, author_login))
    events.append(_events(pr_id, again, "ready_for_review", "2", ready + 50 * MIN, author_login))
    gone = np.flatnonzero(has1 & dismissed & (prs["t_dismiss"] <= END))
    ev = _events(pr_id, gone, "review_dismissed", "1", prs["t_dismiss"], author_login)
    ev["previous_review_state"] = np.where(
        prs["dismiss"][gone] == 1, "CHANGES_REQUESTED", "APPROVED"
    )
    ev["review_id"] = pr_id[gone] + "/review/1"
    events.append(ev)
    return reviews, pd.concat(events, ignore_index=True)


def _take(value: object, rows: np.ndarray) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value[rows]
    return np.full(len(rows), value, dtype=object if isinstance(value, str) else None)


def _events(pr_id, rows, event_type, suffix, when, actor) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": pr_id[rows] + f"/{event_type}/{suffix}",
            "pr_id": pr_id[rows],
            "event_type": event_type,
            "created_at": ts(when[rows]),
            "actor_login": actor[rows],
            "previous_review_state": None,
            "review_id": None,
        }
    )


def defects(
    rng: np.random.Generator,
    prs: Batch,
    bugs: Batch,
    numbers: np.ndarray,
    bug_numbers: np.ndarray,
    copy: org.Copy = org.FIRST,
) -> pd.DataFrame:
    """The defects frame: GitHub issues labelled bug, naming the PRs that introduced them
    (in the repositories of ``copy``)."""
    n = len(bugs["repo"])
    repo = text.as_objects(list(copy.repos))[bugs["repo"]]
    defect_id = repo + "#" + obj(bug_numbers)
    symptoms = text.as_objects([s for team in text.SYMPTOMS for s in team])
    symptom = symptoms[bugs["team"] * 8 + bugs["symptom"]]
    templates = text.ATTRIBUTED_BODIES + text.UNATTRIBUTED_BODIES
    culprit, culprit2 = bugs["culprit"], bugs["culprit2"]
    body = np.full(n, "", dtype=object)
    # the body's template: most reports name their cause, some do not (git traces those)
    body_variant = bugs.get("body_variant", bugs["variant"])
    for j, template in enumerate(templates):
        rows = np.flatnonzero(body_variant == j)
        if rows.size:
            body[rows] = text.fill(
                template,
                symptom=symptom[rows],
                repo=repo[rows],
                n=numbers[np.maximum(culprit[rows], 0)],
                n2=numbers[np.maximum(culprit2[rows], 0)],
            )
    # Resolution: the fix PR's merge closes the issue; some are closed by hand; some stay open.
    resolved = np.full(n, np.nan)
    fix_rows = np.flatnonzero((prs["kind"] == FIX) & prs["merged_ok"])
    resolved[prs["defect"][fix_rows]] = prs["done"][fix_rows] + rng.uniform(0, 30, len(fix_rows))
    by_hand = (bugs["outcome"] == 1) & (bugs["reported"] + bugs["resolve_after"] <= END)
    resolved[by_hand] = (bugs["reported"] + bugs["resolve_after"])[by_hand]
    resolved = np.where(resolved <= END, resolved, np.nan)
    labels = text.lists([["bug"], ["bug", "regression"]])
    severities = text.as_objects(list(text.SEVERITIES))
    url = "https://github.com/" + repo + "/issues/" + obj(bug_numbers)
    return pd.DataFrame(
        {
            "defect_id": defect_id,
            "key": defect_id,
            "repo": repo,
            "title": symptom,
            "body": body,
            "reported_at": ts(bugs["reported"]),
            "resolved_at": ts(resolved),
            "severity": severities[bugs["severity"]],
            "labels": labels[(bugs["variant"] == 4).astype(int)],
            "url": url,
            "source_url": url,
        }
    )
