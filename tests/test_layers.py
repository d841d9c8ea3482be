"""The layers' import rules (STYLE.md), held by a test the way datasette holds its docs.

Imports only go down: pages, cli/ and teamlens.py -> reports -> metrics -> store;
ingest -> store. `metrics` reads through `store` and never imports `ingest` or streamlit;
`ingest` never imports `metrics`; `store` imports neither; `framework` and `settings`
import no layer. Pages hold no SQL, build no plotly figure and never render raw HTML.

Each rule is checked twice: statically per file (relative imports resolved, and
``importlib.import_module("x")`` / ``__import__("x")`` with a literal name counted), and at
run time in a fresh interpreter that imports every module of the layer and then looks at
``sys.modules``, so an import made through another module (a transitive one) counts too.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each layer must never load, directly or through another module.
FORBIDDEN: dict[str, set[str]] = {
    "store": {"ingest", "metrics", "reports", "pages", "streamlit", "ui", "cli", "framework"},
    "metrics": {"ingest", "reports", "pages", "streamlit", "ui", "cli", "github", "teamlens"},
    "ingest": {"metrics", "reports", "pages", "streamlit", "ui", "cli", "teamlens"},
    "reports": {"ingest", "pages", "streamlit", "ui", "cli", "teamlens", "github"},
    "framework": {"store", "ingest", "metrics", "reports", "pages", "streamlit", "ui", "cli"},
    "cli": {"pages", "streamlit", "ui"},
}
PURE_MODULES = {"settings": FORBIDDEN["framework"] | {"framework"}}
# Modules over 500 lines that another branch is splitting (the test fails once they are
# under, so the entry cannot go stale).
PENDING_SPLITS: dict[str, str] = {}
MAX_MODULE_LINES = 500
MAX_PAGE_LINES = 150


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str | None = None) -> set[str]:
    """Every module ``path`` (the module ``module``, by default its own name) imports,
    relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (module or module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
            )
        ):
            found.add(node.args[0].value)
    return found


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def tops(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imports(path)}


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


LAYER_FILES = [(layer, p) for layer in FORBIDDEN for p in files(layer)]


@pytest.mark.parametrize(
    ("layer", "path"), LAYER_FILES, ids=lambda x: x if isinstance(x, str) else rel(x)
)
def test_each_file_imports_only_down(layer: str, path: Path) -> None:
    bad = tops(path) & FORBIDDEN[layer]
    assert not bad, f"{rel(path)} ({layer}) imports {sorted(bad)}"


def test_the_import_scanner_sees_relative_and_dynamic_imports(tmp_path: Path) -> None:
    # the scanner is what the rules rest on: it must not miss the sneaky spellings
    probe = tmp_path / "people.py"
    probe.write_text(
        "from .. import sqlfiles\nfrom ..facts import parse_as_of\nfrom . import levels\n"
        "import importlib\nimportlib.import_module('ingest.writer')\n__import__('streamlit')\n"
    )
    found = imports(probe, "metrics.competency.people")
    assert {
        "metrics.sqlfiles",
        "metrics.facts.parse_as_of",
        "metrics.competency.levels",
        "ingest.writer",
        "streamlit",
    } <= found


