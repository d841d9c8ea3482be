"""Metrics layer: how far defects were traced to the change that caused them. Read-only.

Attribution is what the defect-based figures rest on (defect rate, change failure rate,
quality tax, QACT, the AI-assisted split). This module says how much of it there is and
why the rest is missing, so no page or export shows "0" where teamlens could not tell:

* :func:`traceability_note` — the one-line reason, and the fix, for an aggregate row whose
  attribution rate is under ``settings.min_attribution_rate``;
* :func:`attribution_evidence` — per defect, the PRs it is attributed to and the evidence
  (explicit links; for inferred ones each traced line and the commit it leads to);
* :func:`inferred_evidence` — the same for the inferred ("suspected") culprits only;
* :func:`defect_tracing` — per defect, how it was attributed or why it could not be;
* :func:`coverage_by_repository` — the same, counted per repository;
* :data:`ATTRIBUTION_FIGURES`, :func:`blank_untraceable`, :func:`method_counts`
  — which aggregates rest on attribution, those rows' figures
  blanked where they are not traceable, and the coverage by method in long form (charts).

Every function takes a database path or a :class:`store.ReadSession` (``metrics.snapshot``)
as ``db``: on a session they reuse its one fact build. The figures are declared in
:data:`metrics.SUMMARIES` (carried by :class:`AttributionCoverage` and
:class:`RepositoryCoverage`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import pandas as pd

from metrics import sqlfiles
from metrics.facts import fact_connection, parse_as_of
from settings import Settings, settings
from store import DbPath

# Why a defect is untraced, in words (defect_tracing.sql's codes), with what fixes it.
UNTRACED_REASONS: dict[str, str] = {
    "named_unusable": "its report names a PR that cannot be attributed (a bot's, or its own "
    "fix): nothing is inferred against what people wrote",
    "no_fix": "no fix found: no fix PR merged and no fix commit (link tracker keys, or close "
    "the issue from its fix)",
    "no_git": "the fix is not analysed because no git clone was ingested (teamlens ingest git)",
    "not_analysed": "the fix's commits are not analysed yet: they are not in the clone, or "
    "were found after the last teamlens ingest git (run it again)",
    "unreadable": "the fix's commits cannot be read from the clone",
    "too_tangled": "the fix changes too many files to blame",
    "nothing_to_trace": "the fix changes only tests, documentation, generated files, blank "
    "or comment lines",
    "adds_only": "the fix only adds lines: nothing to trace, nothing is guessed",
    "after_report": "every commit the fix leads to was made after the defect was reported",
    "no_pr": "the blamed commits belong to no pull request (direct pushes)",
    "pr_not_fetched": "the blamed PR is not fetched yet (teamlens ingest github fetches it)",
    "pr_excluded": "the blamed PR is a bot's, a fix of the same defect, or merged after the report",
    "low_confidence": "the blamed PRs stay under the confidence that attributes",
}
# The aggregates that rest on attribution (a defect traced to its PR): under
# settings.min_attribution_rate of a row's defects attributed they are "not traceable" on
# every page and in every export, never 0. Reverts alone cannot rescue change failure rate:
# its defect half would still be missing.
ATTRIBUTION_FIGURES: tuple[str, ...] = (
    "qact_p50_h",
    "qact_p90_h",
    "quality_tax",
    "quality_tax_follow_up",
    "quality_tax_open_defects",
    "defect_rate",
    "change_failure_rate",
    "ai_defect_rate",
    "ai_change_failure_rate",
)
# method_counts' methods, in the order a stacked chart draws them.
METHODS: tuple[tuple[str, str], ...] = (
    ("n_attributed_text", "text"),
    ("n_attributed_import", "import"),
    ("n_attributed_inferred", "inferred"),
    ("n_untraced_defects", "untraced"),
)
# coverage_by_repository's columns of untraced defects, by reason (the rest: n_other).
_REASON_COLUMNS: dict[str, str] = {
    "no_fix": "n_no_fix",
    "adds_only": "n_adds_only",
    "no_git": "n_not_analysed",
    "not_analysed": "n_not_analysed",
    "no_pr": "n_no_pr",
    "pr_not_fetched": "n_pr_not_fetched",
}


@dataclass(frozen=True)
class AttributionCoverage:
    """How much of a (group, period)'s defects were traced, by method (aggregate columns)."""

    n_defects: int
    n_attributed_defects: int
    n_attributed_text: int
    n_attributed_import: int
    n_attributed_inferred: int
    n_untraced_defects: int
    defect_attribution_rate: float | None
    is_attribution_traceable: bool

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> AttributionCoverage:
        """The coverage of one row of :func:`metrics.compute` (or its JSON ``coverage``)."""
        source = row.get("coverage") if isinstance(row.get("coverage"), Mapping) else row
        values = {f.name: _plain(source.get(f.name)) for f in fields(cls)}
        for name, value in values.items():
            # counts stay counts when a row went through float (metrics.compare's dicts)
            if name.startswith("n_") and isinstance(value, float):
                values[name] = int(value)
        return cls(**values)


