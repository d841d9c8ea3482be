"""Page: a person's quarterly review packet — on screen, and in every export format.

The same document (reports.review) as `teamlens report review`, drawn by ui_document;
the downloads come from the one format table (reports.formats). A person is read against
their own history and beside the team median, never ranked.
"""

from datetime import datetime

import streamlit as st

import ui
import ui_access
import ui_document
from metrics.calendar import parse_quarter, recent
from reports import formats, review
from reports import quarters as quarters_view
from reports.document import Document

f = ui.page("Quarterly review", icon="🗂️")


@st.cache_data(show_spinner=False)
def roster(db: str, version: tuple[int, int], as_of: datetime, teams: tuple[str, ...]) -> dict:
    return dict(review.people_choices(db, as_of, teams))


@st.cache_data(show_spinner="Building the review packet…")
def packet_of(
    db: str, version: tuple[int, int], login: str, quarter: str, as_of: datetime
) -> Document:
    return review.build_packet(db, login, parse_quarter(quarter, now=as_of), as_of=as_of)


@st.cache_data(show_spinner=False)
def export(db: str, version, login: str, quarter: str, as_of: datetime, suffix: str) -> bytes:
    document = packet_of(db, version, login, quarter, as_of)
    return formats.by_suffix(suffix, document.kind).render(document)


people = roster(str(f.db), f.data_version, f.as_of, f.teams)
logins = ui_access.people_or_stop(f)  # alphabetical by login; only those the viewer may see
ui_access.refuse_other_person(f, logins)
quarters = [q.label for q in recent(f.as_of)]
ui.pick_from_url("review_login", "person", logins)
ui.pick_from_url(
    "review_quarter",
    "quarter",
    quarters,
    what="quarter",
    fold=str.upper,
    default=quarters_view.default_quarter(f.as_of).label,
)

left, right = st.columns([2, 1])
login = left.selectbox(
    "Person", logins, key="review_login", format_func=people.get, help="Listed alphabetically."
)
label = right.selectbox(
    "Quarter",
    quarters,
    key="review_quarter",
    format_func=lambda q: quarters_view.quarter_choice_label(parse_quarter(q), f.as_of),
    help="Defaults to the last complete quarter before 'As of'.",
)
st.query_params["person"] = login
st.query_params["quarter"] = label

db, version = str(f.db), f.data_version
packet = packet_of(db, version, login, label, f.as_of)
ui_access.audit(f, "packet opened", f"{login} {label}")
kinds = formats.for_kind(packet.kind)
buttons = st.columns(len(kinds) + 1)
for column, fmt in zip(buttons, kinds, strict=False):
    column.download_button(
        f"⬇️ Review packet ({fmt.label})",
        data=ui_access.audited(
            f,
            "packet exported",
            f"{login} {label} {fmt.suffix}",
            lambda fmt=fmt: export(db, version, login, label, f.as_of, fmt.suffix),
        ),
        file_name=formats.file_name(packet, fmt),
        mime=fmt.media_type,
        on_click="ignore",
        type="primary" if column is buttons[0] else "secondary",
    )
buttons[-1].caption("Also: `teamlens report review --person LOGIN --quarter 2026Q3 --out F.pdf`")
ui_document.show_document(packet)
