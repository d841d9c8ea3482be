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
