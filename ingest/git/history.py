"""Ingest layer: commits and their changed line ranges, parsed from ``git log``. No store.

One streamed ``git log --no-walk --stdin --raw -p -U0 -M --diff-merges=first-parent``
reads a whole batch of commits: each commit's metadata, then its files against its first
parent (``--raw`` gives the exact change type and paths), then one patch per file in the
same order. With ``-U0`` a hunk has no context lines, so its header alone gives the deleted
range (at the parent) and the added range (at the commit); the hunk's lines are skipped by
count, never by looking at what they start with (a deleted line may itself read ``--- a``).

A clone may lack some objects (a partial clone, or a snapshot without its largest files):
git stops at the first commit it cannot diff. That commit is then read file by file, the
unreadable files kept with their change type and no ranges, and the stream goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest.git.repo import Repo

Range = tuple[int, int]  # (first line, number of lines)

HEADER = "%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%B%x1f"
DIFF_OPTIONS = (
    "--raw",
    "-p",
    "-U0",
    "-M",
    "--no-abbrev",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--diff-merges=first-parent",
)
_HUNK = re.compile(rb"^@@@* -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(\S.*)$")


@dataclass
class FileChange:
    """One file of a commit's diff against its first parent."""

    path: str  # at the commit (at the parent when deleted)
    old_path: str | None  # at the parent, on a rename or copy
    change_type: str  # A, M, D, R, C, T
    old_blob: str | None = None
    new_blob: str | None = None
    is_binary: bool = False
    deleted: list[Range] | None = field(default_factory=list)  # None: unreadable
    added: list[Range] | None = field(default_factory=list)

    @property
    def parent_path(self) -> str:
        """The file's path at the parent commit."""
        return self.old_path or self.path


@dataclass
class Commit:
    """A commit and its changes against its first parent."""

    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    message: str
    files: list[FileChange] = field(default_factory=list)

    @property
    def subject(self) -> str:
        """The message's first line."""
        return self.message.split("\n", 1)[0].strip()

    @property
    def trailers(self) -> list[dict[str, str]]:
        """The message's trailers (``Co-authored-by: …``), in order."""
        return parse_trailers(self.message)


def parse_trailers(message: str) -> list[dict[str, str]]:
    """The ``Key: value`` lines of a message's last paragraph, as ``git interpret-trailers``.

    The last paragraph (never the subject) is a trailer block when every line is a trailer
    or a continuation (a line starting with whitespace).
    """
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return []
    found: list[dict[str, str]] = []
    for line in paragraphs[-1].splitlines():
        if line[:1].isspace() and found:
            found[-1]["value"] += " " + line.strip()
            continue
        m = _TRAILER.match(line)
        if not m:
            return []
        found.append({"key": m.group(1), "value": m.group(2).strip()})
    return found