def _loaded_by(modules: list[str]) -> set[str]:
    """Top-level packages in ``sys.modules`` after importing ``modules`` in a fresh python."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_loads_what_it_must_not_even_transitively(layer: str) -> None:
    modules = [module_name(p) for p in files(layer)]
    loaded = _loaded_by(modules)
    assert layer in loaded
    assert not loaded & FORBIDDEN[layer], f"{layer} loads {sorted(loaded & FORBIDDEN[layer])}"


def test_the_ingests_and_their_fact_save_load_no_pandas() -> None:
    # pandas and pyarrow hold about 80 MB once imported, over a quarter of the GitHub
    # ingest's 300 MB (benchmarks/bench_sync.py): its rows reach DuckDB as Python lists,
    # and the fact save after it runs SQL only
    modules = ["teamlens", "ingest.github.sync", "ingest.github.blamed", "ingest.git.sync"]
    heavy = _loaded_by([*modules, "metrics.saved_facts"]) & {"pandas", "pyarrow", "numpy"}
    assert not heavy, sorted(heavy)


def test_settings_is_pure() -> None:
    loaded = _loaded_by(["settings"])
    assert not loaded & PURE_MODULES["settings"], sorted(loaded & PURE_MODULES["settings"])


# --- pages are thin ---------------------------------------------------------------------

PAGE_IMPORTS = {
    "ui",
    "ui_access",
    "ui_forms",
    "ui_document",
    "metrics",
    "reports",
    "streamlit",
    "pandas",
    "datetime",
    "framework",
    "settings",
    "__future__",
}
# Code a page must not hold: what it draws is built by reports/, what it reads by metrics/.
FIGURE_BUILDING = re.compile(
    r"\bgo\.[A-Z]\w*\(|\bpx\.\w|\.add_trace\(|\.add_(scatter|bar|heatmap|vrect|vline)\("
    r"|\bmake_subplots\(|\.update_layout\(|\.update_[xy]axes\("
)
DATA_CODE = re.compile(r"\.groupby\(|\.execute\(|\.sql\(|\bread_connection\b|\bwrite_transaction\b")
SQL = re.compile(
    r"\bselect\s+(distinct\s+)?([\w.*()]+\s*,\s*)*[\w.*()]+\s+from\s+\w"
    r"|^\s*with\s+\w+\s+as\s*\("
    r"|^\s*(insert\s+into|delete\s+from|update\s+\w+\s+set|drop\s+(table|view))\b"
    r"|^\s*create\s+(or\s+replace\s+)?(temp\w*\s+)?(table|view|index)\b",
    re.IGNORECASE,
)


def strings(source: str) -> list[str]:
    """Every string literal of a module (f-strings' literal parts included)."""
    return [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("path", files("pages"), ids=rel)
def test_pages_are_thin(path: Path) -> None:
    source = path.read_text()
    assert tops(path) <= PAGE_IMPORTS, f"{rel(path)} imports {sorted(tops(path) - PAGE_IMPORTS)}"
    assert "unsafe_allow_html" not in source
    sql = [s for s in strings(source) if SQL.search(s)]
    assert not sql, f"SQL in a page: {sql[0][:60]!r}"
    assert not FIGURE_BUILDING.search(source), "a page builds a figure: move it to reports/"
    assert not DATA_CODE.search(source), "a page reads or aggregates data: move it to metrics/"
    assert "ui.page(" in source, "every page starts with ui.page() for the shared filters"
    lines = len(source.splitlines())
    assert lines <= MAX_PAGE_LINES, f"{rel(path)} has {lines} lines"


def magic_writes(source: str) -> list[str]:
    """Statements Streamlit's magic would draw: a bare expression that is not a call, a
    docstring or a constant (``a if c else b`` draws the element it returns, via st.help)."""
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Call | ast.Constant)
    ]


@pytest.mark.parametrize("path", [*files("pages"), ROOT / "app.py"], ids=rel)
def test_no_page_draws_by_magic(path: Path) -> None:
    assert not magic_writes(path.read_text()), "magic draws it: write an if, or call st."


def test_the_magic_rule_catches() -> None:
    caught = magic_writes('st.markdown(x) if s else st.dataframe(x)\nframe\nst.write("ok")')
    assert caught == ["st.markdown(x) if s else st.dataframe(x)", "frame"]


@pytest.mark.parametrize(
    "snippet",
    [
        'conn.execute("select 1")',
        'Q = """\n  SELECT login\n  FROM people\n"""',
        'Q = "with x as (select 1) select * from x"',
        'Q = "select count(*), team from pull_requests"',
        'Q = "insert into people values (1)"',
        "fig = go.Figure()",
        "fig = px.line(frame)",
        "fig.add_trace(trace)",
        "fig.add_scatter(x=[1], y=[2])",
        "fig = make_subplots(rows=2)",
        'frame.groupby("team").sum()',
    ],
)
def test_the_thin_page_rules_catch(snippet: str) -> None:
    """Each rule catches what it is for (and English prose is not SQL: see below)."""
    caught = (
        any(SQL.search(s) for s in strings(snippet))
        or FIGURE_BUILDING.search(snippet)
        or DATA_CODE.search(snippet)
    )
    assert caught, snippet


@pytest.mark.parametrize("path", files("pages"), ids=rel)
def test_pages_import_only_the_public_write_functions_of_ingest(path: Path) -> None:
    ingest = {n for n in imports(path) if n.startswith("ingest")}
    assert not ingest, f"pages save through ui_forms, not ingest directly: {ingest}"


def test_forms_write_only_through_the_app_form_functions() -> None:
    ingest = {n for n in imports(ROOT / "ui_forms.py") if n.startswith("ingest")}
    assert ingest <= {"ingest", "ingest.people_import"}, ingest


# --- one responsibility a module ---------------------------------------------------------


def project_modules() -> list[Path]:
    out = [*ROOT.glob("*.py")]
    for folder in ("store", "ingest", "metrics", "reports", "framework", "cli", "pages"):
        out += files(folder)
    return sorted(out)


def test_no_module_over_500_lines() -> None:
    sizes = {rel(p): len(p.read_text().splitlines()) for p in project_modules()}
    over = {p: n for p, n in sizes.items() if n > MAX_MODULE_LINES and p not in PENDING_SPLITS}
    assert not over, f"split these modules: {over}"
    done = [p for p in PENDING_SPLITS if sizes.get(p, 0) <= MAX_MODULE_LINES]
    assert not done, f"{done} are split now: remove them from PENDING_SPLITS"


def test_prose_is_not_sql() -> None:
    for text in (
        "Create a token with read access to the repositories, then run:",
        "Select the teams from the sidebar to narrow the page.",
        "With data from GitHub, as of today (UTC).",
    ):
        assert not SQL.search(text), text
