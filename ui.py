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
No SQL here: data comes from ``metrics`` and ``ingest`` public functions.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import streamlit as st

from metrics import inventory
from store import StoreError, data_version, resolve_db

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


def navigation() -> dict[str, list]:
    """The sections of ``st.navigation``: the overview, then every page by section."""
    sections: dict[str, list] = {"": [st.Page(overview, title="Overview", icon="🔭", default=True)]}
    for entry in page_entries():
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
    data_version: tuple[int, int]
    is_demo: bool


def page(title: str, icon: str = "") -> Filters:
    """Start a page: returns the shared filters; stops the page when there is no data."""
    _leave_pages_folder_mode()
    filters: Filters | None = getattr(_local, "filters", None)
    _local.filters = None
    if filters is None:  # run on its own (AppTest, or a single-file run)
        st.set_page_config(page_title=f"{title} · {PAGE_TITLE}", layout="wide")
        filters = shell()
    st.title(f"{icon} {title}".strip())
    if filters.is_demo:
        st.warning(
            "**Demo data.** You are looking at a synthetic organization built by "
            "`teamlens demo`. Connect GitHub or import files on **Data sources** to see yours.",
            icon="🧪",
        )
    return filters


def pick_from_url(key: str, param: str, choices: list[str]) -> None:
    """Seed a picker's session state once from the URL's ``param`` (case-insensitive), else
    the first choice; say so when the URL names something not in ``choices``."""
    if key not in st.session_state:
        wanted = (st.query_params.get(param) or "").lower()
        match = [c for c in choices if c.lower() == wanted]
        if wanted and not match:
            st.warning(f"No person with the login {wanted!r} in this selection.")
        st.session_state[key] = match[0] if match else choices[0]
    elif st.session_state[key] not in choices:
        st.session_state[key] = choices[0]


def _leave_pages_folder_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        # The first request of a fresh server ran this page without app.py. From now on
        # the server runs app.py first (st.navigation mode); rerun on the same page.
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_data(show_spinner=False, ttl=60)
def _store_facts(
    db: str, version: tuple[int, int]
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


def shell() -> Filters:
    """Draw the sidebar filters (team, date range and as-of, period) and return them."""
    db = resolve_db(None)
    try:
        _ensure_data(db)
        teams, first, last, is_demo = _store_facts(str(db), data_version(db))
    except StoreError as exc:
        st.error(f"teamlens cannot open its database: {exc}")
        st.stop()
    today = datetime.now(UTC).date()
    last_day = date.fromisoformat(last) if last else today
    first_day = date.fromisoformat(first) if first else last_day - timedelta(days=365)
    _init_from_url(teams, first_day, last_day)

    bar = st.sidebar
    bar.header("Filters")
    chosen = bar.multiselect(
        "Teams",
        teams,
        key="tl_teams",
        placeholder="Whole organization",
        help="Leave empty to see the whole organization.",
    )
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
        teams=tuple(chosen),
        start=min(start, as_of),
        end=as_of,
        as_of=datetime.combine(as_of, time.max, tzinfo=UTC).replace(microsecond=0),
        period=period,
        data_version=data_version(db),
        is_demo=is_demo,
    )
    _local.filters = filters
    return filters


def _init_from_url(teams: list[str], first_day: date, last_day: date) -> None:
    """Seed the widgets once per session, from the URL where it says something valid."""
    state = st.session_state
    if state.get("tl_ready"):
        return
    params = st.query_params
    state["tl_teams"] = [t for t in params.get_all("team") if t in teams]
    state["tl_as_of"] = _parse_day(params.get("as_of")) or last_day
    default_from = max(first_day, state["tl_as_of"] - timedelta(days=365))
    state["tl_from"] = min(_parse_day(params.get("from")) or default_from, state["tl_as_of"])
    period = params.get("period")
    state["tl_period"] = period if period in PERIODS else "month"
    state["tl_ready"] = True


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


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
    page("Overview", icon="🔭")
    st.markdown(
        "teamlens measures **value, not volume**: how long changes take to land *correctly* "
        "(quality-adjusted cycle time), how often they break (defect and change failure "
        "rates) and how well they are reviewed — shown beside each team's competency levels. "
        "It never counts lines of code, AI usage or accepted AI suggestions."
    )
    st.subheader("Where to go")
    for entry in page_entries():
        st.page_link(f"pages/{entry.stem}.py", label=f"{entry.title} — {entry.blurb}")