@dataclass(frozen=True)
class RepositoryCoverage:
    """One repository's defects as of an instant: found fixes, traced, untraced and why."""

    repo: str | None
    n_defects: int
    n_with_fix: int
    n_attributed_text: int
    n_attributed_import: int
    n_attributed_inferred: int
    n_untraced_defects: int
    n_no_fix: int
    n_adds_only: int
    n_not_analysed: int
    n_no_pr: int
    n_pr_not_fetched: int
    n_other: int
    is_git_ingested: bool
    why: str


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def traceability_note(row: Mapping[str, Any]) -> str | None:
    """A one-line reason and fix when a row's attribution-based figures are not traceable.

    Args:
        row: a row of :func:`metrics.compute` (a Series or a dict), or a row of the JSON
            contract (its ``coverage`` object is read).

    Returns:
        None when the row is traceable (``is_attribution_traceable``), else for example
        "Only 2 of 9 defects could be traced to the change that caused them: connect the
        git clone (teamlens ingest git) or link tracker keys."
    """
    coverage = AttributionCoverage.of(row)
    if coverage.is_attribution_traceable is not False:
        return None
    total = coverage.n_defects or 0
    noun, them = ("defect", "it") if total == 1 else ("defects", "them")
    traced = coverage.n_attributed_defects or 0
    return (
        f"Only {traced} of {total} {noun} could be traced to the change that caused {them}: "
        "connect the git clone (teamlens ingest git) or link tracker keys."
    )


def rests_on_attribution(figure_id: str) -> bool:
    """Whether a figure is one of :data:`ATTRIBUTION_FIGURES`."""
    return figure_id in ATTRIBUTION_FIGURES


def is_traceable(row: Mapping[str, Any]) -> bool:
    """False when a row's attribution rate is under ``min_attribution_rate`` (a row with no
    defect, or without coverage columns, is traceable: nothing was left untraced)."""
    return AttributionCoverage.of(row).is_attribution_traceable is not False


