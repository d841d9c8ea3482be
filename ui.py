"""Streamlit shell shared by app.py and every page: sidebar filters, demo banner, first start.

Why a module of its own (beside app.py): every page must show the same filters and data
whether it is reached through the navigation or opened cold by its URL. Streamlit runs a
fresh server's first request in its old "pages/ folder" mode, which runs the page file
*without* app.py (see DESIGN.md, "Streamlit pages"). So:

* app.py draws the filters (:func:`shell`) before ``st.navigation(...).run()`` — widgets
  in the entry script keep their values when the user switches pages;
* each page starts with :func:`page`. If app.py drew the filters in this run, the page
  takes them. If the page was started by the old pages/ mode, it switches Streamlit to
  ``st.navigation`` mode and reruns, so app.py runs first, on the same page. A page file
  run on its own (AppTest) draws the filters itself.

Filters are mirrored into the URL's query string, so a copied link opens the same view.
A link's parameters are checked against the known teams, dates and periods (and a page's
own, such as ``person=``, against its choices): anything else is ignored with a plain
notice. No SQL here: data comes from ``metrics`` and ``ingest`` public functions.

Untrusted text (names, titles, notes, URL parameters) reaches the page only as text:
:func:`text` draws it with ``st.text``; :func:`safe` escapes it for the Markdown of a
caption, an alert or a label; :func:`chart` makes a figure's strings inert before plotly
reads its pseudo-HTML (``<a href>``, ``<b>``). tests/pages/test_hostile_text.py holds
every page to it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st

import ui_access
from framework import FrameworkError, framework
from metrics import access, inventory, saved_facts
from reports.markdown import page_text
from store import StoreError, data_token, resolve_db

PERIODS = ("week", "month", "quarter")
PAGE_TITLE = "teamlens"
PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageEntry:
    """One page of the app: its file ``pages/<stem>.py`` (and URL ``/<stem>``), its title
    and icon in the navigation, its section, and what the overview says of it."""

    stem: str
    title: str
    icon: str
    section: str
    blurb: str

    @property
    def path(self) -> Path:
        return PAGES_DIR / f"{self.stem}.py"


# The one list of pages: app.py's navigation, the overview's links and the browser test
# all read it. A listed page whose file is missing is an error, never silently left out.
PAGES: tuple[PageEntry, ...] = (
    PageEntry(
        "team_trends",
        "Team trends",
        "📈",
        "Teams",
        "quality-adjusted cycle time, defects, review health",
    ),
    PageEntry(
        "competencies",
        "Competencies",
        "🧭",
        "Teams",
        "the team's levels and recording assessments",
    ),
    PageEntry(
        "person",
        "Person",
        "🙂",
        "People",
        "one engineer against their own history and growth goal",
    ),
    PageEntry("quarterly_review", "Quarterly review", "🗂️", "People", "a review packet per person"),
    PageEntry(
        "executive_summary",
        "Executive summary",
        "🏛️",
        "Leadership",
        "a board-ready one-pager",
    ),
    PageEntry(
        "how_we_measure",
        "How we measure",
        "📏",
        "About the data",
        "every metric and the refused ones",
    ),
    PageEntry(
        "data_sources",
        "Data sources",
        "🔌",
        "About the data",
        "what is loaded and how to connect GitHub",
    ),
)


class MissingPageError(RuntimeError):
    """A page listed in :data:`PAGES` has no file: a broken install, not a smaller app."""


def page_entries() -> tuple[PageEntry, ...]:
    """:data:`PAGES`, after checking that every page's file exists.

    Raises:
        MissingPageError: naming every listed page whose file is missing.
    """
    missing = [entry.path.name for entry in PAGES if not entry.path.is_file()]
    if missing:
        raise MissingPageError(f"page files missing from {PAGES_DIR}: {', '.join(missing)}")
    return PAGES


def navigation(viewer: access.Viewer) -> dict[str, list]:
    """The sections of ``st.navigation``: the overview, then every page the viewer may
    open, by section (the pages check again themselves: a URL is not a permission)."""
    sections: dict[str, list] = {"": [st.Page(overview, title="Overview", icon="🔭", default=True)]}
    for entry in page_entries():
        if not access.may_open(viewer, entry.stem):
            continue
        sections.setdefault(entry.section, []).append(
            st.Page(entry.path, title=entry.title, icon=entry.icon, url_path=entry.stem)
        )
    return sections


_local = threading.local()  # the filters app.py drew in this script run


@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters, as every page receives them."""

    db: Path
    teams: tuple[str, ...]  # empty: the whole organization
    start: date
    end: date
    as_of: datetime  # end of the `end` day, UTC
    period: str
    # the cache key of every page's data: changes with each write but the audit trail's
    data_version: tuple[str, int]
    is_demo: bool
    viewer: access.Viewer = access.LOCAL  # who is looking (metrics.access decides)


