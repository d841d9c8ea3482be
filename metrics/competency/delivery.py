"""Metrics layer: a person's delivery figures per period beside their team's median. Read-only.

Never a ranking: only the person's own value and the team median are returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from metrics.aggregates import compute
from metrics.calendar import AsOf, as_of_day
from metrics.competency.people import people, person
from store import DbPath


def person_trends(
    db: DbPath,
    login: str,
    *,
    as_of: AsOf = None,
    period: str = "month",
    metric_ids: Iterable[str] = ("qact_p50_h", "cycle_time_p50_h", "defect_rate", "merged_prs"),
    compute_kwargs: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A person's metrics per period beside the median of their team's members.

    Calls :func:`metrics.compute` (``by='person'``) once, for the members of the person's
    team on the as-of date only (the filter runs in SQL), and takes, per period, the
    median over them.
    Never a ranking: only the person's own value and the team median are returned.

    Returns:
        Columns period, period_start, metric, value (the person's; NaN when they had no
        data), team_median (the person included), team_people (how many members had
        data), n_prs (the person's merged PRs in the period). Ordered by metric, then
        period.
    """
    ids = list(metric_ids)
    columns = ["period", "period_start", "metric", "value", "team_median", "team_people", "n_prs"]
    day = as_of_day(as_of)
    who = person(db, login, day)
    if who is None:
        return pd.DataFrame(columns=columns)
    team = [p.login for p in people(db, day, [who.team])] if who.team else [who.login]
    frame = compute(
        db,
        as_of=as_of,
        period=period,
        by="person",
        metric_ids=ids,
        people=team,
        **(compute_kwargs or {}),
    )
    if frame.empty:
        return pd.DataFrame(columns=columns)
    long = frame.melt(
        id_vars=["group", "period", "period_start"], value_vars=ids, var_name="metric"
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    stats = long.groupby(["metric", "period", "period_start"], as_index=False)["value"].agg(
        team_median="median", team_people="count"
    )
    mine = long[long["group"] == who.login][["metric", "period", "value"]]
    out = stats.merge(mine, on=["metric", "period"], how="left")
    own = frame[frame["group"] == who.login].set_index("period")["n_prs"]
    out["n_prs"] = out["period"].map(own).fillna(0).astype("int64")
    order = {m: i for i, m in enumerate(ids)}
    out = out.assign(_order=out["metric"].map(order)).sort_values(["_order", "period_start"])
    return out[columns].reset_index(drop=True)
