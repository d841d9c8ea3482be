"""Reference parsing (ingest/references.py) against real-world phrasings, and non-matches."""

from __future__ import annotations

import pytest

from ingest import references
from ingest.references import Ref

REPO = "acme/app"


def intro(text: str, title: str | None = None, repo: str | None = REPO) -> list[str]:
    return [r.target for r in references.introduced_by(title, text, repo)]


def fixes(text: str, title: str | None = None) -> list[str]:
    return [r.target for r in references.fixes(title, text, REPO)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Introduced by #12", ["acme/app#12"]),
        ("introduced by: #12", ["acme/app#12"]),
        ("This was caused by #12.", ["acme/app#12"]),
        ("CAUSED BY #12", ["acme/app#12"]),
        ("Regression from acme/app#12", ["acme/app#12"]),
        ("regressed in https://github.com/acme/app/pull/12", ["acme/app#12"]),
        ("Broken by https://github.com/acme/app/pull/12/files", ["acme/app#12"]),
        ("broken by https://github.com/acme/app/pull/12#discussion_r1", ["acme/app#12"]),
        ("Looks like it was broken by #3, #4 and #5", ["acme/app#3", "acme/app#4", "acme/app#5"]),
        ("caused by #3, #4, and #5", ["acme/app#3", "acme/app#4", "acme/app#5"]),
        ("caused by #3 & #4", ["acme/app#3", "acme/app#4"]),
        ("caused by #3 or #4", ["acme/app#3", "acme/app#4"]),
        ("caused   by\n#7", ["acme/app#7"]),
        ("Caused by:\n  #7", ["acme/app#7"]),
        ("caused by other-org/lib.js#9", ["other-org/lib.js#9"]),
        ("caused by https://ghe.example.com/acme/app/pull/5", ["acme/app#5"]),
        ("caused by https://github.com/acme/app/issues/5", ["acme/app#5"]),
        ("caused by PR #12", ["acme/app#12"]),
        ("Introduced by pull request #12", ["acme/app#12"]),
        ("caused by [#12](https://github.com/acme/app/pull/12)", ["acme/app#12"]),
        ("regression from [the cache PR](https://github.com/acme/app/pull/40)", ["acme/app#40"]),
        ("caused by #12 (the cache change)", ["acme/app#12"]),
        ("caused by #1 and introduced by #2", ["acme/app#1", "acme/app#2"]),
        ("caused by #2; caused by #2 again", ["acme/app#2"]),
        # decision: negation is not read; the sentence still names #5 after "caused by"
        ("This is not caused by #5", ["acme/app#5"]),
    ],
)
def test_introduced_by_phrasings(text, expected):
    assert intro(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Related to #12",
        "Fixed by #12",  # a fix, not a cause
        "caused by the cache, see #12",  # the reference does not follow the phrase
        "uncaused by #12",
        "caused by https://example.com/docs#12",  # an anchor in another site's URL
        "caused by https://github.com/other/repo#12",  # a fragment, not a PR
        "caused by #12abc",
        "caused by &#12;",
        "```\ncaused by #12\n```",  # fenced code is quoted, not claimed
        "~~~\ncaused by #12\n~~~",
        "log: `caused by #12`",  # inline code
        "caused by commit abc1234",
        "",
    ],
)
def test_introduced_by_non_matches(text):
    assert intro(text) == []


def test_attribution_lists_name_every_item_but_fix_keywords_only_the_first():
    text = "Caused by #1, #2 and #3. Fixes #4, #5"
    assert intro(text) == ["acme/app#1", "acme/app#2", "acme/app#3"]
    assert fixes(text) == ["acme/app#4"]


def test_title_and_body_are_both_read_in_order():
    assert intro("caused by #2", title="Crash, regression from #1") == ["acme/app#1", "acme/app#2"]


def test_bare_number_needs_a_repository():
    assert intro("caused by #12", repo=None) == []
    assert intro("caused by acme/app#12", repo=None) == ["acme/app#12"]