# Pages that show teams: a viewer limited to some teams needs one of them to see anything.
TEAM_PAGES = ("team_trends", "competencies")


def page(title: str, icon: str = "") -> Filters:
    """Start a page: returns the shared filters; stops the page when the viewer may not
    open it, when there is no data or the framework file cannot be used."""
    _leave_pages_folder_mode()
    filters: Filters | None = getattr(_local, "filters", None)
    _local.filters = None
    if filters is None:  # run on its own (AppTest, or a single-file run)
        st.set_page_config(page_title=f"{title} · {PAGE_TITLE}", layout="wide")
        filters = shell()
    stem = next((e.stem for e in PAGES if e.title == title), "overview")
    st.title(f"{icon} {title}".strip())
    ui_access.banner(filters.viewer)
    ui_access.check_page(filters.viewer, stem)
    if stem in TEAM_PAGES and not filters.teams and not access.whole_organization(filters.viewer):
        st.info("There is no team here that is yours to see.")
        st.stop()
    if filters.is_demo:
        st.warning(
            "**Demo data.** You are looking at a synthetic organization built by "
            "`teamlens demo`. Connect GitHub or import files on **Data sources** to see yours.",
            icon="🧪",
        )
    for message in st.session_state.pop(_URL_NOTICES, []):
        notice(message)
    try:
        framework()
    except FrameworkError as error:
        st.error(
            "teamlens cannot use its competency framework file, so no page can be shown. "
            f"Fix the file (or point $TEAMLENS_FRAMEWORK at another) and reload. {safe(error)}",
            icon="🚫",
        )
        st.stop()
    return filters


# --- untrusted text -------------------------------------------------------------------


def safe(text: object) -> str:
    """Untrusted text for a Markdown string (a caption, an alert, a label): every
    punctuation mark escaped, so it shows as the very characters. One line."""
    return page_text(text)


def text(body: object) -> None:
    """Untrusted text on its own line, drawn as text (``st.text``): never Markdown."""
    st.text(" ".join(str("" if body is None else body).split()))


def notice(message: str) -> None:
    """A plain notice whose every character shows as written (it may quote a URL)."""
    st.warning(safe(message), icon="🔗")


# Plotly reads a small HTML in every string it draws (<b>, <br>, <a href=…>): untrusted
# names and titles are escaped as entities, which plotly shows as the characters. Its
# templates keep their own <extra> and <br> tags, the values put in them are escaped.
_TEMPLATE_KEYS = {"hovertemplate", "texttemplate"}
_TEMPLATE_TAGS = ("<extra>", "</extra>", "<br>")


