"""Ingest layer: the dates issue trackers (and spreadsheets re-saving their exports) write.

Computes no metric. Every date becomes an aware UTC datetime; one without an offset is
read as UTC (Jira writes the exporting user's local time with no zone: the hours of a
repair time may be off by that offset, its days are not). Read, fastest first:

* ISO 8601: ``2026-03-12``, ``2026-03-12T10:15:00Z``, ``2026-04-01T08:00:00.000Z`` (Linear's
  API, GitHub), ``2024/09/06 13:55``;
* Jira Cloud ``15/Sep/25 6:42 PM`` and Data Center ``15/Sep/2025 18:42`` (English month
  names, 2- or 4-digit years, with or without a time, ``-`` for ``/``);
* Linear's JavaScript date string ``Tue Aug 23 2022 13:54:01 GMT+0100 (British Summer
  Time)``, its offset honoured (that is 12:54:01 UTC);
* numbers with the year last, as Excel rewrites them in the reader's locale:
  ``06-09-2024 13:55``, ``12.03.2024 15:45``, ``9/15/2025 6:42 PM``. Whether ``06-09`` is
  the 6th of September or June the 9th is read from the whole file
  (:func:`infer_order`): any date whose first number is over 12 makes the file
  day-first, any whose second is makes it month-first. A file with both is refused, and so
  is one in which every such date could be either (``--date-format`` decides).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from settings import InputError

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan",),
            ("feb",),
            ("mar",),
            ("apr",),
            ("may",),
            ("jun",),
            ("jul",),
            ("aug",),
            ("sep", "sept"),
            ("oct",),
            ("nov",),
            ("dec",),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_JIRA = re.compile(r"(\d{1,2})[/ -]([A-Za-z]{3,4})\.?[/ -](\d{4}|\d{2})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([./])(\d{1,2})\2(\d{1,2})" + _TIME)
_JS = re.compile(
    r"[A-Za-z]{3},? ([A-Za-z]{3}) (\d{1,2}) (\d{4}) (\d{1,2}):(\d{2}):(\d{2})"
    r" GMT([+-])(\d{2}):?(\d{2})(?: \(.*\))?"
)
EXAMPLES = "a date like 2026-03-12, 12/Mar/26 10:15 AM or 12.03.2026 10:15"


class DateFormatError(InputError):
    """A ``--date-format`` that cannot be used, or a file whose dates cannot be ordered."""


@dataclass(frozen=True)
class DateFormat:
    """How to read numeric dates: an order, a ``strptime`` pattern, or None to infer."""

    order: str | None = None
    pattern: str | None = None

    @classmethod
    def parse(cls, option: str | None) -> DateFormat:
        """``--date-format``: ``day-first``, ``month-first`` or a pattern like ``%d.%m.%Y %H:%M``.

        Raises:
            DateFormatError: anything else.
        """
        if option is None or not option.strip():
            return cls()
        text = option.strip()
        if text.lower() in (DAY_FIRST, MONTH_FIRST):
            return cls(order=text.lower())
        if "%" not in text:
            raise DateFormatError(
                f"--date-format {option!r}: expected day-first, month-first or a pattern "
                f"like '%d.%m.%Y %H:%M'"
            )
        day, month = text.find("%d"), text.find("%m")
        order = None
        if day >= 0 and month >= 0:
            order = DAY_FIRST if day < month else MONTH_FIRST
        try:
            sample = datetime(2026, 3, 12, 10, 15, tzinfo=UTC).strftime(text)
            datetime.strptime(sample, text)  # noqa: DTZ007  (only checks the pattern)
        except ValueError:
            raise DateFormatError(
                f"--date-format {option!r} is not a pattern strptime can read"
            ) from None
        return cls(order=order, pattern=text)


class NeedsOrder(Exception):  # noqa: N818  (a signal, not an error)
    """A numeric date was met before the file's day/month order was known."""


def _clock(groups: tuple[str | None, ...]) -> tuple[int, int, int] | None:
    hour_s, minute_s, second_s, half = groups
    if hour_s is None:
        return 0, 0, 0
    hour, minute, second = int(hour_s), int(minute_s or 0), int(second_s or 0)
    if half:
        if not 1 <= hour <= 12:
            return None
        pm = half[0] in "pP"
        hour = (hour % 12) + (12 if pm else 0)
    return hour, minute, second


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:  # as strptime's %y: 69-99 -> 1900s, 00-68 -> 2000s
        value += 1900 if value >= 69 else 2000
    return value


