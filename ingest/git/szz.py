"""Ingest layer: SZZ — the commits that introduced the lines a fix changed. No store, no metric.

For a fix commit (METRICS.md, "Inferred attribution"; docs/how-we-measure.md):

1. Its diff against its first parent, changes in the amount of whitespace ignored
   (``-b``): for a merge commit, the
   whole change the merge brought. The lines it deleted or changed, at the parent, are
   the lines to trace; a fix that deleted and changed nothing only adds lines and is
   untraceable (status ``adds_only``): nothing is guessed.
2. Files that cannot hold the defect are skipped, with the reason kept as evidence: tests,
   lock files, fixtures, vendored and generated code, documentation, binaries. Lines that
   are blank or only a comment (by the file's syntax, scanned whole) are skipped too.
3. The remaining lines are blamed at the parent (only those ranges; ``-w -M -C``; the
   repository's ``.git-blame-ignore-revs`` at that revision).
4. Meta-changes are looked through (MA-SZZ): when a line leads to a merge commit, or to a
   commit that changed a very large number of files at once (a mass reformat, rename or
   licence header), it is blamed again with that commit ignored.
5. Each commit the lines lead to is a candidate, with a confidence in (0, 1]: the share of
   the fix's traced lines that lead to it, times the fix's tangle factor (1 for a focused
   fix, lower when it spans many files or many candidates). With a reported date, a
   candidate committed after it is dropped (it cannot have caused what was already seen).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from ingest.git import lines as line_rules
from ingest.git.blame import IgnoreRevs, Origin, blame_lines
from ingest.git.history import DIFF_OPTIONS, HEADER, Commit, FileChange, parse_log_output
from ingest.git.repo import Repo, RepoError
from settings import SZZ_RECENCY_SLACK_DAYS

ALGORITHM = "teamlens-szz-1"
TOO_TANGLED_FILES = 60  # a fix spreading over more code files than this is not blamed
FOCUSED_FILES = 8  # up to this many traced files, a fix is not down-weighted for its size
FOCUSED_CANDIDATES = 10  # up to this many candidates, likewise
MASS_CHANGE_FILES = 200  # a candidate that changed more files than this is a meta-change
RECENCY_SLACK_S = SZZ_RECENCY_SLACK_DAYS * 86400  # the window's allowance beyond 2 x least lag

STATUSES = ("traced", "adds_only", "nothing_to_trace", "too_tangled")


@dataclass
class TracedLine:
    """A line the fix deleted or changed, at its parent, and where blame led it."""

    path: str
    line: int  # 0: the whole file was skipped
    blamed_sha: str | None = None
    blamed_path: str | None = None
    blamed_line: int | None = None
    skip_reason: str | None = None


@dataclass
class Candidate:
    """A commit the fix's lines lead to."""

    sha: str
    lines: int
    confidence: float
    committed_at: datetime
    authored_at: datetime
    evidence: list[TracedLine] = field(default_factory=list)
    in_window: bool = True  # within the recency window (see mark_recency_window)


@dataclass
class FixAnalysis:
    """What SZZ found for one fix commit."""

    fix: str
    status: str  # one of STATUSES
    reason: str
    files_changed: int = 0
    files_traced: int = 0
    lines_traced: int = 0
    tangle_factor: float = 1.0
    all_candidates: list[Candidate] = field(default_factory=list)  # every commit, by
    # confidence (after the reported-date filter); the blamed ones are `candidates`
    lines: list[TracedLine] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)  # sha -> why it is not a candidate
    note: str = ""

    @property
    def candidates(self) -> list[Candidate]:
        """The commits SZZ blames: every candidate inside the recency window."""
        return [c for c in self.all_candidates if c.in_window]


def tangle_factor(files_traced: int, candidates: int) -> float:
    """1 for a focused fix; smaller as it spreads over more files or more candidate commits.

    ``min(1, 8 / files) * min(1, 10 / candidates)``: a fix traced through 16 files to 20
    commits weighs 0.5 * 0.5 = 0.25, so none of its candidates reads as certain.
    """
    f = min(1.0, FOCUSED_FILES / files_traced) if files_traced else 1.0
    c = min(1.0, FOCUSED_CANDIDATES / candidates) if candidates else 1.0
    return f * c


