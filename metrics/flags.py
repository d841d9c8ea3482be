"""Metrics layer: red flags of the framework's evaluation dimensions (being written)."""

from __future__ import annotations


class RedFlag:
    """Placeholder until the red flags land."""


def red_flags(*args: object, **kwargs: object) -> list[RedFlag]:
    """No red flags yet."""
    return []


def unreadable_dimensions() -> list[tuple[str, str]]:
    """Dimensions this data cannot read."""
    return []
