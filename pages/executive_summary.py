"""Page: the board-ready executive summary of a quarter, in every export format.

Organization figures with their quarter-over-quarter direction and coverage, skill
growth, a narrative from the data only. Groups only: no person is named, small teams are
merged into "Other". The same document (reports.board) as `teamlens report board`,
drawn by ui_document; the downloads come from the one format table (reports.formats).
"""

from datetime import datetime

import streamlit as st

import ui
import ui_access
import ui_document
from metrics.calendar import parse_quarter, recent
from reports import board, formats
from reports import quarters as quarters_view
from reports.document import Document

f = ui.page("Executive summary", icon="🏛️")


@st.cache_data(show_spinner="Building the summary…")
def summary_of(db: str, version: tuple[int, int], quarter: str, as_of: datetime) -> Document:
    return board.build_board(db, parse_quarter(quarter, now=as_of), as_of=as_of)


@st.cache_data(show_spinner=False)
def export(db: str, version: tuple[int, int], quarter: str, as_of: datetime, suffix: str):
    document = summary_of(db, version, quarter, as_of)
    return formats.by_suffix(suffix, document.kind).render(document)


quarters = [q.label for q in recent(f.as_of)]
fallback = quarters_view.default_quarter(f.as_of).label
ui.pick_from_url(
    "board_quarter", "quarter", quarters, what="quarter", fold=str.upper, default=fallback
)
label = st.selectbox(
    "Quarter",
    quarters,
    key="board_quarter",
    format_func=lambda q: quarters_view.quarter_choice_label(parse_quarter(q), f.as_of),
    help="Defaults to the last complete quarter before 'As of'; a quarter still running is "
    "partial.",
)
st.query_params["quarter"] = label
if f.teams:
    st.caption("The executive summary always covers the whole organization.")

db, version = str(f.db), f.data_version
summary = summary_of(db, version, label, f.as_of)
kinds = formats.for_kind(summary.kind)
for column, fmt in zip(st.columns(len(kinds)), kinds, strict=True):
    column.download_button(
        f"⬇️ Executive summary ({fmt.label})",
        data=ui_access.audited(
            f,
            "summary exported",
            f"{label} {fmt.suffix}",
            lambda fmt=fmt: export(db, version, label, f.as_of, fmt.suffix),
        ),
        file_name=formats.file_name(summary, fmt),
        mime=fmt.media_type,
        on_click="ignore",
        type="primary",
    )
ui_document.show_document(summary)