def mark_recency_window(candidates: Sequence[Candidate], fix_time: datetime) -> None:
    """Keep the candidates committed close to the fix's most recent one.

    A candidate is in the window when its lag behind the fix is at most twice the
    smallest lag among the fix's candidates, plus 30 days. R-SZZ (blame only the most
    recent candidate) is the most precise single choice in Rosa et al. (ICSE 2021); the
    window keeps its precision without dropping a second cause made the same weeks.
    """
    if not candidates:
        return
    lags = [max(0.0, (fix_time - c.committed_at).total_seconds()) for c in candidates]
    limit = 2 * min(lags) + RECENCY_SLACK_S
    for candidate, lag in zip(candidates, lags, strict=True):
        candidate.in_window = lag <= limit


class Analyzer:
    """Runs SZZ over fix commits of one clone.

    Args:
        repo: the clone.
        copies: also follow lines copied or moved from other files (``git blame -C``). Off
            by default: on the oracle it blamed more commits and found no more causes
            (benchmarks/bench_szz.py).
        workers: blame processes run at once (default: up to 4, by CPU count).
    """

    def __init__(self, repo: Repo, *, copies: bool = False, workers: int | None = None) -> None:
        self.repo = repo
        self.copies = copies
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._ignore = IgnoreRevs(repo)
        self._extra_ignores: list[IgnoreRevs] = []
        self._files_changed: dict[str, int] = {}
        self._parents: dict[str, list[str]] = {}

    def close(self) -> None:
        self._ignore.close()
        for ignore in self._extra_ignores:
            ignore.close()

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one fix -------------------------------------------------------------------------

    def analyse(self, fix: str, *, reported_at: datetime | None = None) -> FixAnalysis:
        """SZZ for one fix commit.

        Args:
            fix: a commit (full or abbreviated sha, or any revision).
            reported_at: when the defect was reported; candidates committed after it
                are dropped.

        Raises:
            RepoError: the commit is not in the clone.
        """
        sha = self.repo.resolve(fix)
        if sha is None:
            raise RepoError(f"--fix {fix}: no such commit in {self.repo.path}")
        commit = self._diff(sha, ignore_space=True)
        if not commit.parents:
            return FixAnalysis(sha, "adds_only", "a root commit only adds lines")
        parent = commit.parents[0]
        result = FixAnalysis(sha, "traced", "", files_changed=len(commit.files))
        wanted = self._select(parent, commit, result)
        if not wanted and not any(line.skip_reason for line in result.lines):
            # Nothing changed but whitespace: the fix re-indents existing code (wraps it in
            # a new condition, say). Those lines are what it guards, so trace them.
            plain = self._diff(sha, ignore_space=False)
            result = FixAnalysis(sha, "traced", "", files_changed=len(plain.files))
            wanted = self._select(parent, plain, result)
            result.note = "the fix only re-indents existing lines: those are traced"
        if not wanted and not result.lines:
            result.status = "adds_only"
            result.reason = "the fix deletes or changes no line: nothing can be traced"
            return result
        if not wanted:
            result.status = "nothing_to_trace"
            reasons = Counter(line.skip_reason for line in result.lines)
            result.reason = "every deleted or changed line was skipped: " + ", ".join(
                f"{why} ({n})" for why, n in reasons.most_common()
            )
            return result
        result.files_traced = len(wanted)
        if len(wanted) > TOO_TANGLED_FILES:
            result.status = "too_tangled"
            result.reason = (
                f"the fix changes {len(wanted)} code files (more than {TOO_TANGLED_FILES}): "
                "too tangled to blame"
            )
            result.tangle_factor = tangle_factor(len(wanted), 0)
            return result
        origins = self._blame_all(parent, wanted)
        origins = self._look_through_meta_changes(parent, wanted, origins, result)
        self._collect(result, wanted, origins, reported_at, commit.committed_at)
        if result.note:
            result.reason += f"; {result.note}"
        return result

    def _select(self, parent: str, commit: Commit, result: FixAnalysis) -> dict[str, list[int]]:
        """The lines to blame, per path at the parent; skipped ones go to ``result.lines``.

        A fix whose only traceable files are tests fixed the tests themselves: then its
        test files are traced (the defect is in them), and the note says so.
        """
        wanted: dict[str, list[int]] = {}
        for change in commit.files:
            if change.deleted:
                self._select_lines(parent, change, result, wanted)
        skipped_files = {line.skip_reason for line in result.lines if line.line == 0}
        if not wanted and skipped_files == {"test"}:
            result.lines.clear()
            for change in commit.files:
                if change.deleted:
                    self._select_lines(parent, change, result, wanted, tests=True)
            if wanted:
                result.note = "the fix changes only tests: the defect is in them"
        return wanted

    def _diff(self, sha: str, *, ignore_space: bool) -> Commit:
        # -b, not -w: a change in the amount of whitespace (re-indenting) is no change,
        # but "a b" -> "ab" (inside a string, say) is one.
        space = ("--ignore-space-change",) if ignore_space else ()
        out = self.repo.run(
            "log", "--no-walk", f"--format={HEADER}", *DIFF_OPTIONS, *space, sha, check=False
        )
        commits = parse_log_output(out)
        if commits and commits[0].sha == sha and self._complete(commits[0]):
            return commits[0]
        from ingest.git.history import read_commit_by_file

        return read_commit_by_file(self.repo, sha)

    @staticmethod
    def _complete(commit: Commit) -> bool:
        return all(f.deleted is not None for f in commit.files)

    def _select_lines(
        self,
        parent: str,
        change: FileChange,
        result: FixAnalysis,
        wanted: dict[str, list[int]],
        *,
        tests: bool = False,
    ) -> None:
        path = change.parent_path
        reason = line_rules.file_skip_reason(path)
        if tests and reason == "test":
            reason = None
        if reason is None and change.is_binary:
            reason = "binary"
        text_lines = None
        if reason is None:
            text_lines = self.repo.lines_of(parent, path)
            if text_lines is None:
                reason = "unreadable"
            elif line_rules.is_generated_text(text_lines):
                reason = "generated"
        if reason is not None or text_lines is None:
            result.lines.append(TracedLine(path, 0, skip_reason=reason))
            return
        mask = line_rules.code_mask("\n".join(text_lines), path)
        keep: list[int] = []
        for start, count in change.deleted or ():
            for n in range(start, start + count):
                text = text_lines[n - 1] if 0 < n <= len(text_lines) else ""
                has_code = mask[n - 1] if mask is not None and 0 < n <= len(mask) else None
                why = line_rules.line_skip_reason(text, has_code)
                if why is None:
                    keep.append(n)
                else:
                    result.lines.append(TracedLine(path, n, skip_reason=why))
        if keep:
            wanted[path] = keep

    def _blame_all(
        self, rev: str, wanted: dict[str, list[int]], extra_ignore: Sequence[str] = ()
    ) -> dict[str, dict[int, Origin]]:
        ignore = self._ignore_file(rev, extra_ignore)

        def one(item: tuple[str, list[int]]) -> tuple[str, dict[int, Origin]]:
            path, numbers = item
            found = blame_lines(
                self.repo, rev, path, numbers, ignore_revs_file=ignore, copies=self.copies
            )
            return path, found

        items = list(wanted.items())
        if len(items) == 1 or self.workers == 1:
            return dict(map(one, items))
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            return dict(pool.map(one, items))

    def _ignore_file(self, rev: str, extra: Sequence[str]) -> str | None:
        if not extra:
            return self._ignore.for_rev(rev)
        ignore = IgnoreRevs(self.repo, extra)
        self._extra_ignores.append(ignore)
        return ignore.for_rev(rev)

    def _look_through_meta_changes(
        self,
        rev: str,
        wanted: dict[str, list[int]],
        origins: dict[str, dict[int, Origin]],
        result: FixAnalysis,
    ) -> dict[str, dict[int, Origin]]:
        blamed = {o.sha for found in origins.values() for o in found.values()}
        self._count_files(blamed)
        meta = [sha for sha in sorted(blamed) if self._is_meta_change(sha)]
        if not meta:
            return origins
        for sha in meta:
            result.dropped[sha] = (
                "a merge commit"
                if len(self._parents_of(sha)) > 1
                else f"a mass change of {self._files_changed.get(sha, 0)} files"
            ) + ": looked through"
        again = {
            path: [
                n
                for n in numbers
                if origins.get(path, {}).get(n, None) is not None and origins[path][n].sha in meta
            ]
            for path, numbers in wanted.items()
        }
        again = {path: numbers for path, numbers in again.items() if numbers}
        reblamed = self._blame_all(rev, again, meta)
        for path, found in reblamed.items():
            for n, origin in found.items():
                if origin.sha not in meta:
                    origins[path][n] = origin
        # A line that the meta-change itself wrote (nothing older to find) stays its.
        still = {o.sha for found in origins.values() for o in found.values()} & set(meta)
        for sha in still:
            result.dropped.pop(sha, None)
        return origins

    def _parents_of(self, sha: str) -> list[str]:
        if sha not in self._parents:
            data = self.repo.read_object(sha)
            self._parents[sha] = [
                line[7:].decode()
                for line in data.split(b"\n\n", 1)[0].split(b"\n")
                if line.startswith(b"parent ")
            ]
        return self._parents[sha]

    def _count_files(self, shas: Iterable[str]) -> None:
        """How many files each commit changed, for every one not yet known: one git run."""
        todo = [s for s in shas if s not in self._files_changed and len(self._parents_of(s)) == 1]
        if not todo:
            return
        out = self.repo.run_input(
            ("\n".join(todo) + "\n").encode(),
            "diff-tree",
            "--stdin",
            "-r",
            "--name-only",
            "--no-renames",
        )
        current = None
        asked = set(todo)
        for line in out.split(b"\n"):
            text = line.decode("utf-8", errors="replace")
            if text in asked:
                current = text
                self._files_changed[current] = 0
            elif text and current is not None:
                self._files_changed[current] += 1
        for sha in todo:
            self._files_changed.setdefault(sha, 0)

    def _is_meta_change(self, sha: str) -> bool:
        parents = self._parents_of(sha)
        if len(parents) > 1:
            return True
        if not parents:
            return False
        return self._files_changed.get(sha, 0) > MASS_CHANGE_FILES

    def _collect(
        self,
        result: FixAnalysis,
        wanted: dict[str, list[int]],
        origins: dict[str, dict[int, Origin]],
        reported_at: datetime | None,
        fix_time: datetime,
    ) -> None:
        by_sha: dict[str, list[TracedLine]] = defaultdict(list)
        when: dict[str, Origin] = {}
        for path, numbers in wanted.items():
            found = origins.get(path, {})
            for n in numbers:
                origin = found.get(n)
                if origin is None:
                    result.lines.append(TracedLine(path, n, skip_reason="not blamed"))
                    continue
                line = TracedLine(path, n, origin.sha, origin.path, origin.line)
                result.lines.append(line)
                by_sha[origin.sha].append(line)
                when.setdefault(origin.sha, origin)
        traced = sum(len(v) for v in by_sha.values())
        result.lines_traced = traced
        if not traced:
            result.status = "nothing_to_trace"
            result.reason = "git could not blame the deleted lines"
            return
        factor = tangle_factor(len(wanted), len(by_sha))
        result.tangle_factor = factor
        for sha, evidence in by_sha.items():
            origin = when[sha]
            if reported_at is not None and origin.committed_at > reported_at:
                result.dropped[sha] = "committed after the defect was reported"
                continue
            result.all_candidates.append(
                Candidate(
                    sha=sha,
                    lines=len(evidence),
                    confidence=round(len(evidence) / traced * factor, 4) or 0.0001,
                    committed_at=origin.committed_at,
                    authored_at=origin.authored_at,
                    evidence=evidence,
                )
            )
        result.all_candidates.sort(key=lambda c: (-c.confidence, c.sha))
        mark_recency_window(result.all_candidates, fix_time)
        for candidate in result.all_candidates:
            if not candidate.in_window:
                days = (fix_time - candidate.committed_at).days
                result.dropped[candidate.sha] = (
                    f"committed {days} days before the fix, far earlier than its most recent "
                    "candidate: outside the recency window"
                )
        files = len(wanted)
        result.reason = (
            f"{traced} lines in {files} file{'s' if files != 1 else ''} traced to "
            f"{len(by_sha)} commit{'s' if len(by_sha) != 1 else ''}"
        )
        if not result.all_candidates:
            result.reason += "; every one was committed after the defect was reported"


def analyse_many(
    repo: Repo,
    fixes: Sequence[str],
    *,
    reported_at: dict[str, datetime] | None = None,
    copies: bool = False,
    workers: int | None = None,
) -> list[FixAnalysis | RepoError]:
    """:meth:`Analyzer.analyse` for each fix, in order, several at once (git runs in
    parallel processes). A fix that is not in the clone gives its RepoError in its place.
    """
    dates = reported_at or {}
    with Analyzer(repo, copies=copies) as analyzer:

        def one(fix: str) -> FixAnalysis | RepoError:
            try:
                return analyzer.analyse(fix, reported_at=dates.get(fix))
            except RepoError as exc:
                return exc

        count = workers or analyzer.workers
        if count <= 1 or len(fixes) <= 1:
            return [one(fix) for fix in fixes]
        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(one, fixes))