def blank_untraceable(rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of :func:`metrics.compute` rows with :data:`ATTRIBUTION_FIGURES` blanked (NaN)
    where ``is_attribution_traceable`` is false: a chart shows a gap, never a 0."""
    out = rows.copy()
    if "is_attribution_traceable" not in out:
        return out
    untraceable = out["is_attribution_traceable"].eq(False)
    for column in ATTRIBUTION_FIGURES:
        if column in out:
            out[column] = out[column].astype("float64")
            out.loc[untraceable, column] = float("nan")
    return out


def method_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows' defects by how they were traced, one row per (group, period, method).

    Columns group, period, period_start, method ('text', 'import', 'inferred' or
    'untraced', in :data:`METHODS` order within a period) and defects (the count; the
    four of a period sum to its ``n_defects``). Periods without a defect are left out.
    """
    columns = ["group", "period", "period_start", "method", "defects"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    with_defects = rows[rows["n_defects"].fillna(0) > 0]
    parts = [
        with_defects[["group", "period", "period_start"]].assign(
            method=method, defects=with_defects[column].fillna(0).astype(int), _order=i
        )
        for i, (column, method) in enumerate(METHODS)
    ]
    out = pd.concat(parts, ignore_index=True).sort_values(
        ["group", "period_start", "_order"], kind="stable"
    )
    return out[columns].reset_index(drop=True)


def _ids(defect_ids: Iterable[str] | None) -> list[str] | None:
    return None if defect_ids is None else [str(d) for d in defect_ids]


def attribution_evidence(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    defect_ids: Iterable[str] | None = None,
    *,
    config: Settings | None = None,
) -> pd.DataFrame:
    """The evidence behind each defect's attribution, one row per piece, as of ``as_of``.

    Args:
        db: the store, or a :func:`metrics.snapshot` session.
        defect_ids: only these defects (default all reported by ``as_of``).

    Returns:
        Columns defect_id, method ('text', 'import' or 'inferred'), pr_id, pr_number,
        is_pr_stored (False: a suspected PR teamlens has not fetched yet), suspected_author
        and suspected_at (the PR's author and merge time; for a PR not stored, or a commit
        in no PR, the commit's author and commit time), commit (the blamed commit), file and
        line (what the fix deleted or changed, at its parent), confidence (1 for explicit
        links), then fix_commit, blamed_file, blamed_line, is_attributing (whether this PR
        is attributed the defect) and note (why not, in words). Explicit rows have no
        commit, file or line. Ordered by defect, method, PR, commit, file, line.
    """
    return _evidence(db, as_of, defect_ids, config=config)


def _evidence(
    db: DbPath,
    as_of: datetime | date | str | None,
    defect_ids: Iterable[str] | None,
    *,
    config: Settings | None,
    teams: Iterable[str] | None = None,
    reported_on: tuple[date, date] | None = None,
) -> pd.DataFrame:
    """:func:`attribution_evidence`; with ``teams`` or ``reported_on``, of those defects
    only (:func:`metrics.defect_facts`'s filters, applied in SQL)."""
    config = config or settings()
    first, last = reported_on if reported_on is not None else (None, None)
    params = {
        **sqlfiles.fact_params(parse_as_of(as_of), config),
        "ids": _ids(defect_ids),
        "scoped": bool(teams) or reported_on is not None,
        "teams": list(teams or ()),
        "first_day": first,
        "last_day": last,
    }
    with fact_connection(db, params["as_of"], config) as conn:
        frame = sqlfiles.frame(conn, "attribution_evidence", params)
    return frame.reset_index(drop=True)


def inferred_evidence(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    *,
    teams: Iterable[str] | None = None,
    reported_on: tuple[date, date] | None = None,
    authors: Iterable[str] | None = None,
    config: Settings | None = None,
) -> pd.DataFrame:
    """The evidence of the inferred ("suspected") culprits of the defects of ``teams``
    (default all) reported on ``reported_on``'s UTC days (first and last included): the
    :func:`attribution_evidence` rows whose method is 'inferred', in its order and with
    its columns (``is_attributing`` says whether a candidate is attributed the defect).
    With ``authors``, only the rows that attribute a defect to a stored PR of one of
    these logins (case-insensitive)."""
    config = config or settings()
    moment = parse_as_of(as_of)
    evidence = _evidence(db, moment, None, config=config, teams=teams, reported_on=reported_on)
    inferred = evidence[evidence["method"] == "inferred"]
    if authors is not None:
        logins = {str(a).lower() for a in authors}
        by_them = inferred["suspected_author"].astype(str).str.lower().isin(logins)
        inferred = inferred[by_them & inferred["is_pr_stored"] & inferred["is_attributing"]]
    return inferred.reset_index(drop=True)


def defect_tracing(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    defect_ids: Iterable[str] | None = None,
    *,
    config: Settings | None = None,
) -> pd.DataFrame:
    """Per defect reported by ``as_of``: how it was attributed, or why it could not be.

    Returns:
        Columns defect_id, repo (the defect's, else its fix's), attribution_method (None
        when untraced), is_attributed, has_fix, is_git_ingested, untraced_reason (a code of
        :data:`UNTRACED_REASONS`, None when attributed) and why (the reason in words).
    """
    config = config or settings()
    params = {
        **sqlfiles.fact_params(parse_as_of(as_of), config),
        "ids": _ids(defect_ids),
    }
    with fact_connection(db, params["as_of"], config) as conn:
        frame = sqlfiles.frame(conn, "defect_tracing", params)
    frame["why"] = frame["untraced_reason"].map(UNTRACED_REASONS)
    return frame.reset_index(drop=True)


def _why(counts: dict[str, int]) -> str:
    parts = [
        f"{n} {'defect' if n == 1 else 'defects'}: {UNTRACED_REASONS[code]}"
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if n
    ]
    return "; ".join(parts)


def _key(repo: Any) -> str | None:
    """A repository as a dict key: None for no repository (pandas gives it as NaN)."""
    return None if pd.isna(repo) else str(repo)


def coverage_by_repository(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    *,
    config: Settings | None = None,
) -> pd.DataFrame:
    """Per repository: its defects, those with a fix found, traced by text, import or
    inference, untraced, and why (:class:`RepositoryCoverage`'s fields, one row each).

    A defect counts for its own repository, else (a tracker row) for its fix's, else for
    no repository (``repo`` None). Rows ordered by repository name.
    """
    tracing = defect_tracing(db, as_of, config=config)
    reason = tracing["untraced_reason"]
    method = tracing["attribution_method"]
    # one row per defect of 0/1 counts, summed per repository in one group-by (a loop over
    # a million-PR store's thousand repositories took 2.6 s)
    reason_columns = list(dict.fromkeys(_REASON_COLUMNS.values()))
    counted = pd.DataFrame(
        {
            "repo": tracing["repo"].astype(object).where(tracing["repo"].notna()),
            "n_defects": 1,
            "n_with_fix": tracing["has_fix"].fillna(False).astype("int64"),
            "n_attributed_text": (method == "text").astype("int64"),
            "n_attributed_import": (method == "import").astype("int64"),
            "n_attributed_inferred": (method == "inferred").astype("int64"),
            "n_untraced_defects": reason.notna().astype("int64"),
            **{c: (reason.map(_REASON_COLUMNS) == c).astype("int64") for c in reason_columns},
            "is_git_ingested": tracing["is_git_ingested"].fillna(False).astype(bool),
        }
    )
    by_repo = counted.groupby("repo", dropna=False, sort=False)
    sums = by_repo.sum()
    reasons: dict[Any, dict[str, int]] = {}
    untraced = counted.loc[reason.notna(), ["repo"]].assign(code=reason[reason.notna()])
    for (repo, code), n in untraced.groupby(["repo", "code"], dropna=False).size().items():
        reasons.setdefault(_key(repo), {})[str(code)] = int(n)
    rows: list[RepositoryCoverage] = []
    for repo, row in sums.iterrows():
        counts = {c: int(row[c]) for c in reason_columns}
        rows.append(
            RepositoryCoverage(
                repo=_key(repo),
                n_defects=int(row["n_defects"]),
                n_with_fix=int(row["n_with_fix"]),
                n_attributed_text=int(row["n_attributed_text"]),
                n_attributed_import=int(row["n_attributed_import"]),
                n_attributed_inferred=int(row["n_attributed_inferred"]),
                n_untraced_defects=int(row["n_untraced_defects"]),
                n_other=int(row["n_untraced_defects"]) - sum(counts.values()),
                is_git_ingested=bool(row["is_git_ingested"]),
                why=_why(reasons.get(_key(repo), {})),
                **counts,
            )
        )
    rows.sort(key=lambda r: (r.repo is None, (r.repo or "").lower()))
    columns = [f.name for f in fields(RepositoryCoverage)]
    return pd.DataFrame([r.__dict__ for r in rows], columns=columns)
