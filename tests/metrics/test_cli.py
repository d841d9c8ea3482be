"""The `teamlens metrics` contract: JSON/CSV, flags, refused metrics exit 2 with the reason."""

from __future__ import annotations

import csv
import io
import json

import pytest

import teamlens
from metrics.registry import REFUSED_BY_ID
from tests.metrics.builders import t


@pytest.fixture
def db(store):
    store.person("alice", "Payments").person("bob", "Platform").person("carol", "Payments")
    p1 = store.pr(1, created=t(2, 9), merged=t(2, 17))  # 8h
    store.review(p1, "carol", t(2, 10))
    store.pr(2, created=t(3, 9), merged=t(3, 12), author="bob", body="Fixes #10")  # 3h
    store.pr(3, created=t(2, 9, month=4), merged=t(2, 10, month=4))  # April, 1h
    store.defect(10, reported=t(3, 0), body="caused by #1")
    return str(store.write())


def run(capsys, *args):
    code = teamlens.main(["metrics", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(db, capsys):
    code, out, _ = run(capsys, "--db", db, "--as-of", "2026-05-01", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["as_of"] == "2026-05-01T00:00:00Z"
    assert (doc["period"], doc["by"]) == ("month", "team")
    keys = [(r["group"], r["period"]) for r in doc["rows"]]
    assert keys == [("Payments", "2026-03"), ("Payments", "2026-04"), ("Platform", "2026-03")]
    march = doc["rows"][0]
    # 8h cycle + 3h fix = 11h qact; one PR
    assert march["qact_p50_h"] == 11.0 and march["cycle_time_p50_h"] == 8.0
    assert march["merged_prs"] == 1 and march["defect_rate"] == 1.0
    assert march["ai_defect_rate"] is None  # null, never NaN
    assert march["coverage"]["ai_split_coverage"] == "too little data"
    assert "NaN" not in out


def test_metric_filter_period_by_and_team(db, capsys):
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "--as-of",
        "2026-05-01T00:00:00+02:00",
        "--period",
        "quarter",
        "--by",
        "org",
        "--metric",
        "merged_prs",
        "--metric",
        "qact_p50_h,defect_rate",
        "--team",
        "Payments",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["as_of"] == "2026-04-30T22:00:00Z"
    assert doc["rows"] == [
        {
            "group": "organization",
            "period": "2026-Q1",
            "merged_prs": 1,
            "qact_p50_h": 11.0,
            "defect_rate": 1.0,
            "coverage": doc["rows"][0]["coverage"],
        },
        {
            "group": "organization",
            "period": "2026-Q2",
            "merged_prs": 1,
            "qact_p50_h": 1.0,
            "defect_rate": 0.0,
            "coverage": doc["rows"][1]["coverage"],
        },
    ]


def test_csv(db, capsys):
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "--as-of",
        "2026-05-01",
        "--csv",
        "--metric",
        "merged_prs",
        "--metric",
        "ai_defect_rate",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["group"] == "Payments" and rows[0]["merged_prs"] == "1"
    assert rows[0]["ai_defect_rate"] == ""


def test_week_period_labels(db, capsys):
    code, out, _ = run(capsys, "--db", db, "--as-of", "2026-05-01", "--period", "week")
    assert code == 0
    assert {r["period"] for r in json.loads(out)["rows"]} == {"2026-W10", "2026-W14"}


@pytest.mark.parametrize("refused_id", sorted(REFUSED_BY_ID))
def test_refused_metric_exits_2_with_reason(db, capsys, refused_id):
    code, out, err = run(capsys, "--db", db, "--metric", "merged_prs", "--metric", refused_id)
    assert code == 2
    assert out == ""
    assert REFUSED_BY_ID[refused_id].reason in err
    assert len(err.strip().splitlines()) == 1


def test_refused_metric_exits_2_even_without_a_database(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.duckdb"), "--metric", "lines_of_code")
    assert code == 2 and "Rewards volume over value" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--metric", "velocity"], "unknown metric 'velocity'"),
        (["--as-of", "yesterday"], "--as-of 'yesterday'"),
        (["--period", "year"], "year"),
        (["--by", "person"], "person"),
        (["--json", "--csv"], "choose one"),
    ],
)
def test_bad_input_exits_2(db, capsys, args, needle):
    code, out, err = run(capsys, "--db", db, *args)
    assert code == 2 and out == "" and needle in err


def test_missing_database_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no database" in err


def test_help_text(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--as-of" in out and "refused" in out


def test_demo_organization_every_metric_every_row(tmp_path, capsys):
    from ingest import demo
    from metrics.registry import METRICS

    path = tmp_path / "demo.duckdb"
    demo.build_demo(path)
    capsys.readouterr()
    code, out, _ = run(capsys, "--db", str(path), "--as-of", "2026-11-21", "--by", "org")
    assert code == 0
    doc = json.loads(out)  # strict JSON: no NaN anywhere
    assert [r["period"] for r in doc["rows"]] == [
        "2025-11",
        "2025-12",
        *(f"2026-{m:02d}" for m in range(1, 12)),
    ]
    for row in doc["rows"]:
        assert set(METRICS) <= set(row)
        assert row["group"] == "organization"
        assert row["merged_prs"] > 0 and row["qact_p50_h"] >= row["cycle_time_p50_h"]