def _build(year: int, month: int, day: int, clock: tuple[int, int, int] | None) -> datetime | None:
    if clock is None:
        return None
    try:
        return datetime(year, month, day, *clock, tzinfo=UTC)
    except ValueError:
        return None


def numeric_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a year-last numeric date (``06-09-2024`` -> (6, 9))."""
    m = _NUMERIC.fullmatch(text.strip())
    return (int(m.group(1)), int(m.group(3))) if m else None


def read_date(text: str, fmt: DateFormat = DateFormat()) -> datetime | None:
    """``text`` as aware UTC; None when no form reads it.

    Raises:
        NeedsOrder: a year-last numeric date and ``fmt`` gives no order.
    """
    value = text.strip()
    if not value:
        return None
    if fmt.pattern:
        try:
            parsed = datetime.strptime(value, fmt.pattern)  # noqa: DTZ007  (zone set below)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
    if value[:4].isdigit() and len(value) >= 8 and value[4] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    m = _JIRA.fullmatch(value)
    if m:
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            return None
        return _build(_year(m.group(3)), month, int(m.group(1)), _clock(m.groups()[3:]))
    m = _NUMERIC.fullmatch(value)
    if m:
        if fmt.order is None:
            raise NeedsOrder(value)
        first, second = int(m.group(1)), int(m.group(3))
        day, month = (first, second) if fmt.order == DAY_FIRST else (second, first)
        return _build(_year(m.group(4)), month, day, _clock(m.groups()[4:]))
    m = _YEAR_FIRST.fullmatch(value)
    if m:
        clock = _clock(m.groups()[4:])
        return _build(int(m.group(1)), int(m.group(3)), int(m.group(4)), clock)
    m = _JS.fullmatch(value)
    if m:
        month = _MONTHS.get(m.group(1).lower())
        if month is None:
            return None
        sign = -1 if m.group(7) == "-" else 1
        offset = timedelta(hours=int(m.group(8)), minutes=int(m.group(9))) * sign
        try:
            local = datetime(
                int(m.group(3)),
                month,
                int(m.group(2)),
                int(m.group(4)),
                int(m.group(5)),
                int(m.group(6)),
                tzinfo=timezone(offset),
            )
        except ValueError:
            return None
        return local.astimezone(UTC)
    return None


@dataclass
class OrderEvidence:
    """What the numeric dates of a file say about their order (first example of each)."""

    day_first: tuple[int, str, str] | None = None  # (row, field, text)
    month_first: tuple[int, str, str] | None = None
    either: tuple[int, str, str] | None = None

    def add(self, row: int, field: str, text: str) -> None:
        """Weigh one date (only year-last numeric dates say anything)."""
        parts = numeric_parts(text)
        if parts is None:
            return
        first, second = parts
        as_day_first = 1 <= first <= 31 and 1 <= second <= 12
        as_month_first = 1 <= first <= 12 and 1 <= second <= 31
        where = (row, field, text.strip())
        if as_day_first and as_month_first:
            if first != second and self.either is None:
                self.either = where
        elif as_day_first:
            self.day_first = self.day_first or where
        elif as_month_first:
            self.month_first = self.month_first or where


def infer_order(source: str, dates: Iterable[tuple[int, str, str]]) -> str:
    """The day/month order of a file's numeric dates, from every one of them.

    Args:
        source: the file, for messages.
        dates: ``(row, field, text)`` of every date cell of the file.

    Raises:
        DateFormatError: the dates mix both orders, or none of them tells (one line, naming
            ``--date-format``).
    """
    evidence = OrderEvidence()
    for row, field, text in dates:
        evidence.add(row, field, text)
        if evidence.day_first and evidence.month_first:
            break
    day, month = evidence.day_first, evidence.month_first
    if day and month:
        raise DateFormatError(
            f"{source}: the dates mix day-first (row {day[0]}, {day[1]} = {day[2]!r}) and "
            f"month-first (row {month[0]}, {month[1]} = {month[2]!r}) forms; fix the file or "
            f"pass --date-format with a pattern like '%d.%m.%Y %H:%M'"
        )
    if day:
        return DAY_FIRST
    if month:
        return MONTH_FIRST
    example = evidence.either
    if example is None:
        return DAY_FIRST  # no numeric date reads either way: each is listed as a bad row
    raise DateFormatError(
        f"{source}: every date like {example[2]!r} (row {example[0]}, {example[1]}) could be "
        f"day-first or month-first and none tells which; pass --date-format day-first or "
        f"--date-format month-first"
    )
