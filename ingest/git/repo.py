"""Ingest layer: the one module that runs git, through GitPython. No store, no metric.

Everything is read from the object database, never from a working tree, so a bare clone,
a mirror or a partly checked-out clone all work: commands run with ``GIT_DIR`` set and no
work tree. Objects are read through one persistent ``git cat-file --batch`` process
(GitPython's ``get_object_data``), so reading a file at a revision costs no new process.

Git's own configuration must not change what teamlens reads: colours, external diff
drivers, ``diff.noprefix``, replace refs and the user's pager are all turned off.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import git

from settings import InputError

_SHA = re.compile(r"^[0-9a-f]{4,64}$")
# Options that make git's output the same whatever the user's configuration says.
_CONFIG = (
    "-c",
    "core.quotePath=false",
    "-c",
    "color.ui=never",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "-c",
    "diff.renameLimit=5000",
    "-c",
    "core.pager=cat",
)


class RepoError(InputError):
    """The folder is not a git repository, or a revision is not in it. One clear line."""


def _looks_like_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def find_git_dir(path: str | os.PathLike[str]) -> Path:
    """The git directory of a clone: ``DIR/.git``, or DIR itself for a bare clone.

    Raises:
        RepoError: no such folder, or no git repository there.
    """
    folder = Path(path)
    if not folder.exists():
        raise RepoError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise RepoError(f"{folder}: not a folder")
    dot_git = folder / ".git"
    if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:") :].strip())
            dot_git = target if target.is_absolute() else (folder / target).resolve()
    if dot_git.is_dir() and _looks_like_git_dir(dot_git):
        return dot_git.resolve()
    if _looks_like_git_dir(folder):
        return folder.resolve()
    raise RepoError(f"{folder}: not a git repository (no .git folder, not a bare clone)")


def init_bare(path: str | os.PathLike[str]) -> Path:
    """Create an empty bare repository at ``path`` (for a history written by fast-import)."""
    folder = Path(path)
    env = {**os.environ, "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("GIT_DIR", None)
    subprocess.run(
        ["git", *_CONFIG, "init", "--quiet", "--bare", str(folder)],
        check=True,
        capture_output=True,
        env=env,
    )
    return folder


class Repo:
    """A clone's object database, read through the git CLI (GitPython).

    Args:
        path: a clone's folder (bare or not).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.git_dir = find_git_dir(path)
        self.path = Path(path)
        self._git = git.Git()
        # No work tree, no lazy fetch of a partial clone's missing objects, no replace refs.
        self._env = {
            "GIT_DIR": str(self.git_dir),
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_NO_LAZY_FETCH": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
        }
        self._git.update_environment(**self._env)
        self._objects = threading.Lock()  # one persistent cat-file process: one reader at a time
        self._git.update_environment(GIT_WORK_TREE=None)
        try:
            self.run("rev-parse", "--git-dir")
        except git.GitCommandError:
            raise RepoError(f"{self.path}: git cannot read this repository") from None

    def close(self) -> None:
        """Stop the persistent ``cat-file`` processes."""
        self._git.clear_cache()

    def __enter__(self) -> Repo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running git ---------------------------------------------------------------------

    def command(self, *args: str) -> list[str]:
        """The full command line for ``git ARGS`` with teamlens's fixed options."""
        return ["git", *_CONFIG, *args]

    def run(self, *args: str, check: bool = True) -> bytes:
        """Run ``git ARGS`` and return its stdout (bytes, trailing newline kept).

        Raises:
            git.GitCommandError: git failed and ``check`` is true.
        """
        _status, out, _err = self._git.execute(
            self.command(*args),
            with_extended_output=True,
            with_exceptions=check,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
        return out

    def run_input(self, data: bytes, *args: str) -> bytes:
        """Run ``git ARGS`` with ``data`` on stdin; its stdout (empty when git fails)."""
        proc = subprocess.run(
            self.command(*args),
            input=data,
            capture_output=True,
            env=self._process_env(),
            check=False,
        )
        return proc.stdout

    def fast_import(self, stream: bytes) -> dict[str, str]:
        """Write history with ``git fast-import`` (its raw-date stream); marks -> shas.

        Raises:
            RepoError: git refused the stream (its message, one line).
        """
        marks = self.git_dir / "teamlens-fast-import.marks"
        # no deltas, no compression: a history written once, then read at once
        options = ("-c", "core.compression=0", "-c", "pack.compression=0", "fast-import")
        proc = subprocess.run(
            self.command(
                *options, "--quiet", "--depth=0", "--date-format=raw", f"--export-marks={marks}"
            ),
            input=stream,
            capture_output=True,
            # glibc: grow the heap in large steps; fast-import otherwise spends more time
            # in the kernel growing it page by page than in its own work
            env={**self._process_env(), "MALLOC_TOP_PAD_": str(128 << 20)},
            check=False,
        )
        if proc.returncode != 0:
            first = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()[:1]
            raise RepoError(f"git fast-import failed: {first[0] if first else proc.returncode}")
        found = {}
        for line in marks.read_text(encoding="ascii").splitlines():
            mark, _, sha = line.partition(" ")
            found[mark.lstrip(":")] = sha
        marks.unlink()
        return found

    def _process_env(self) -> dict[str, str]:
        env = {**os.environ, **self._env}
        env.pop("GIT_WORK_TREE", None)
        return env

    def stream(self, *args: str, stdin: bytes | None = None) -> subprocess.Popen[bytes]:
        """Start ``git ARGS`` and hand back the process (read its ``stdout``)."""
        env = self._process_env()
        proc = subprocess.Popen(
            self.command(*args),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        if stdin is not None:
            assert proc.stdin is not None
            # `git log --stdin` reads every revision before it writes anything: no deadlock.
            proc.stdin.write(stdin)
            proc.stdin.close()
        return proc

    # -- objects -------------------------------------------------------------------------

    def resolve(self, rev: str) -> str | None:
        """The full sha of a commit, or None when it is not in the clone."""
        rev = rev.strip()
        if not rev or rev.startswith("-") or any(c.isspace() for c in rev):
            return None
        if _SHA.match(rev.lower()):
            try:
                with self._objects:
                    sha, kind, _size = self._git.get_object_header(rev)
            except (ValueError, git.GitCommandError, OSError):
                return None  # missing or ambiguous
            return sha.decode() if kind in (b"commit", "commit") else None
        out = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        sha = out.decode().strip()
        return sha if _SHA.match(sha) else None

    def has_objects(self, names: Iterable[str]) -> dict[str, bool]:
        """Whether each object name (sha or ``rev:path``) is in the object database."""
        wanted = list(dict.fromkeys(names))
        found: dict[str, bool] = {}
        if not wanted:
            return found
        for name, line in zip(wanted, self._batch_check(wanted), strict=False):
            found[name] = not line.endswith(b" missing") and not line.endswith(b" ambiguous")
        return found

    def _batch_check(self, names: list[str]) -> list[bytes]:
        return self.run_input(
            ("\n".join(names) + "\n").encode(), "cat-file", "--batch-check"
        ).splitlines()

    def read_blob(self, rev: str, path: str) -> bytes | None:
        """The content of ``path`` at ``rev``, or None when absent (or too large to be here)."""
        try:
            with self._objects:
                _sha, kind, _size, data = self._git.get_object_data(f"{rev}:{path}")
        except (ValueError, git.GitCommandError, OSError):
            # cat-file answers "<name> missing" for a path that is not there; GitPython
            # raises ValueError and keeps the process usable.
            return None
        if kind not in (b"blob", "blob"):
            return None
        return data

    def read_object(self, sha: str) -> bytes:
        """A raw object (a commit's headers and message, say); b"" when missing."""
        try:
            with self._objects:
                return self._git.get_object_data(sha)[3]
        except (ValueError, git.GitCommandError, OSError):
            return b""

    def lines_of(self, rev: str, path: str) -> list[str] | None:
        """The lines of a text file at ``rev`` (1-based index ``n`` is ``result[n - 1]``)."""
        data = self.read_blob(rev, path)
        if data is None or b"\0" in data[:8000]:
            return None
        return data.decode("utf-8", errors="replace").splitlines()

    def rev_list(self, *args: str) -> Iterator[str]:
        """``git rev-list ARGS``, one sha at a time."""
        out = self.run("rev-list", *args, check=False)
        for line in out.split():
            yield line.decode()

    def remote_url(self, name: str = "origin") -> str | None:
        """The URL of a remote, or None."""
        out = self.run("config", "--get", f"remote.{name}.url", check=False).decode().strip()
        return out or None
