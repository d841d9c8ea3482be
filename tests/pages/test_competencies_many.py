"""AppTest of the Competencies page with more people than one heatmap page: the heatmap
shows 40 people at a time, alphabetically, with a picker; the distribution, the change
table and the scope still count everyone in the selection."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest import people_import as pi

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "competencies.py")
TODAY = date(2026, 11, 20)
EXTRA = [f"p{i:02d}" for i in range(50)]  # after ana, ben and cy in the alphabet


@pytest.fixture
def db(small_db: Path, tmp_path: Path) -> Path:
    people = tmp_path / "people.csv"
    people.write_text(
        "login,name,team,level,started_on\n"
        + "".join(f"{x},Person {x},Alpha,mid,2025-01-01\n" for x in EXTRA)
    )
    pi.import_people(people, small_db, today=TODAY)
    assessments = tmp_path / "assessments.csv"
    assessments.write_text(
        "login,competency,level,assessed_on,assessor,evidence\n"
        "ana,prompt_effectiveness,3,2026-05-20,lead,\n"
        "p45,prompt_effectiveness,4,2026-05-20,lead,\n"  # on the second page
    )
    pi.import_assessments(assessments, small_db, today=TODAY)
    return small_db


def heatmap_rows(app: AppTest) -> list[str]:
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return spec["data"][0]["y"]


def test_the_heatmap_is_paged_alphabetically_and_the_counts_cover_everyone(db):
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    picker = app.selectbox(key="cm_page")
    # 53 people: ana, ben, cy, p00 … p49; 40 a page, in the alphabet's order, never ranked
    assert picker.options == [
        "People 1 to 40 of 53 (ana … p36)",
        "People 41 to 53 of 53 (p37 … p49)",
    ]
    assert heatmap_rows(app) == ["ana", "ben", "cy", *EXTRA[:37]]
    captions = " ".join(c.value for c in app.caption)
    assert "The heatmap shows people 1 to 40 of 53" in captions
    # the distribution counts p45 (on page 2) beside ana (on page 1)
    app.selectbox(key="cm_competency").set_value("prompt_effectiveness").run()
    text = " ".join(m.value for m in app.markdown)
    assert "**3 Advanced** · 1 person" in text and "**4 Expert** · 1 person" in text
    links = next(m.value for m in app.markdown if m.value.startswith("Open a person"))
    assert "person=p36" in links and "person=p37" not in links  # this page's people only

    picker.select_index(1).run()
    assert not app.exception
    assert heatmap_rows(app) == EXTRA[37:]
    assert "people 41 to 53 of 53" in " ".join(c.value for c in app.caption)
    app.radio(key="cm_view").set_value(app.radio(key="cm_view").options[1]).run()
    assert heatmap_rows(app) == EXTRA[37:]  # the change matrix: the same page of people
    # the change table still counts both assessed people
    frame = app.dataframe[0].value
    row = frame[frame["Competency"] == "Prompt Effectiveness"].iloc[0]
    assert row["People assessed"] == 2
