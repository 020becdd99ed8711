"""The Excel templates: generated from the schema, committed, and readable back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from lks_audit.schema import WORKBOOKS, Kind
from lks_audit.templates import (
    INSTRUCTIONS,
    LAST_ROW,
    NUMBER_FORMATS,
    TEXT_FORMAT,
    TEXT_KINDS,
    example_value,
    write_templates,
)

COMMITTED = Path(__file__).resolve().parents[1] / "data_templates"
SHEETS = [(wb, sheet) for wb in WORKBOOKS for sheet in wb.sheets]
SHEET_IDS = [sheet.name for _, sheet in SHEETS]
#: Excel refuses an inline dropdown list longer than this.
EXCEL_LIST_LIMIT = 255
#: Excel's limit on a validation's error or prompt message.
EXCEL_MESSAGE_LIMIT = 255


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("templates")
    write_templates(folder)
    return folder


def validations_by_column(ws) -> dict[str, list]:
    """Column letter -> the data validations whose ranges start in that column."""
    found: dict[str, list] = {}
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found.setdefault(get_column_letter(cell_range.min_col), []).append(validation)
    return found


def fingerprint(path: Path) -> dict:
    """What must not drift between the committed templates and the schema."""
    book = load_workbook(path)
    sheets = {}
    for ws in book.worksheets:
        sheets[ws.title] = {
            "cells": [[cell.value for cell in row] for row in ws.iter_rows()],
            "comments": [cell.comment.text for cell in ws[1] if cell.comment],
            "freeze_panes": ws.freeze_panes,
            "validations": sorted(
                (v.type, v.operator, v.formula1, v.formula2, str(v.sqref), v.error, v.prompt)
                for v in ws.data_validations.dataValidation
            ),
            "number_formats": {letter: dim.number_format for letter, dim in ws.column_dimensions.items()},
        }
    return {"sheetnames": book.sheetnames, "sheets": sheets}


def test_write_templates_writes_the_eight_contract_files(tmp_path):
    folder = tmp_path / "new" / "folder"
    paths = write_templates(folder)
    assert [p.name for p in paths] == [wb.file for wb in WORKBOOKS]
    assert all(p.parent == folder and p.is_file() for p in paths)


def test_regenerating_gives_identical_bytes(tmp_path):
    first, second = write_templates(tmp_path / "a"), write_templates(tmp_path / "b")
    for one, other in zip(first, second):
        assert one.read_bytes() == other.read_bytes(), one.name


def test_committed_templates_are_the_generated_ones(generated):
    assert sorted(p.name for p in COMMITTED.glob("*.xlsx")) == sorted(wb.file for wb in WORKBOOKS)
    for wb in WORKBOOKS:
        assert fingerprint(COMMITTED / wb.file) == fingerprint(generated / wb.file), (
            f'data_templates/{wb.file} is stale: run python -c "from lks_audit.templates import write_templates; '
            "write_templates('data_templates')\""
        )


@pytest.mark.parametrize("wb", WORKBOOKS, ids=[wb.file for wb in WORKBOOKS])
def test_instructions_first_then_one_sheet_per_schema_sheet(generated, wb):
    book = load_workbook(generated / wb.file)
    assert book.sheetnames == [INSTRUCTIONS] + [sheet.name for sheet in wb.sheets]
    assert book.active.title == INSTRUCTIONS
    assert book.properties.creator == "lks-audit"


@pytest.mark.parametrize(("wb", "sheet"), SHEETS, ids=SHEET_IDS)
def test_data_sheet_has_only_the_styled_frozen_header_row(generated, wb, sheet):
    ws = load_workbook(generated / wb.file)[sheet.name]
    assert [cell.value for cell in ws[1]] == list(sheet.headers)
    assert ws.max_row == 1, "the worked example belongs on the Instructions sheet"
    assert ws.freeze_panes == "A2"
    for cell in ws[1]:
        assert cell.font.bold and cell.alignment.wrap_text and cell.fill.fill_type == "solid"
    for index, column in enumerate(sheet.columns, start=1):
        assert 10 <= ws.column_dimensions[get_column_letter(index)].width <= 40, column.header


@pytest.mark.parametrize(("wb", "sheet"), SHEETS, ids=SHEET_IDS)
def test_every_header_comment_explains_its_column(generated, wb, sheet):
    ws = load_workbook(generated / wb.file)[sheet.name]
    for cell, column in zip(ws[1], sheet.columns):
        assert column.help in cell.comment.text
        if column.kind is Kind.IDS:
            assert "several ids separated by commas, semicolons or new lines" in cell.comment.text.lower()


@pytest.mark.parametrize(("wb", "sheet"), SHEETS, ids=SHEET_IDS)
def test_dropdowns_offer_exactly_the_contract_words(generated, wb, sheet):
    by_column = validations_by_column(load_workbook(generated / wb.file)[sheet.name])
    for index, column in enumerate(sheet.columns, start=1):
        if not column.allowed:
            continue
        letter = get_column_letter(index)
        [validation] = by_column[letter]
        assert validation.type == "list"
        assert str(validation.sqref) == f"{letter}2:{letter}{LAST_ROW}"
        # The inline list is split on commas, so no word may hold one (or a quote).
        assert not any("," in word or '"' in word for word in column.allowed), column.header
        assert validation.formula1.startswith('"') and validation.formula1.endswith('"')
        assert validation.formula1[1:-1].split(",") == list(column.allowed)
        assert len(validation.formula1) - 2 <= EXCEL_LIST_LIMIT, column.header
        assert validation.showErrorMessage and validation.error
        assert len(validation.error) <= EXCEL_MESSAGE_LIMIT


def test_the_longest_list_category_fits_excels_limit():
    category = next(sheet for _, sheet in SHEETS if sheet.name == "Incidents").column("Category")
    assert len(",".join(category.allowed)) <= EXCEL_LIST_LIMIT


@pytest.mark.parametrize(("wb", "sheet"), SHEETS, ids=SHEET_IDS)
def test_date_columns_check_dates_and_text_columns_keep_text(generated, wb, sheet):
    ws = load_workbook(generated / wb.file)[sheet.name]
    by_column = validations_by_column(ws)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        if column.kind not in NUMBER_FORMATS:
            if not column.allowed:
                assert letter not in by_column, f"{column.header} should accept any text"
            if column.kind in TEXT_KINDS:
                assert ws.column_dimensions[letter].number_format == TEXT_FORMAT, column.header
            continue
        [validation] = by_column[letter]
        assert (validation.type, validation.operator) == ("date", "between")
        assert str(validation.sqref) == f"{letter}2:{letter}{LAST_ROW}"
        assert validation.showInputMessage and validation.prompt == NUMBER_FORMATS[column.kind]
        assert len(validation.error) <= EXCEL_MESSAGE_LIMIT
        assert ws.column_dimensions[letter].number_format == NUMBER_FORMATS[column.kind]


@pytest.mark.parametrize("wb", WORKBOOKS, ids=[wb.file for wb in WORKBOOKS])
def test_instructions_explain_every_column_and_the_workbook(generated, wb):
    ws = load_workbook(generated / wb.file)[INSTRUCTIONS]
    text = [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    for fact in (wb.title, wb.filled_in_by, wb.when, wb.clause):
        assert fact in text
    for sheet in wb.sheets:
        for column in sheet.columns:
            assert column.header in text
            assert column.help in text
            if column.example is not None:
                assert str(column.example) in text


@pytest.mark.parametrize(("wb", "sheet"), SHEETS, ids=SHEET_IDS)
def test_a_filled_in_template_reads_back_with_pandas(generated, tmp_path, wb, sheet):
    book = load_workbook(generated / wb.file)
    ws = book[sheet.name]
    for index, column in enumerate(sheet.columns, start=1):
        ws.cell(2, index, example_value(column))
    filled = tmp_path / wb.file
    book.save(filled)

    # With pandas' defaults the choice word "None" reads as missing and the text
    # "2025.1" as a number: read cells as they are.
    frame = pd.read_excel(filled, sheet_name=sheet.name, engine="calamine", dtype=object, na_filter=False)
    assert list(frame.columns) == list(sheet.headers)
    assert len(frame) == 1
    for column in sheet.columns:
        value = frame.loc[0, column.header]
        if column.example is None:
            assert value == "", column.header
        elif column.kind is Kind.DATE:
            assert pd.Timestamp(value) == pd.Timestamp(dt.datetime.strptime(column.example, "%d/%m/%Y"))
        elif column.kind is Kind.DATETIME:
            assert pd.Timestamp(value) == pd.Timestamp(dt.datetime.strptime(column.example, "%d/%m/%Y %H:%M"))
        else:
            assert value == column.example, column.header


def test_readme_names_every_template_and_who_fills_it_in():
    readme = (COMMITTED / "README.md").read_text(encoding="utf-8")
    for wb in WORKBOOKS:
        assert f"`{wb.file}`" in readme
        assert wb.filled_in_by in readme


@pytest.mark.parametrize("file", ["posts_log.xlsx", "interactions_log.xlsx"])
def test_posts_and_interactions_offer_the_optional_link_column_and_say_why(generated, file):
    """data-contract.md: the optional Link column lets a platform's archive match a record by its ID."""
    book = load_workbook(generated / file)
    data_sheet = book[book.sheetnames[1]]
    assert [c.value for c in data_sheet[1]][-1] == "Link"
    rows = [[c.value for c in row] for row in book[INSTRUCTIONS].iter_rows()]
    (line,) = [row for row in rows if row[0] == "Optional column: Link"]
    assert "Optional" in line[1] and "by its ID" in line[1] and "time and text" in line[1]
    optional = {(wb.file, c.header) for wb in WORKBOOKS for sheet in wb.sheets for c in sheet.columns if c.optional}
    assert optional == {("posts_log.xlsx", "Link"), ("interactions_log.xlsx", "Link")}


def test_a_workbook_without_the_optional_link_column_is_read_without_a_gap_or_a_notice():
    from school import audit_rows

    result = audit_rows(
        drop_columns={"Posts": ("Link",), "Interactions": ("Link",)},
        Posts=[{"Post ID": "P1", "Account ID": "ACC-1", "Posted at": dt.datetime(2026, 1, 5, 9)}],
    )
    assert not [f for f in result.findings if f.rule == "DQ-01"] and result.notices == []
    assert result.not_assessed == []