def test_code_block_does_not_hide_later_text():
    text = "```\ncaused by #1\n```\nbut really caused by #2"
    assert intro(text) == ["acme/app#2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fixes #10", ["acme/app#10"]),
        ("fixes: #10", ["acme/app#10"]),
        ("Closes #10, closes #11", ["acme/app#10", "acme/app#11"]),
        ("closed #10", ["acme/app#10"]),
        ("This fix resolves #10 and resolves #11", ["acme/app#10", "acme/app#11"]),
        ("fixes #1, fixes: #2 and fix #3", ["acme/app#1", "acme/app#2", "acme/app#3"]),
        # a keyword closes only the one reference right after it, as GitHub does
        ("Closes #1 #2", ["acme/app#1"]),
        ("Closes #1, #2", ["acme/app#1"]),
        ("Closes #1, closes #2", ["acme/app#1", "acme/app#2"]),
        ("This fix resolves #10 and #11", ["acme/app#10"]),
        ("Fixes #10, #11 and #12", ["acme/app#10"]),
        ("Fixes https://github.com/acme/app/issues/3 #4", ["acme/app#3"]),
        ("Resolved acme/app#10", ["acme/app#10"]),
        ("fix https://github.com/acme/app/issues/10", ["acme/app#10"]),
        ("Fixes PAY-12", ["PAY-12"]),
        ("Fixes PAY-12 and #4", ["PAY-12"]),
        ("Fixes PAY-12, fixes #4", ["PAY-12", "acme/app#4"]),
        ("Close other/repo#3", ["other/repo#3"]),
        ("FIXED #10", ["acme/app#10"]),
        ("Fix [#10](https://github.com/acme/app/issues/10)", ["acme/app#10"]),
    ],
)
def test_fix_keywords(text, expected):
    assert fixes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Prefix #10",
        "Fixing #10",  # not a closing keyword
        "Fix the crash in #10",
        "Part of #10",
        "Refs #10",
        "```\nFixes #10\n```",
        "`Fixes #10`",
        "fixes pay-12",  # tracker keys are upper case
    ],
)
def test_fix_non_matches(text):
    assert fixes(text) == []


def test_fix_keywords_in_title():
    assert fixes("", title="Fix #10: rounding") == ["acme/app#10"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Reverts acme/app#12", ["acme/app#12"]),
        ("Reverts acme/app#12\n\nBroke checkout.", ["acme/app#12"]),
        ("reverts #12", ["acme/app#12"]),
        ("Reverts https://github.com/acme/app/pull/12", ["acme/app#12"]),
        ("This reverts commit 3f2a1b0.", []),
        ("Reverts the cache change", []),
        ("```\nReverts acme/app#12\n```", []),
    ],
)
def test_reverts_body(body, expected):
    assert [r.target for r in references.reverts(body, REPO)] == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ('Revert "Add cache"', "Add cache"),
        ('Revert "Revert "Add cache""', 'Revert "Add cache"'),
        ('Revert "Fix #12: rounding"', "Fix #12: rounding"),
        ('Revert "Add cache" again', None),
        ("Revert Add cache", None),
        ('revert "Add cache"', None),  # GitHub's button writes "Revert"
        (None, None),
    ],
)
def test_revert_titles(title, expected):
    assert references.reverted_title(title) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("acme/app#12", Ref("acme/app", 12)),
        (" https://github.com/acme/app/pull/12 ", Ref("acme/app", 12)),
        ("#12", Ref("acme/app", 12)),
        ("PR 12", None),
        ("", None),
    ],
)
def test_parse_ref(cell, expected):
    assert references.parse_ref(cell, REPO) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PAY-142: guard totals", True),
        ("feature/PAY-142-totals", True),
        ("fix_PAY-142", True),
        ("Refs (PAY2-7)", True),
        ("See PAY-142.", True),
        ("wordPAY-142", False),  # not a whole word
        ("PAY-142x", False),
        ("pay-142", False),  # trackers write keys in upper case
        ("PAY142", False),
        ("", False),
        (None, False),
    ],
)
def test_key_shaped_words(text, expected):
    assert references.has_key_token(text) is expected


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("PAY-142 round once", True),  # a tracker key: the metrics layer may match it
        ("Fixes #4", True),
        ("Co-authored-by: Claude <noreply@anthropic.com>", True),
        ("Round once", False),
        ("Use UTF8 and sha256", False),
    ],
)
def test_commit_messages_kept(message, kept):
    from ingest.github import mapping

    assert mapping.keeps_message(message, REPO, ("claude",)) is kept
