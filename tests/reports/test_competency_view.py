"""The Competencies page's paging and sentences (reports.competency_view) and its heatmap
(reports.figures): pages of people in the matrix's alphabetical order, long team lists
cut to one line, untrusted logins kept as text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from framework import load_framework
from reports import competency_view as view
from reports import figures

FW = load_framework(Path(__file__).resolve().parents[2] / "data" / "framework.toml")


def test_people_pages_keep_the_alphabetical_order_and_cover_everyone():
    logins = [f"u{i:03d}" for i in range(95)]
    pages = view.people_pages(logins)
    # 95 people at 40 a page: 40 + 40 + 15
    assert [(p.number, p.start, p.stop) for p in pages] == [(1, 0, 40), (2, 40, 80), (3, 80, 95)]
    assert pages[2].label == "People 81 to 95 of 95 (u080 … u094)"
    assert [x for p in pages for x in logins[p.start : p.stop]] == logins
    assert view.page_caption(pages[0], 3).startswith("The heatmap shows people 1 to 40 of 95")
    assert view.people_pages(["solo"])[0].label == "People 1 to 1 of 1 (solo)"
    assert view.page_caption(view.people_pages(logins[:40])[0], 1) is None  # one page: no note
    assert view.people_pages([]) == []


def test_page_rows_slice_the_matrix():
    matrix = pd.DataFrame({"debugging": range(45)}, index=[f"u{i:02d}" for i in range(45)])
    second = view.people_pages(matrix.index)[1]
    assert second.rows(matrix).index.tolist() == [f"u{i:02d}" for i in range(40, 45)]


def test_a_long_team_list_is_cut_to_one_readable_line():
    teams = [f"Team {i:03d}" for i in range(835)]
    text = view.team_names(teams)
    assert text.startswith("Team 000, Team 001") and text.endswith("and 823 more teams")
    assert view.team_names(teams[:13]).endswith("Team 011 and 1 more team")
    assert view.team_names(["A", "B"]) == "A, B"
    caption = view.scope_caption(teams, date(2026, 11, 20))
    assert "and 823 more teams" in caption and "Team 012" not in caption


def test_untrusted_logins_stay_text_in_the_caption_and_the_heatmap():
    hostile = ["<b>bold</b>", "[link](http://x)", "zed"]
    page = view.people_pages(hostile, size=2)[0]
    caption = view.page_caption(page, 2)
    assert "[link](http" not in caption and "<b>" not in caption
    matrix = pd.DataFrame(
        {c: [1.0, float("nan"), 3.0] for c in FW.competency_ids}, index=hostile
    ).rename_axis("login")
    spec = json.loads(figures.level_matrix(matrix, FW).to_json())
    assert spec["data"][0]["y"] == ["&lt;b&gt;bold&lt;/b&gt;", "[link](http://x)", "zed"]
    layout = spec["layout"]
    assert layout["yaxis"]["title"]["text"] == "Person (alphabetical)"
    assert layout["xaxis"]["title"]["text"] == "Competency"
