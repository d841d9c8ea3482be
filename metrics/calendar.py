"""Metrics layer: calendar arithmetic in one place — as-of days, months, periods, quarters.

Pure: no store, no settings beyond the input-error base class. Periods are METRICS.md's:
``week`` (ISO week, starting Monday), ``month`` and ``quarter`` (calendar quarters);
their labels are ``YYYY-Www``, ``YYYY-MM`` and ``YYYY-Qn``. A :class:`Quarter` (written
``2026Q3``) is the unit of reviews and board summaries.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from settings import InputError

FIRST_YEAR = 1970  # no pull request, commit or tracker export is older
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
_MONTHS = {"month": 1, "quarter": 3}

# What every as-of parameter accepts: an instant, a day, an ISO string, or None (now).
AsOf = datetime | date | str | None


# --- days and months ------------------------------------------------------------------


def as_of_day(as_of: AsOf) -> date:
    """The UTC date of an as-of value (a datetime, a date, an ISO string, or None = today)."""
    if as_of is None:
        return datetime.now(UTC).date()
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of.strip())
    if isinstance(as_of, datetime):
        return (as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)).date()
    return as_of


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's end (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def quarter_start(day: date) -> date:
    """The first day of ``day``'s calendar quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_before(day: date) -> date:
    """The day one quarter (3 months) before ``day``: "last quarter" in change figures.

    A rolling quarter rather than the last calendar quarter's end, so quarterly reviews
    held mid-quarter still compare this review's levels with the previous review's.
    """
    return add_months(day, -3)


def previous_quarter_end(day: date) -> date:
    """The last day of the calendar quarter before ``day``'s."""
    return quarter_start(day) - timedelta(days=1)


# --- periods (week, month, quarter) ---------------------------------------------------


def period_start(day: date, period: str) -> date:
    """The first day of the period ``day`` falls in (a Monday for ISO weeks)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return quarter_start(day)


def next_period_start(start: date, period: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period == "week":
        return start + timedelta(days=7)
    return add_months(start, _MONTHS[period])


def previous_period_start(start: date, period: str) -> date:
    """The first day of the period before the one starting on ``start``."""
    if period == "week":
        return start - timedelta(days=7)
    return period_start(start - timedelta(days=1), period)


def period_label(start: date, period: str) -> str:
    """METRICS.md's label of a period: ``2026-W07``, ``2026-07`` or ``2026-Q3``."""
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def quarter_ends(start: date, end: date) -> list[tuple[str, date]]:
    """(label, last day) of each quarter from ``start``'s to ``end``'s; the last is cut at
    ``end`` (a quarter still running is read as of ``end``)."""
    out = []
    first = quarter_start(start)
    while True:
        following = next_period_start(first, "quarter")
        out.append((period_label(first, "quarter"), min(following - timedelta(days=1), end)))
        if following > end:
            return out
        first = following


# --- quarters as the unit of reviews and board summaries -------------------------------


class BadQuarterError(InputError):
    """A quarter that is not written like 2026Q3, or that has not started yet."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def period_label(self) -> str:
        """The label metrics.compute gives this quarter's rows (METRICS.md: YYYY-Qn)."""
        return period_label(self.start, "quarter")

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

    @property
    def end_instant(self) -> datetime:
        """The last second of the quarter, UTC: the as-of of a finished quarter."""
        return datetime.combine(self.end, time(23, 59, 59), tzinfo=UTC)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def back(self, count: int) -> list[Quarter]:
        """This quarter and the ``count - 1`` before it, oldest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]

    def as_of(self, cap: datetime | None = None) -> datetime:
        """The instant the quarter's figures are taken at: its end, or ``cap`` if earlier
        (a quarter still running is shown as of now / the page's as-of)."""
        end = self.end_instant
        return min(end, cap) if cap is not None else end

    def is_complete(self, moment: datetime) -> bool:
        """Whether the quarter had ended by ``moment`` (its last second included)."""
        return moment >= self.end_instant

    def __str__(self) -> str:
        return self.label


def quarter_of(day: date | datetime) -> Quarter:
    """The quarter a day (or instant, taken in UTC) falls in."""
    if isinstance(day, datetime):
        day = (day.astimezone(UTC) if day.tzinfo else day).date()
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str, *, now: datetime | None = None) -> Quarter:
    """``2026Q3`` (also ``2026-Q3``, ``2026q3``) as a :class:`Quarter`.

    Raises:
        BadQuarterError: not a quarter, or a quarter that starts after ``now``.
    """
    match = _QUARTER.match(text or "")
    if not match:
        raise BadQuarterError(f"quarter {text!r}: expected a year and quarter like 2026Q3")
    if int(match.group(1)) < FIRST_YEAR:  # a report also reads the quarters before it
        raise BadQuarterError(f"quarter {text!r}: expected a year from {FIRST_YEAR} on")
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    today = (now or datetime.now(UTC)).date()
    if quarter.start > today:
        raise BadQuarterError(f"quarter {quarter.label} has not started yet (today is {today})")
    return quarter


def last_complete_quarter(moment: datetime) -> Quarter:
    """The latest quarter that had ended by ``moment``: what a review or a board summary
    shows by default (a quarter still running has half its volume and its defects open)."""
    current = quarter_of(moment)
    return current if current.is_complete(moment) else current.previous()


def recent(moment: date | datetime, count: int = 8) -> list[Quarter]:
    """The quarter of ``moment`` and the ``count - 1`` before it, newest first (pickers)."""
    return quarter_of(moment).back(count)[::-1]
