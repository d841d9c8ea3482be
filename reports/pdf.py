"""Reports layer: the review packet and the board one-pager as PDF (fpdf2, offline).

Text is set in DejaVu Sans (Debian ``fonts-dejavu-core``), embedded, so any name or title
prints as written; without that font the core Helvetica is used and text is reduced to
Latin-1 safely. Charts are the figures of :mod:`reports.charts` rendered to PNG.
Untrusted text (names, titles, notes) is only ever written as text.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from reports import charts, images
from reports.board import GROUP_COLUMNS, BoardFigure, BoardSummary, group_cells
from reports.format import change_text, day_text, safe_url, value_text
from reports.review import ReviewPacket

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
INK = (33, 37, 41)
MUTED = (108, 117, 125)
LINK = (31, 119, 180)
HEAD_FILL = (232, 238, 246)
DIRECTION_COLOUR = {
    "improved": (44, 160, 44),
    "worsened": (214, 39, 40),
    "unchanged": (108, 117, 125),
    "no comparison": (108, 117, 125),
}
DIRECTION_TEXT = {
    "improved": "▲ improved",
    "worsened": "▼ worsened",
    "unchanged": "● unchanged",
    "no comparison": "○ no comparison",
}
# Latin-1 stand-ins for the few non-Latin-1 characters teamlens itself writes.
_LATIN = str.maketrans(
    {"—": "-", "\u2013": "-", "…": "...", "▲": "^", "▼": "v", "●": "=", "○": "o", "→": "->"}
)


class Document(FPDF):
    """An A4 document with teamlens's fonts, footer and a few writing helpers."""

    def __init__(self, title: str, footer: str, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer
        self.unicode = all((FONT_DIR / name).exists() for name in FONT_FILES.values())
        if self.unicode:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family_name = "DejaVu"
        else:
            self.family_name = "helvetica"
        self.set_title(self.t(title))
        self.set_creator("teamlens")
        self.set_author("teamlens")
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def t(self, text: object) -> str:
        """Text the current font can print (control characters dropped)."""
        clean = "".join(
            ch if ch in "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in str(text)
        )
        if self.unicode:
            return clean
        return clean.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family_name, style, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-11)
        self.font(7, colour=MUTED)
        self.cell(0, 5, self.t(f"{self.footer_text} · page {self.page_no()}/{{nb}}"), align="C")

    def para(self, text: str, size: float = 9, style: str = "", colour=INK, h: float = 4.6):
        self.font(size, style, colour)
        self.multi_cell(0, h, self.t(text), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, text: str, size: float = 13) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2.5)
        self.font(size, "B")
        self.multi_cell(0, size * 0.5, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def bullet(self, text: str, size: float = 9, url: str | None = None) -> None:
        self.font(size, colour=LINK if url else INK)
        self.set_x(self.l_margin + 3)
        self.multi_cell(
            0,
            4.6,
            self.t(f"• {text}"),
            new_x="LMARGIN",
            new_y="NEXT",
            link=safe_url(url) or "",
            align="L",
        )

    def grid(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        size: float = 8,
        width: float | None = None,
    ) -> None:
        self.font(size)
        heading = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
        with self.table(
            col_widths=tuple(widths),
            width=width or self.epw,
            align="LEFT",
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=heading,
            borders_layout="HORIZONTAL_LINES",
            padding=0.8,
        ) as table:
            table.row([self.t(cell) for cell in header])
            for row in rows:
                table.row([self.t(cell) for cell in row])
        self.ln(2)

    def picture(self, png: bytes, w: float, h: float | None = None, x: float | None = None):
        if h and self.get_y() + h > self.h - self.b_margin:
            self.add_page()
        self.image(io.BytesIO(png), x=x, w=w, h=h or 0)


def _level(value: int | None) -> str:
    return "—" if value is None else str(value)


# --- the review packet ----------------------------------------------------------------


def review_pdf(packet: ReviewPacket, *, with_charts: bool = True) -> bytes:
    """The review packet as an A4 PDF, every section present, with its two charts."""
    doc = Document(packet.title, f"teamlens · review packet {packet.quarter.label} · confidential")
    doc.add_page()
    doc.font(9, colour=MUTED)
    doc.cell(0, 5, doc.t(f"Quarterly review {packet.quarter.label}"), new_x="LMARGIN", new_y="NEXT")
    doc.para(packet.name, size=20, style="B", h=9)
    doc.para(
        f"{packet.login} · team {packet.team or 'none'} · level "
        f"{packet.developer_level or 'not set'} · as of {packet.as_of:%d %b %Y %H:%M} UTC · "
        f"{packet.merged_prs} merged PR(s) this quarter",
        colour=MUTED,
    )
    doc.para(
        "Read each figure against the person's own history and the team median (the person "
        "included). This packet "
        "never ranks people.",
        size=8.5,
        style="I",
        colour=MUTED,
    )
    for note in packet.notes_on_data:
        doc.para(f"Note: {note}", size=8.5, style="I")

    doc.heading("Competency levels")
    doc.grid(
        ["Competency", "Last quarter", "Now", "Goal", "What the level looks like"],
        [
            [
                c.name + ("" if c.in_review else " (not yet in review)"),
                _level(c.level_last_quarter),
                _level(c.level_now),
                c.goal or "—",
                c.indicator or "not assessed",
            ]
            for c in packet.competencies
        ],
        (58, 17, 11, 11, 83),
    )
    doc.para(f"Growth goal: {packet.goal.summary}", style="B")
    if with_charts:
        fig = charts.competency_levels(packet)
        height = int(fig.layout.height)
        doc.ln(1)
        doc.picture(images.png(fig, 900, height), w=175, h=175 * height / 900)

    if with_charts and doc.get_y() + 115 > doc.h - doc.b_margin:
        doc.add_page()  # keep the heading with its chart
    doc.heading("Evaluation dimensions")
    if with_charts:
        doc.picture(images.png(charts.person_history(packet), 900, 520), w=160, h=160 * 520 / 900)
    for section in packet.dimensions:
        weight = " — weighted higher this cycle" if section.weighted else ""
        doc.heading(section.name + weight, size=11.5)
        doc.para(f"What good looks like: {section.good}", size=8.5)
        doc.para(
            "Red flags to look for: " + "; ".join(section.red_flag_signs),
            size=8.5,
            style="I",
            colour=MUTED,
        )
        doc.para(f"Evidence: {section.source}", size=8.5, colour=MUTED)
        doc.ln(1)
        if section.metrics:
            doc.grid(
                ["Metric", "This quarter", "Team median", "Earlier quarters (own)"],
                [
                    [
                        line.title,
                        value_text(line.value, line.unit),
                        value_text(line.team_median, line.unit),
                        "; ".join(
                            f"{label}: {value_text(value, line.unit)}"
                            for label, value in line.history[:-1]
                        ),
                    ]
                    for line in section.metrics
                ],
                (62, 22, 24, 72),
            )
        for flag in section.flags:
            doc.para(f"Red flag: {flag.title}", size=9, style="B", colour=(214, 39, 40))
            doc.para(flag.detail, size=8.5)
            for link in flag.links:
                doc.bullet(link.label, 8.5, link.url)
        if section.metrics and not section.flags:
            doc.para("No red flag raised for this dimension this quarter.", size=8.5)
        for evidence in section.evidence:
            doc.para(evidence.title, size=8.5, style="B")
            for link in evidence.links:
                doc.bullet(link.label, 8.5, link.url)
            if evidence.more:
                doc.bullet(f"… and {evidence.more} more", 8.5)
        judged = section.id in ("judgment", "collaboration", "growth")
        if section.assessments:
            doc.para("Assessments this quarter", size=8.5, style="B")
            doc.grid(
                ["Date", "Competency", "Level", "By", "Evidence"],
                [
                    [
                        day_text(a.assessed_on),
                        a.competency,
                        str(a.level),
                        f"{a.assessor} ({a.assessor_role})",
                        a.evidence or "—",
                    ]
                    for a in section.assessments
                ],
                (22, 45, 12, 30, 71),
            )
        elif judged:
            doc.para("No assessment recorded for this dimension this quarter.", size=8.5)
        if section.recognitions:
            doc.para("Recognitions this quarter", size=8.5, style="B")
            for r in section.recognitions:
                doc.bullet(
                    f"{day_text(r.recognized_on)} — {r.behaviour} ({r.format}): {r.note or '—'}",
                    8.5,
                    r.pr_url,
                )
        elif judged:
            doc.para("No recognition recorded for this dimension this quarter.", size=8.5)

    cycle = packet.cycle
    doc.heading("Review cycle")
    doc.bullet(f"Phase as of {packet.as_of:%d %b %Y}: {cycle.phase}")
    doc.bullet(f"Check-in cadence: {cycle.cadence}")
    doc.bullet(f"AI adoption start: {day_text(cycle.adoption_on)}")
    included = "yes" if cycle.ai_competencies_included else "not yet"
    doc.bullet(f"AI-augmented competencies in this review: {included}")
    for note in cycle.notes:
        doc.bullet(note)
    doc.ln(1)
    if cycle.checkins:
        doc.grid(
            ["Check-in due", "Cadence", "Status", "Held on"],
            [
                [day_text(c.due_on), c.cadence, c.status, day_text(c.held_on)]
                for c in cycle.checkins
            ],
            (40, 40, 40, 40),
            width=160,
        )
    else:
        doc.para("No check-in fell due this quarter.", size=8.5)

    doc.heading("Conversation guide")
    talk = packet.conversation
    if talk is None:
        doc.para("No developer level on record: set one to get the level's guide.")
    else:
        doc.para(f"{talk.name} ({talk.experience}) — career focus: {talk.career_focus}", style="B")
        for prompt in talk.prompts:
            doc.bullet(prompt)
        if talk.goal_actions:
            doc.para("Growth actions for this level: " + "; ".join(talk.goal_actions), size=8.5)

    doc.heading("What is not evaluated, and why")
    doc.para(
        "This section is part of every packet. None of these is computed, stored or shown by "
        "teamlens:",
        size=8.5,
    )
    for item in packet.not_evaluated:
        doc.bullet(f"{item.title} — {item.reason}", 8.5)
    return bytes(doc.output())


# --- the board one-pager --------------------------------------------------------------


def _tile(doc: Document, fig: BoardFigure, x: float, y: float, w: float, h: float) -> None:
    doc.set_draw_color(210, 214, 220)
    doc.set_fill_color(248, 249, 251)
    doc.rect(x, y, w, h, style="DF")
    inner = w - 4
    doc.set_xy(x + 2, y + 2)
    doc.font(7, "B")
    doc.multi_cell(inner, 3.1, doc.t(fig.title), new_x="LEFT", new_y="NEXT", align="L")
    doc.set_xy(x + 2, y + 12)
    size = 16.0
    doc.font(size, "B")
    while size > 9 and doc.get_string_width(doc.t(fig.value_text)) > inner:
        size -= 1
        doc.font(size, "B")
    doc.cell(inner, 7, doc.t(fig.value_text), new_x="LEFT", new_y="NEXT")
    colour = DIRECTION_COLOUR.get(fig.direction, MUTED)
    doc.font(7, "B", colour)
    doc.cell(inner, 3.6, doc.t(DIRECTION_TEXT.get(fig.direction, fig.direction)))
    doc.set_xy(x + 2, y + 22.8)
    delta = change_text(fig.value, fig.previous, fig.unit)
    doc.font(6.5, colour=MUTED)
    prev = f"previous {fig.previous_text}" + (f" ({delta})" if delta else "")
    doc.multi_cell(inner, 2.9, doc.t(prev), new_x="LEFT", new_y="NEXT", align="L")
    if fig.companion:
        doc.font(6.3, colour=INK)
        doc.multi_cell(inner, 2.8, doc.t(fig.companion), new_x="LEFT", new_y="NEXT", align="L")
    doc.font(6, "I", MUTED)
    doc.multi_cell(inner, 2.7, doc.t(fig.coverage), new_x="LEFT", new_y="NEXT", align="L")


def board_pdf(board: BoardSummary, *, with_charts: bool = True) -> bytes:
    """The executive summary on one landscape A4 page: figures, charts, narrative, groups."""
    doc = Document(
        f"Executive summary {board.quarter.label}",
        f"teamlens · executive summary {board.quarter.label} · groups only, no individual shown",
        orientation="L",
    )
    doc.set_auto_page_break(False)
    doc.set_margins(10, 9, 10)
    doc.add_page()
    doc.font(18, "B")
    doc.cell(150, 8, doc.t(f"Executive summary {board.quarter.label}"))
    doc.font(10, colour=MUTED)
    doc.cell(0, 8, doc.t(board.organization), align="R", new_x="LMARGIN", new_y="NEXT")
    doc.font(8, colour=MUTED)
    doc.cell(
        0,
        4.5,
        doc.t(
            f"As of {board.as_of:%d %b %Y}, compared with {board.previous.label}. Groups only: "
            f'no individual appears; teams under 5 people are merged into "Other".'
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    count = len(board.figures)
    gap = 2.5
    width = (doc.epw - gap * (count - 1)) / count
    top = 24.0
    for i, fig in enumerate(board.figures):
        _tile(doc, fig, doc.l_margin + i * (width + gap), top, width, 42)
    y = top + 45
    chart_w = (doc.epw - 5) / 2
    if with_charts:
        doc.image(
            io.BytesIO(images.png(charts.board_delivery(board), 720, 340)),
            x=doc.l_margin,
            y=y,
            w=chart_w,
            h=chart_w * 340 / 720,
        )
        doc.image(
            io.BytesIO(images.png(charts.board_skills(board), 720, 340)),
            x=doc.l_margin + chart_w + 5,
            y=y,
            w=chart_w,
            h=chart_w * 340 / 720,
        )
    y += chart_w * 340 / 720 + 2
    text_w = 150
    doc.set_xy(doc.l_margin, y)
    doc.font(10, "B")
    doc.cell(text_w, 5, doc.t("Summary"), new_x="LMARGIN", new_y="NEXT")
    doc.font(8)
    for sentence in board.narrative:
        doc.set_x(doc.l_margin)
        doc.multi_cell(
            text_w, 3.7, doc.t(f"• {sentence}"), new_x="LMARGIN", new_y="NEXT", align="L"
        )
    doc.set_xy(doc.l_margin + text_w + 6, y)
    doc.font(10, "B")
    right = doc.epw - text_w - 6
    doc.cell(right, 5, doc.t("By group"), new_x="LEFT", new_y="NEXT")
    doc.set_x(doc.l_margin + text_w + 6)
    doc.set_left_margin(doc.l_margin + text_w + 6)
    doc.font(7)
    doc.grid(
        list(GROUP_COLUMNS),
        group_cells(board.groups),
        (24, 12, 19, 18, 19, 19),
        size=7,
        width=right,
    )
    doc.font(6.5, "I", MUTED)
    doc.multi_cell(right, 3, doc.t(board.group_note), new_x="LMARGIN", new_y="NEXT")
    doc.set_left_margin(10)
    doc.set_xy(10, doc.h - 19)
    doc.font(6.3, colour=MUTED)
    doc.multi_cell(doc.epw, 2.8, doc.t(" ".join(board.method_notes)), align="L")
    return bytes(doc.output())
