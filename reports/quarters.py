"""Reports layer: a quarter as a report shows it — complete, or partial and labelled so.

A quarter still running at the report's instant has part of its volume and defects that
had no time to be fixed: every figure of it says "partial", and the narrative says what
the figures cover. Phrasing only; the calendar is :mod:`metrics.calendar`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from metrics.calendar import Quarter, last_complete_quarter


def report_instant(quarter: Quarter, as_of: datetime | None = None) -> datetime:
    """The instant a report of ``quarter`` is taken at: its end, or ``as_of`` (default
    now) when that is earlier — a report never counts what has not happened yet."""
    return quarter.as_of(as_of or datetime.now(UTC))


def default_quarter(as_of: datetime | None = None) -> Quarter:
    """The quarter a report shows unless asked: the last complete one before ``as_of``."""
    return last_complete_quarter(as_of or datetime.now(UTC))


@dataclass(frozen=True)
class QuarterShown:
    """A quarter and the instant its figures are taken at."""

    quarter: Quarter
    moment: datetime

    @property
    def is_partial(self) -> bool:
        return not self.quarter.is_complete(self.moment)

    @property
    def label(self) -> str:
        """'2026Q3', or '2026Q4 (partial)' while it runs."""
        return f"{self.quarter.label} (partial)" if self.is_partial else self.quarter.label

    @property
    def span(self) -> str:
        """'1 Jul to 30 Sep 2026', or up to the report's day while the quarter runs."""
        last = self.moment.date() if self.is_partial else self.quarter.end
        first = self.quarter.start
        return f"{first.day} {first:%b} to {last.day} {last:%b %Y}"

    @property
    def tag(self) -> str:
        """What every figure of a partial quarter carries ('' for a complete quarter)."""
        day = self.moment.date()
        return f"partial quarter, to {day.day} {day:%b}" if self.is_partial else ""

    def note(self) -> str:
        """The sentence a partial quarter's report opens with ('' when complete)."""
        if not self.is_partial:
            return ""
        return (
            f"{self.quarter.label} is still running: these figures cover {self.span} only. "
            "A partial quarter has part of its changes, and its latest defects have had "
            "little time to be fixed; compare it with a full quarter with care."
        )


def quarter_choice_label(quarter: Quarter, as_of: datetime) -> str:
    """A quarter in a picker: '2026Q4 (partial)' while it runs at ``as_of``."""
    return QuarterShown(quarter, quarter.as_of(as_of)).label
