"""Ingest layer (demo): the demo's git history — what each merged PR wrote, as squash commits.

:func:`plan` is pure: per repository, one commit per merged PR in merge order, squash-merged
as GitHub writes it (``Title (#N)``, the PR's author, at the merge), on top of an initial
import. What each writes is chosen so SZZ finds the demo's truth and nothing else:

* a PR that causes a defect adds its own module (``src/<area>/pr_<N>.py``: a function of
  five code lines and a feature flag); any other ordinary PR tunes one line of its area's
  ``config.py`` (small trees keep the build fast; nothing ever blames them);
* a fix PR changes one line of the module of each PR that caused its defect (a different
  line for each defect of the same PR), so blame leads back to that PR's squash commit; the
  fix of a report with no cause only adds a guard module (SZZ: nothing to trace);
* a revert switches its target's feature flag off (the flag line, never a line a fix
  traces); a bot's bump changes one line of ``requirements.txt``.

:func:`write` builds it with ``git fast-import`` into bare repositories and says which commit
each PR became; ``build_demo`` then reads them with ``teamlens ingest git``'s own functions.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.demo import org, text
from ingest.demo.activity import Batch
from ingest.demo.timeline import BASE, BOT, FIX, GHOST, REVERT
from ingest.git.repo import Repo, init_bare

CODE_LINES = 4  # lines 2..5 of a module: one per defect a fix traces
FLAG_LINE = 7
CONFIG_LINES = 8  # lines of an area's config.py
ADMIN = "Acme Admin <admin@acme.example>"
BOT_AUTHOR = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
GHOST_AUTHOR = "Former Employee <former@acme.example>"


@dataclass
class PlannedCommit:
    """One commit of a demo repository."""

    message: str
    author: str  # 'Name <email>'
    when: int  # epoch seconds (author and committer time)
    files: dict[str, str | None]  # path -> new content (None: deleted)
    pr_row: int = -1  # the pull_requests row it squash-merges, -1 for none


@dataclass
class HistoryPlan:
    """Every demo repository's commits, oldest first."""

    repos: dict[str, list[PlannedCommit]] = field(default_factory=dict)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _module(number: int) -> list[str]:
    return [
        f"def change_{number}(x):",
        f"    a = x + {number % 97}",
        "    b = a * 2",
        "    c = b - 1",
        "    d = c // 3",
        "    return d",
        f"FEATURE_{number} = True",
    ]


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def plan(
    prs: Batch,
    bugs: Batch,
    frame: pd.DataFrame,
    bug_numbers: np.ndarray,
    names: dict[str, str],
    copy: org.Copy = org.FIRST,
) -> HistoryPlan:
    """The commits of every repository of ``copy`` of the demo (pure).

    Args:
        prs, bugs: the drawn PRs and bug reports (``activity``).
        frame: the pull_requests frame (its rows are in the order of ``prs``).
        bug_numbers: each bug report's issue number.
        names: login -> display name.
    """
    merged = np.flatnonzero(prs["merged_ok"])
    when = np.floor(prs["done"][merged]).astype("int64")
    repo_of = prs["repo"][merged]
    numbers = frame["number"].to_numpy()
    order = merged[np.lexsort((numbers[merged], when, repo_of))]
    titles = frame["title"].to_numpy(dtype=object)
    logins = frame["author_login"].to_numpy(dtype=object)
    objects = [o for team in text.OBJECTS for o in team]
    deps = list(text.DEPENDENCIES)
    out = HistoryPlan()
    content: dict[str, dict[str, list[str]]] = {}
    module_of: dict[int, str] = {}  # PR row -> its module's path
    traced: dict[int, int] = {}  # PR row -> defects traced to it so far
    culprits = {int(c) for c in np.concatenate([bugs["culprit"], bugs["culprit2"]]) if c >= 0}
    config_of: dict[int, tuple[str, int]] = {}  # PR row -> (config path, line index)
    repos = copy.repos
    for repo in repos:
        out.repos[repo] = [
            PlannedCommit(
                "Initial import",
                ADMIN,
                org.START_S - 30 * org.DAY_S,
                {
                    "README.md": f"# {repo}\n",
                    "requirements.txt": _text([f"{d}==1.0.0" for d in deps]),
                },
            )
        ]
        content[repo] = {"requirements.txt": [f"{d}==1.0.0" for d in deps]}
    for row in order:
        repo = repos[prs["repo"][row]]
        files = content[repo]
        number = int(numbers[row])
        kind = prs["kind"][row]
        changed: dict[str, str | None] = {}
        body = ""
        if kind in (BASE, GHOST):
            area = _slug(objects[prs["team"][row] * 12 + prs["obj"][row]])
            if int(row) in culprits:
                path = f"src/{area}/pr_{number}.py"
                module_of[row] = path
                files[path] = _module(number)
            else:
                path = f"src/{area}/config.py"
                lines = files.setdefault(
                    path, [f"{area.upper()}_{i} = 0" for i in range(CONFIG_LINES)]
                )
                slot = number % CONFIG_LINES
                config_of[int(row)] = (path, slot)
                lines[slot] = f"{area.upper()}_{slot} = {number}"
            changed[path] = _text(files[path])
        elif kind == FIX:
            d = prs["defect"][row]
            body = f"\n\nFixes #{bug_numbers[d]}"
            causes = [c for c in (bugs["culprit"][d], bugs["culprit2"][d]) if c >= 0]
            for culprit in causes:
                path = module_of.get(int(culprit))
                slot = traced.get(int(culprit), 0)
                if path is None or slot >= CODE_LINES or path not in files:
                    continue
                traced[int(culprit)] = slot + 1
                lines = files[path]
                lines[1 + slot] = f"{lines[1 + slot]} if x else 0"
                changed[path] = _text(lines)
            if not changed:  # no known cause: the fix adds a guard, nothing to trace
                path = f"src/guards/fix_{number}.py"
                files[path] = [f"def guard_{number}(x):", "    return x is not None"]
                changed[path] = _text(files[path])
        elif kind == REVERT:
            target = int(prs["target"][row])
            path = module_of.get(target)
            if path is not None and path in files:
                flag = files[path][FLAG_LINE - 1]
                files[path][FLAG_LINE - 1] = flag.replace("= True", "= False")
                changed[path] = _text(files[path])
            elif target in config_of:
                path, slot = config_of[target]
                files[path][slot] = files[path][slot].split(" = ")[0] + " = 0"
                changed[path] = _text(files[path])
        elif kind == BOT:
            dep = int(prs["dep"][row])
            files["requirements.txt"][dep] = f"{deps[dep]}==1.{int(prs['minor'][row]) + 1}.0"
            changed["requirements.txt"] = _text(files["requirements.txt"])
        if not changed:
            continue
        login = str(logins[row])
        if kind == BOT:
            author = BOT_AUTHOR
        elif login == org.GHOST:
            author = GHOST_AUTHOR
        else:
            author = f"{names.get(login, login)} <{login}@users.noreply.github.com>"
        out.repos[repo].append(
            PlannedCommit(
                f"{titles[row]} (#{number}){body}",
                author,
                int(np.floor(prs["done"][row])),
                changed,
                pr_row=int(row),
            )
        )
    return out


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def _ident(author: str, when: int) -> bytes:
    return f"{author} {when} +0000".encode()


