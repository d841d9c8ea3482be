"""The set-based level functions against a straightforward reference, on random small stores.

The reference is the per-person, per-cell code the functions had before they became one
query and one pivot (teamlens 0.1): the latest assessment per (login, competency), a
manager's winning over a self-assessment of the same date, filled into the matrix one
cell at a time. Every frame must come out equal, dtypes included. Also: on a read
session the levels are read once per (day, teams) however many callers ask.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from framework import Framework, load_framework
from ingest import writer
from metrics import competency as mc
from metrics.calendar import as_of_day, quarter_before
from store import read_session, write_transaction
from tests.metrics.builders import PROV

FW = load_framework(Path(__file__).resolve().parents[2] / "data" / "framework.toml")
TEAMS = ("Alpha", "Beta", "Gamma")


# --- the reference: the 0.1 code, per person and per cell -----------------------------


def _latest(history: pd.DataFrame, day: date) -> pd.DataFrame:
    upto = history[pd.to_datetime(history["assessed_on"]).dt.date <= day]
    if upto.empty:
        return upto.assign(role_rank=pd.Series(dtype="int64")).drop(columns="role_rank")
    ranked = upto.assign(role_rank=(upto["assessor_role"] == "manager").astype(int))
    ranked = ranked.sort_values(["login", "competency", "assessed_on", "role_rank"])
    latest = ranked.groupby(["login", "competency"], as_index=False).tail(1)
    return latest.drop(columns="role_rank").sort_values(["login", "competency"])


def ref_current_levels(db, day: date, teams, fw: Framework) -> pd.DataFrame:
    members = mc.people(db, day, teams)
    history = mc.assessments(db, day, [p.login for p in members]) if members else None
    columns = ["login", "name", "team", "competency", "level", "assessed_on", "assessor_role"]
    if history is None or history.empty:
        return pd.DataFrame(columns=columns)
    latest = _latest(history, day)
    info = pd.DataFrame([{"login": p.login, "name": p.name, "team": p.team} for p in members])
    merged = latest.merge(info, on="login", how="inner")
    order = {cid: i for i, cid in enumerate(fw.competency_ids)}
    merged = merged[merged["competency"].isin(order)]
    merged = merged.assign(
        _login=merged["login"].str.lower(), _order=merged["competency"].map(order)
    ).sort_values(["_login", "_order"])
    return merged[columns].reset_index(drop=True)


def ref_level_matrix(db, day, teams, fw) -> pd.DataFrame:
    logins = [p.login for p in mc.people(db, day, teams)]
    matrix = pd.DataFrame(index=pd.Index(logins, name="login"), columns=list(fw.competency_ids))
    for row in ref_current_levels(db, day, teams, fw).itertuples(index=False):
        matrix.loc[row.login, row.competency] = row.level
    return matrix.astype("float64")


def ref_level_distribution(db, day, teams, fw) -> pd.DataFrame:
    levels = ref_current_levels(db, day, teams, fw)
    counts = levels.groupby(["competency", "level"]).size().to_dict() if len(levels) else {}
    rows = [
        {
            "competency": cid,
            "level": number,
            "level_name": fw.level_name(number),
            "people": int(counts.get((cid, number), 0)),
        }
        for cid in fw.competency_ids
        for number in fw.level_numbers
    ]
    return pd.DataFrame(rows, columns=["competency", "level", "level_name", "people"])


def ref_level_changes(db, day, teams, fw) -> pd.DataFrame:
    now = ref_current_levels(db, day, teams, fw)[["login", "competency", "level"]]
    logins = now["login"].unique().tolist()
    history = mc.assessments(db, day, logins) if logins else pd.DataFrame()
    then = (
        _latest(history, quarter_before(day))[["login", "competency", "level"]]
        if len(history)
        else None
    )
    if then is None or then.empty:
        then = pd.DataFrame(columns=["login", "competency", "level"])
    merged = now.rename(columns={"level": "level_now"}).merge(
        then.rename(columns={"level": "level_then"}), on=["login", "competency"], how="left"
    )
    merged["level_now"] = merged["level_now"].astype("float64")
    merged["level_then"] = merged["level_then"].astype("float64")
    merged["change"] = merged["level_now"] - merged["level_then"]
    return merged[["login", "competency", "level_then", "level_now", "change"]]


def ref_change_matrix(db, day, teams, fw) -> pd.DataFrame:
    logins = [p.login for p in mc.people(db, day, teams)]
    matrix = pd.DataFrame(index=pd.Index(logins, name="login"), columns=list(fw.competency_ids))
    for row in ref_level_changes(db, day, teams, fw).itertuples(index=False):
        matrix.loc[row.login, row.competency] = row.change
    return matrix.astype("float64")


def ref_change_summary(db, day, teams, fw) -> pd.DataFrame:
    changes = ref_level_changes(db, day, teams, fw)
    rows = []
    for competency in fw.competencies:
        part = changes[changes["competency"] == competency.id]
        known = part.dropna(subset=["level_then"])
        rows.append(
            {
                "competency": competency.id,
                "name": competency.name,
                "assessed": len(part),
                "moved_up": int((known["change"] > 0).sum()),
                "moved_down": int((known["change"] < 0).sum()),
                "unchanged": int((known["change"] == 0).sum()),
                "new": len(part) - len(known),
                "mean_then": float(known["level_then"].mean()) if len(known) else float("nan"),
                "mean_now": float(part["level_now"].mean()) if len(part) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


# --- random small stores --------------------------------------------------------------


def random_store(path: Path, seed: int) -> Path:
    """People on three teams (some moving team, some leaving, a bot, one never on a team),
    and assessments with same-day self/manager pairs, role-less ones, unknown competencies,
    a login in another case and people never assessed."""
    rng = random.Random(seed)
    start = date(2025, 6, 1)
    logins = [f"{rng.choice(['ana', 'Ben', 'cy', 'dee', 'Eve', 'fay'])}{i}" for i in range(14)]
    people = [{"login": x, "name": x.title(), "is_bot": i == 3} for i, x in enumerate(logins)]
    memberships = []
    for i, login in enumerate(logins):
        if i == 5:
            continue  # never on a team
        first = rng.choice(TEAMS)
        moved = start + timedelta(days=rng.randrange(0, 500))
        memberships.append(
            {"login": login, "team": first, "valid_from": date(2024, 1, 1), "valid_to": moved}
        )
        if rng.random() < 0.8:  # the rest left on ``moved``
            memberships.append({"login": login, "team": rng.choice(TEAMS), "valid_from": moved})
    competencies = [*FW.competency_ids[:5], "retired_skill"]
    on_days = [start + timedelta(days=rng.randrange(0, 520)) for _ in range(8)]  # ties
    seen: set[tuple] = set()
    rows = []
    for n in range(rng.randrange(0, 120)):
        login = rng.choice(logins[:-2])  # the last two are never assessed
        if rng.random() < 0.05:
            login = login.upper()  # an assessment under another case of the login
        key = (
            login,
            rng.choice(competencies),
            rng.choice(on_days),
            rng.choice(["self", "manager", "manager", None]),
        )
        if key in seen:  # the reference breaks no tie within one (date, role)
            continue
        seen.add(key)
        rows.append(
            {
                "assessment_id": f"a{seed}-{n}",
                "login": key[0],
                "competency": key[1],
                "level": rng.randint(1, 4),
                "assessed_on": key[2],
                "assessor": "lead",
                "assessor_role": key[3],
            }
        )
    with write_transaction(path) as conn:
        writer.upsert(conn, "teams", [{"team": t} for t in TEAMS], PROV)
        writer.upsert(conn, "people", people, PROV)
        writer.upsert(conn, "team_memberships", memberships, PROV)
        if rows:
            writer.upsert(conn, "competency_assessments", rows, PROV)
    return path


CASES = [
    ("current_levels", mc.current_levels, ref_current_levels),
    ("level_matrix", mc.level_matrix, ref_level_matrix),
    ("level_distribution", mc.level_distribution, ref_level_distribution),
    ("level_changes", mc.level_changes, ref_level_changes),
    ("change_matrix", mc.change_matrix, ref_change_matrix),
    ("change_summary", mc.change_summary, ref_change_summary),
]


@pytest.mark.parametrize("seed", range(6))
def test_levels_equal_the_per_cell_reference(tmp_path, seed):
    db = random_store(tmp_path / "store.duckdb", seed)
    days = [date(2025, 5, 1), date(2025, 11, 30), date(2026, 11, 20)]
    selections = [(), ("Alpha",), ("Beta", "Gamma"), ("Nobody",)]
    # one connection for the reference's many reads and one for the functions' (a memo per
    # day and selection); one day straight from the path, the way a page without a session
    # calls them
    with read_session(db) as theirs, read_session(db) as ours:
        for day in days:
            for teams in selections:
                for name, function, reference in CASES:
                    on = db if (day, teams) == (days[1], ()) else ours
                    got = function(on, day, teams, FW)
                    want = reference(theirs, as_of_day(day), teams, FW)
                    if name == "current_levels" and want.empty:  # no rows, same columns
                        assert got.empty and list(got.columns) == list(want.columns)
                        continue
                    pd.testing.assert_frame_equal(got, want, obj=f"{name} {day} {teams}")


def test_a_read_session_reads_the_levels_once_per_day_and_selection(tmp_path, monkeypatch):
    db = random_store(tmp_path / "store.duckdb", 1)
    from metrics import sqlfiles

    calls = []
    real = sqlfiles.frame
    monkeypatch.setattr(
        sqlfiles, "frame", lambda conn, name, params: calls.append(name) or real(conn, name, params)
    )
    day, before = date(2026, 11, 20), date(2026, 9, 30)
    with read_session(db) as session:
        for teams in [(), ("Beta", "Alpha"), ("Alpha", "Beta")]:
            mc.level_matrix(session, day, teams, FW)
            mc.change_matrix(session, day, teams, FW)
            mc.level_distribution(session, day, teams, FW)
            mc.change_summary(session, day, teams, FW)
        mc.current_levels(session, before, (), FW)
        first = mc.current_levels(session, day, (), FW)
        first["level"] = 0  # a caller changing its frame changes no later caller's
        assert (mc.current_levels(session, day, (), FW)["level"] > 0).all()
    # whole organization and Alpha+Beta (in either order) on ``day``, then ``before``
    assert calls == ["competency_levels"] * 3
    mc.current_levels(db, day, (), FW)  # a path, not a session: no memo, a fresh read
    assert len(calls) == 4


def test_the_board_reads_levels_once_per_quarter_end(tmp_path, monkeypatch):
    """The executive summary's skill shares and goals on track, now and a quarter before,
    ask for the organization's levels four times: two reads, one per day."""
    from metrics import skills, sqlfiles

    db = random_store(tmp_path / "store.duckdb", 2)
    calls = []
    real = sqlfiles.frame
    monkeypatch.setattr(
        sqlfiles, "frame", lambda conn, name, params: calls.append(name) or real(conn, name, params)
    )
    now, before = date(2026, 9, 30), date(2026, 6, 30)
    with read_session(db) as snap:
        shares = skills.skill_shares(snap, now, before, FW)
        goals = skills.goals_on_track(snap, now, FW)
        goals_before = skills.goals_on_track(snap, before, FW)
    assert calls.count("competency_levels") == 2
    # the same figures as each read on its own connection
    assert shares == skills.skill_shares(db, now, before, FW)
    assert goals == skills.goals_on_track(db, now, FW)
    assert goals_before == skills.goals_on_track(db, before, FW)


def test_of_two_assessments_on_one_day_by_one_role_the_one_stored_last_counts(tmp_path):
    db = tmp_path / "store.duckdb"
    with write_transaction(db) as conn:
        writer.upsert(conn, "teams", [{"team": "Alpha"}], PROV)
        writer.upsert(conn, "people", [{"login": "ana", "name": "Ana"}], PROV)
        member = {"login": "ana", "team": "Alpha", "valid_from": date(2024, 1, 1)}
        writer.upsert(conn, "team_memberships", [member], PROV)
    day = date(2026, 5, 4)
    for assessment_id, level in (("z-first", 2), ("a-second", 3)):  # ids sort the other way
        with write_transaction(db) as conn:
            row = {
                "assessment_id": assessment_id,
                "login": "ana",
                "competency": "debugging",
                "level": level,
                "assessed_on": day,
                "assessor": "lead",
                "assessor_role": "manager",
            }
            writer.upsert(conn, "competency_assessments", [row], PROV)
    # both by a manager on 4 May: the one recorded later (level 3) is in force
    assert mc.current_levels(db, day, (), FW)["level"].tolist() == [3]
