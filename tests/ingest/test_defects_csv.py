"""`teamlens import defects`: tracker presets, --map, and every kind of bad row refused whole."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

import store
import teamlens
from ingest import defects_csv, writer
from store import read_connection

PROV = {"source": "test", "fetched_at": datetime(2026, 7, 1, tzinfo=UTC)}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.duckdb"
    with store.write_transaction(path) as conn:
        writer.replace_pull_requests(
            conn,
            [
                {
                    "pr_id": f"acme/api#{n}",
                    "repo": "acme/api",
                    "number": n,
                    "author_login": "ana",
                    "created_at": datetime(2026, 3, n, tzinfo=UTC),
                }
                for n in (1, 2, 3)
            ],
            provenance=PROV,
        )
    return path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def rows_of(db: Path, sql: str) -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(sql).fetchall()


JIRA = [
    [
        "Summary",
        "Issue key",
        "Issue id",
        "Priority",
        "Created",
        "Resolved",
        "Labels",
        "Labels",
        "Description",
        "Custom field (Introduced by)",
    ],
    [
        "Checkout crash",
        "PAY-12",
        "10012",
        "High",
        "12/Mar/26 10:15 AM",
        "13/Mar/26 9:00 AM",
        "regression",
        "checkout",
        "Crash on pay",
        "acme/api#2",
    ],
    [
        "Slow page",
        "PAY-13",
        "10013",
        "Low",
        "14/Mar/26 1:00 PM",
        "",
        "",
        "",
        "Caused by acme/api#3",
        "",
    ],
]


def test_jira_preset(db: Path, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "jira.csv", JIRA)
    result = defects_csv.import_defects(file, db)
    assert result == {"file": str(file), "rows": 2, "preset": "jira"}
    got = rows_of(
        db,
        "select defect_id, severity, labels, reported_at, resolved_at, source from defects "
        "order by defect_id",
    )
    assert got[0][:3] == ("PAY-12", "High", ["regression", "checkout"])
    assert got[0][3] == datetime(2026, 3, 12, 10, 15, tzinfo=UTC)
    assert got[0][4] == datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    assert got[1][4] is None and got[1][5] == "import"
    links = rows_of(db, "select from_id, target, method from links order by from_id")
    # the column names a PR (method 'import'); the description's phrase is read as text
    assert links == [("PAY-12", "acme/api#2", "import"), ("PAY-13", "acme/api#3", "text")]


def test_linear_preset(db: Path, tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "linear.csv",
        [
            ["ID", "Team", "Title", "Description", "Priority", "Labels", "Created", "Completed"],
            [
                "ENG-7",
                "Eng",
                "Login loop",
                "",
                "Urgent",
                "Bug, Auth",
                "2026-04-01T08:00:00.000Z",
                "Thu Apr 02 2026 10:00:00 GMT+0000 (Coordinated Universal Time)",
            ],
        ],
    )
    assert defects_csv.import_defects(file, db)["preset"] == "linear"
    got = rows_of(db, "select defect_id, labels, resolved_at from defects")
    assert got == [("ENG-7", ["Bug", "Auth"], datetime(2026, 4, 2, 10, 0, tzinfo=UTC))]


def test_github_preset_uses_the_same_ids_as_the_github_ingest(db: Path, tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "gh.csv",
        [
            ["number", "title", "url", "created_at", "closed_at", "labels", "body"],
            [
                "9",
                "Crash",
                "https://github.com/acme/api/issues/9",
                "2026-05-01T00:00:00Z",
                "",
                "bug",
                "Regressed in #1",
            ],
        ],
    )
    defects_csv.import_defects(file, db)
    assert rows_of(db, "select defect_id, repo from defects") == [("acme/api#9", "acme/api")]
    # "#1" in the body is read in the defect's own repository
    assert rows_of(db, "select target from links") == [("acme/api#1",)]


def test_map_for_other_exports(db: Path, tmp_path: Path) -> None:
    file = write_csv(
        tmp_path / "other.csv",
        [
            ["Bug", "Opened", "Sev", "Culprit"],
            ["B-1", "2026-06-01", "S2", "https://github.com/acme/api/pull/1"],
        ],
    )
    result = defects_csv.import_defects(
        file,
        db,
        mappings=["Bug=key", "Opened=reported", "Sev=severity", "Culprit=introduced-by"],
    )
    assert result["rows"] == 1
    assert rows_of(db, "select severity from defects") == [("S2",)]
    assert rows_of(db, "select target, method from links") == [("acme/api#1", "import")]


def test_reimport_is_idempotent(db: Path, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "jira.csv", JIRA)
    defects_csv.import_defects(file, db)
    first = rows_of(db, "select * exclude (fetched_at) from defects order by 1")
    defects_csv.import_defects(file, db)
    assert rows_of(db, "select * exclude (fetched_at) from defects order by 1") == first
    assert rows_of(db, "select count(*) from links") == [(2,)]


BAD = [
    ["Issue key", "Summary", "Created", "Resolved", "Custom field (Introduced by)"],
    ["PAY-1", "ok", "2026-03-01", "", ""],
    ["", "no key", "2026-03-01", "", ""],  # row 3: missing key
    ["PAY-3", "bad date", "31/31/2026", "", ""],  # row 4: unparseable reported
    ["PAY-4", "bad resolved", "2026-03-01", "soon", ""],  # row 5: unparseable resolved
    ["PAY-1", "dup", "2026-03-02", "", ""],  # row 6: duplicate key
    ["PAY-6", "unknown pr", "2026-03-02", "", "acme/api#99"],  # row 7: no such PR
    ["PAY-7", "not a ref", "2026-03-02", "", "yesterday's deploy"],  # row 8: not a reference
    ["PAY-8", "backwards", "2026-03-05", "2026-03-01", ""],  # row 9: resolved before reported
]


def test_every_bad_row_is_listed_and_nothing_written(db: Path, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "bad.csv", BAD)
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(file, db)
    problems = [(p.row, p.field) for p in info.value.problems]
    assert problems == [
        (3, "key"),
        (4, "reported"),
        (5, "resolved"),
        (6, "key"),
        (7, "introduced-by"),
        (8, "introduced-by"),
        (8, "introduced-by"),
        (9, "resolved"),
    ]
    text = [str(p) for p in info.value.problems]
    assert "row 4, reported = '31/31/2026': expected a date" in text[1]
    assert "same as row 2" in text[3]
    assert "acme/api#99 is not" in text[4]
    assert rows_of(db, "select count(*) from defects") == [(0,)]


def test_missing_required_column(db: Path, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "cols.csv", [["Issue key", "Summary"], ["PAY-1", "x"]])
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(file, db)
    # header problems are on row 1, as in every importer (the header is row 1)
    assert [(p.row, p.field) for p in info.value.problems] == [(1, "reported")]
    assert "'Created'" in str(info.value.problems[0])


def test_bad_map(db: Path, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(defects_csv.InputError, match="unknown field 'colour'"):
        defects_csv.import_defects(file, db, mappings=["a=colour"])
    with pytest.raises(defects_csv.DefectsRefusedError, match="from --map"):
        defects_csv.import_defects(file, db, mappings=["zz=key", "b=reported"])


def test_cli_lists_each_bad_row_on_stderr_and_exits_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_csv(tmp_path / "bad.csv", BAD)
    code = teamlens.main(["import", "defects", str(file), "--db", str(db)])
    _out, err = capsys.readouterr()
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith(str(file))]
    assert len(lines) == 8
    assert rows_of(db, "select count(*) from defects") == [(0,)]


def test_cli_imports(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write_csv(tmp_path / "jira.csv", JIRA)
    code = teamlens.main(["import", "defects", str(file), "--preset", "jira", "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert '"rows": 2' in out
