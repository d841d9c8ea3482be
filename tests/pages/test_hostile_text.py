"""Untrusted text is text on every page: names, titles, notes and URL parameters never
reach Streamlit as Markdown, HTML or LaTeX, nor a chart as plotly's pseudo-HTML.

Every page runs (AppTest) on a store whose team and person names, PR and defect titles,
assessment evidence and recognition notes are ``**bold** ![x](http://127.0.0.1:9/p.png)
<b>x</b> $x^2$``, and again with the same text in every URL parameter. Then every
element that Streamlit renders as Markdown (text, captions, alerts, headings, labels,
help, st.table cells, expander and tab labels, metrics) is read: none may hold a fragment
of that text as written (escaped, it is shown as the characters). Elements drawn as text
(st.text, st.dataframe, st.code, a picker's options) may hold it as written. A page added
or changed later is held to the same rule by this sweep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

import ui
from tests.hostile import FRAGMENTS, LOGIN, PAYLOAD, TEAM, build_hostile_store

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(entry.path for entry in ui.PAGES)
# Elements Streamlit draws as text, never as Markdown.
TEXT_ONLY = {"text", "code", "dataframe", "arrow_data_frame", "json", "exception"}
# For widgets, what is Markdown: the label and its help (a picker's options are text).
WIDGET_MARKDOWN = {"label", "help", "placeholder"}
PLOTLY_TEMPLATES = {"hovertemplate", "texttemplate"}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    return build_hostile_store(folder / "teamlens.duckdb", folder / "files")


@pytest.fixture(autouse=True)
def _default_db(hostile_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMLENS_DB", str(hostile_db))


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


def _elements(node: Any) -> Iterator[Any]:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _elements(child)


def _is_widget(fields: dict[str, Any]) -> bool:
    return "label" in fields and ("id" in fields or "formId" in fields)


def rendered(app: AppTest) -> tuple[list[tuple[str, str]], list[str]]:
    """(element type, string) for every string Streamlit renders as Markdown or pseudo-HTML,
    and every string of the page (text elements included)."""
    markdown: list[tuple[str, str]] = []
    everything: list[str] = []
    for element in _elements(app._tree):
        kind = getattr(element, "type", "")
        proto = getattr(element, "proto", None)
        if proto is None or kind in ("main", "sidebar", "event"):
            continue
        if kind == "table":  # st.table: every cell is Markdown
            frame = element.value
            cells = [str(c) for c in [*frame.columns, *frame.to_numpy().ravel().tolist()]]
            markdown += [(kind, c) for c in cells]
            everything += cells
            continue
        if kind == "plotly_chart":  # plotly reads pseudo-HTML in every string it draws
            spec = json.loads(proto.spec)
            for key, text in _strings(spec):
                everything.append(text)
                if key in PLOTLY_TEMPLATES:
                    text = text.replace("<extra>", "").replace("</extra>", "").replace("<br>", "")
                markdown.append((f"plotly {key}", text))
            continue
        if kind in TEXT_ONLY:
            everything += [t for _, t in _strings(MessageToDict(proto))]
            continue
        fields = MessageToDict(proto)
        widget = _is_widget(fields)
        for key, text in _strings(fields):
            everything.append(text)
            if not widget or key in WIDGET_MARKDOWN:
                markdown.append((kind, text))
    return markdown, everything


# Plotly reads no Markdown: only its pseudo-HTML tags, and LaTeX in a string that is
# wholly $…$ (where MathJax is loaded).
PLOTLY_FRAGMENTS = ("<b>", "</b>", "<a ", "<img")


# GFM links bare URLs after parsing, in the text as parsed (backslashes gone): what a
# page shows as a hostile URL must not read as one even then.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_markup(markdown: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    found = []
    for kind, text in markdown:
        if not kind.startswith("plotly") and "http://127.0.0.1" in _ESCAPE.sub(r"\1", text):
            found.append((kind, "a bare URL, linked", text))
        plotly = kind.startswith("plotly")
        for fragment in PLOTLY_FRAGMENTS if plotly else FRAGMENTS:
            if fragment in text:
                found.append((kind, fragment, text))
        if plotly and len(text) > 1 and text.startswith("$") and text.endswith("$"):
            found.append((kind, "$…$", text))
    return found


def run(path: Path, **params: str | list[str]) -> AppTest:
    app = AppTest.from_file(str(path), default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    return app.run()


# The pages that show the hostile names and titles, with the link that opens them there.
SHOWN_ON = {
    "person": {"person": LOGIN},
    "quarterly_review": {"person": LOGIN, "quarter": "2026Q2"},
    "competencies": {"team": TEAM},
    "team_trends": {"team": TEAM, "from": "2026-03-01"},
}


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.stem)
def test_no_stored_text_becomes_markup(path: Path) -> None:
    app = run(path, as_of="2026-06-11", **SHOWN_ON.get(path.stem, {}))
    assert not app.exception, app.exception
    markdown, everything = rendered(app)
    assert markdown, "the sweep read nothing: the element walk is broken"
    assert as_markup(markdown) == []
    if path.stem in SHOWN_ON:  # the page did show the hostile text (escaped or as text)
        assert sum("bold" in text for text in everything) >= 2, path.stem


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.stem)
def test_hostile_url_parameters_are_ignored_with_a_plain_notice(path: Path) -> None:
    app = run(
        path,
        person=PAYLOAD,
        team=PAYLOAD,
        quarter=PAYLOAD,
        period=PAYLOAD,
        as_of="9999-12-31",
        **{"from": PAYLOAD},
    )
    assert not app.exception, app.exception
    markdown, _ = rendered(app)
    assert as_markup(markdown) == []
    notices = " ".join(w.value for w in app.warning)
    assert "Ignored from the link" in notices
    assert "as\\_of=9999-12-31" in notices or "as_of=9999-12-31" in notices
    assert "no such team" in notices and "one of week, month, quarter" in notices


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "2026-02-30", "yesterday"])
@pytest.mark.parametrize("stem", ["team_trends", "person", "executive_summary"])
def test_any_as_of_in_the_link_never_raises(as_of: str, stem: str) -> None:
    app = run(ROOT / "pages" / f"{stem}.py", as_of=as_of)
    assert not app.exception, app.exception
    assert any("Ignored from the link" in w.value for w in app.warning)
    # the page falls back to the data's last day
    assert app.date_input(key="tl_as_of").value.isoformat() == "2026-06-11"


SHELL_FILES = [*PAGE_FILES, ROOT / "ui.py", ROOT / "ui_forms.py", ROOT / "ui_document.py"]


@pytest.mark.parametrize("path", SHELL_FILES, ids=lambda p: p.name)
def test_no_page_draws_raw_html_latex_or_an_unescaped_chart(path: Path) -> None:
    source = path.read_text()
    for call in ("st.html(", "st.latex(", "unsafe_allow_html", "components.html("):
        assert call not in source, f"{path.name} uses {call}"
    if path.name != "ui.py":  # ui.chart makes a figure's strings inert first
        assert "st.plotly_chart(" not in source, f"{path.name}: draw charts with ui.chart()"
