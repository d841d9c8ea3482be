"""A small store whose teams' defects are traced above and below one half (test builder).

March 2026 (2026Q1), two teams of five people, each owning one repository; every person
merges one PR. Defects are reported on 2026-03-20 and name their cause in their text
("Caused by #N") or name nothing:

======= ============== ========== ================================== ======================
team    repository     merged PRs defects                            traced
======= ============== ========== ================================== ======================
Core    acme/app       5          4: #10 names #1; #11-#13 name none 1 of 4 = 25% < 50%
Edge    acme/edge      5          ``edge_traced`` of 3 name #1, #2…  2 of 3 = 67% by default
======= ============== ========== ================================== ======================

With the default the organization traces 1 + 2 = 3 of 7 defects = 43%: not traceable
either; with ``edge_traced=3`` and ``edge_defects=5`` it is 4 of 9 = 44%, and with
``core_traced=4`` every row is traceable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.metrics.builders import StoreBuilder, t

CORE, EDGE = "acme/app", "acme/edge"
AS_OF = datetime(2026, 4, 2, tzinfo=UTC)


def traced_store(
    path: Path, *, core_traced: int = 1, edge_traced: int = 2, edge_defects: int = 3
) -> Path:
    """The store above, written to ``path``. Core has 4 defects, ``core_traced`` of them
    naming a merged Core PR; Edge has ``edge_defects``, ``edge_traced`` naming an Edge PR."""
    store = StoreBuilder(path)
    store.owns("Core", CORE).owns("Edge", EDGE)
    for team, repo, who in (("Core", CORE, "core"), ("Edge", EDGE, "edge")):
        for i in range(1, 6):
            login = f"{who}{i}"
            store.person(login, team)
            # 2026-03-02+i, 4 hours each: merged before every report
            store.pr(i, created=t(1 + i, 9), merged=t(1 + i, 13), author=login, repo=repo)
    for repo, traced, total in ((CORE, core_traced, 4), (EDGE, edge_traced, edge_defects)):
        for n in range(total):
            body = f"Caused by #{n % 5 + 1}" if n < traced else "Something is off"
            store.defect(10 + n, reported=t(20, 9), body=body, repo=repo)
    return store.write()
