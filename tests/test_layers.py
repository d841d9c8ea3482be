"""The layers' import rules (STYLE.md), held by a test the way datasette holds its docs.

Imports only go down: pages and teamlens.py -> reports -> metrics -> store;
ingest -> store. `metrics` reads through `store` and never imports `ingest` or streamlit;
`ingest` never imports `metrics`; `store` imports neither; pages hold no SQL and never
render raw HTML.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", files("metrics"), ids=lambda p: p.name)
def test_metrics_never_imports_ingest_sources_or_streamlit(path: Path) -> None:
    bad = {
        name
        for name in imports(path)
        if name.split(".")[0] in {"streamlit", "github", "pages", "reports", "ingest"}
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("store"), ids=lambda p: p.name)
def test_store_imports_no_other_layer(path: Path) -> None:
    bad = {
        n
        for n in imports(path)
        if n.split(".")[0] in {"ingest", "metrics", "reports", "pages", "streamlit", "ui"}
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("ingest"), ids=lambda p: p.name)
def test_ingest_never_imports_metrics_reports_or_pages(path: Path) -> None:
    bad = {
        n for n in imports(path) if n.split(".")[0] in {"metrics", "reports", "pages", "streamlit"}
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", files("pages"), ids=lambda p: p.name)
def test_pages_are_thin(path: Path) -> None:
    source = path.read_text()
    top = {n.split(".")[0] for n in imports(path)}
    assert top <= {
        "ui",
        "ui_forms",
        "metrics",
        "reports",
        "streamlit",
        "pandas",
        "plotly",
        "datetime",
        "framework",
        "settings",
        "ingest",
        "__future__",
    }, top
    assert "duckdb" not in top
    assert "unsafe_allow_html" not in source
    assert not re.search(r"\bselect\b[^\n]*\bfrom\b", source, re.IGNORECASE), "SQL in a page"
    assert ".groupby(" not in source, "a page aggregates data: move it to metrics/"
    assert "ui.page(" in source, "every page starts with ui.page() for the shared filters"


@pytest.mark.parametrize("path", files("pages"), ids=lambda p: p.name)
def test_pages_import_only_the_public_write_functions_of_ingest(path: Path) -> None:
    ingest = {n for n in imports(path) if n.startswith("ingest")}
    # forms may save through ingest's app-form functions; nothing else of ingest
    assert all(
        n.startswith(("ingest.people_import", "ingest.forms")) or n == "ingest" for n in ingest
    ), ingest
