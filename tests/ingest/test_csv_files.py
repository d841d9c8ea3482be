"""Reading CSV files as exporters write them: BOM, CRLF, multi-line fields, repeated columns,
sniffed delimiters, and one clear refusal for whatever is not CSV text."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tracker_files import write

from ingest.csv_files import CsvFileError, open_csv, sniff_delimiter


def read_all(path: Path) -> tuple[tuple[str, ...], list[tuple[int, list[str]]], str]:
    with open_csv(path) as table:
        return table.header.names, list(table.records()), table.delimiter


def test_bom_crlf_multiline_fields_and_unicode_headers(tmp_path: Path) -> None:
    rows = [
        ["Issue key", "Σ Time Spent", "Custom field (Mood 🙂)", "Description"],
        ["PAY-1", "", "😀", 'Steps:\r\n1. open, pay; wait\r\n\r\n2. see "500"'],
        ["", "", "", ""],  # a blank record: skipped, but counted as a spreadsheet row
        ["PAY-2", "3600", "", ""],
    ]
    names, records, delimiter = read_all(write(tmp_path / "j.csv", rows))
    assert names == ("Issue key", "Σ Time Spent", "Custom field (Mood 🙂)", "Description")
    assert delimiter == ","
    # row numbers as a spreadsheet shows them: header 1, the multi-line record is row 2
    assert [n for n, _ in records] == [2, 4]
    assert records[0][1][3] == 'Steps:\r\n1. open, pay; wait\r\n\r\n2. see "500"'


def test_repeated_columns_are_all_found(tmp_path: Path) -> None:
    path = write(
        tmp_path / "j.csv", [["Labels", "Sprint", "labels ", "LABELS"], ["a", "", "b", ""]]
    )
    with open_csv(path) as table:
        assert table.header.positions("Labels") == [0, 2, 3]
        assert table.header.positions("sprint") == [1]
        assert table.header.positions("Watchers") == []


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed_even_with_every_delimiter_in_the_text(
    tmp_path: Path, delimiter: str
) -> None:
    text = 'a, b; c\t d | "e"\nnext line, again; and\tagain'
    rows = [["Issue key", "Summary", "Created", "Description"]] + [
        [f"PAY-{n}", f"Crash {n}; again, {n}", "12.03.2024 15:45", text * (n % 3)]
        for n in range(40)
    ]
    names, records, found = read_all(write(tmp_path / "x.csv", rows, delimiter=delimiter))
    assert found == delimiter
    assert names == ("Issue key", "Summary", "Created", "Description")
    assert [r[1] for r in records] == rows[1:]


def test_a_sample_cut_inside_a_record_still_sniffs() -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["ID", "Title", "Labels", "Description"])
    writer.writerow(["ENG-1", "x", "Bug, UI", "a, b, c\n" * 50])
    writer.writerow(["ENG-2", "y", "Bug", "d, e, f\n" * 50])
    text = buffer.getvalue()
    assert sniff_delimiter(text[: len(text) // 2]) == ";"


_NAMES = ["Issue key", "Summary", "Created", "Resolved", "Labels", "Labels", "Description"]
_TEXT = st.text(alphabet=st.sampled_from(list("ab ,;|\t\"'\n\r-é😀")), min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";", "\t"]),
    width=st.integers(min_value=2, max_value=len(_NAMES)),
    body=st.lists(st.lists(_TEXT, min_size=len(_NAMES), max_size=len(_NAMES)), max_size=12),
)
def test_any_table_reads_back_as_written(delimiter: str, width: int, body: list) -> None:
    """Property: whatever the text holds, a table written with csv.writer reads back whole."""
    header = _NAMES[:width]
    rows = [row[:width] for row in body if any(c.strip() for c in row[:width])]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    assert sniff_delimiter(buffer.getvalue()) == delimiter
    got = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=delimiter))
    assert got == [header, *rows]


def test_fields_longer_than_csv_default_limit(tmp_path: Path) -> None:
    long = "x" * 300_000  # the csv module refuses fields over 128 KiB by default
    _names, records, _d = read_all(
        write(tmp_path / "j.csv", [["Issue key", "Description"], ["A-1", long]])
    )
    assert records[0][1][1] == long


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes("Issue key\tSummary\r\nPAY-1\tÜber 😀\r\n".encode("utf-16"))
    names, records, delimiter = read_all(path)
    assert names == ("Issue key", "Summary") and delimiter == "\t"
    assert records == [(2, ["PAY-1", "Über 😀"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \r\n\r\n", "is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip file (an Excel workbook?)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003 workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Issue key,Summary\nPAY-1,Caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        (b",,,\r\nA-1,b,c,d\r\n", "row 1 is empty"),
    ],
)
def test_what_is_not_csv_text_is_refused_in_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CsvFileError, match=re.escape(message)) as info:
        read_all(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_a_directory_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="is a directory"):
        read_all(tmp_path)
    with pytest.raises(CsvFileError, match="no such file"):
        read_all(tmp_path / "nope.csv")


def test_bad_bytes_deep_in_a_file_name_the_row(tmp_path: Path) -> None:
    head = "".join(f"PAY-{n},fine text that fills the sample\r\n" for n in range(3000))
    path = tmp_path / "late.csv"
    path.write_bytes(b"Issue key,Summary\r\n" + head.encode() + b"PAY-x,Caf\xe9\r\n")
    # the header is row 1, 3000 good rows follow: the bad one is row 3002
    with pytest.raises(CsvFileError, match="row 3002, Summary: not UTF-8 text") as info:
        with open_csv(path) as table:
            for _ in table.records():
                pass
    assert "save the file as CSV UTF-8" in str(info.value)
