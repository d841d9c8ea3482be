"""GitHub's documented GraphQL rate-limit cost of a query, computed from its document.

GitHub ("Rate limits and node limits for the GraphQL API", calculating a rate limit score):
add up the number of requests needed to fulfil each connection in the call, assuming every
request reaches its ``first``/``last`` limit — a connection is asked once for each item its
parent connections can return, so its requests are the product of the ``first``/``last``
of the connections enclosing it —, divide the total by 100, round to the nearest whole
number; a query costs at least 1 point. GitHub's own example: ``repositories(first: 100)
{ issues(first: 50) { labels(first: 60) } }`` is 1 + 100 + 100 * 50 = 5,101 requests,
51 points.

``nodes(ids: [...])`` is a list, not a connection; we count it like a connection of
``len(ids)`` items (its children are asked once per id), which is what a fair reading of
the rule gives and never less than GitHub's documented figure.

Used by the fake server (its ``rateLimit.cost``) and by benchmarks/bench_sync.py; the
project itself never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import graphql


@dataclass
class Cost:
    """A query's cost: ``requests`` (the sum before dividing), ``points`` and each
    connection's share (``by_path``: dotted path -> requests)."""

    requests: int = 0
    by_path: dict[str, int] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return max(1, int(self.requests / 100 + 0.5))


def _value(node: graphql.ValueNode | None, variables: dict[str, Any]) -> Any:
    if node is None:
        return None
    if isinstance(node, graphql.VariableNode):
        return variables.get(node.name.value)
    return graphql.value_from_ast_untyped(node, variables)


def _included(node: Any, variables: dict[str, Any]) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("include", "skip"):
            continue
        arg = next((a for a in directive.arguments if a.name.value == "if"), None)
        flag = bool(_value(arg.value if arg else None, variables))
        if (name == "include" and not flag) or (name == "skip" and flag):
            return False
    return True


def _limit(field_node: graphql.FieldNode, variables: dict[str, Any]) -> int | None:
    for arg in field_node.arguments or ():
        if arg.name.value in ("first", "last"):
            value = _value(arg.value, variables)
            if isinstance(value, int):
                return value
    return None


def query_cost(document: str, variables: dict[str, Any] | None = None) -> Cost:
    """The cost of the (single) operation in ``document`` with ``variables``."""
    variables = variables or {}
    doc = graphql.parse(document)
    fragments = {
        d.name.value: d for d in doc.definitions if isinstance(d, graphql.FragmentDefinitionNode)
    }
    operation = next(d for d in doc.definitions if isinstance(d, graphql.OperationDefinitionNode))
    cost = Cost()

    def walk(selection_set: Any, multiplier: int, path: str) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            if not _included(sel, variables):
                continue
            if isinstance(sel, graphql.FragmentSpreadNode):
                walk(fragments[sel.name.value].selection_set, multiplier, path)
                continue
            if isinstance(sel, graphql.InlineFragmentNode):
                walk(sel.selection_set, multiplier, path)
                continue
            name = (sel.alias or sel.name).value
            here = f"{path}.{name}" if path else name
            limit = _limit(sel, variables)
            ids = next((a for a in sel.arguments or () if a.name.value == "ids"), None)
            if limit is not None or _is_connection(sel):
                cost.requests += multiplier
                cost.by_path[here] = cost.by_path.get(here, 0) + multiplier
                walk(sel.selection_set, multiplier * (limit or 1), here)
            elif ids is not None:
                count = len(_value(ids.value, variables) or [])
                walk(sel.selection_set, multiplier * max(1, count), here)
            else:
                walk(sel.selection_set, multiplier, here)

    walk(operation.selection_set, 1, "")
    return cost


def _is_connection(sel: graphql.FieldNode) -> bool:
    """A field asked only for ``totalCount`` (``comments { totalCount }``) is still a
    connection GitHub must reach: it is recognised by its selection (``totalCount``,
    ``nodes``, ``edges`` or ``pageInfo``)."""
    if sel.selection_set is None:
        return False
    names = {s.name.value for s in sel.selection_set.selections if isinstance(s, graphql.FieldNode)}
    return bool(names & {"totalCount", "nodes", "edges", "pageInfo"})
