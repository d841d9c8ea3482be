"""The one formatting module: every unit written one way, no 'None' or 'PR(s)', periods in
one form, chart axes that name their unit, untrusted text inert in plotly and Markdown."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.registry import REGISTRY
from reports import format as fmt


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12.46, "hours", "12.5 h"),
        (1234.0, "hours", "1,234 h"),  # three digits or more: no decimals
        (0.25, "share", "25%"),
        (0.004, "share", "0%"),
        (2.85, "ratio", "285%"),  # the quality tax is a ratio, written as a percentage
        (0.1449, "defects per PR", "0.14 per PR"),  # never on a % axis, never as '14%'
        (1204, "count", "1,204"),
        (2.5, "level", "2.5"),
        (None, "hours", "no data"),
        (math.nan, "share", "no data"),
    ],
)
def test_value_text(value, unit, text):
    assert fmt.value_text(value, unit) == text


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    [
        (3.04, "hours", "+3.0 h"),
        (-0.04, "hours", "no change"),  # '+0.0 h' / '-0.0 h' would say something changed
        (0.0, "hours", "no change"),
        (-0.05, "share", "-5.0 pts"),  # to 0.1 point under 10 points, as compare reads it
        (0.004, "share", "+0.4 pts"),
        (0.0004, "share", "no change"),  # rounds to 0.0 pts
        (0.25, "share", "+25 pts"),
        (0.021, "defects per PR", "+0.02"),  # the label names the unit
        (0.001, "defects per PR", "no change"),
        (-3, "count", "-3"),
        (None, "share", ""),
    ],
)
def test_change_text(change, unit, text):
    assert fmt.change_text(change, unit) == text


def test_every_registry_unit_has_one_way_to_be_written():
    for metric in REGISTRY:
        u = fmt.unit(metric.unit)
        assert u.axis and u.tick and u.hover
        assert fmt.value_text(1.0, metric.unit) != "no data"
    with pytest.raises(KeyError, match="unknown unit 'furlongs'"):
        fmt.unit("furlongs")


@pytest.mark.parametrize(
    ("n", "noun", "plural", "text"),
    [
        (1, "PR", None, "1 PR"),
        (3, "PR", None, "3 PRs"),
        (0, "defect", None, "0 defects"),
        (1, "check-in", None, "1 check-in"),
        (2, "check-in", None, "2 check-ins"),
        (1200, "month", None, "1,200 months"),
        (2, "query", "queries", "2 queries"),
    ],
)
def test_count_text_never_writes_s_in_brackets(n, noun, plural, text):
    got = fmt.count_text(n, noun, plural)
    assert got == text and "(s)" not in got


def test_period_labels_in_one_form():
    assert fmt.period_text("2025Q4") == "2025-Q4"  # the CLI's form
    assert fmt.period_text("2025-Q4") == "2025-Q4"
    assert fmt.period_text("2026-07") == "2026-07"
    assert fmt.period_text("2026-W05") == "2026-W05"
    labels = [f"2026-{m:02d}" for m in range(12, 0, -1)]
    assert fmt.periods_text(labels[:3]) == "2026-12, 2026-11, 2026-10"
    assert fmt.periods_text(labels) == (
        "2026-12, 2026-11, 2026-10, 2026-09, 2026-08, 2026-07 … and 6 earlier"
    )


def test_table_cells_never_say_none():
    frame = pd.DataFrame(
        {
            "team": ["Payments", None],
            "rate": [0.5, None],
            "low": [True, False],
            "when": [pd.NaT, pd.Timestamp("2026-01-01")],
        }
    )
    out = fmt.table(frame, {"rate": "share"})
    assert out.to_dict("list") == {
        "team": ["Payments", "—"],
        "rate": ["50%", "no data"],
        "low": ["yes", "no"],
        "when": ["—", "2026-01-01 00:00:00"],
    }


def test_every_axis_names_its_unit():
    assert fmt.axis("Merged PRs", "count")["title"]["text"] == "Merged PRs (count)"
    assert fmt.axis("Time", "hours")["title"]["text"] == "Time (hours)"
    share = fmt.axis("Change failure rate", "share")
    assert share["title"]["text"] == "Change failure rate<br>(% of merged PRs)"  # two lines
    assert share["tickformat"] == ".0%"
    per_pr = fmt.axis("Defect rate", "defects per PR")
    assert "%" not in per_pr["tickformat"] and "per merged PR" in per_pr["title"]["text"]
    assert fmt.axis("Quality tax", "ratio", "% added by rework")["title"]["text"] == (
        "Quality tax<br>(% added by rework)"
    )
    assert fmt.hover("QACT, median", "hours") == "QACT, median: %{y:.1f} h<extra></extra>"
    assert fmt.hover("rate", "share", "customdata") == "rate: %{customdata:.0%}<extra></extra>"


def test_untrusted_text_is_inert_in_plotly():
    hostile = '<a href="http://evil.example/">Pay</a> & <b>team</b> $x^2$'
    out = fmt.plotly_text(hostile)
    assert "<" not in out and ">" not in out and "$" not in out
    assert out == (
        '&lt;a href="http://evil.example/"&gt;Pay&lt;/a&gt; &amp; &lt;b&gt;team&lt;/b&gt; '
        "&#36;x^2&#36;"
    )
    assert fmt.plotly_text("line\nbreak") == "line break"
    assert "<br>" not in fmt.hover("a<br>b", "count")


@pytest.mark.parametrize(
    "hostile",
    [
        "![x](http://127.0.0.1:9/p.png)",
        "**bold** and _it_",
        "[phish](http://evil.example)",
        "<img src=x onerror=alert(1)>",
        "$\\frac{1}{2}$",
        ":red[alarm] :material/home:",
        "# heading",
        "`code`",
    ],
)
def test_untrusted_text_is_inert_in_streamlit_markdown(hostile):
    out = fmt.st_text(hostile)
    # every ASCII punctuation mark is escaped: no markup can start
    unescaped = [
        ch
        for i, ch in enumerate(out)
        if not ch.isalnum() and ch.isascii() and ch != " " and ch != "\\"
        if i == 0 or out[i - 1] != "\\"
    ]
    assert not unescaped, (hostile, out)
    assert out.replace("\\", "") == " ".join(hostile.replace("\\", "").split())
