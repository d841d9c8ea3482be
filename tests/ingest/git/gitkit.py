"""Small real git repositories built inside a test, with fixed authors and dates."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class GitRepo:
    """A working clone in ``path``; each :meth:`commit` is one day after the previous."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = START
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ana")
        self.git("config", "user.email", "ana@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, at: datetime | None = None) -> str:
        env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_DATE": (at or self.clock).isoformat(),
            "GIT_COMMITTER_DATE": (at or self.clock).isoformat(),
        }
        env.pop("GIT_DIR", None)
        out = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    def write(self, files: dict[str, str | None]) -> None:
        for name, text in files.items():
            target = self.path / name
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)

    def commit(
        self,
        message: str,
        files: dict[str, str | None] | None = None,
        *,
        author: str = "Ana <ana@example.com>",
        days: float = 1,
    ) -> str:
        """Write ``files`` (None deletes), commit everything; returns the new sha."""
        self.clock += timedelta(days=days)
        if files:
            self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, f"--author={author}")
        return self.git("rev-parse", "HEAD")

    def mv(self, old: str, new: str) -> None:
        self.git("mv", old, new)

    def bare_clone(self, dest: Path) -> Path:
        subprocess.run(
            ["git", "clone", "-q", "--bare", str(self.path), str(dest)],
            check=True,
            capture_output=True,
        )
        return dest


def lines(*items: str) -> str:
    """A file's text from its lines."""
    return "\n".join(items) + "\n"
