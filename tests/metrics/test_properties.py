"""Properties over random small stores: QACT ≥ cycle time, order-independence, as-of."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import metrics
from tests.metrics.builders import StoreBuilder, t

BASE = t(2)
AUTHORS = ("alice", "bob", "carol", "ghost", "dependabot[bot]")
TITLES = ("Add cache", "Bump parser", "Tidy")

pr_spec = st.fixed_dictionaries(
    {
        "author": st.sampled_from(AUTHORS),
        "created_h": st.integers(0, 400),
        "duration_h": st.one_of(st.none(), st.integers(0, 100)),
        "commit_before_h": st.one_of(st.none(), st.integers(-5, 30)),
        "draft_ready_h": st.one_of(st.none(), st.integers(0, 10)),
        "title": st.sampled_from(TITLES),
        "revert_title": st.booleans(),
        "fixes": st.lists(st.integers(0, 5), max_size=2),
        "reviews": st.lists(
            st.tuples(
                st.sampled_from(("alice", "bob", "carol", "ci[bot]")),
                st.integers(-10, 120),
                st.sampled_from(("APPROVED", "COMMENTED", "CHANGES_REQUESTED", "PENDING")),
                st.booleans(),
            ),
            max_size=3,
        ),
        "lines": st.integers(0, 500),
        "ai": st.booleans(),
    }
)
defect_spec = st.fixed_dictionaries(
    {
        "reported_h": st.integers(0, 500),
        "resolved_after_h": st.one_of(st.none(), st.integers(0, 100)),
        "caused_by": st.lists(st.integers(1, 8), max_size=3),
    }
)
dataset = st.tuples(st.lists(pr_spec, min_size=1, max_size=8), st.lists(defect_spec, max_size=6))


def hours(h: float):
    return BASE + timedelta(hours=h)


def build(path: Path, prs, defects, *, cutoff=None, order_seed=None) -> Path:
    """Write the dataset; with ``cutoff``, drop everything that happened after it."""
    store = StoreBuilder(path)
    for login, team in (("alice", "Payments"), ("bob", "Payments"), ("carol", "Platform")):
        store.person(login, team)
    store.owns("Payments")
    for n, spec in enumerate(prs, start=1):
        created = hours(spec["created_h"])
        merged = (
            None if spec["duration_h"] is None else created + timedelta(hours=spec["duration_h"])
        )
        if cutoff is not None and merged is not None and merged > cutoff:
            continue
        body = " ".join(f"Fixes #{100 + k}" for k in spec["fixes"])
        title = f'Revert "{spec["title"]}"' if spec["revert_title"] else spec["title"]
        ready = (
            None
            if spec["draft_ready_h"] is None
            else created + timedelta(hours=spec["draft_ready_h"])
        )
        pr = store.pr(
            n,
            created=created,
            merged=merged,
            author=spec["author"],
            title=title,
            body=body,
            first_commit=None
            if spec["commit_before_h"] is None
            else created - timedelta(hours=spec["commit_before_h"]),
            draft_ready=ready if cutoff is None or ready is None or ready <= cutoff else None,
            opened_as_draft=ready is not None,
            additions=spec["lines"],
            ai=spec["ai"],
        )
        for i, (who, offset, state, empty) in enumerate(spec["reviews"]):
            at = created + timedelta(hours=offset)
            if cutoff is not None and at > cutoff:
                continue
            store.review(
                pr,
                who,
                at,
                state,
                body_empty=empty,
                bot=who.endswith("[bot]"),
                review_id=f"r{n}-{i}",
            )
    for k, spec in enumerate(defects):
        reported = hours(spec["reported_h"])
        if cutoff is not None and reported > cutoff:
            continue
        resolved = None
        if spec["resolved_after_h"] is not None:
            resolved = reported + timedelta(hours=spec["resolved_after_h"])
            if cutoff is not None and resolved > cutoff:
                resolved = None
        body = (
            "caused by " + ", ".join(f"#{n}" for n in spec["caused_by"])
            if spec["caused_by"]
            else ""
        )
        store.defect(100 + k, reported=reported, resolved=resolved, body=body)
    if order_seed is not None:
        rng = random.Random(order_seed)
        for rows in (
            store.prs,
            store.reviews,
            store.commits,
            store.events,
            store.defects,
            store.people,
            store.memberships,
        ):
            rng.shuffle(rows)
    return store.write()


PROPERTY = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
AS_OF = t(31)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@PROPERTY
@given(data=dataset)
def test_qact_is_never_below_cycle_time(tmp_path_factory, data):
    path = build(tmp_path_factory.mktemp("q") / "db.duckdb", *data)
    facts = metrics.pr_facts(path, AS_OF)
    assert (facts["qact_h"] >= facts["cycle_time_h"] - 1e-9).all()
    assert (facts["cycle_time_h"] >= 0).all()
    rows = metrics.compute(path, as_of=AS_OF)
    with_prs = rows[rows["merged_prs"] > 0]
    assert (with_prs["qact_p50_h"] >= with_prs["cycle_time_p50_h"] - 1e-9).all()
    assert (with_prs["quality_tax"].dropna() >= -1e-9).all()
    # the quality tax is exactly its two parts: follow-up PRs and defects without a fix PR
    taxed = with_prs.dropna(subset=["quality_tax"])
    parts = taxed["quality_tax_follow_up"] + taxed["quality_tax_open_defects"]
    assert ((parts - taxed["quality_tax"]).abs() < 1e-9).all()


@PROPERTY
@given(data=dataset, seed=st.integers(0, 10_000))
def test_shuffling_input_rows_changes_nothing(tmp_path_factory, data, seed):
    base = tmp_path_factory.mktemp("s")
    a = build(base / "a.duckdb", *data)
    b = build(base / "b.duckdb", *data, order_seed=seed)
    for period in ("week", "month"):
        _same(
            metrics.compute(a, as_of=AS_OF, period=period),
            metrics.compute(b, as_of=AS_OF, period=period),
        )
    _same(metrics.pr_facts(a, AS_OF), metrics.pr_facts(b, AS_OF))
    _same(metrics.defect_facts(a, AS_OF), metrics.defect_facts(b, AS_OF))


@PROPERTY
@given(data=dataset, cut_h=st.integers(0, 520))
def test_an_earlier_as_of_ignores_later_events(tmp_path_factory, data, cut_h):
    cutoff = hours(cut_h)
    base = tmp_path_factory.mktemp("a")
    full = build(base / "full.duckdb", *data)
    truncated = build(base / "cut.duckdb", *data, cutoff=cutoff)
    _same(
        metrics.compute(full, as_of=cutoff, period="week"),
        metrics.compute(truncated, as_of=cutoff, period="week"),
    )
    _same(metrics.pr_facts(full, cutoff), metrics.pr_facts(truncated, cutoff))


@PROPERTY
@given(
    data=dataset,
    chosen=st.lists(st.sampled_from((*AUTHORS, "Unassigned", "nobody")), max_size=4),
    period=st.sampled_from(("week", "month", "quarter")),
)
def test_a_person_filter_keeps_their_rows_as_they_were(tmp_path_factory, data, chosen, period):
    # By person, the filter runs in SQL on the PRs and defects of the people chosen; their
    # rows are the rows the whole organization's computation gives them, no more, no less.
    path = build(tmp_path_factory.mktemp("p") / "db.duckdb", *data)
    every = metrics.compute(path, as_of=AS_OF, period=period, by="person")
    some = metrics.compute(path, as_of=AS_OF, period=period, by="person", people=chosen)
    theirs = every[every["group"].isin(chosen)]
    if theirs.empty:  # no rows: the same columns (an empty result's dtypes are DuckDB's)
        assert some.empty and list(some.columns) == list(theirs.columns)
    else:
        _same(some, theirs)
