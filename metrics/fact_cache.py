"""Metrics layer: the per-PR facts built once per (store, data token, as-of, settings) and
shared by every page, filter change and export of the process. Read-only.

Building the fact tables (:mod:`metrics.sqlfiles`) is most of the cost of any figure, and
a team, person or date filter only narrows them: so they are built once and kept. They
live as temporary tables on a connection of an in-memory DuckDB
(:class:`store.attached.AttachedStore`), never in the store file, which is attached
read-only only while a use runs and detached after it, so another process can write
between two page runs (docs/architecture.md, "Shared facts").

* The key is (store path, data token, as-of, settings). The data token is a store id and
  a counter every write transaction bumps (:func:`store.data_token`), read under the
  shared lock at the start of each use: a write in between is seen by the next use,
  which builds anew.
* At most :data:`MAX_ENTRIES` builds are kept, least recently used dropped first (a fact
  build at a million PRs holds a few hundred MB); a build for an older token is dropped as
  soon as a newer token is seen.
* A use holds the store's lock for its whole length (one thread at a time: DuckDB
  connections are not shared between threads); a nested use on the same thread shares the
  attachment, and a nested use at another as-of gets its own entry.

:func:`session` yields a :class:`store.ReadSession` on the entry's connection, so every
public function of ``metrics`` takes it as ``db`` unchanged (``metrics.snapshot``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from metrics import sqlfiles
from settings import Settings
from store import DbPath, ReadSession, resolve_db
from store.attached import AttachedStore

MAX_ENTRIES = 2

_lock = threading.RLock()
_stores: dict[Path, AttachedStore] = {}
_entries: OrderedDict[tuple, ReadSession] = OrderedDict()
_active: dict[tuple, int] = {}  # entries in use (never dropped while they are)


_users: dict[Path, int] = {}  # sessions started on each store's instance, not yet ended


def _store(path: Path) -> AttachedStore:
    with _lock:
        found = _stores.get(path)
        if found is None:
            found = _stores[path] = AttachedStore(path)
        _users[path] = _users.get(path, 0) + 1
        return found


def _release(path: Path) -> None:
    with _lock:
        _users[path] -= 1
        if not _users[path]:
            del _users[path]
        _close_idle(path)


def _close_idle(path: Path) -> None:
    """Close a store's in-memory instance once no build and no session is left on it."""
    if path in _stores and not _users.get(path) and not any(k[0] == path for k in _entries):
        _stores.pop(path).close()


def _drop(key: tuple) -> None:
    session = _entries.pop(key)
    session.connection.close()
    _close_idle(key[0])


def _trim(path: Path, token: tuple) -> None:
    """Drop the builds of an older token of ``path``, then the least recently used beyond
    :data:`MAX_ENTRIES` (never one in use)."""
    for key in [k for k in _entries if k[0] == path and k[1] != token]:
        if not _active.get(key):
            _drop(key)
    for key in list(_entries):
        if len(_entries) <= MAX_ENTRIES:
            break
        if not _active.get(key):
            _drop(key)


@contextmanager
def session(db: DbPath, as_of: datetime, config: Settings) -> Iterator[ReadSession]:
    """A read session on the shared fact tables of ``db`` as of ``as_of`` (built now if no
    use before built them for the store's current data token), the store attached
    read-only for the block.

    Raises:
        StoreError, NewerSchemaError: as :func:`store.read_connection`.
    """
    path = resolve_db(db)
    attached = _store(path)
    try:
        with _use(attached, path, as_of, config) as found:
            yield found
    finally:
        _release(path)


@contextmanager
def _use(
    attached: AttachedStore, path: Path, as_of: datetime, config: Settings
) -> Iterator[ReadSession]:
    with attached.lock, attached.attached() as token:
        key = (path, token, as_of, config)
        with _lock:
            found = _entries.get(key)
            if found is None:
                found = _entries[key] = ReadSession(path, attached.cursor())
            _entries.move_to_end(key)
            _active[key] = _active.get(key, 0) + 1
        try:
            with attached.using(found.connection) as conn:
                if found.memo.get("facts") != (as_of, config):
                    sqlfiles.build_facts(conn, as_of, config)
                    found.memo["facts"] = (as_of, config)
                yield found
        finally:
            with _lock:
                _active[key] -= 1
                if not _active[key]:
                    del _active[key]
                _trim(path, token)


def clear() -> None:
    """Drop every kept build (tests; a process that wants its memory back)."""
    with _lock:
        for key in list(_entries):
            if not _active.get(key):
                _drop(key)
