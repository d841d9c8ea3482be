"""Ingest layer: ``teamlens ingest git`` — a local clone's history and SZZ analyses into the store.

Two streams per repository (``sync_state``: source ``git``, scope the repository):

* ``commits``: every commit reachable from the clone's branches, tags, remote-tracking
  branches and HEAD that the store does not hold yet, oldest first, in batches. Each batch
  is one :func:`store.write_transaction` holding its commits, their changed line ranges,
  the ties their subjects make, and the stream's progress. "Not yet held" is read from the
  store itself, so a killed run resumes where its last committed batch ended, a re-run
  writes nothing new, and either ends with the rows of an uninterrupted run. The ties
  GitHub's data makes are then rebuilt for the repository (:mod:`ingest.git.ties`).
* ``szz``: the commits that may be fixes and have no analysis by the current algorithm
  (:func:`fix_candidates`), analysed outside any transaction (blame takes time; the store
  is never locked meanwhile), then written in batches with the stream's progress.

Computes no metric: the metrics layer maps the blamed commits to PRs and applies the
reported-before and as-of rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from ingest import references, writer
from ingest.git import ties
from ingest.git.history import Commit, read_commits
from ingest.git.repo import Repo
from ingest.git.szz import ALGORITHM, FixAnalysis, analyse_many
from store import ensure_store, read_connection, write_transaction

SOURCE = "git"
COMMIT_BATCH = 500
SZZ_BATCH = 25
_REMOTE = re.compile(
    r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)[:/](?:\d+/)?(?P<path>[^?#]+?)(?:\.git)?/?$"
)
# references.KEY_TOKEN for DuckDB (RE2 has no look-arounds: the boundary is matched)
_KEY_TOKEN_RE2 = r"(^|[^A-Za-z0-9])[A-Z][A-Z0-9]*-[0-9]+($|[^A-Za-z0-9])"
_OWNER_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+$")

T = TypeVar("T")


@dataclass
class GitSyncSummary:
    """What one run did."""

    repo: str
    path: str
    commits_new: int = 0
    commits_total: int = 0
    ties: int = 0
    fixes_analysed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "repo": self.repo,
            "path": self.path,
            "commits_new": self.commits_new,
            "commits_total": self.commits_total,
            "commit_pr_ties": self.ties,
            "fixes_analysed": self.fixes_analysed,
            "fix_statuses": dict(sorted(self.statuses.items())),
        }


def looks_like_repo_name(name: str) -> bool:
    """``owner/name`` as GitHub spells repositories."""
    return bool(_OWNER_NAME.match(name))


def default_repo_name(repo: Repo) -> str:
    """``owner/name`` of the ``origin`` remote when it looks like one, else the folder name."""
    url = repo.remote_url("origin")
    if url:
        m = _REMOTE.match(url.strip())
        if m:
            path = m.group("path").strip("/")
            if _OWNER_NAME.match(path):
                return path
    folder = repo.path.resolve().name
    if folder == ".git":
        folder = repo.path.resolve().parent.name
    return folder[:-4] if folder.endswith(".git") and len(folder) > 4 else folder


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _commit_rows(name: str, commits: Iterable[Commit]) -> tuple[list[dict], list[dict]]:
    commit_rows: list[dict[str, Any]] = []
    file_rows: list[dict[str, Any]] = []
    for c in commits:
        commit_rows.append(
            {
                "repo": name,
                "sha": c.sha,
                "parents": c.parents,
                "author_name": c.author_name,
                "author_email": c.author_email,
                "authored_at": c.authored_at,
                "committed_at": c.committed_at,
                "message": c.message,
                "trailers": c.trailers,
                "is_merge": len(c.parents) > 1,
                "files_changed": len(c.files),
            }
        )
        seen: set[str] = set()
        for f in c.files:
            if f.path in seen:  # a path listed twice (a type change split in two)
                continue
            seen.add(f.path)
            file_rows.append(
                {
                    "repo": name,
                    "sha": c.sha,
                    "path": f.path,
                    "old_path": f.old_path,
                    "change_type": f.change_type,
                    "is_binary": f.is_binary,
                    "deleted_ranges": None if f.deleted is None else [list(r) for r in f.deleted],
                    "added_ranges": None if f.added is None else [list(r) for r in f.added],
                }
            )
    return commit_rows, file_rows


def commit_fix_links(name: str, commits: Iterable[Commit]) -> list[dict[str, Any]]:
    """``fixes`` links from commit messages (``Fixes #12``, ``closes PAY-142``).

    ``from_id`` is ``owner/name@sha`` (never a PR id), ``method`` ``commit_message``: the
    metrics layer reads them as "a fix commit whose message references d" (METRICS.md).
    """
    rows: list[dict[str, Any]] = []
    for commit in commits:
        for ref in references.fixes(commit.message, None, name):
            rows.append(
                {
                    "link_type": "fixes",
                    "from_id": f"{name}@{commit.sha}",
                    "target": ref.target,
                    "target_repo": ref.repo,
                    "target_number": ref.number,
                    "target_key": ref.key,
                    "method": "commit_message",
                }
            )
    return list({(r["from_id"], r["target"]): r for r in rows}.values())


def _tips(repo: Repo) -> list[str]:
    out = repo.run("rev-parse", "--branches", "--tags", "--remotes", "HEAD", check=False)
    return sorted({line for line in out.decode().split() if re.fullmatch(r"[0-9a-f]{40,64}", line)})


def sync_commits(
    repo: Repo,
    name: str,
    db: Path,
    *,
    progress: Callable[[str], None],
    batch_size: int = COMMIT_BATCH,
    summary: GitSyncSummary,
) -> None:
    """Store every reachable commit the store lacks, one transaction per batch."""
    tips = _tips(repo)
    shas = list(dict.fromkeys(repo.rev_list("--reverse", "--topo-order", *tips))) if tips else []
    with read_connection(db) as conn:
        known = {
            row[0]
            for row in conn.execute("select sha from git_commits where repo = ?", [name]).fetchall()
        }
    new = [sha for sha in shas if sha not in known]
    summary.commits_total = len(shas)
    progress(f"git {name}: {len(shas):,} commits, {len(new):,} not yet stored")
    provenance = {"source": SOURCE, "source_url": None, "fetched_at": writer.utc_now()}
    done = 0
    for batch in _chunks(new, batch_size):
        commits = list(read_commits(repo, batch))
        commit_rows, file_rows = _commit_rows(name, commits)
        tie_rows = ties.text_ties(name, commits)
        link_rows = commit_fix_links(name, commits)
        with write_transaction(db) as conn:
            writer.upsert(conn, "git_commits", commit_rows, provenance)
            writer.upsert(conn, "git_file_changes", file_rows, provenance)
            writer.upsert(conn, "commit_pull_requests", tie_rows, provenance)
            writer.upsert(conn, "links", link_rows, provenance)
            writer.set_sync_state(
                conn,
                source=SOURCE,
                scope=name,
                stream="commits",
                status="running",
                cursor=json.dumps({"stored": len(known) + done + len(batch)}),
                detail=str(repo.path),
            )
        done += len(batch)
        summary.commits_new += len(batch)
        progress(f"git {name}: stored {done:,} of {len(new):,} new commits")
    with write_transaction(db) as conn:
        ties.refresh_store_ties(conn, repo=name, fetched_at=provenance["fetched_at"])
        count = conn.execute(
            "select count(*) from commit_pull_requests where repo = ?", [name]
        ).fetchall()
        summary.ties = int(count[0][0])
        writer.set_sync_state(
            conn,
            source=SOURCE,
            scope=name,
            stream="commits",
            status="complete",
            cursor=json.dumps({"tips": tips}),
            detail=str(repo.path),
        )


_CANDIDATES_SQL = """
with fix_prs as (
    select distinct from_id as pr_id from links where link_type = 'fixes'
),
fix_commits as (
    select distinct split_part(from_id, '@', 2) as sha from links
    where link_type = 'fixes' and lower(split_part(from_id, '@', 1)) = lower($repo)
),
tied as (
    select t.sha, t.pr_id from commit_pull_requests t where t.repo = $repo
),
keyed_prs as (
    select pr_id from pull_requests
    where lower(repo) = lower($repo) and regexp_matches(
        coalesce(title, '') || ' ' || coalesce(head_ref, ''), $key_token
    )
    union
    select c.pr_id from pr_commits c join pull_requests p using (pr_id)
    where lower(p.repo) = lower($repo) and regexp_matches(coalesce(c.message, ''), $key_token)
),
analysed as (
    select fix_sha from szz_fixes where repo = $repo and algorithm = $algorithm
),
commits as (
    select sha, message, committed_at from git_commits
    where repo = $repo and sha not in (select fix_sha from analysed)
),
final as (
    select c.sha, c.message, c.committed_at,
        exists (select 1 from tied t join fix_prs f using (pr_id) where t.sha = c.sha)
            or c.sha in (select sha from fix_commits) as by_fix_link,
        exists (select 1 from tied t join keyed_prs k using (pr_id) where t.sha = c.sha)
            as by_keyed_pr
    from commits c
)
select * from final order by committed_at, sha
"""


def fix_candidates(db: Path, name: str) -> list[str]:
    """Commits that may be fixes and have no analysis by the current algorithm, oldest first.

    A documented superset (docs/how-we-measure.md): commits tied to a PR that has a
    ``fixes`` link; commits a ``fixes`` link starts from (a message's reference, or the
    closer of an issue on GitHub); commits whose message has a fix keyword followed by a
    reference (``Fixes #12``, ``closes PAY-142``); commits whose message, or whose PR's
    title, head branch or commit messages, carry a word shaped like a tracker key
    (:data:`ingest.references.KEY_TOKEN`).
    """
    params = {"repo": name, "algorithm": ALGORITHM, "key_token": _KEY_TOKEN_RE2}
    with read_connection(db) as conn:
        rows = conn.execute(_CANDIDATES_SQL, params).fetchall()
    found: list[str] = []
    for sha, message, _when, by_fix_link, by_keyed_pr in rows:
        text = message or ""
        if (
            by_fix_link
            or by_keyed_pr
            or references.has_key_token(text)
            or references.fixes(text, None, name)
        ):
            found.append(sha)
    return found


def _analysis_rows(name: str, result: FixAnalysis, now: datetime) -> tuple[dict, list, list]:
    fix_row = {
        "repo": name,
        "fix_sha": result.fix,
        "status": result.status,
        "reason": result.reason,
        "files_changed": result.files_changed,
        "files_traced": result.files_traced,
        "lines_traced": result.lines_traced,
        "candidates": len(result.all_candidates),
        "tangle_factor": result.tangle_factor,
        "algorithm": ALGORITHM,
        "analysed_at": now,
    }
    line_rows = []
    seen: set[tuple[str, int]] = set()
    for line in result.lines:
        key = (line.path, line.line)
        if key in seen:
            continue
        seen.add(key)
        line_rows.append(
            {
                "repo": name,
                "fix_sha": result.fix,
                "path": line.path,
                "line": line.line,
                "blamed_sha": line.blamed_sha,
                "blamed_path": line.blamed_path,
                "blamed_line": line.blamed_line,
                "skip_reason": line.skip_reason,
            }
        )
    candidate_rows = [
        {
            "repo": name,
            "fix_sha": result.fix,
            "commit_sha": c.sha,
            "committed_at": c.committed_at,
            "authored_at": c.authored_at,
            "lines": c.lines,
            "confidence": c.confidence,
            "is_in_window": c.in_window,
        }
        for c in result.all_candidates
    ]
    return fix_row, line_rows, candidate_rows


def sync_szz(
    repo: Repo,
    name: str,
    db: Path,
    *,
    progress: Callable[[str], None],
    batch_size: int = SZZ_BATCH,
    summary: GitSyncSummary,
) -> None:
    """Analyse the fix candidates not analysed yet, one transaction per batch."""
    todo = fix_candidates(db, name)
    progress(f"git {name}: {len(todo):,} possible fixes to analyse")
    provenance = {"source": SOURCE, "source_url": None, "fetched_at": writer.utc_now()}
    done = 0
    for batch in _chunks(todo, batch_size):
        results = analyse_many(repo, list(batch))
        fixes, lines, candidates = [], [], []
        for result in results:
            if isinstance(result, Exception):
                continue
            fix_row, line_rows, candidate_rows = _analysis_rows(
                name, result, provenance["fetched_at"]
            )
            fixes.append(fix_row)
            lines.extend(line_rows)
            candidates.extend(candidate_rows)
            summary.statuses[result.status] = summary.statuses.get(result.status, 0) + 1
        with write_transaction(db) as conn:
            shas = [row["fix_sha"] for row in fixes]
            for table in ("szz_lines", "szz_candidates"):
                conn.execute(
                    f"delete from {table} where repo = ? and fix_sha in "  # noqa: S608
                    "(select unnest(?::varchar[]))",
                    [name, shas],
                )
            writer.upsert(conn, "szz_fixes", fixes, provenance)
            writer.upsert(conn, "szz_lines", lines, provenance)
            writer.upsert(conn, "szz_candidates", candidates, provenance)
            writer.set_sync_state(
                conn,
                source=SOURCE,
                scope=name,
                stream="szz",
                status="running",
                cursor=json.dumps({"algorithm": ALGORITHM, "analysed": done + len(batch)}),
            )
        done += len(batch)
        summary.fixes_analysed += len(fixes)
        progress(f"git {name}: analysed {done:,} of {len(todo):,} possible fixes")
    with write_transaction(db) as conn:
        writer.set_sync_state(
            conn,
            source=SOURCE,
            scope=name,
            stream="szz",
            status="complete",
            cursor=json.dumps({"algorithm": ALGORITHM}),
        )


def ingest_git(
    path: str | Path,
    *,
    repo_name: str | None = None,
    db: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    commit_batch: int = COMMIT_BATCH,
    szz_batch: int = SZZ_BATCH,
) -> GitSyncSummary:
    """Read a local clone's history into the store and analyse its possible fixes.

    Args:
        path: the clone (bare or not); read from its object database only.
        repo_name: ``owner/name`` to file it under (default: :func:`default_repo_name`).
        db: the database (default: ``$TEAMLENS_DB`` or data/teamlens.duckdb).
        progress: called with one-line progress messages.

    Raises:
        RepoError: no git repository at ``path``.
        store.StoreError: the database cannot be used.
    """
    say = progress or (lambda _message: None)
    with Repo(path) as repo:
        name = repo_name or default_repo_name(repo)
        db_path = ensure_store(db)
        summary = GitSyncSummary(repo=name, path=str(path))
        sync_commits(repo, name, db_path, progress=say, batch_size=commit_batch, summary=summary)
        sync_szz(repo, name, db_path, progress=say, batch_size=szz_batch, summary=summary)
    return summary
