"""Reports layer: calendar quarters ("2026Q3") as the unit of reviews and board summaries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from settings import InputError

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


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
        return f"{self.year}-Q{self.number}"

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
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    today = (now or datetime.now(UTC)).date()
    if quarter.start > today:
        raise BadQuarterError(f"quarter {quarter.label} has not started yet (today is {today})")
    return quarter


def recent(moment: date | datetime, count: int = 8) -> list[Quarter]:
    """The quarter of ``moment`` and the ``count - 1`` before it, newest first (pickers)."""
    return quarter_of(moment).back(count)[::-1]
