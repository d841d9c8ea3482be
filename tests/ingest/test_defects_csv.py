"""`teamlens import defects`: real tracker exports, only bugs as defects, every bad row
refused whole, and a clear exit 2 for every bad file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import tracker_files as tf

import store
import teamlens
from ingest import defects_csv, writer
from ingest.tracker_dates import DateFormatError
from ingest.tracker_exports import NotThatExportError
from settings import InputError, Settings
from store import read_connection

PROV = {"source": "test", "fetched_at": datetime(2026, 7, 1, tzinfo=UTC)}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


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


def rows_of(db: Path, sql: str) -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(sql).fetchall()


def defects(db: Path) -> dict[str, tuple]:
    rows = rows_of(
        db,
        "select defect_id, title, body, reported_at, resolved_at, severity, labels from defects",
    )
    return {r[0]: r[1:] for r in rows}


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = teamlens.main(args)
    out, err = capsys.readouterr()
    return code, out, err


# -- Jira ---------------------------------------------------------------------------------

MULTILINE = 'Steps:\r\n1. add a coupon, twice; pay\r\n\r\n{code}\r\nNPE at "total()"\r\n{code}'

JIRA_ROWS = [
    {  # a Bug with three labels spread over the repeated Labels columns
        "Summary": "Checkout crash with two coupons 😀",
        "Issue key": "PAY-12",
        "Issue Type": "Bug",
        "Status": "Done",
        "Priority": "High",
        "Resolution": "Done",
        "Created": "12/Mar/26 10:15 AM",
        "Updated": "14/Mar/26 9:00 AM",
        "Resolved": "13/Mar/26 9:00 AM",
        "Labels": ["regression", "checkout", "customer"],
        "Description": MULTILINE,
        "Components": ["web", "payments"],
        "Watchers": ["ana", "bo"],
        "Attachment": ["12/Mar/26 10:20 AM;ana;trace.txt;https://x.test/1"],
        "Outward issue link (Relates)": ["PAY-3", "PAY-4"],
        "Custom field (Introduced by)": "acme/api#2",
        "Sprint": ["Sprint 41", "Sprint 42"],
        "Comment": ["13/Mar/26 8:00 AM;557058:1;Fixed by #12", ""],
        "Σ Time Spent": "3600",
    },
    {  # an open Bug with an empty Summary and Description (once a crash)
        "Issue key": "PAY-13",
        "Issue Type": "Bug",
        "Status": "To Do",
        "Priority": "Low",
        "Created": "14/Mar/26 1:00 PM",
        "Updated": "14/Mar/26 1:00 PM",
    },
    {
        "Summary": "Slow search",
        "Issue key": "PAY-14",
        "Issue Type": "bug",
        "Status": "In Progress",
        "Created": "14/Mar/26 2:00 PM",
        "Description": "Caused by acme/api#3",
    },
    *(
        {"Summary": f"{kind} {n}", "Issue key": f"PAY-{20 + i * 5 + n}", "Issue Type": kind}
        | {"Status": "Done", "Created": "1/Mar/26 9:00 AM", "Resolution": "Done"}
        for i, (kind, count) in enumerate((("Story", 3), ("Task", 2), ("Epic", 1)))
        for n in range(count)
    ),
    {  # a Story labelled bug is still a Story
        "Summary": "Refactor pay",
        "Issue key": "PAY-40",
        "Issue Type": "Story",
        "Labels": ["bug"],
        "Created": "1/Mar/26 9:00 AM",
    },
]


def test_jira_cloud_export_imports_exactly_its_bugs(db: Path, tmp_path: Path) -> None:
    file = tf.jira(tmp_path / "jira.csv", JIRA_ROWS)
    result = defects_csv.import_defects(file, db)
    assert result["preset"] == "jira" and result["rows"] == 3
    # 3 Story + 1 labelled Story = 4, 2 Task, 1 Epic
    assert result["summary"] == (
        f"imported 3 defects from {file}; skipped 7 rows: 4 Story, 2 Task, 1 Epic"
    )
    got = defects(db)
    assert got["PAY-12"] == (
        "Checkout crash with two coupons 😀",
        MULTILINE,
        utc(2026, 3, 12, 10, 15),
        utc(2026, 3, 13, 9, 0),
        "High",
        ["regression", "checkout", "customer"],
    )
    assert got["PAY-13"] == (None, None, utc(2026, 3, 14, 13, 0), None, "Low", [])
    assert set(got) == {"PAY-12", "PAY-13", "PAY-14"}
    links = rows_of(db, "select from_id, target, method from links order by from_id")
    # the column names a PR (method 'import'); the description's phrase is read as text
    assert links == [("PAY-12", "acme/api#2", "import"), ("PAY-14", "acme/api#3", "text")]


def test_the_summary_line_and_json_through_the_cli(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tf.jira(tmp_path / "jira.csv", JIRA_ROWS)
    code, out, err = cli(["import", "defects", str(file), "--db", str(db)], capsys)
    assert code == 0, err
    summary, *rest = err.strip().splitlines()
    assert summary == f"imported 3 defects from {file}; skipped 7 rows: 4 Story, 2 Task, 1 Epic"
    # then the dashboard's facts are saved (metrics.saved_facts): progress, on stderr too
    assert rest[0] == "saving the dashboard's facts..."
    assert rest[1].startswith("saved the dashboard's facts as of the end of ")
    assert '"rows": 3' in out and '"skipped": {"Story": 4, "Task": 2, "Epic": 1}' in out


def test_jira_data_center_dates_and_no_bom(db: Path, tmp_path: Path) -> None:
    rows = [
        {"Issue key": "DC-1", "Issue Type": "Bug", "Created": "15/Sep/2025 18:42"}
        | {"Resolved": "16/Sep/2025 09:05", "Resolution": "Fixed", "Labels": ["ui ios", "a"]}
    ]
    file = tf.jira(tmp_path / "dc.csv", rows, bom=False, newline="\n")
    defects_csv.import_defects(file, db)
    got = defects(db)["DC-1"]
    assert got[2:4] == (utc(2025, 9, 15, 18, 42), utc(2025, 9, 16, 9, 5))
    assert got[5] == ["ui", "ios", "a"]  # a Jira label has no spaces: one cell, two labels


def test_custom_bug_issue_types(db: Path, tmp_path: Path) -> None:
    rows = [
        {"Issue key": "OPS-1", "Issue Type": "Incident", "Created": "1/Mar/26 9:00 AM"},
        {"Issue key": "OPS-2", "Issue Type": "Bug", "Created": "1/Mar/26 9:00 AM"},
    ]
    file = tf.jira(tmp_path / "j.csv", rows)
    config = Settings(bug_issue_types=("Incident", "Defect"))
    result = defects_csv.import_defects(file, db, config=config)
    assert set(defects(db)) == {"OPS-1"}
    assert result["skipped"] == {"Bug": 1}


# -- what a resolution means ------------------------------------------------------------


def _resolved(resolution: str, **extra: str) -> dict:
    return {
        "Summary": resolution,
        "Issue Type": "Bug",
        "Status": "Closed",
        "Resolution": resolution,
        "Created": "1/Mar/26 9:00 AM",
        "Resolved": "5/Mar/26 9:00 AM",
        "Updated": "6/Mar/26 9:00 AM",
    } | extra


@pytest.mark.parametrize(
    ("resolution", "skipped"),
    [
        ("Duplicate", "resolved Duplicate"),
        ("Cannot Reproduce", "resolved Cannot Reproduce"),
        ("Not a Bug", "resolved Not a Bug"),
        ("Invalid", "resolved Invalid"),
        ("won\u2019t reproduce", None),  # not in not_defect_resolutions: a defect, fixed
    ],
)
def test_resolutions_that_say_it_was_never_a_defect(
    db: Path, tmp_path: Path, resolution: str, skipped: str | None
) -> None:
    file = tf.jira(tmp_path / "j.csv", [_resolved(resolution, **{"Issue key": "PAY-1"})])
    result = defects_csv.import_defects(file, db)
    if skipped:
        assert result["rows"] == 0 and result["skipped"] == {skipped: 1}
        assert defects(db) == {}
    else:
        assert result["rows"] == 1


@pytest.mark.parametrize("resolution", ["Won't Do", "Won\u2019t Fix", "Declined"])
def test_wont_do_stays_a_defect_closed_at_its_resolution(
    db: Path, tmp_path: Path, resolution: str
) -> None:
    file = tf.jira(tmp_path / "j.csv", [_resolved(resolution, **{"Issue key": "PAY-1"})])
    result = defects_csv.import_defects(file, db)
    assert result["closed_without_fix"] == 1
    assert result["summary"] == f"imported 1 defect from {file} (1 closed without a fix)"
    assert defects(db)["PAY-1"][3] == utc(2026, 3, 5, 9)


def test_wont_do_with_no_resolved_date_closes_at_its_last_update(db: Path, tmp_path: Path) -> None:
    # a team-managed Jira project: no resolutions, a "Won't do" status
    row = _resolved("", **{"Issue key": "PAY-1", "Status": "Won't do", "Resolved": ""})
    file = tf.jira(tmp_path / "j.csv", [row])
    defects_csv.import_defects(file, db)
    assert defects(db)["PAY-1"][3] == utc(2026, 3, 6, 9)


def test_wont_do_with_no_date_to_close_it_is_a_bad_row(db: Path, tmp_path: Path) -> None:
    row = _resolved("Won't Do", **{"Issue key": "PAY-1", "Resolved": "", "Updated": ""})
    file = tf.jira(tmp_path / "j.csv", [row])
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(file, db)
    assert [str(p) for p in info.value.problems] == [
        "row 2, resolved = '': expected a resolved date (\"Won't Do\" closes the defect; or a "
        "canceled or updated column)"
    ]


def test_the_rule_is_settings_driven(db: Path, tmp_path: Path) -> None:
    rows = [
        _resolved("Won't Do", **{"Issue key": "PAY-1"}),
        _resolved("Duplicate", **{"Issue key": "PAY-2", "Resolved": ""}),
    ]
    file = tf.jira(tmp_path / "j.csv", rows)
    config = Settings(not_defect_resolutions=("Won't Do",), unfixed_resolutions=())
    result = defects_csv.import_defects(file, db, config=config)
    assert result["skipped"] == {"resolved Won't Do": 1}
    # Duplicate is now an ordinary defect; with no resolved date it is open
    assert defects(db)["PAY-2"][3] is None


def test_a_reimport_removes_what_is_no_longer_a_defect(db: Path, tmp_path: Path) -> None:
    first = [
        {"Issue key": "PAY-1", "Issue Type": "Bug", "Created": "1/Mar/26 9:00 AM"},
        {"Issue key": "PAY-2", "Issue Type": "Bug", "Created": "1/Mar/26 9:00 AM"},
        {"Issue key": "PAY-3", "Issue Type": "Bug", "Created": "1/Mar/26 9:00 AM"},
    ]
    file = tf.jira(tmp_path / "j.csv", first)
    defects_csv.import_defects(file, db)
    later = [
        first[0],
        {**first[1], "Resolution": "Duplicate", "Resolved": "2/Mar/26 9:00 AM"},
        {**first[2], "Issue Type": "Story", "Description": "introduced by acme/api#1"},
    ]
    defects_csv.import_defects(tf.jira(tmp_path / "j.csv", later), db)
    assert set(defects(db)) == {"PAY-1"}
    assert rows_of(db, "select count(*) from links") == [(0,)]


# -- Linear -------------------------------------------------------------------------------


def test_linear_export_by_label_with_its_dates_and_cancellations(db: Path, tmp_path: Path) -> None:
    rows = [
        {
            "ID": "ENG-7",
            "Title": "Login loop",
            "Description": "",
            "Status": "Done",
            "Priority": "Urgent",
            "Labels": "Bug, Auth",
            "Created": "Tue Aug 23 2022 13:54:01 GMT+0100 (British Summer Time)",
            "Completed": "Thu Aug 25 2022 09:00:00 GMT+0100 (British Summer Time)",
        },
        {
            "ID": "ENG-8",
            "Title": '\'=HYPERLINK("x") in a title',
            "Status": "Todo",
            "Labels": "bug",
            "Created": "2026-04-01T08:00:00.000Z",
        },
        {  # canceled: a defect closed at its cancellation, never waiting forever
            "ID": "ENG-9",
            "Title": "Flaky toast",
            "Status": "Canceled",
            "Labels": "Bug",
            "Created": "2026-04-01T08:00:00.000Z",
            "Canceled": "2026-04-03T08:00:00.000Z",
        },
        {"ID": "ENG-10", "Title": "Dup", "Status": "Duplicate", "Labels": "Bug"}
        | {"Created": "2026-04-01T08:00:00.000Z", "Canceled": "2026-04-02T08:00:00.000Z"},
        {"ID": "ENG-11", "Title": "Dark mode", "Status": "Backlog", "Labels": "Feature"}
        | {"Created": "2026-04-01T08:00:00.000Z"},
        {"ID": "ENG-12", "Title": "Not-a-bug label", "Labels": "not-a-bug, UI"}
        | {"Created": "2026-04-01T08:00:00.000Z"},
    ]
    file = tf.linear(tmp_path / "linear.csv", rows)
    result = defects_csv.import_defects(file, db)
    assert result["preset"] == "linear"
    assert result["summary"] == (
        f"imported 3 defects from {file} (1 closed without a fix); skipped 3 rows: "
        "2 without a bug label, 1 resolved Duplicate"
    )
    got = defects(db)
    # 13:54:01 at GMT+0100 is 12:54:01 UTC
    assert got["ENG-7"][2:] == (
        utc(2022, 8, 23, 12, 54, 1),
        utc(2022, 8, 25, 8, 0),
        "Urgent",
        ["Bug", "Auth"],
    )
    assert got["ENG-8"][0] == '=HYPERLINK("x") in a title'  # Linear's quote taken off
    assert got["ENG-9"][3] == utc(2026, 4, 3, 8)


def test_bug_labels_is_one_setting_for_linear_and_github(db: Path, tmp_path: Path) -> None:
    file = tf.linear(
        tmp_path / "l.csv",
        [
            {"ID": "ENG-1", "Title": "a", "Labels": "Incident", "Created": "2026-04-01"},
            {"ID": "ENG-2", "Title": "b", "Labels": "Bug", "Created": "2026-04-01"},
        ],
    )
    defects_csv.import_defects(file, db, config=Settings(bug_labels=("incident",)))
    assert set(defects(db)) == {"ENG-1"}


# -- GitHub -------------------------------------------------------------------------------


def test_github_issue_list_uses_the_github_ingest_ids(db: Path, tmp_path: Path) -> None:
    base = {"createdAt": "2026-05-01T00:00:00Z", "updatedAt": "2026-05-03T00:00:00Z"}
    rows = [
        {"number": "9", "title": "Crash", "url": "https://github.com/acme/api/issues/9"}
        | base
        | {"state": "OPEN", "labels": "bug", "body": "Regressed in #1"},
        {"number": "10", "title": "Nope", "url": "https://github.com/acme/api/issues/10"}
        | base
        | {"state": "CLOSED", "stateReason": "NOT_PLANNED", "labels": "Bug,ui"}
        | {"closedAt": "2026-05-02T00:00:00Z"},
        {"number": "11", "title": "Same", "url": "https://github.com/acme/api/issues/11"}
        | base
        | {"state": "CLOSED", "stateReason": "DUPLICATE", "labels": "bug"},
        {"number": "12", "title": "Idea", "url": "https://github.com/acme/api/issues/12"}
        | base
        | {"state": "OPEN", "labels": "enhancement"},
    ]
    file = tf.github(tmp_path / "gh.csv", rows)
    result = defects_csv.import_defects(file, db)
    assert result["preset"] == "github"
    assert result["skipped"] == {"without a bug label": 1, "resolved DUPLICATE": 1}
    assert result["closed_without_fix"] == 1
    assert rows_of(db, "select defect_id, repo, resolved_at from defects order by 1") == [
        ("acme/api#10", "acme/api", utc(2026, 5, 2)),
        ("acme/api#9", "acme/api", None),
    ]
    # "#1" in the body is read in the defect's own repository
    assert rows_of(db, "select target from links") == [("acme/api#1",)]


# -- spreadsheets that rewrote the export ---------------------------------------------------


def test_a_semicolon_file_with_dotted_day_first_dates(db: Path, tmp_path: Path) -> None:
    rows = [
        {"Issue key": "PAY-1", "Issue Type": "Bug", "Created": "12.03.2024 15:45"},
        # 25.03 cannot be month-first: the whole file is day-first
        {"Issue key": "PAY-2", "Issue Type": "Bug", "Created": "25.03.2024 08:00"}
        | {"Summary": "Preis; falsch, sehr", "Resolved": "26.03.2024 09:30"},
    ]
    file = tf.jira(tmp_path / "excel.csv", rows, delimiter=";")
    defects_csv.import_defects(file, db)
    got = defects(db)
    assert got["PAY-1"][2] == utc(2024, 3, 12, 15, 45)
    assert got["PAY-2"][:4] == (
        "Preis; falsch, sehr",
        None,
        utc(2024, 3, 25, 8),
        utc(2024, 3, 26, 9, 30),
    )


def test_month_first_is_inferred_from_a_later_row(db: Path, tmp_path: Path) -> None:
    rows = [
        {"Issue key": "PAY-1", "Issue Type": "Bug", "Created": "06-09-2024 13:55"},
        {"Issue key": "PAY-2", "Issue Type": "Story", "Created": "09-13-2024 10:00"},
    ]
    defects_csv.import_defects(tf.jira(tmp_path / "x.csv", rows), db)
    assert defects(db)["PAY-1"][2] == utc(2024, 6, 9, 13, 55)


def test_an_ambiguous_file_is_refused_until_date_format_says(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"Issue key": "PAY-1", "Issue Type": "Bug", "Created": "06-09-2024 13:55"},
        {"Issue key": "PAY-2", "Issue Type": "Bug", "Created": "07-09-2024 10:00"},
    ]
    file = tf.jira(tmp_path / "x.csv", rows)
    with pytest.raises(DateFormatError, match="--date-format day-first"):
        defects_csv.import_defects(file, db)
    assert defects(db) == {}
    args = ["import", "defects", str(file), "--db", str(db), "--date-format", "day-first"]
    code, _out, err = cli(args, capsys)
    assert code == 0, err
    assert defects(db)["PAY-2"][2] == utc(2024, 9, 7, 10)
    pattern = ["--date-format", "%m-%d-%Y %H:%M"]
    code, _out, err = cli(["import", "defects", str(file), "--db", str(db), *pattern], capsys)
    assert code == 0, err
    assert defects(db)["PAY-2"][2] == utc(2024, 7, 9, 10)


# -- any export through --map ---------------------------------------------------------------


def test_map_names_the_type_status_and_resolution_columns(db: Path, tmp_path: Path) -> None:
    file = tf.write(
        tmp_path / "other.csv",
        [
            ["Ticket", "Kind", "State", "Outcome", "Opened", "Closed", "Culprit"],
            ["T-1", "Defect", "Closed", "Fixed", "2026-06-01", "2026-06-02", "acme/api#1"],
            ["T-2", "Defect", "Closed", "Duplicate", "2026-06-01", "2026-06-02", ""],
            ["T-3", "Feature", "Open", "", "2026-06-01", "", ""],
            ["T-4", "Defect", "Abandoned", "", "2026-06-01", "", ""],
        ],
    )
    maps = [
        "Ticket=key",
        "Kind=type",
        "State=status",
        "Outcome=resolution",
        "Opened=reported",
        "Closed=resolved",
        "Culprit=introduced_by",
    ]
    config = Settings(bug_issue_types=("Defect",))
    result = defects_csv.import_defects(file, db, mappings=maps, config=config)
    assert result["preset"] == "none"
    assert result["skipped"] == {"resolved Duplicate": 1, "Feature": 1}
    assert set(defects(db)) == {"T-1", "T-4"}
    assert rows_of(db, "select target, method from links") == [("acme/api#1", "import")]


def test_map_overrides_a_preset_and_reads_every_repeat(db: Path, tmp_path: Path) -> None:
    rows = [
        {"Issue key": "PAY-1", "Issue Type": "Bug", "Created": "1/Mar/26 9:00 AM"}
        | {"Sprint": ["Sprint 41", "Sprint 42"], "Labels": ["a"]},
    ]
    file = tf.jira(tmp_path / "j.csv", rows)
    defects_csv.import_defects(file, db, mappings=["Sprint=labels"])
    assert defects(db)["PAY-1"][5] == ["Sprint 41", "Sprint 42"]


def test_an_export_of_bugs_only_with_no_type_or_labels(db: Path, tmp_path: Path) -> None:
    file = tf.write(tmp_path / "o.csv", [["Bug", "Opened", "Sev"], ["B-1", "2026-06-01", "S2"]])
    result = defects_csv.import_defects(file, db, mappings=["Bug=key", "Opened=reported"])
    assert result["rows"] == 1 and result["skipped"] == {}


def test_reimport_is_idempotent(db: Path, tmp_path: Path) -> None:
    file = tf.jira(tmp_path / "jira.csv", JIRA_ROWS)
    defects_csv.import_defects(file, db)
    first = rows_of(db, "select * exclude (fetched_at) from defects order by 1")
    defects_csv.import_defects(file, db)
    assert rows_of(db, "select * exclude (fetched_at) from defects order by 1") == first
    assert rows_of(db, "select count(*) from links") == [(2,)]


# -- refusals -------------------------------------------------------------------------------


def test_a_file_plainly_not_that_trackers_export(db: Path, tmp_path: Path) -> None:
    file = tf.linear(tmp_path / "linear.csv", [{"ID": "ENG-1", "Created": "2026-04-01"}])
    with pytest.raises(NotThatExportError) as info:
        defects_csv.import_defects(file, db, preset="jira")
    assert str(info.value).startswith(
        f"{file} is not a Jira export: expected the columns Issue key, Issue Type, Created "
        "(found ID, Team, Title,"
    )
    other = tf.write(tmp_path / "o.csv", [["when", "what"], ["2026-01-01", "x"]])
    with pytest.raises(NotThatExportError) as info:
        defects_csv.import_defects(other, db)
    assert str(info.value) == (
        f"{other}: not a tracker export teamlens knows (expected Jira's Issue key, Issue Type, "
        "Created; Linear's ID, Labels, Created; GitHub's url, labels, created_at); name the "
        "columns with --map COLUMN=FIELD (at least COLUMN=key and COLUMN=reported)"
    )


def test_a_missing_required_column_is_on_row_1(db: Path, tmp_path: Path) -> None:
    file = tf.write(
        tmp_path / "cols.csv", [["Issue key", "Summary", "Created"], ["PAY-1", "x", "2026-01-01"]]
    )
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(file, db)
    assert [str(p) for p in info.value.problems] == [
        "row 1, type = '(missing)': expected a column 'Issue Type' or 'Work type' "
        "(or --map COLUMN=type)"
    ]


BAD = [
    {"Issue key": "PAY-1", "Summary": "ok", "Created": "2026-03-01"},
    {"Issue key": "", "Summary": "no key", "Created": "2026-03-01"},  # row 3
    {"Issue key": "PAY-3", "Summary": "bad date", "Created": "31/31/2026"},  # row 4
    {"Issue key": "PAY-4", "Summary": "bad resolved", "Created": "2026-03-01"}
    | {"Resolved": "soon"},  # row 5
    {"Issue key": "PAY-1", "Summary": "dup", "Created": "2026-03-02"},  # row 6
    {"Issue key": "PAY-6", "Summary": "unknown pr", "Created": "2026-03-02"}
    | {"Custom field (Introduced by)": "acme/api#99"},  # row 7
    {"Issue key": "PAY-7", "Summary": "not a ref", "Created": "2026-03-02"}
    | {"Custom field (Introduced by)": "yesterday's deploy"},  # row 8
    {"Issue key": "PAY-8", "Summary": "backwards", "Created": "2026-03-05"}
    | {"Resolved": "2026-03-01"},  # row 9
    {"Issue key": "PAY-9", "Summary": "", "Created": ""},  # row 10: no reported date
]


def _bad_file(tmp_path: Path) -> Path:
    return tf.jira(tmp_path / "bad.csv", [{"Issue Type": "Bug"} | row for row in BAD])


def test_every_bad_row_is_listed_and_nothing_written(db: Path, tmp_path: Path) -> None:
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(_bad_file(tmp_path), db)
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
        (10, "reported"),
    ]
    text = [str(p) for p in info.value.problems]
    assert "row 4, reported = '31/31/2026': expected a date" in text[1]
    assert "same as row 2" in text[3]
    assert "acme/api#99 is not" in text[4]
    assert rows_of(db, "select count(*) from defects") == [(0,)]


def test_repeated_columns_that_disagree_and_a_row_wider_than_the_header(
    db: Path, tmp_path: Path
) -> None:
    file = tf.write(
        tmp_path / "x.csv",
        [
            ["Issue key", "Issue Type", "Created", "Created", "Summary"],
            ["PAY-1", "Bug", "2026-03-01", "2026-03-01", "same twice: fine"],
            ["PAY-2", "Bug", "2026-03-01", "2026-03-09", "two dates"],
            ["PAY-3", "Bug", "2026-03-01", "", "a, b", "stray"],
        ],
    )
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(file, db)
    assert [str(p) for p in info.value.problems] == [
        "row 3, reported = '2026-03-01 | 2026-03-09': expected one value in 'Created'",
        "row 4, row = '6 cells': expected at most 5 cells, as the header has (a comma left "
        "unquoted?)",
    ]


def test_a_huge_bad_file_lists_the_first_problems_and_counts_the_rest(
    db: Path, tmp_path: Path
) -> None:
    rows = [{"Issue key": f"PAY-{n}", "Issue Type": "Bug", "Created": "never"} for n in range(250)]
    with pytest.raises(defects_csv.DefectsRefusedError) as info:
        defects_csv.import_defects(tf.jira(tmp_path / "big.csv", rows), db)
    assert len(info.value.problems) == defects_csv.MAX_LISTED == 100
    assert info.value.unlisted_rows == 150
    assert str(info.value).startswith(f"{tmp_path / 'big.csv'}: 250 bad rows, nothing written")
    assert str(info.value).endswith("; 150 more not listed")


def test_chunks_written_before_a_bad_row_are_rolled_back(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(defects_csv, "CHUNK_ROWS", 3)
    good = [
        {"Issue key": f"PAY-{n}", "Issue Type": "Bug", "Created": "1/Mar/26 9:00 AM"}
        | {"Description": f"introduced by acme/api#{1 + n % 3}"}
        for n in range(10)
    ]
    defects_csv.import_defects(tf.jira(tmp_path / "ok.csv", good), db)
    assert len(defects(db)) == 10  # four chunks of 3 rows
    assert rows_of(db, "select count(*) from links") == [(10,)]
    bad = [{**row, "Issue key": f"NEW-{n}"} for n, row in enumerate(good)]
    bad.append({"Issue key": "NEW-X", "Issue Type": "Bug", "Created": "someday"})
    with pytest.raises(defects_csv.DefectsRefusedError):
        defects_csv.import_defects(tf.jira(tmp_path / "bad.csv", bad), db)
    # the NEW- chunks were written inside the transaction, then rolled back with it
    assert sorted(defects(db)) == sorted(f"PAY-{n}" for n in range(10))


def test_bad_map(db: Path, tmp_path: Path) -> None:
    file = tf.write(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(InputError, match="unknown field 'colour'"):
        defects_csv.import_defects(file, db, mappings=["a=colour"])
    with pytest.raises(defects_csv.DefectsRefusedError, match="from --map"):
        defects_csv.import_defects(file, db, mappings=["zz=key", "b=reported"])


# -- the CLI: exit 2 and one clear line for every bad file ----------------------------------


def _bad_input(tmp_path: Path, kind: str) -> tuple[list[str], str]:
    """(arguments, what the one line must say) for each kind of bad input."""
    good = tf.jira(tmp_path / "good.csv", JIRA_ROWS[:1])
    if kind == "binary":
        path = tmp_path / "photo.csv"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
        return [str(path)], "is a binary file, not CSV text"
    if kind == "directory":
        return [str(tmp_path)], "is a directory, not a CSV file"
    if kind == "missing":
        return [str(tmp_path / "nope.csv")], "no such file"
    if kind == "empty":
        (tmp_path / "empty.csv").write_bytes(b"")
        return [str(tmp_path / "empty.csv")], "is empty"
    if kind == "header only":
        path = tf.jira(tmp_path / "header.csv", [])
        return [str(path)], "a header row and nothing under it"
    if kind == "unknown preset":
        return [str(good), "--preset", "youtrack"], "--preset 'youtrack': expected one of"
    if kind == "map names a missing column":
        args = [str(good), "--map", "Severity Level=severity"]
        return args, "expected a column named 'Severity Level' (from --map)"
    if kind == "date no format reads":
        path = tf.jira(
            tmp_path / "d.csv", [{"Issue key": "P-1", "Issue Type": "Bug", "Created": "2026/13/45"}]
        )
        return [str(path)], "row 2, reported = '2026/13/45': expected a date like"
    if kind == "bad date format option":
        return [str(good), "--date-format", "european"], "--date-format 'european'"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "binary",
        "directory",
        "missing",
        "empty",
        "header only",
        "unknown preset",
        "map names a missing column",
        "date no format reads",
        "bad date format option",
    ],
)
def test_every_bad_file_exits_2_with_one_clear_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    args, says = _bad_input(tmp_path, kind)
    code, out, err = cli(["import", "defects", *args, "--db", str(db)], capsys)
    assert code == 2, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("teamlens: ") and says in lines[0], lines[0]
    assert "Traceback" not in err
    assert rows_of(db, "select count(*) from defects") == [(0,)]


def test_the_cli_lists_each_bad_row_on_stderr_and_exits_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = _bad_file(tmp_path)
    code, _out, err = cli(["import", "defects", str(file), "--db", str(db)], capsys)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith(str(file))]
    assert len(lines) == 9
    assert err.splitlines()[-1].startswith(f"teamlens: {file}: 8 bad rows, nothing written")
    assert rows_of(db, "select count(*) from defects") == [(0,)]
