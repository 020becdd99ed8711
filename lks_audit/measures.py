"""Headline measures a governor wants (filled in by the report work)."""
from __future__ import annotations


def headline_measures(data, ctx) -> dict:
    return {}
