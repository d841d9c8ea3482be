"""docs/architecture.md says true things: the files it names exist, and each recipe lists
as many files as its heading says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
# Files the page names that another branch brings. Once such a file exists, this entry
# must go (the test says so).
ARRIVING: dict[str, str] = {}
PATH = re.compile(r"`([\w./<>-]+/[\w.<>-]*|[\w<>-]+\.(?:py|md|sql|toml))`")


def named_paths() -> set[str]:
    return {m for m in PATH.findall(DOC.read_text()) if "/" in m or "." in m}


def test_every_file_it_names_exists() -> None:
    paths = named_paths()
    assert len(paths) > 20, "the scan found too little to mean anything"
    missing = []
    for path in sorted(paths):
        target = ROOT / path
        if "<" in path:  # a template like ingest/<source>.py: its folder exists
            target = ROOT / path.split("<")[0].rsplit("/", 1)[0]
        if path in ARRIVING:
            assert not target.exists(), f"{path} exists now: drop it from ARRIVING"
            continue
        if not target.exists():
            missing.append(path)
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"


def test_each_recipe_lists_as_many_files_as_it_says() -> None:
    text = DOC.read_text()
    recipes = re.findall(r"^### (.+?) — (\d+) files?\n(.*?)(?=^#|\Z)", text, re.M | re.S)
    assert {name for name, _, _ in recipes} == {
        "A metric",
        "A source",
        "A page",
        "An export format",
    }
    for name, count, body in recipes:
        items = re.findall(r"^\d+\. `([^`]+)`", body, re.M)
        assert len(items) == int(count), f"{name}: says {count} files, lists {items}"
