"""Inferred attribution on the demo: its git history traces the defects whose reports do not
name their cause, to the PRs the demo drew as their causes (``DemoData.causes``, the truth
the store never holds).

The demo writes its history with ``git fast-import`` and reads it with ``teamlens ingest
git``'s own functions; the metrics layer turns the blamed commits into attributions. The
truth is taken from :func:`ingest.demo.generate` with the same seed (pure, deterministic),
never from the store, so a wrong history, a wrong tie or a wrong blame shows here.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import metrics
from ingest import demo
from metrics import attribution
from settings import settings

AS_OF = "2026-11-21"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "teamlens.duckdb"
    demo.build_demo(path, seed=7)
    return path


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return demo.generate(7).causes


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["defect_id"], frame["pr_id"], strict=True))


def test_truth_has_named_and_unnamed_causes(truth):
    # P_NAMED = 0.4 of the reports with a cause name it; the rest only git can trace
    per_defect = truth.groupby("defect_id")["is_named"].first()
    share = per_defect.mean()
    assert 0.3 <= share <= 0.5, share
    assert len(per_defect) > 300


def test_inferred_attributions_point_at_the_true_culprits(demo_db, truth):
    evidence = attribution.attribution_evidence(demo_db, AS_OF)
    inferred = evidence[(evidence["method"] == "inferred") & evidence["is_attributing"]]
    pairs = _pairs(inferred[["defect_id", "pr_id"]].drop_duplicates())
    true_pairs = _pairs(truth)
    assert len(pairs) > 150
    # precision: the share of inferred (defect, PR) attributions that are a true cause
    precision = len(pairs & true_pairs) / len(pairs)
    assert precision >= 0.95, precision
    # a report that names its cause is never attributed by inference (explicit wins)
    named = set(truth.loc[truth["is_named"], "defect_id"])
    assert not {d for d, _ in pairs} & named


def test_unnamed_defects_with_a_fix_are_traced_to_all_their_causes(demo_db, truth):
    tracing = attribution.defect_tracing(demo_db, AS_OF).set_index("defect_id")
    unnamed = truth[~truth["is_named"]]
    unnamed = unnamed[unnamed["defect_id"].isin(tracing.index)]
    fixed = unnamed[tracing.loc[unnamed["defect_id"], "has_fix"].to_numpy()]
    assert fixed["defect_id"].nunique() > 150
    evidence = attribution.attribution_evidence(demo_db, AS_OF, fixed["defect_id"].unique())
    found = evidence[(evidence["method"] == "inferred") & evidence["is_attributing"]]
    got = found.groupby("defect_id")["pr_id"].apply(frozenset)
    want = fixed.groupby("defect_id")["pr_id"].apply(frozenset)
    # recall: the share of fixed, unnamed defects whose inferred causes are exactly the truth
    exact = (got.reindex(want.index) == want).mean()
    assert exact >= 0.9, exact
    # what stays untraced among them says why, and is never "attributed" by a guess
    rest = tracing.loc[want.index[~want.index.isin(got.index)]]
    assert rest["attribution_method"].isna().all()
    assert rest["untraced_reason"].notna().all()


def test_unnamed_defects_without_a_fix_stay_untraced(demo_db, truth):
    tracing = attribution.defect_tracing(demo_db, AS_OF).set_index("defect_id")
    unnamed = truth.loc[~truth["is_named"], "defect_id"].unique()
    open_ones = tracing.loc[unnamed][~tracing.loc[unnamed, "has_fix"]]
    assert len(open_ones) > 0
    assert (open_ones["untraced_reason"] == "no_fix").all()


def test_every_quarter_has_text_and_inferred_attributions(demo_db):
    rows = metrics.compute(demo_db, as_of=AS_OF, period="quarter", by="org")
    assert len(rows) == 5
    assert (rows["n_attributed_text"] > 0).all()
    assert (rows["n_attributed_inferred"] > 0).all()
    assert (
        rows["n_attributed_text"] + rows["n_attributed_import"] + rows["n_attributed_inferred"]
        == rows["n_attributed_defects"]
    ).all()
    assert (rows["n_attributed_defects"] + rows["n_untraced_defects"] == rows["n_defects"]).all()


def test_defect_figures_rest_on_inferred_causes_too(demo_db):
    # The same store with inference switched off (no confidence reaches 1.01): only the
    # named causes count, so fewer defects are attributed and the defect rate falls.
    with_git = metrics.compute(demo_db, as_of=AS_OF, period="quarter", by="org")
    text_only = metrics.compute(
        demo_db,
        as_of=AS_OF,
        period="quarter",
        by="org",
        config=replace(settings(), min_inferred_confidence=1.01),
    )
    assert (text_only["n_attributed_inferred"] == 0).all()
    assert (text_only["n_attributed_text"] == with_git["n_attributed_text"]).all()
    assert (with_git["defect_rate"] > text_only["defect_rate"]).all()
    assert (with_git["quality_tax"] >= text_only["quality_tax"]).all()
    assert (with_git["quality_tax"] > text_only["quality_tax"]).any()
