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
import time
from collections.abc import Iterator
from pathlib import Path

from settings import InputError

READ_WAIT_S = 120.0  # how long a reader waits for a writer before giving up
WRITE_WAIT_S = 600.0  # how long a writer waits for readers and other writers
_POLL_S = 0.01


class StoreError(InputError):
    """The database cannot be used (bad path, not a DuckDB file, busy). One clear line."""


@contextlib.contextmanager
def _flock(path: Path, mode: int, wait_s: float, what: str) -> Iterator[None]:
    """Hold an advisory lock on ``path`` (created if missing), polling up to ``wait_s``."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        # A read-only folder: no other teamlens process can write there either.
        yield
        return
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