def fast_import_stream(commits: list[PlannedCommit]) -> bytes:
    """``git fast-import`` input for one repository's commits, on ``refs/heads/main``."""
    parts: list[bytes] = []
    for mark, c in enumerate(commits, start=1):
        parts.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        parts.append(b"author " + _ident(c.author, c.when) + b"\n")
        parts.append(b"committer " + _ident("GitHub <noreply@github.com>", c.when) + b"\n")
        parts.append(_data(c.message.encode()))
        if mark > 1:
            parts.append(b"from :%d\n" % (mark - 1))
        for path, body in c.files.items():
            if body is None:
                parts.append(b"D %s\n" % path.encode())
            else:
                parts.append(b"M 100644 inline %s\n" % path.encode())
                parts.append(_data(body.encode()))
    parts.append(b"done\n")
    return b"".join(parts)


def write(history: HistoryPlan, folder: Path) -> tuple[dict[str, Path], dict[int, str]]:
    """Build each repository (bare, under ``folder``; git runs for them side by side).

    Returns:
        (repository -> its git directory, pull_requests row -> its squash commit's sha).
    """

    def build(repo: str) -> tuple[Path, dict[str, str]]:
        path = init_bare(folder / f"{repo.replace('/', '__')}.git")
        with Repo(path) as git:
            return path, git.fast_import(fast_import_stream(history.repos[repo]))

    paths: dict[str, Path] = {}
    shas: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=len(history.repos) or 1) as pool:
        built = dict(zip(history.repos, pool.map(build, history.repos), strict=True))
    for repo, (path, marks) in built.items():
        paths[repo] = path
        for mark, c in enumerate(history.repos[repo], start=1):
            if c.pr_row >= 0:
                shas[c.pr_row] = marks[str(mark)]
    return paths, shas
