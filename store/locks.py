"""Store layer: the advisory file locks that let many processes share one DuckDB file.

``<db>.lock`` is held shared by readers and exclusive by a writer; ``<db>.gate`` is taken
briefly by readers before they queue on ``.lock`` and held by a writer while it waits, so
a steady stream of dashboard reads cannot starve a writer (``flock``, released by the
kernel when a process dies). Knows nothing of DuckDB.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from settings import InputError

READ_WAIT_S = 120.0  # how long a reader waits for a writer before giving up
WRITE_WAIT_S = 600.0  # how long a writer waits for readers and other writers
_POLL_S = 0.01


class StoreError(InputError):
    """The database cannot be used (bad path, not a DuckDB file, busy). One clear line."""


def _open_lock(path: Path) -> int:
    """A descriptor on the lock file, created if missing.

    ``flock`` needs no write permission, so an existing lock file that this user may only
    read is opened read-only. A lock file that can neither be opened nor created is an
    error: running without the lock could meet another process's write half-done.

    Raises:
        StoreError: naming the lock file and why it cannot be opened.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as first:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            raise _unusable(path, first.strerror or type(first).__name__) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _unusable(path, "not a regular file")
    return fd


def _unusable(path: Path, reason: str) -> StoreError:
    return StoreError(
        f"cannot open the lock file {path} ({reason}): teamlens needs it to share the "
        "database safely; make its folder writable or remove what stands in its place"
    )


@contextlib.contextmanager
def _flock(path: Path, mode: int, wait_s: float, what: str) -> Iterator[None]:
    """Hold an advisory lock on ``path`` (created if missing), polling up to ``wait_s``."""
    fd = _open_lock(path)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"the database is busy: another teamlens process has held it "
                        f"for over {wait_s:.0f} s ({what})"
                    ) from None
                time.sleep(_POLL_S)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def lock_paths(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + ".lock"), path.with_name(path.name + ".gate")


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    lock, gate = lock_paths(path)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_flock(gate, fcntl.LOCK_EX, WRITE_WAIT_S, "waiting to write"))
        stack.enter_context(_flock(lock, fcntl.LOCK_EX, WRITE_WAIT_S, "waiting to write"))
        yield


@contextlib.contextmanager
def shared(path: Path) -> Iterator[None]:
    lock, gate = lock_paths(path)
    with _flock(gate, fcntl.LOCK_EX, READ_WAIT_S, "waiting to read"):
        held = _flock(lock, fcntl.LOCK_SH, READ_WAIT_S, "waiting to read")
        held.__enter__()
    try:
        yield
    finally:
        held.__exit__(None, None, None)
