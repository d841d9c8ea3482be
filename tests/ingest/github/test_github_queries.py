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
from graphql_cost import query_cost

from ingest.github import client, documents


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
    # GitHub refuses first/last above 100; the page of 100 PRs must stay far below the
    # 500,000-node limit: 100 * (100 * 5 + 1 + 1 * 100) = 60,100 nested nodes.
    text = client.query("pull_requests")
    import re

    sizes = [int(n) for n in re.findall(r"(?:first|last): (\d+)", text)]
    assert sizes and max(sizes) <= 100


@pytest.mark.parametrize(("prs", "counts"), [(1, 0), (0, 1), (2, 3), (20, 10)])
def test_batched_follow_ups_are_valid_against_githubs_schema(prs: int, counts: int) -> None:
    parts = tuple((n, k) for n, k in (("pull_request_more", prs), ("review_comments", counts)) if k)
    document = graphql.parse(documents.batched_query(parts))
    assert graphql.validate(github_schema(), document) == []
    # one aliased subject per slot, each with its own variables
    operation = document.definitions[0]
    assert [s.alias.value for s in operation.selection_set.selections[1:]] == [
        *(f"pr{k}" for k in range(prs)),
        *(f"counts{k}" for k in range(counts)),
    ]
    assert len(operation.variable_definitions) == 15 * prs + counts


def test_the_cost_of_each_query_by_githubs_formula() -> None:
    # GitHub: each connection costs the product of the first/last of the connections
    # around it; the sum / 100, rounded, at least 1.
    every = {f"with{n}": True for n in ("Labels", "Commits", "Reviews", "Timeline")}
    every.update(withClosing=True, withChecks=True)
    # a page of 100 PRs: the page 1 + labels, commits, reviews, timeline, closing, head
    # commit and its check contexts 100 each = 701 -> 7 points; of 20: 141 -> 1 point
    pr_page = query_cost(client.query("pull_requests"), {"first": 100})
    assert (pr_page.requests, pr_page.points) == (701, 7)
    assert query_cost(client.query("pull_requests"), {"first": 20}).points == 1
    # the old page (50 PRs, each review's comments{totalCount}): 1 + 7 * 50 + 50 * 50 =
    # 2,851 -> 29 points; the reviews' counts were 2,500 of them (88%)
    old = query_cost(OLD_REVIEW_FIELDS_PAGE, {"first": 50})
    assert (old.requests, old.points) == (2851, 29)
    # 100 reviews' counts by id: 100 (one comments connection per id) -> 1 point
    counts = query_cost(client.query("review_comments"), {"ids": [f"R{i}" for i in range(100)]})
    assert (counts.requests, counts.points) == (100, 1)
    # 20 big PRs' follow-ups, every list: 20 * 7 connections (labels, commits, reviews,
    # timeline, closing, head commit, its contexts under a last: 1) = 140 -> 1 point
    batch = documents.batched_query((("pull_request_more", 20),))
    variables = documents.batch_variables({f"pr{k}": {"id": f"P{k}", **every} for k in range(20)})
    assert query_cost(batch, variables).requests == 20 * 7
    assert query_cost(batch, variables).points == 1
    # with 10 x 100 reviews' counts in the same request: 140 + 1,000 = 1,140 -> 11 points
    batch = documents.batched_query((("pull_request_more", 20), ("review_comments", 10)))
    ids = {f"counts{k}": {"ids": [f"R{k}-{i}" for i in range(100)]} for k in range(10)}
    variables = documents.batch_variables(
        {**{f"pr{k}": {"id": f"P{k}", **every} for k in range(20)}, **ids}
    )
    assert query_cost(batch, variables).points == 11
    # the page of 100 issues: 1 + labels 100 + timeline 100 = 201 -> 2 points
    assert query_cost(client.query("issues"), {"first": 100}).points == 2


# The PR page as it was before the inline comment counts left it (reviews(first: 50)
# { comments { totalCount } } in every PR of a page of 50), for the cost test above.
OLD_REVIEW_FIELDS_PAGE = """
query Old($first: Int!) {
  repository(owner: "a", name: "b") {
    pullRequests(first: $first) {
      nodes {
        labels(first: 30) { nodes { name } }
        commits(first: 100) { nodes { commit { oid } } }
        reviews(first: 50) { nodes { id comments { totalCount } } }
        timelineItems(first: 50) { nodes { __typename } }
        closingIssuesReferences(first: 20) { nodes { number } }
        headCommit: commits(last: 1) {
          nodes { commit { statusCheckRollup { contexts(first: 100) { nodes { __typename } } } } }
        }
      }
    }
  }
}
"""