def unquote_path(raw: bytes) -> str:
    """A path as git prints it: C-quoted (``"a\\tb"``) when it has special characters."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return raw.decode("utf-8", errors="replace")
    body, out, i = raw[1:-1], bytearray(), 0
    simple = {b"n": 10, b"t": 9, b'"': 34, b"\\": 92, b"a": 7, b"b": 8, b"f": 12, b"r": 13}
    simple[b"v"] = 11
    while i < len(body):
        ch = body[i : i + 1]
        if ch == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            if nxt.isdigit() and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
        out += ch
        i += 1
    return out.decode("utf-8", errors="replace")


def _parse_raw(line: bytes) -> FileChange:
    # :100644 100644 <old blob> <new blob> M\tpath   or   … R086\told\tnew
    meta, _, paths = line[1:].partition(b"\t")
    parts = meta.split()
    old_blob, new_blob, status = parts[2].decode(), parts[3].decode(), parts[4].decode()
    names = [unquote_path(p) for p in paths.split(b"\t")]
    kind = status[:1]
    zero = "0" * len(old_blob)
    change = FileChange(
        path=names[-1],
        old_path=names[0] if kind in "RC" and len(names) > 1 else None,
        change_type=kind,
        old_blob=None if old_blob == zero else old_blob,
        new_blob=None if new_blob == zero else new_blob,
    )
    return change


def _parse_dt(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _parse_header(block: bytes) -> Commit:
    fields = block.decode("utf-8", errors="replace").split("\0")
    sha, parents, name, email, authored, committed = fields[:6]
    message = "\0".join(fields[6:])
    return Commit(
        sha=sha.strip(),
        parents=parents.split(),
        author_name=name,
        author_email=email,
        authored_at=_parse_dt(authored),
        committed_at=_parse_dt(committed),
        message=message.rstrip("\n"),
    )


class LogParser:
    """Turns the bytes of ``git log --format=HEADER DIFF_OPTIONS`` into :class:`Commit` s.

    Feed it lines; it yields each commit once the next one starts (or at :meth:`close`).
    """

    def __init__(self) -> None:
        self._current: Commit | None = None
        self._header: bytearray | None = None
        self._patch_index = -1
        self._minus = 0
        self._plus = 0

    def feed(self, line: bytes) -> Iterator[Commit]:
        if self._header is not None:  # inside a multi-line message
            self._header += line
            if b"\x1f" in line:
                yield from self._finish_header()
            return
        if self._minus or self._plus:  # a hunk's lines, skipped by count
            if line.startswith(b"\\"):  # "\ No newline at end of file"
                return
            if line.startswith(b"-") and self._minus:
                self._minus -= 1
                return
            if line.startswith(b"+") and self._plus:
                self._plus -= 1
                return
            self._minus = self._plus = 0  # malformed: resynchronise on this line
        if line.startswith(b"\x1e"):
            done = self._current
            self._current = None
            if done is not None:
                yield done
            self._header = bytearray(line[1:])
            if b"\x1f" in line:
                yield from self._finish_header()
            return
        commit = self._current
        if commit is None:
            return
        if line.startswith(b":"):
            commit.files.append(_parse_raw(line.rstrip(b"\n")))
        elif line.startswith(b"diff --git ") or line.startswith(b"diff --cc "):
            self._patch_index += 1
        elif line.startswith(b"@@"):
            m = _HUNK.match(line)
            change = self._patch_file()
            if m and change is not None:
                old_start, old_count = int(m.group(1)), int(m.group(2) or 1)
                new_start, new_count = int(m.group(3)), int(m.group(4) or 1)
                if old_count and change.deleted is not None:
                    change.deleted.append((old_start, old_count))
                if new_count and change.added is not None:
                    change.added.append((new_start, new_count))
                self._minus, self._plus = old_count, new_count
        elif line.startswith(b"Binary files ") or line.startswith(b"GIT binary patch"):
            change = self._patch_file()
            if change is not None:
                change.is_binary = True

    def _patch_file(self) -> FileChange | None:
        commit = self._current
        if commit is None or not 0 <= self._patch_index < len(commit.files):
            return None
        return commit.files[self._patch_index]

    def _finish_header(self) -> Iterator[Commit]:
        assert self._header is not None
        block, _, _rest = bytes(self._header).partition(b"\x1f")
        self._header = None
        self._current = _parse_header(block)
        self._patch_index = -1
        return iter(())

    def close(self) -> Iterator[Commit]:
        """The last commit, once the stream has ended."""
        done, self._current = self._current, None
        if done is not None:
            yield done

    @property
    def pending(self) -> Commit | None:
        """The commit being read (incomplete until the next one starts)."""
        return self._current


def parse_log_output(out: bytes) -> list[Commit]:
    """Every commit in a finished ``git log`` output (format :data:`HEADER`)."""
    parser = LogParser()
    commits: list[Commit] = []
    for line in out.splitlines(keepends=True):
        commits.extend(parser.feed(line))
    commits.extend(parser.close())
    return commits


def read_commits(repo: Repo, shas: Iterable[str]) -> Iterator[Commit]:
    """Each commit of ``shas`` (in that order) with its changes against its first parent."""
    remaining = list(shas)
    while remaining:
        proc = repo.stream(
            "log",
            "--no-walk=unsorted",
            f"--format={HEADER}",
            *DIFF_OPTIONS,
            "--stdin",
            stdin=("\n".join(remaining) + "\n").encode(),
        )
        parser = LogParser()
        done = 0
        assert proc.stdout is not None
        for line in proc.stdout:
            for commit in parser.feed(line):
                done += 1
                yield commit
        err = proc.stderr.read() if proc.stderr else b""
        if proc.wait() == 0:
            yield from parser.close()
            return
        # git stopped in the middle of the commit it was printing (or before its header).
        pending = parser.pending
        index = done
        if pending is not None and pending.sha != remaining[index]:
            index = remaining.index(pending.sha)
        if index >= len(remaining):
            return
        failed = remaining[index]
        yield read_commit_by_file(repo, failed, err.decode(errors="replace"))
        remaining = remaining[index + 1 :]


def _log_one(repo: Repo, sha: str, *options: str, paths: tuple[str, ...] = ()) -> Commit | None:
    out = repo.run(
        "log", "--no-walk", f"--format={HEADER}", *options, sha, "--", *paths, check=False
    )
    commits = parse_log_output(out)
    return commits[0] if commits else None


def read_commit_by_file(repo: Repo, sha: str, why: str = "") -> Commit:
    """One commit whose diff git cannot produce whole: the files it can read get their
    ranges, the others keep their change type with ranges None (unreadable)."""
    listing = _log_one(repo, sha, "--raw", "-M", "--no-abbrev", "--diff-merges=first-parent")
    head = _log_one(repo, sha, "--no-patch")
    if head is None:
        from ingest.git.repo import RepoError

        raise RepoError(f"commit {sha} cannot be read from the clone: {why.strip()[:200]}")
    files = listing.files if listing is not None else []
    blobs = [b for f in files for b in (f.old_blob, f.new_blob) if b]
    present = repo.has_objects(blobs)
    readable = [
        f for f in files if all(present.get(b, False) for b in (f.old_blob, f.new_blob) if b)
    ]
    readable_ids = {id(f) for f in readable}
    paths = tuple(dict.fromkeys(p for f in readable for p in (f.path, f.old_path) if p))
    diffed: dict[str, FileChange] = {}
    if paths:
        partial = _log_one(repo, sha, *DIFF_OPTIONS, paths=paths)
        if partial is not None:
            diffed = {f.path: f for f in partial.files}
    for change in files:
        found = diffed.get(change.path)
        if found is not None and id(change) in readable_ids:
            change.deleted, change.added, change.is_binary = (
                found.deleted,
                found.added,
                found.is_binary,
            )
        else:
            change.deleted = change.added = None
    head.files = files
    return head
