"""Settings: METRICS.md's defaults, an organization's teamlens.toml, and refusals that name
the key (an unknown key, a wrong type, a negative threshold, a setting that moved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import Settings, SettingsError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "teamlens.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEAMLENS_SETTINGS", raising=False)
    assert load_settings() == Settings()
    assert (Settings().min_prs, Settings().min_defects) == (5, 3)


def test_a_file_overrides_and_coerces(tmp_path):
    loaded = load_settings(
        write(tmp_path, 'bug_labels = ["incident"]\nflag_volume_up = 1\nmin_prs = 8\n')
    )
    assert loaded.bug_labels == ("incident",)
    assert loaded.flag_volume_up == 1.0 and isinstance(loaded.flag_volume_up, float)
    assert loaded.min_prs == 8
    assert loaded.flag_dip == Settings().flag_dip  # untouched keys keep their defaults


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("velocity = 3\n", "unknown setting 'velocity'"),
        ("min_prs = 2.5\n", "setting 'min_prs' must be a int"),
        ("min_prs = true\n", "setting 'min_prs' must be a int"),
        ("flag_dip = -0.1\n", "setting 'flag_dip' must not be negative"),
        ('bug_labels = "bug"\n', "setting 'bug_labels' must be a list of strings"),
        ("framework_path = 3\n", "setting 'framework_path' must be a str"),
        ("transition_weeks = 6\n", "review.transition_dip_weeks"),
    ],
)
def test_bad_files_are_refused_naming_the_key(tmp_path, text, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load_settings(write(tmp_path, text))


def test_a_named_file_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")
