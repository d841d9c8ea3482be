"""A framework file that cannot be used is explained on every page, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui

PAGE_FILES = sorted(entry.path for entry in ui.PAGES)
BAD_FILES = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8 text"),
    "not-toml": (b"levels = [\n", "not valid TOML"),
    "wrong-fields": (b"[levels]\nname = 3\n", "competencies: missing"),
}


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.stem)
def test_every_page_explains_a_bad_framework_file(small_db, tmp_path, monkeypatch, path, bad):
    content, reason = BAD_FILES[bad]
    framework = tmp_path / "ladder.toml"
    framework.write_bytes(content)
    monkeypatch.setenv("TEAMLENS_FRAMEWORK", str(framework))
    app = AppTest.from_file(str(path), default_timeout=60).run()
    assert not app.exception, app.exception
    [error] = [e.value for e in app.error]
    assert "cannot use its competency framework file" in error
    assert "ladder.toml refused" in error and reason in error
    assert not app.get("plotly_chart")  # the page stopped there


def test_a_directory_named_as_the_framework(small_db, tmp_path, monkeypatch):
    monkeypatch.setenv("TEAMLENS_FRAMEWORK", str(tmp_path))
    app = AppTest.from_file(str(Path(ui.__file__).parent / "pages" / "person.py")).run()
    assert not app.exception
    assert any("is a directory" in e.value for e in app.error)
