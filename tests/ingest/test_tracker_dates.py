"""The dates trackers write: Jira Cloud and Data Center, ISO, Linear's JavaScript dates with
their offset, and Excel's numeric rewrites, whose day/month order the whole file decides."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.tracker_dates import (
    DAY_FIRST,
    MONTH_FIRST,
    DateFormat,
    DateFormatError,
    NeedsOrder,
    infer_order,
    read_date,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Jira Cloud's default export: d/MMM/yy h:mm a
        ("15/Sep/25 6:42 PM", utc(2025, 9, 15, 18, 42)),
        ("3/Jan/26 12:05 AM", utc(2026, 1, 3, 0, 5)),
        ("3/jan/26 12:05 pm", utc(2026, 1, 3, 12, 5)),
        ("15/Sep/25", utc(2025, 9, 15)),
        # Jira Data Center: dd/MMM/yyyy HH:mm
        ("15/Sep/2025 18:42", utc(2025, 9, 15, 18, 42)),
        ("15-Sept-2025 18:42:07", utc(2025, 9, 15, 18, 42, 7)),
        # ISO 8601 (Linear's API, GitHub), a zone honoured
        ("2026-03-12", utc(2026, 3, 12)),
        ("2026-03-12 10:15", utc(2026, 3, 12, 10, 15)),
        ("2026-04-01T08:00:00.000Z", utc(2026, 4, 1, 8)),
        ("2026-04-01T10:00:00+02:00", utc(2026, 4, 1, 8)),
        ("2024/09/06 13:55", utc(2024, 9, 6, 13, 55)),
        # Linear's JavaScript date string: 13:54:01 at GMT+0100 is 12:54:01 UTC
        ("Tue Aug 23 2022 13:54:01 GMT+0100 (British Summer Time)", utc(2022, 8, 23, 12, 54, 1)),
        ("Wed Jan 04 2023 22:30:00 GMT-0800 (Pacific Standard Time)", utc(2023, 1, 5, 6, 30)),
        ("Thu Apr 02 2026 10:00:00 GMT+0000 (Coordinated Universal Time)", utc(2026, 4, 2, 10)),
        ("  15/Sep/25 6:42 PM  ", utc(2025, 9, 15, 18, 42)),
    ],
)
def test_tracker_dates(text: str, expected: datetime) -> None:
    assert read_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "soon", "31/Foo/25", "30/Feb/25", "15/Sep/25 13:00 PM", "2026-13-01", "Tue Aug 23"],
)
def test_what_no_form_reads(text: str) -> None:
    assert read_date(text) is None


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("06-09-2024 13:55", DAY_FIRST, utc(2024, 9, 6, 13, 55)),
        ("06-09-2024 13:55", MONTH_FIRST, utc(2024, 6, 9, 13, 55)),
        ("12.03.2024 15:45", DAY_FIRST, utc(2024, 3, 12, 15, 45)),
        ("9/15/2025 6:42 PM", MONTH_FIRST, utc(2025, 9, 15, 18, 42)),
        ("15/9/25", DAY_FIRST, utc(2025, 9, 15)),
        ("9/15/2025 6:42 PM", DAY_FIRST, None),  # no 15th month
    ],
)
def test_numeric_dates_read_in_the_order_given(
    text: str, order: str, expected: datetime | None
) -> None:
    assert read_date(text, DateFormat(order=order)) == expected


def test_a_numeric_date_without_an_order_asks_for_one() -> None:
    with pytest.raises(NeedsOrder):
        read_date("06-09-2024 13:55")


def test_a_pattern_reads_first() -> None:
    fmt = DateFormat.parse("%d.%m.%Y %H:%M")
    assert fmt.order == DAY_FIRST
    assert read_date("12.03.2024 15:45", fmt) == utc(2024, 3, 12, 15, 45)
    assert read_date("12.03.2024", fmt) == utc(2024, 3, 12)  # the order serves the rest
    assert read_date("2026-03-12", fmt) == utc(2026, 3, 12)


@pytest.mark.parametrize("option", ["sometimes", "%Q"])
def test_a_bad_date_format_option(option: str) -> None:
    with pytest.raises(DateFormatError, match="--date-format"):
        DateFormat.parse(option)


def dates(*texts: str) -> list[tuple[int, str, str]]:
    return [(n + 2, "Created", text) for n, text in enumerate(texts)]


def test_the_order_comes_from_the_whole_file() -> None:
    # 06-09 could be either; 13-09 cannot be month-first, so the file is day-first
    assert infer_order("x.csv", dates("06-09-2024 13:55", "07-09-2024", "13-09-2024")) == DAY_FIRST
    assert infer_order("x.csv", dates("06-09-2024", "09-13-2024 1:00 PM")) == MONTH_FIRST
    # ISO and Jira dates say nothing either way
    assert infer_order("x.csv", dates("2024-09-06", "15/Sep/25", "25.12.2024")) == DAY_FIRST


def test_a_file_that_mixes_orders_is_refused() -> None:
    with pytest.raises(DateFormatError) as info:
        infer_order("x.csv", dates("06-09-2024", "13-09-2024", "09-13-2024"))
    message = str(info.value)
    assert "row 3, Created = '13-09-2024'" in message and "row 4, Created = '09-13-2024'" in message
    assert "--date-format" in message


def test_a_file_that_never_tells_is_refused_naming_the_option() -> None:
    with pytest.raises(DateFormatError) as info:
        infer_order("x.csv", dates("06-09-2024 13:55", "01.02.2024", "2024-01-01"))
    message = str(info.value)
    assert message == (
        "x.csv: every date like '06-09-2024 13:55' (row 2, Created) could be day-first or "
        "month-first and none tells which; pass --date-format day-first or --date-format "
        "month-first"
    )
