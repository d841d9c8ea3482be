"""Ingest layer: the GraphQL documents the GitHub sync sends (queries/*.graphql). No I/O
beyond reading them; no rows.

Each query lives in ``queries/<name>.graphql``; :func:`query` appends the fragments of
``fragments.graphql`` it uses. :func:`batched_query` puts several small one-subject
queries in one document (the follow-ups of a batch of pages: the next page of big PRs'
lists, reviews' inline comment counts), so that they cost one request.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

QUERY_NAMES: tuple[str, ...] = (
    "pull_requests",
    "pull_request_more",
    "pull_request",
    "issues",
    "issue_more",
    "review_comments",
)


def _query_text(name: str) -> str:
    folder = resources.files("ingest.github") / "queries"
    return (folder / f"{name}.graphql").read_text(encoding="utf-8")


def _with_fragments(text: str) -> str:
    """``text`` with the fragments of fragments.graphql it uses, directly or through
    another fragment (GraphQL refuses a document carrying unused fragments)."""
    shared = _query_text("fragments")
    fragments = {
        m.group(1): m.group(0)
        for m in re.finditer(r"^fragment (\w+) on \w+ \{.*?^\}", shared, re.DOTALL | re.MULTILINE)
    }
    used: list[str] = []
    pending = [text]
    while pending:
        for ref in re.findall(r"\.\.\.\s*(\w+)", pending.pop()):
            if ref in fragments and ref not in used:
                used.append(ref)
                pending.append(fragments[ref])
    return "\n".join([text, *(fragments[n] for n in sorted(used))])


@cache
def query(name: str) -> str:
    """The GraphQL document ``queries/<name>.graphql`` with the fragments it uses."""
    return _with_fragments(_query_text(name))


@cache
def batched_query(parts: tuple[tuple[str, int], ...]) -> str:
    """One document asking several small queries at once: for each ``(name, n)``, the
    subject selection of ``queries/<name>.graphql`` (its one top-level field other than
    ``rateLimit``, e.g. ``node(id: $id) {…}``) ``n`` times, under the aliases
    ``<alias><k>`` (:data:`BATCH_ALIASES`), with every variable ``$v`` renamed
    ``$v_<alias><k>`` (see :func:`batch_variables`). The document is named ``FollowUps``.

    Raises:
        ValueError: a query without such a subject selection.
    """
    defs: list[str] = []
    blocks: list[str] = []
    for name, slots in parts:
        text = _query_text(name)
        head = re.search(r"^query (\w+)\((.*?)\) \{", text, re.DOTALL | re.MULTILINE)
        subject = re.search(r"^  (?!rateLimit)(\w+)\(", text[head.end() :] if head else "", re.M)
        if head is None or subject is None:
            raise ValueError(f"{name}.graphql has no subject selection to batch")
        start = head.end() + subject.start()
        block = text[start : text.rstrip().rindex("}")]
        definitions = [d.strip().rstrip(",") for d in head.group(2).splitlines() if d.strip()]
        for k in range(slots):
            alias = f"{BATCH_ALIASES[name]}{k}"
            defs.extend("  " + re.sub(r"\$(\w+)", rf"$\1_{alias}", d) for d in definitions)
            renamed = re.sub(r"\$(\w+)", rf"$\1_{alias}", block)
            blocks.append(f"  {alias}: " + renamed.lstrip())
    document = (
        "query FollowUps(\n"
        + "\n".join(defs)
        + "\n) {\n  rateLimit {\n    cost\n    remaining\n    resetAt\n  }\n"
        + "".join(blocks)
        + "}\n"
    )
    return _with_fragments(document)


# The alias prefix of each query :func:`batched_query` can repeat.
BATCH_ALIASES: dict[str, str] = {"pull_request_more": "pr", "review_comments": "counts"}


def batch_variables(per_slot: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The variables of a :func:`batched_query`: alias -> that slot's variables."""
    return {f"{key}_{alias}": value for alias, vs in per_slot.items() for key, value in vs.items()}
