"""Which files and lines SZZ traces: comment syntax by extension, skipped kinds of files."""

from __future__ import annotations

import pytest

from ingest.git.lines import code_mask, file_skip_reason, line_skip_reason


def test_c_like_comments_strings_and_block_middles() -> None:
    text = "\n".join(
        [
            "int a = 1; // trailing comment keeps the line",
            "// only a comment",
            "/* a block",
            " * its middle",
            " */ int b;",
            'char *s = "// not a comment";',
            "",
        ]
    )
    assert code_mask(text, "x.c") == [True, False, False, False, True, True, False]


def test_python_docstrings_are_comments_but_string_arguments_are_code() -> None:
    text = "\n".join(
        [
            "def f():",
            '    """Doc',
            '    string."""',
            '    log("alone on its line",',
            '        """also an argument""")',
            "    # comment",
            "    return 1",
        ]
    )
    assert code_mask(text, "m.py") == [True, False, False, True, True, False, True]


def test_hash_sql_and_markup_families() -> None:
    assert code_mask("# c\nx: 1\n", "a.yaml") == [False, True, False]
    assert code_mask("-- c\nselect 1;\n", "q.sql") == [False, True, False]
    assert code_mask("<!-- c -->\n<a/>\n", "p.html") == [False, True, False]
    assert code_mask("whatever\n", "data.unknownext") is None


def test_line_reasons() -> None:
    assert line_skip_reason("   \t", None) == "blank"
    assert line_skip_reason("# x", False) == "comment"
    assert line_skip_reason("x = 1", True) is None
    assert line_skip_reason("x = 1", None) is None  # unknown syntax: traced


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("tests/test_pay.py", "test"),
        ("pkg/pay_test.go", "test"),
        ("web/cart.spec.ts", "test"),
        ("src/test/java/PayTest.java", "test"),
        ("go.sum", "lock file"),
        ("package-lock.json", "lock file"),
        ("yarn.lock", "lock file"),
        ("poetry.lock", "lock file"),
        ("Cargo.lock", "lock file"),
        ("api/pay.pb.go", "generated"),
        ("static/app.min.js", "generated"),
        ("testdata/input.json", "fixture"),
        ("vendor/lib/x.go", "vendored"),
        ("CHANGELOG.md", "documentation"),
        ("docs/guide.py", "documentation"),
        ("logo.png", "binary"),
        ("pay/total.py", None),
        ("avocado/test.py", None),  # a module named test.py is code
        ("src/Testing.java", None),
    ],
)
def test_file_skip_reasons(path: str, reason: str | None) -> None:
    assert file_skip_reason(path) == reason
