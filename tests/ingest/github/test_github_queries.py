"""Every GraphQL document teamlens sends is valid against GitHub's public schema.

The schema is public material the project does not commit: ``scripts/setup-tests.sh``
fetches the npm package pinned in ``schema.pin`` into ``.cache/`` (or
``$TEAMLENS_GITHUB_SCHEMA`` names a file). Its absence FAILS these tests (a skip would let
a query GitHub refuses pass unnoticed).
"""

from __future__ import annotations

from importlib import resources

import graphql
import pytest
from fake_github import github_schema, schema_missing, schema_path

from ingest.github import client


def test_the_schema_is_there() -> None:
    assert schema_path().is_file(), schema_missing()


@pytest.mark.parametrize("name", client.QUERY_NAMES)
def test_query_is_valid_against_githubs_schema(name: str) -> None:
    document = graphql.parse(client.query(name))
    errors = graphql.validate(github_schema(), document)
    assert errors == [], [e.message for e in errors]


def test_every_query_file_is_sent_and_checked() -> None:
    folder = resources.files("ingest.github") / "queries"
    files = {
        p.name.removesuffix(".graphql") for p in folder.iterdir() if p.name.endswith(".graphql")
    }
    assert files - {"fragments"} == set(client.QUERY_NAMES)


def test_the_fake_server_refuses_what_github_would() -> None:
    errors = graphql.validate(
        github_schema(), graphql.parse('{ repository(owner: "a", name: "b") { stars } }')
    )
    assert errors


def test_nested_page_sizes_respect_githubs_limit() -> None:
    # GitHub refuses first/last above 100; the page of 50 PRs must stay far below the
    # 500,000-node limit: 50 * (30 + 100 + 50 + 50 + 20 + 1 * 100) = 17,500 nested nodes.
    text = client.query("pull_requests")
    import re

    sizes = [int(n) for n in re.findall(r"(?:first|last): (\d+)", text)]
    assert sizes and max(sizes) <= 100
