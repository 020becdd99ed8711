"""findings.json: the audit as one JSON document, the same for ``check --json`` and the report.

Next year's ``--previous`` reads it back (:func:`lks_audit.params.read_previous`), so its text is
produced in one place only.
"""

from __future__ import annotations

import json

from ..audit import AuditResult


def findings_json_text(result: AuditResult) -> str:
    """The document, one key per line at the top, non-ASCII kept as written, ending in a new line."""
    return document_text(result.to_json_dict())


def document_text(doc: dict) -> str:
    """A JSON document of ours as written to disk (findings.json, history.json)."""
    return json.dumps(doc, indent=1, default=str, ensure_ascii=False) + "\n"
