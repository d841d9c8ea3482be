"""Every bad input to `teamlens` exits 2 with one clear line, never a traceback; and the
first minutes of a newcomer: refused aliases, whole --help lines, the database's place.

Each case runs through teamlens.main as the console entry does (stdout and stderr
captured); the small store of tests/conftest.py (teams Alpha and Beta, PRs in May and
June 2026) is the database.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

import teamlens
from metrics.aggregates import COVERAGE_COLUMNS
from metrics.cli_output import to_csv
from metrics.registry import REFUSED_BY_ID
from reports import formats
from reports.document import Document, Table
from store import DEFAULT_DB


def fails_in_one_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = teamlens.main(list(args))
    captured = capsys.readouterr()
    assert code == 2, (code, captured.err)
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return captured.err


def test_api_url_that_is_not_a_url(capsys, small_db, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    for url in ("notaurl", "ftp://host/api", "https://", "http://host:port"):
        err = fails_in_one_line(capsys, "ingest", "github", "--repo", "a/b", "--api-url", url)
        assert "--api-url" in err and "expected an http(s) URL" in err


@pytest.mark.parametrize("quarter", ["0000Q1", "1969Q4", "2026Q5", "Q3", "9999Q4"])
def test_a_quarter_that_cannot_be(capsys, small_db, quarter):
    err = fails_in_one_line(capsys, "report", "board", "--db", str(small_db), "--quarter", quarter)
    assert "quarter" in err


def test_out_naming_a_folder_a_missing_folder_or_an_unwritable_path(capsys, small_db, tmp_path):
    board = ("report", "board", "--db", str(small_db), "--quarter", "2026Q2", "--out")
    assert "is a folder" in fails_in_one_line(capsys, *board, str(tmp_path))
    assert "does not exist" in fails_in_one_line(capsys, *board, str(tmp_path / "no" / "b.md"))
    # /proc takes no new file, even for root (who passes every permission check)
    assert "cannot write" in fails_in_one_line(capsys, *board, "/proc/teamlens-board.md")


def test_out_refuses_to_overwrite_unless_forced(capsys, small_db, tmp_path):
    target = tmp_path / "board.md"
    target.write_text("my notes\n")
    board = ("report", "board", "--db", str(small_db), "--quarter", "2026Q2", "--out")
    err = fails_in_one_line(capsys, *board, str(target))
    assert "exists" in err and "--force" in err
    assert target.read_text() == "my notes\n"
    assert teamlens.main([*board, str(target), "--force"]) == 0
    assert target.read_text().startswith("# ")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8 text"),
        (b"levels = [\n", "not valid TOML"),
        (b"[levels]\nname = 3\n", "refused"),
    ],
    ids=["binary", "not-toml", "wrong-fields"],
)
def test_a_binary_or_malformed_framework_file(
    capsys, small_db, tmp_path, monkeypatch, content, reason
):
    framework = tmp_path / "framework.toml"
    framework.write_bytes(content)
    monkeypatch.setenv("TEAMLENS_FRAMEWORK", str(framework))
    args = ("report", "review", "--db", str(small_db), "--person", "ana", "--quarter", "2026Q2")
    err = fails_in_one_line(capsys, *args)
    assert str(framework) in err and reason in err
    monkeypatch.setenv("TEAMLENS_FRAMEWORK", str(tmp_path))
    assert "is a directory" in fails_in_one_line(capsys, *args)


def test_team_naming_no_team_names_the_known_teams(capsys, small_db):
    err = fails_in_one_line(capsys, "metrics", "--db", str(small_db), "--team", "Gamma")
    assert "'Gamma': no such team; known teams: Alpha, Beta" in err
    # a known team in another case is that team
    assert teamlens.main(["metrics", "--db", str(small_db), "--team", "alpha", "--csv"]) == 0
    assert "Alpha," in capsys.readouterr().out


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "2019-06-30"])
def test_as_of_outside_the_data_years(capsys, small_db, as_of):
    err = fails_in_one_line(capsys, "metrics", "--db", str(small_db), "--as-of", as_of)
    assert f"--as-of {as_of}: outside the data's years (2026 to" in err


def test_demo_never_writes_into_real_data_even_with_force(capsys, small_db):
    # the small store's rows come from the source 'test': real data for the demo
    for extra in ([], ["--force"]):
        err = fails_in_one_line(capsys, "demo", "--db", str(small_db), *extra)
        assert "never mixes with real data" in err
    assert "(--force does not change that)" in err


@pytest.mark.parametrize(
    ("alias", "refused"),
    [
        ("loc", "lines_of_code"),
        ("lines_of_code", "lines_of_code"),
        ("ai_acceptance_rate", "ai_suggestions_accepted"),
        ("suggestions_accepted", "ai_suggestions_accepted"),
        ("ai_usage", "ai_usage_frequency"),
        ("Lines-Of-Code", "lines_of_code"),
    ],
)
def test_refused_aliases_answer_with_the_reason(capsys, alias, refused):
    err = fails_in_one_line(capsys, "metrics", "--metric", alias)
    assert f"metric {refused!r}" in err and "is refused and never computed" in err
    assert REFUSED_BY_ID[refused].reason in err
    assert "unknown metric" not in err


def _help_screens() -> list[list[str]]:
    screens = [[]]
    for command in teamlens.COMMANDS:
        screens.append([command.name])
        for sub in getattr(command, "commands", {}):
            screens.append([command.name, sub])
    return screens


@pytest.mark.parametrize("words", _help_screens(), ids=lambda w: " ".join(w) or "teamlens")
def test_help_lines_are_whole(capsys, words):
    assert teamlens.main([*words, "--help"]) == 0
    out = capsys.readouterr().out
    # click cuts a command's short help with "..." when it does not fit the listing
    listing = out.split("Commands:")[1] if "Commands:" in out else ""
    cut = [line for line in listing.splitlines() if line.rstrip().endswith(("...", "…"))]
    assert not cut, cut
    assert "…" not in out


def test_metrics_help_lists_the_ids_and_names_no_file(capsys):
    assert teamlens.main(["metrics", "--help"]) == 0
    out = capsys.readouterr().out
    assert "METRICS.md" not in out and ".md" not in out
    assert "qact_p50_h" in out and "lines_of_code" in out


def test_help_states_the_default_database(capsys):
    assert teamlens.main(["--help"]) == 0
    top = capsys.readouterr().out
    assert str(DEFAULT_DB) in " ".join(top.split()) and "$TEAMLENS_DB" in top
    assert teamlens.main(["db", "info", "--help"]) == 0
    assert str(DEFAULT_DB) in " ".join(capsys.readouterr().out.split())


def test_metrics_csv_neutralises_formulas():
    frame = pd.DataFrame(
        {
            "group": ['=HYPERLINK("http://x")', "@cmd", "-2+3", "+1", "Alpha"],
            "period": "2026-05",
            "merged_prs": [-5, 1, 2, 3, 4],
        }
    )
    for column in COVERAGE_COLUMNS:
        frame[column] = 1
    rows = list(csv.reader(io.StringIO(to_csv(frame, ["merged_prs"]))))
    # text a spreadsheet would run gets a ' first; a plain figure (+1) and a number stay
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://x")', "'@cmd", "'-2+3", "+1", "Alpha"]
    assert rows[1][2] == "-5"


def test_every_export_neutralises_formula_cells():
    document = Document(
        "board",
        "T",
        (
            Table(
                ("Group", "Change"),
                (("=cmd|' /C calc'!A0", "-5 pts"), ("@SUM(A1)", "+3.0 h"), ("Alpha", "-12%")),
                ("label", "figure"),
            ),
        ),
    )
    text = formats.by_suffix(".md").render(document).decode()
    assert "'=cmd" in text and "'@SUM" in text
    assert "| -5 pts |" in text and "| +3.0 h |" in text and "| -12% |" in text
    safe = formats.spreadsheet_safe(document).blocks[0]
    assert safe.rows[0][0].startswith("'=") and safe.rows[2] == ("Alpha", "-12%")