def _entities(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inert(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        out = _entities(value)
        if key in _TEMPLATE_KEYS:
            for tag in _TEMPLATE_TAGS:
                out = out.replace(_entities(tag), tag)
        return out
    if isinstance(value, dict):
        return {k: _inert(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_inert(v, key) for v in value]
    if getattr(value, "dtype", None) is not None and value.dtype.kind in "OUS":
        return [_inert(v, key) for v in value.tolist()]
    return value


def inert_figure(figure: Any) -> dict[str, Any]:
    """A plotly figure as a dict whose strings plotly shows as text, never as markup."""
    return _inert(figure.to_dict())


def chart(figure: Any, *, key: str | None = None, already_inert: bool = False) -> None:
    """Draw a plotly figure at the page's width, its strings made inert.

    Args:
        key: the chart's element key (the browser test finds a chart by it).
        already_inert: its builder escaped every untrusted string itself (as
            ``reports/team_figures.py`` does, tested there) and means its tags: drawn as is.
    """
    st.plotly_chart(figure if already_inert else inert_figure(figure), width="stretch", key=key)


# --- the URL ---------------------------------------------------------------------------

_URL_NOTICES = "tl_url_notices"


def pick_from_url(
    key: str,
    param: str,
    choices: list[str],
    *,
    what: str = "person",
    fold: Any = str.lower,
    default: str | None = None,
) -> None:
    """Seed a picker's session state once from the URL's ``param`` (matched after
    ``fold``, case-insensitive by default), else ``default`` (the first choice when not
    given or not a choice); a value not in ``choices`` is ignored with a plain notice.
    (A person the viewer may not see is refused before: ui_access.refuse_other_person.)"""
    fallback = default if default in choices else choices[0]
    if key not in st.session_state:
        asked = st.query_params.get(param) or ""
        match = [c for c in choices if fold(c) == fold(asked)]
        if asked and not match:
            notice(f"Ignored from the link: {param}={asked!r} (no such {what} in this selection).")
        st.session_state[key] = match[0] if match else fallback
    elif st.session_state[key] not in choices:
        st.session_state[key] = fallback


def filter_query(**extra: str) -> str:
    """The shared filters as a URL query (for links to another page), plus ``extra``."""
    params: list[tuple[str, str]] = [
        (k, v) for k in ("as_of", "from", "period") if (v := st.query_params.get(k))
    ]
    params += [("team", team) for team in st.query_params.get_all("team")]
    params += list(extra.items())
    return urlencode(params)


def _leave_pages_folder_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        # The first request of a fresh server ran this page without app.py. From now on
        # the server runs app.py first (st.navigation mode); rerun on the same page.
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_data(show_spinner=False, ttl=60)
def _store_facts(
    db: str, version: tuple[str, int]
) -> tuple[list[str], str | None, str | None, bool]:
    info = inventory.describe(db)
    first, last = inventory.activity_span(db)
    return (
        inventory.teams(db),
        first.date().isoformat() if first else None,
        last.date().isoformat() if last else None,
        info["dataset"] == "demo",
    )


def _ensure_data(db: Path) -> None:
    """On first start with no database, build the demo organization (DESIGN.md)."""
    if db.exists():
        return
    from ingest import demo

    with st.spinner("First start: building the demo organization (a few seconds)…"):
        demo.build_demo(db)
        saved_facts.save(db)  # the pages' first renders read them (metrics.saved_facts)


def _database() -> Path:
    db = resolve_db(None)
    try:
        _ensure_data(db)
    except StoreError as exc:
        st.error(f"teamlens cannot open its database: {exc}")
        st.stop()
    return db


def viewer() -> access.Viewer:
    """Who is looking (local mode: an admin); draws the sign-in or "ask your admin" page
    and stops when nobody known is signed in."""
    return ui_access.viewer(_database())


def shell(who: access.Viewer | None = None) -> Filters:
    """Draw the sidebar filters (team, date range and as-of, period) and return them.
    The teams offered are those the viewer may see."""
    db = _database()
    who = who or ui_access.viewer(db)
    try:
        token = data_token(db)
        known, first, last, is_demo = _store_facts(str(db), token)
    except StoreError as exc:
        st.error(f"teamlens cannot open its database: {exc}")
        st.stop()
    teams = list(access.teams(who, known))
    today = datetime.now(UTC).date()
    last_day = date.fromisoformat(last) if last else today
    first_day = date.fromisoformat(first) if first else last_day - timedelta(days=365)
    _init_from_url(teams, first_day, last_day, max(today, last_day), quote=who.is_admin)

    bar = st.sidebar
    ui_access.sidebar(who)
    bar.header("Filters")
    whole = access.whole_organization(who)
    chosen: list[str] = []
    if teams or whole:
        chosen = bar.multiselect(
            "Teams",
            teams,
            key="tl_teams",
            placeholder="Whole organization" if whole else "All your teams",
            help="Leave empty to see the whole organization." if whole else "Only your teams.",
        )
    else:  # an executive (organization figures only), or an engineer in no team
        bar.caption("No team to pick: your pages show no team of their own.")
    as_of = bar.date_input(
        "As of",
        key="tl_as_of",
        min_value=first_day,
        max_value=max(today, last_day),
        help="Numbers count only what had happened by the end of this day (UTC).",
    )
    start = bar.date_input(
        "Show from",
        key="tl_from",
        min_value=first_day - timedelta(days=366),
        max_value=as_of,
        help="The first day of the charts' time range.",
    )
    period = bar.selectbox(
        "Period", PERIODS, key="tl_period", help="Bucket merged PRs by week, month or quarter."
    )
    bar.caption(f"Data from {first_day:%d %b %Y} to {last_day:%d %b %Y}.")
    _write_url(chosen, as_of, start, period)
    filters = Filters(
        db=db,
        teams=tuple(chosen) or (() if whole else tuple(teams)),
        start=min(start, as_of),
        end=as_of,
        as_of=datetime.combine(as_of, time.max, tzinfo=UTC).replace(microsecond=0),
        period=period,
        data_version=token,
        is_demo=is_demo,
        viewer=who,
    )
    _local.filters = filters
    return filters


def _init_from_url(
    teams: list[str], first_day: date, last_day: date, latest: date, *, quote: bool = True
) -> None:
    """Seed the widgets once per session, from the URL where it says something valid;
    what it says that is not (an unknown team, a date outside the data, an unknown
    period) is ignored and listed in a notice the page shows under its title.

    On later runs, a seeded date the data no longer allows is reset (never an error)."""
    state = st.session_state
    if state.get("tl_ready"):
        if not first_day <= state.get("tl_as_of", last_day) <= latest:
            state["tl_as_of"] = last_day
        if not first_day - timedelta(days=366) <= state.get("tl_from", first_day) <= latest:
            state["tl_from"] = max(first_day, state["tl_as_of"] - timedelta(days=365))
        return
    params = st.query_params
    ignored: list[str] = []
    asked_teams = params.get_all("team")
    state["tl_teams"] = [t for t in asked_teams if t in teams]
    unknown = [t for t in asked_teams if t not in teams]
    if quote:
        ignored += [f"team={t!r} (no such team)" for t in unknown]
    elif unknown:
        ignored.append("team=… (not a team you may see, or no such team)")
    span = f"the data runs from {first_day:%d %b %Y} to {last_day:%d %b %Y}"
    as_of = _day_param("as_of", first_day, latest, span, ignored)
    state["tl_as_of"] = as_of or last_day
    default_from = max(first_day, state["tl_as_of"] - timedelta(days=365))
    start = _day_param("from", first_day - timedelta(days=366), state["tl_as_of"], span, ignored)
    state["tl_from"] = start or default_from
    period = params.get("period")
    if period and period not in PERIODS:
        ignored.append(f"period={period!r} (one of {', '.join(PERIODS)})")
    state["tl_period"] = period if period in PERIODS else "month"
    if ignored:
        state[_URL_NOTICES] = [f"Ignored from the link: {'; '.join(ignored)}."]
    state["tl_ready"] = True


def _day_param(name: str, low: date, high: date, span: str, ignored: list[str]) -> date | None:
    """The URL's date ``name`` when it is a date between ``low`` and ``high``, else None
    (and why, added to ``ignored``)."""
    text = st.query_params.get(name)
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        ignored.append(f"{name}={text!r} (not a date like 2026-06-30)")
        return None
    if not low <= day <= high:
        ignored.append(f"{name}={text} (outside the dates this view allows: {span})")
        return None
    return day


def _write_url(teams: list[str], as_of: date, start: date, period: str) -> None:
    params = {"as_of": as_of.isoformat(), "from": start.isoformat(), "period": period}
    current = {k: st.query_params.get(k) for k in params}
    if current != params or st.query_params.get_all("team") != teams:
        st.query_params.update(params)
        if teams:
            st.query_params["team"] = teams
        elif "team" in st.query_params:
            del st.query_params["team"]


def overview() -> None:
    """The landing page: what teamlens is and where to go."""
    f = page("Overview", icon="🔭")
    st.markdown(
        "teamlens measures **value, not volume**: how long changes take to land *correctly* "
        "(quality-adjusted cycle time), how often they break (defect and change failure "
        "rates) and how well they are reviewed — shown beside each team's competency levels. "
        "It never counts lines of code, AI usage or accepted AI suggestions."
    )
    st.subheader("Where to go")
    for entry in page_entries():
        if not access.may_open(f.viewer, entry.stem):
            continue
        st.page_link(f"pages/{entry.stem}.py", label=f"{entry.title} — {entry.blurb}")
