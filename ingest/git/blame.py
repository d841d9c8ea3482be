"""Ingest layer: which commit last touched given lines, by ``git blame``. No store.

Only the needed line ranges are blamed (one ``-L a,b`` per run of lines, one process per
file), with ``-w`` (a whitespace-only change is never the origin of a line), ``-M`` (lines
moved within the file keep their origin) and ``-C`` (lines moved or copied from another
file changed in the same commit keep theirs), and the repository's
``.git-blame-ignore-revs`` at that revision when it has one (formatting commits the team
listed are looked through).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.git.repo import Repo

IGNORE_REVS_FILE = ".git-blame-ignore-revs"
_HEADER = re.compile(rb"^([0-9a-f]{40,64}) (\d+) (\d+)(?: (\d+))?$")
_HEX = re.compile(r"^[0-9a-fA-F]{40,64}$")


@dataclass(frozen=True)
class Origin:
    """Where a line at the blamed revision came from."""

    sha: str
    path: str
    line: int
    committed_at: datetime
    authored_at: datetime


def ranges_of(lines: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted line numbers as (first, last) runs: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(lines)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def parse_porcelain(out: bytes) -> dict[int, Origin]:
    """``git blame --porcelain`` output -> {line at the blamed revision: origin}."""
    found: dict[int, Origin] = {}
    paths: dict[str, str] = {}
    committed: dict[str, datetime] = {}
    authored: dict[str, datetime] = {}
    sha = ""
    orig = final = 0
    path: str | None = None
    for line in out.split(b"\n"):
        if line.startswith(b"\t"):
            if sha:
                found[final] = Origin(
                    sha=sha,
                    path=path or paths.get(sha, ""),
                    line=orig,
                    committed_at=committed.get(sha, _EPOCH),
                    authored_at=authored.get(sha, _EPOCH),
                )
            continue
        m = _HEADER.match(line)
        if m:
            sha = m.group(1).decode()
            orig, final = int(m.group(2)), int(m.group(3))
            path = None
            continue
        key, _, value = line.partition(b" ")
        if key == b"filename":
            path = value.decode("utf-8", errors="replace")
            paths[sha] = path
        elif key == b"committer-time":
            committed[sha] = datetime.fromtimestamp(int(value), UTC)
        elif key == b"author-time":
            authored[sha] = datetime.fromtimestamp(int(value), UTC)
    return found


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def blame_lines(
    repo: Repo,
    rev: str,
    path: str,
    lines: Iterable[int],
    *,
    ignore_revs_file: str | None = None,
    copies: bool = True,
) -> dict[int, Origin]:
    """The origin of each given line of ``path`` at ``rev``; lines git cannot blame are
    left out (a path missing at ``rev``, an unreadable object)."""
    runs = ranges_of(lines)
    if not runs:
        return {}
    args = ["blame", "--porcelain", "-w", "-M"]
    if copies:
        args.append("-C")
    if ignore_revs_file:
        args += ["--ignore-revs-file", ignore_revs_file]
    for first, last in runs:
        args += ["-L", f"{first},{last}"]
    out = repo.run(*args, rev, "--", path, check=False)
    return parse_porcelain(out)


class IgnoreRevs:
    """The ``.git-blame-ignore-revs`` of each revision, as a file git can read.

    The file's content is read from the object database at the blamed revision (never
    the working tree); revisions it lists that the clone does not have are dropped (git
    refuses the whole file otherwise). Files are shared between revisions with the same
    content, and removed by :meth:`close`.
    """

    def __init__(self, repo: Repo, extra: Iterable[str] = ()) -> None:
        self._repo = repo
        self._extra = [e for e in extra if _HEX.match(e)]
        self._by_content: dict[bytes, str | None] = {}
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._lock = threading.Lock()

    def for_rev(self, rev: str) -> str | None:
        """A path for ``--ignore-revs-file`` at ``rev``, or None when nothing is ignored."""
        data = self._repo.read_blob(rev, IGNORE_REVS_FILE) or b""
        if not data and not self._extra:
            return None
        with self._lock:
            return self._file_for(data)

    def _file_for(self, data: bytes) -> str | None:
        if data in self._by_content:
            return self._by_content[data]
        listed = []
        for raw in data.decode("utf-8", errors="replace").splitlines():
            text = raw.split("#", 1)[0].strip()
            if _HEX.match(text):
                listed.append(text.lower())
        listed += self._extra
        present = self._repo.has_objects(listed)
        keep = [sha for sha in dict.fromkeys(listed) if present.get(sha)]
        path = None
        if keep:
            if self._dir is None:
                self._dir = tempfile.TemporaryDirectory(prefix="teamlens-ignore-revs-")
            path = os.path.join(self._dir.name, f"{len(self._by_content)}.revs")
            with open(path, "w", encoding="ascii") as handle:
                handle.write("\n".join(keep) + "\n")
        self._by_content[data] = path
        return path

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
