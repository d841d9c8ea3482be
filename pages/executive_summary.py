"""Page: the board-ready executive summary of a quarter, with PDF and PPTX downloads.

Organization figures with their quarter-over-quarter direction and coverage, skill
growth, a narrative from the data only. Groups only: no person is named, teams under 5
people are merged into "Other". The same summary (reports.board), figures
(reports.charts) and exports as `teamlens report board`.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

import ui
from metrics.calendar import parse_quarter, recent
from reports import board, charts, markdown
from reports.format import change_text, value_text

f = ui.page("Executive summary", icon="🏛️")
ARROW = {"improved": "▲ improved", "worsened": "▼ worsened", "unchanged": "● unchanged"}


@st.cache_data(show_spinner="Building the summary…")
def summary_of(db: str, version: tuple[int, int], quarter: str, as_of: datetime):
    return board.build_board(db, parse_quarter(quarter, now=as_of), as_of=as_of)


@st.cache_data(show_spinner=False)
def export(db: str, version: tuple[int, int], quarter: str, as_of: datetime, kind: str) -> bytes:
    from reports import pdf, pptx

    summary = summary_of(db, version, quarter, as_of)
    return pdf.board_pdf(summary) if kind == "pdf" else pptx.board_pptx(summary)


quarters = [q.label for q in recent(f.as_of)]
if st.session_state.get("board_quarter") not in quarters:
    asked = (st.query_params.get("quarter") or "").upper()
    st.session_state["board_quarter"] = asked if asked in quarters else quarters[0]
label = st.selectbox("Quarter", quarters, key="board_quarter", help="Defaults to 'As of'.")
st.query_params["quarter"] = label
if f.teams:
    st.caption("The executive summary always covers the whole organization.")

db, version = str(f.db), f.data_version
summary = summary_of(db, version, label, f.as_of)
st.caption(
    f"As of {summary.as_of:%d %b %Y}, compared with {summary.previous.label}. Groups only: "
    "no individual appears; teams under 5 people are merged into “Other”."
)
buttons = st.columns(4)
for column, kind, mime, text in (
    (buttons[0], "pdf", "application/pdf", "⬇️ One-pager (PDF)"),
    (
        buttons[1],
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "⬇️ Slides (PPTX)",
    ),
):
    column.download_button(
        text,
        data=lambda kind=kind: export(db, version, label, f.as_of, kind),
        file_name=f"executive-summary-{label}.{kind}",
        mime=mime,
        on_click="ignore",
        type="primary",
    )
buttons[2].download_button(
    "⬇️ Markdown",
    data=markdown.board_markdown(summary),
    file_name=f"executive-summary-{label}.md",
    mime="text/markdown",
    on_click="ignore",
)

tiles = [*st.columns(4), *st.columns(4)]
for column, fig in zip(tiles, summary.figures, strict=False):
    colour = "inverse" if fig.better == "lower" else "normal"
    column.metric(
        fig.title,
        fig.value_text,
        delta=change_text(fig.value, fig.previous, fig.unit) or None,
        delta_color="off" if fig.direction == "unchanged" else colour,
        help=f"{summary.previous.label}: {fig.previous_text}. {fig.companion}".strip(),
        border=True,
    )
    column.caption(f"{ARROW.get(fig.direction, fig.direction)} · {fig.coverage}")

st.subheader("Summary")
st.markdown("\n".join(f"- {markdown.md(sentence)}" for sentence in summary.narrative))
left, right = st.columns(2)
left.plotly_chart(charts.board_delivery(summary), width="stretch")
right.plotly_chart(charts.board_skills(summary), width="stretch")

st.subheader("By group")
st.caption(summary.group_note + " Alphabetical; groups are never ranked.")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Group": g.group,
                "People": g.people,
                "Merged changes": g.merged_prs,
                "QACT median": value_text(g.qact_p50_h, "hours"),
                "Change failure rate": value_text(g.change_failure_rate, "share"),
                "Defect rate": value_text(g.defect_rate, "defects per PR"),
                "Unreviewed": value_text(g.unreviewed_merge_rate, "share"),
            }
            for g in summary.groups
        ]
    ),
    hide_index=True,
    width="stretch",
)
with st.expander("How to read this"):
    st.markdown("\n".join(f"- {markdown.md(note)}" for note in summary.method_notes))
