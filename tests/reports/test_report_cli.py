"""`teamlens report review|board`: Markdown to stdout, files by suffix, exit 2 on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

import teamlens


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = teamlens.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_review_markdown_to_stdout(org_db: Path, capsys) -> None:
    code, out, err = run(
        capsys, "report", "review", "--db", str(org_db), "--person", "ANA", "--quarter", "2026Q3"
    )
    assert code == 0, err
    assert out.startswith("# Quarterly review 2026Q3: Ana Ångström")
    assert "## What is not evaluated, and why" in out


def test_board_markdown_to_file(org_db: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "board.md"
    code, out, err = run(
        capsys, "report", "board", "--db", str(org_db), "--quarter", "2026q3", "--out", str(target)
    )
    assert code == 0, err
    assert out.strip() == str(target)
    assert target.read_text().startswith("# Executive summary 2026Q3")
    assert "written to" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("review", "--person", "nobody", "--quarter", "2026Q3"), "no such login"),
        (("review", "--person", "ana", "--quarter", "2026-07"), "like 2026Q3"),
        (("board", "--quarter", "2999Q1"), "has not started"),
        (("board", "--quarter", "2026Q3", "--out", "board.docx"), ".pdf, .pptx, .md"),
        (("review", "--person", "ana", "--quarter", "2026Q3", "--out", "x.pptx"), ".pdf, .md"),
        (("board", "--quarter", "2026Q3", "--out", "/no/such/dir/b.pdf"), "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(org_db: Path, capsys, args, message) -> None:
    code, out, err = run(capsys, "report", args[0], "--db", str(org_db), *args[1:])
    assert code == 2
    assert out == ""
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "title"),
    [
        # mid-Q4: the last complete quarter is Q3
        (("--as-of", "2026-10-05"), "# Executive summary 2026Q3 — Engineering organization"),
        # mid-Q3: Q2 is the last complete one; Q3 itself only when asked, labelled partial
        (("--as-of", "2026-08-15"), "# Executive summary 2026Q2 — Engineering organization"),
        (
            ("--as-of", "2026-08-15", "--quarter", "2026Q3"),
            "# Executive summary 2026Q3 (partial) — Engineering organization",
        ),
    ],
)
def test_board_defaults_to_the_last_complete_quarter(org_db: Path, capsys, args, title) -> None:
    code, out, err = run(capsys, "report", "board", "--db", str(org_db), *args)
    assert code == 0, err
    assert out.splitlines()[0] == title


def test_without_as_of_the_default_is_the_last_quarter_complete_now(org_db: Path, capsys) -> None:
    from datetime import UTC, datetime

    from metrics.calendar import last_complete_quarter

    code, out, err = run(capsys, "report", "board", "--db", str(org_db))
    assert code == 0, err
    expected = last_complete_quarter(datetime.now(UTC)).label
    assert out.startswith(f"# Executive summary {expected} — ")
    assert "(partial)" not in out


def test_review_defaults_to_the_last_complete_quarter(org_db: Path, capsys) -> None:
    code, out, err = run(
        capsys, "report", "review", "--db", str(org_db), "--person", "ana", "--as-of", "2026-10-05"
    )
    assert code == 0, err
    assert out.startswith("# Quarterly review 2026Q3: Ana Ångström")
