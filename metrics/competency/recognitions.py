"""Metrics layer: recognitions up to a day, with the framework's names. Read-only."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from framework import Framework
from framework import framework as load_framework
from metrics.calendar import AsOf, as_of_day
from store import DbPath, read_connection


def recognitions(
    db: DbPath, as_of: AsOf = None, logins: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """Recognitions up to the as-of date, newest first, with the framework's names.

    Columns: login, recognized_on, behaviour, behaviour_name, format, format_name, note,
    pr_url.
    """
    fw = fw or load_framework()
    day = as_of_day(as_of)
    wanted = [login.lower() for login in logins]
    with read_connection(db) as conn:
        frame = conn.execute(
            """
            select login, recognized_on, behaviour, format, note, pr_url
            from recognitions
            where recognized_on <= $day
              and (len($logins) = 0 or list_contains($logins, lower(login)))
            order by recognized_on desc, lower(login), behaviour
            """,
            {"day": day, "logins": wanted},
        ).df()
    behaviours = {b.id: b.name for b in fw.behaviours}
    formats = {f.id: f.name for f in fw.formats}
    frame["behaviour_name"] = frame["behaviour"].map(behaviours).fillna(frame["behaviour"])
    frame["format_name"] = frame["format"].map(formats).fillna(frame["format"])
    return frame[
        [
            "login",
            "recognized_on",
            "behaviour",
            "behaviour_name",
            "format",
            "format_name",
            "note",
            "pr_url",
        ]
    ]
