"""The sample school's frames written as .xlsx, each cell as staff type it (mostly tidy, some text dates, odd
case and yes/no words), with fixed metadata so the same seed gives the same bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..load import column_letter
from ..reproducible import write_zip
from ..schema import Column, Kind, Workbook

#: Workbook properties and zip entry times are fixed so the same seed gives the same bytes.
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_STAMP = f"{dt.datetime(*FIXED_TIME):%Y-%m-%dT%H:%M:%SZ}"

# openpyxl without lxml (not a dependency) writes ~12,000 cells a second, too slow for scale 50, so the
# workbooks are written as plain SpreadsheetML: shared strings, real date serials with UK formats.
# Other ways staff write yes/no (the contract accepts them all); about 1 cell in 12 uses one.
_YES = ("y", "TRUE", "yes", "Y", "YES", "true", "1")
_NO = ("n", "FALSE", "no", "N", "NO", "false", "0")
_SEPARATORS = (", ",) * 16 + (";", "; ", "\n", ",")
_EPOCH = pd.Timestamp("1899-12-30")
_DATE_STYLE, _DATETIME_STYLE, _HEADER_STYLE = 1, 2, 3


class _Date(float):
    """An Excel date serial and the style (number format) it is shown with."""

    style = _DATE_STYLE


class _DateTime(float):
    style = _DATETIME_STYLE


def _cells(values: pd.Series, col: Column, rng: np.random.Generator) -> list:
    """Canonical values as staff type them: mostly tidy, some text dates, odd case and yes/no words."""
    vals = values.tolist()
    draws = rng.random(len(vals))
    picks = rng.integers(0, 1 << 30, len(vals))
    if col.kind in (Kind.DATE, Kind.DATETIME):
        stamps = pd.to_datetime(
            pd.Series([v if isinstance(v, pd.Timestamp) else pd.NaT for v in vals], dtype="datetime64[ns]")
        )
        serials = ((stamps.dt.floor("min") - _EPOCH) / pd.Timedelta(days=1)).round(8).tolist()
    out = []
    for i, (v, r, p) in enumerate(zip(vals, draws, picks)):
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, str) and col.kind not in (Kind.CHOICE, Kind.TEXT, Kind.ID):
            out.append(v)  # a planted bad cell (DQ-02), kept as typed
        elif col.kind is Kind.DATE:
            out.append(
                v.strftime("%d/%m/%Y") if r < 0.04 else v.strftime("%Y-%m-%d") if r < 0.06 else _Date(serials[i])
            )
        elif col.kind is Kind.DATETIME:
            out.append(
                v.strftime("%d/%m/%Y %H:%M")
                if r < 0.03
                else v.strftime("%Y-%m-%dT%H:%M")
                if r < 0.05
                else _DateTime(serials[i])
            )
        elif col.kind is Kind.YESNO:
            words = _YES if v else _NO
            out.append(words[p % len(words)] if r < 0.08 else "Yes" if v else "No")
        elif col.kind is Kind.IDS:
            out.append(_SEPARATORS[p % len(_SEPARATORS)].join(v) if v else None)
        elif col.kind is Kind.CHOICE and v in col.choices and r < 0.04:
            out.append(v.lower() if r < 0.02 else v.upper() if r < 0.03 else f" {v} ")
        else:
            out.append(v)
    return out


def _xml_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    keep = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<si><t{keep}>{text}</t></si>"


class _Strings:
    """The shared-strings table of one workbook."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def cell(self, ref: str, text: str, style: int = 0) -> str:
        i = self.index.setdefault(text, len(self.index))
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}" t="s"{s}><v>{i}</v></c>'

    def xml(self) -> str:
        items = "".join(_xml_text(t) for t in self.index)
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_NS}" '
            f'count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>'
        )


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _sheet_xml(columns: list[tuple[str, list]], strings: _Strings) -> str:
    letters = [column_letter(i + 1) for i in range(len(columns))]
    header = "".join(strings.cell(f"{c}1", h, _HEADER_STYLE) for c, (h, _) in zip(letters, columns))
    rows = [f'<row r="1">{header}</row>']
    for n, values in enumerate(zip(*(v for _, v in columns)), start=2):
        cells = []
        for c, v in zip(letters, values):
            if v is None:
                continue
            if isinstance(v, float):
                cells.append(f'<c r="{c}{n}" s="{v.style}"><v>{float(v)!r}</v></c>')
            else:
                cells.append(strings.cell(f"{c}{n}", str(v)))
        rows.append(f'<row r="{n}">{"".join(cells)}</row>')
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{max(12, min(40, len(h) + 4))}" customWidth="1"/>'
        for i, (h, _) in enumerate(columns, start=1)
    )
    return (
        f'{_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData></worksheet>"
    )


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def write_workbook(path: Path, wb: Workbook, frames: dict[str, pd.DataFrame], rng: np.random.Generator) -> None:
    """One .xlsx with fixed metadata and zip times, so the same content gives the same bytes."""
    strings, parts = _Strings(), []
    sheets = [s for s in wb.sheets if not s.optional or s.name in frames]  # the school's holidays: none given
    for sheet in sheets:
        frame = frames[sheet.name]
        cols = [
            (c.header, _cells(frame[c.header].astype(object), c, rng))
            for c in sheet.columns
            if c.header in frame.columns
        ]
        parts.append(_sheet_xml(cols, strings))
    n = len(parts)
    sheets = "".join(f'<sheet name="{s.name}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    ct = "application/vnd.openxmlformats-officedocument"
    files = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/core.xml": (
            f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{wb.title} (sample school)</dc:title><dc:creator>lks-audit sample</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_STAMP}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_STAMP}</dcterms:modified></cp:coreProperties>'
        ),
        "docProps/app.xml": (
            f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties">'
            "<Application>lks-audit</Application></Properties>"
        ),
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
        **{f"xl/worksheets/sheet{i}.xml": part for i, part in enumerate(parts, 1)},
        "xl/sharedStrings.xml": strings.xml(),
    }
    write_zip(path, {name: text.encode("utf-8") for name, text in files.items()}, FIXED_TIME)
