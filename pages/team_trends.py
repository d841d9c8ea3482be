"""Page: each team's trends over time, side by side — volume beside the quality tax, QACT
beside cycle time, phases, defects, review health, competency levels (one figure at a
time, in tabs), the AI adoption window, and the red flags grouped by rule and team with
their evidence. No SQL here and no ranking: data from ``metrics.trends``, figures from
``reports.team_figures``, every number and untrusted name through ``reports.format``."""

from datetime import date, datetime

import streamlit as st

import ui
from metrics import attribution, inventory, trends
from reports import format as fmt
from reports import team_figures
from reports import traceability as trace

f = ui.page("Team trends", icon="📈")
TABLE = {"hide_index": True, "width": "stretch"}


@st.cache_data(show_spinner="Computing the trends…")
def load(db: str, version: tuple, as_of: datetime, period: str, teams: tuple, start: date):
    return trends.team_trends(db, as_of=as_of, period=period, teams=teams, start=start)


@st.cache_data(show_spinner=False)
def suspected(db: str, version: tuple, as_of: datetime, teams: tuple, start: date, end: date):
    return attribution.inferred_evidence(db, as_of, teams=teams, reported_on=(start, end))


@st.cache_data(show_spinner=False)
def panel_pages(db: str, version: tuple, size: int) -> list[tuple[str, ...]]:
    return trends.panel_pages(inventory.teams(db), size)


teams, scope = f.teams, ui.safe(", ".join(f.teams)) if f.teams else "the whole organization"
if not teams and len(pages := panel_pages(str(f.db), f.data_version, trends.MAX_PANELS)) > 1:
    n = sum(len(p) for p in pages)
    at = st.selectbox(
        f"The organization's {n:,} teams, {trends.MAX_PANELS} at a time (alphabetically)",
        range(len(pages)),
        format_func=lambda i: f"{pages[i][0]} … {pages[i][-1]} ({len(pages[i])} teams)",
    )
    teams = pages[at]
    scope = f"the organization's teams {ui.safe(teams[0])} to {ui.safe(teams[-1])}"
data = load(str(f.db), f.data_version, f.as_of, f.period, teams, f.start)
rows = data.rows
if rows.empty:
    st.info(
        f"No merged pull requests or defects for {scope} between {f.start:%d %b %Y} and "
        f"{f.end:%d %b %Y}. Widen the date range, pick other teams, or ingest data on "
        "**Data sources**."
    )
    st.stop()

panels = "one panel per team" if len(data.groups) > 1 else "one team"
st.caption(
    f"{scope[:1].upper()}{scope[1:]} by {f.period}, {panels}, "
    f"{f.start:%d %b %Y} to {f.end:%d %b %Y} (as of the end of that day, UTC; nothing later "
    "is drawn). Bots excluded. Dashed line: the team's AI adoption; yellow band: its "
    "transition window, when a dip is expected; grey band: a partial period (still running "
    "at as-of, or begun before the first data)."
)
if not data.low_data.empty:
    periods = ", ".join(f"{ui.safe(r.group)} {r.period}" for r in data.low_data.itertuples())
    st.warning(
        f"Too little data to show medians and rates for: {periods} (fewer "
        f"than {data.config.min_prs} merged PRs). Those points are left out rather than "
        "shown misleadingly."
    )

# figures resting on too thin an attribution are gaps with the reason, never 0
if untraceable := trace.notices(rows):
    st.warning(ui.safe(trace.summary_notice(rows, data.config)), icon="🔍")
    with st.expander(f"Why each is not traceable ({len(untraceable)}), and how it was traced"):
        for line in untraceable:
            st.caption(ui.safe(line))
shown = trace.shown_trends(data)


def draw(key: str) -> None:
    """The open tab's figure with its caption."""
    if key in team_figures.FACETS:
        ui.chart(team_figures.FACETS[key](shown), key=key, already_inert=True)
        st.caption(team_figures.caption(key, shown))
    elif key == "levels" and not data.levels.empty and data.levels["assessments"].sum() > 0:
        ui.chart(team_figures.levels(data), key="levels", already_inert=True)
    elif key == "levels":
        st.info(team_figures.NO_ASSESSMENTS)
    else:
        ui.chart(trace.coverage_chart(rows), key="traced")
        st.caption(trace.chart_caption(data.config))
        with st.expander("Suspected culprits: defects traced by inference from git, with evidence"):
            evidence = suspected(str(f.db), f.data_version, f.as_of, teams, f.start, f.end)
            if evidence.empty:
                st.caption("No defect in this range was traced by inference.")
            else:
                st.dataframe(trace.evidence_table(evidence), **TABLE)


# One figure at a time, in tabs: the browser draws only the open one (a 12-panel figure
# takes it a second or more); another is built and drawn when its tab is opened.
titles = team_figures.TAB_TITLES
opened = st.tabs(list(titles.values()), key="trend chart", on_change="rerun")
for key, tab in zip(titles, opened, strict=True):
    if tab.open:
        with tab:
            draw(key)

st.subheader("Red flags")
st.caption(
    "Grouped by rule and team, newest first: a flag raised period after period is one item, "
    "with how often and when. Open one for its reasons and the PRs and defects behind it."
)
if not data.adoptions:
    st.caption("No AI adoption date on or before the as-of date is recorded for these teams.")
n_flags = 0
for dimension in trends.DIMENSIONS:
    dips, raised = trends.flag_groups(data.flags, dimension)
    st.markdown(f"**{dimension}**")
    if not (dips or raised):
        st.caption("No red flag in this range.")
    if dips:
        sentences = "\n\n".join(ui.safe(d.latest.sentence) for d in dips)
        st.info(f"Expected transition dips, not red flags:\n\n{sentences}", icon="🌱")
    for group in raised:
        when = fmt.periods_text(group.periods)
        label = f"{group.group} · {group.title} · {fmt.count_text(group.count, f.period)}: {when}"
        lazy = (n_flags := n_flags + 1) > trends.EAGER_FLAGS  # past them: drawn when opened
        opts = {"key": f"flag {dimension} {group.group} {group.title}", "on_change": "rerun"}
        with st.expander(f"🚩 {ui.safe(label)}", **(opts if lazy else {})) as box:
            if lazy and not box.open:
                continue
            st.text(group.latest.sentence)
            if group.count > 1:
                st.caption("Every period it was raised in, newest first:")
                st.dataframe(trends.occurrences_frame(group), **TABLE)
            st.caption("The PRs and defects behind it:")
            links = {"link": st.column_config.LinkColumn("link")}
            st.dataframe(trends.evidence_frame(group), column_config=links, **TABLE)
for dimension, why in data.unreadable:
    st.markdown(f"**{dimension}**")
    st.caption(why)

with st.expander("What these figures rest on"):
    coverage = trends.coverage_frame(rows)
    shares = {"defects attributed to a PR": "share"}
    st.dataframe(fmt.table(coverage, shares), **TABLE)
