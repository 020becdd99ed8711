"""Where a data-quality finding is, in words: the location its message starts with, and the short form ``validate``
lists it by under a heading that names its workbook. One wording for both, so the two never disagree."""

from __future__ import annotations

from collections.abc import Mapping

from .findings import Finding

#: The rule whose message names its key column itself ("Post ID 'P1' is used again"): its location does not.
_NAMES_ITS_COLUMN = "DQ-03"


def where(
    rule_id: str, file: str | None, sheet: str | None, cell: str | None, column: str | None, short: bool = False
) -> str:
    """Long (a message's own prefix): ``posts_log.xlsx, sheet Posts, cell C14 (Posted at)``.
    Short (under a heading that already names the workbook): ``Posts!C14 (Posted at)``."""
    named = f" ({column})" if column and rule_id != _NAMES_ITS_COLUMN else ""
    if cell:
        return f"{sheet}!{cell}{named}" if short else f"{file}, sheet {sheet}, cell {cell}{named}"
    if column:
        return sheet if short else f"{file}, sheet {sheet}"
    return "" if short else file or ""


def location(f: Finding, short: bool = False) -> str:
    """Where a data-quality finding is, as its message words it (:func:`where`)."""
    return where(f.rule, f.file, f.sheet, f.cell, f.column, short)


def short_message(f: Finding) -> str:
    """The finding under a heading that names its workbook: ``Posts!C14 (Posted at): ...``."""
    where_ = location(f, short=True)
    return f"{where_}: {f.text}" if where_ else f.text


def fault_label(fault_id: str, by_id: Mapping[str, Finding], bracketed: bool = False) -> str:
    """A data-quality finding something waits on, with the workbook and cell to fix where it names a cell:
    ``DQ-01:... at posts_log.xlsx G689`` in the plain text summary, ``DQ-01:... (posts_log.xlsx G689)``
    (``bracketed``) in the DPO's reports and worklist. Only its ID where it is not in ``by_id`` or names no cell."""
    fault = by_id.get(fault_id)
    if fault is None or not fault.cell:
        return fault_id
    return f"{fault_id} ({fault.file} {fault.cell})" if bracketed else f"{fault_id} at {fault.file} {fault.cell}"
