"""Hostile workbooks, generated at test time: no opaque binary blob is committed.

Each maker returns the bytes of one file a school's data folder might really
hold: broken or foreign files under a contract name, zip bombs, XML entity
bombs, and real workbooks patched at the XML level where openpyxl cannot
write what Excel (or an attacker) can. ``write_zip`` is a small zip writer of
our own so a part's declared size can differ from what it holds.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The classic "billion laughs": ten levels of ten references, 10^9 copies of "lol" once expanded.
BILLION_LAUGHS = (
    '<!DOCTYPE {root} [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- zip parts ---------------------------------------------------------------------------------


def parts(data: bytes) -> dict[str, bytes]:
    """The parts of a zip, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _member(name: str, body: bytes) -> tuple[str, bytes, int, int]:
    """An honest member for :func:`write_zip`."""
    return name, _deflate(body), zlib.crc32(body), len(body)


def write_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A deflated zip of (name, raw deflate stream, crc32, declared uncompressed size) members."""
    out = io.BytesIO()
    central = []
    for name, stream, crc, declared in members:
        n = name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), declared, len(n), 0)
            + n
            + stream
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                declared,
                len(n),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + n
        )
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def rezip(data: bytes, edits: dict[str, bytes]) -> bytes:
    """``data`` with some parts replaced or added (a real zip, sizes honest)."""
    members = {**parts(data), **edits}
    return write_zip([_member(name, body) for name, body in members.items()])


def first_sheet(data: bytes) -> str:
    return sorted(n for n in parts(data) if n.startswith("xl/worksheets/sheet"))[0]


# --- files that are not workbooks ----------------------------------------------------------------


def empty() -> bytes:
    return b""


def csv_renamed() -> bytes:
    return "Staff ID,Name,Role\r\nS1,Siân Jones,Teacher\r\n".encode("cp1252")


def html_renamed() -> bytes:
    # What "Export to Excel" on many web systems really saves: an HTML table named .xls/.xlsx.
    return (
        b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
        b"<body><table><tr><th>Interaction ID</th></tr><tr><td>I1</td></tr></table></body></html>"
    )


def truncated(good: bytes) -> bytes:
    """A download cut off half way: the central directory at the end is gone."""
    return good[: len(good) // 2]


def xls_like() -> bytes:
    """An OLE2 compound file header and sectors of junk, as an Excel 97-2003 file starts.

    Not a complete BIFF8 workbook: no writer for one is installed, and the intake check decides on
    the OLE signature (and the absence of an EncryptionInfo stream) before any parser runs.
    """
    header = OLE_MAGIC + b"\0" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9) + b"\0" * 6
    return header.ljust(512, b"\xff") + "Workbook".encode("utf-16-le").ljust(64, b"\0") + bytes(4096)


def ods(headers: list[str]) -> bytes:
    """A real minimal OpenDocument spreadsheet (LibreOffice opens it) with one header row."""
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in headers
    )
    content = (
        _XML_DECL + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Policy"><table:table-row>{cells}'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        _XML_DECL + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        # The spec wants mimetype first and stored, so tools can sniff it at a fixed offset.
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def password_protected(good: bytes, password: str = "Passw0rd!") -> bytes:
    """What Excel saves with File > Info > Protect Workbook > Encrypt with Password."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt(password, out)
    return out.getvalue()


# --- bombs ---------------------------------------------------------------------------------------


def _repeated_deflate(unit: bytes, times: int) -> bytes:
    """The raw deflate of ``unit * times`` without compressing it all.

    After a full flush the compressor starts afresh, so every flushed segment of the same input is
    the same bytes: one compression, then byte repetition. 1 MiB of one letter deflates to ~1 KB.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)) * times


def _split_for_row2(xml: str) -> tuple[str, str]:
    """The sheet XML around the spot for a new row 2 (the source must hold its header row only)."""
    assert '<row r="2"' not in xml, "the source sheet must hold its header row only"
    cut = xml.index("</sheetData>")
    return xml[:cut], xml[cut:]


def zip_bomb(good: bytes, gib: int = 2) -> bytes:
    """``good`` whose first sheet gets a cell A2 of ``gib`` GiB of the letter A (~1 MB per GiB here).

    The sizes are declared honestly: the refusal must come from reading them. The CRC is not computed
    (hashing gigabytes would make the test heavy); a parser expands the data before it can check it.
    """
    sheet = first_sheet(good)
    before, after = _split_for_row2(parts(good)[sheet].decode())
    head = (before + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode()
    tail = ("</t></is></c></row>" + after).encode()
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH) + _repeated_deflate(b"A" * 2**20, gib * 1024)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream += c.compress(tail) + c.flush()
    size = len(head) + gib * 2**30 + len(tail)
    return write_zip(
        [(name, stream, 0, size) if name == sheet else _member(name, body) for name, body in parts(good).items()]
    )


def lying_zip_bomb(good: bytes, mib: int = 300) -> bytes:
    """A sheet part that holds ``mib`` MiB more than it declares: the central directory lies.

    The declared size is the original sheet's, so the compression ratio looks harmless; the extra
    megabytes are white space before ``</sheetData>``, valid XML for a parser that reads on.
    """
    sheet = first_sheet(good)
    xml = parts(good)[sheet]
    cut = xml.index(b"</sheetData>")
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = c.compress(xml[:cut]) + c.flush(zlib.Z_FULL_FLUSH) + _repeated_deflate(b" " * 2**20, mib)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream += c.compress(xml[cut:]) + c.flush()
    return write_zip(
        [
            (name, stream, zlib.crc32(xml), len(xml)) if name == sheet else _member(name, body)
            for name, body in parts(good).items()
        ]
    )


def with_entities_in_sheet(good: bytes) -> bytes:
    """``good`` whose first sheet declares the billion laughs and uses it in a new cell A2."""
    sheet = first_sheet(good)
    before, after = _split_for_row2(parts(good)[sheet].decode())
    xml = before + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>' + after
    xml = re.sub(
        r"^(<\?xml[^>]*\?>\s*)?",
        lambda m: (m.group(0) or _XML_DECL) + BILLION_LAUGHS.format(root="worksheet"),
        xml,
        count=1,
    )
    return rezip(good, {sheet: xml.encode()})


def with_dtd(good: bytes, part: str, root: str) -> bytes:
    """``good`` whose XML ``part`` declares the billion laughs in its prolog (any zipped format)."""
    xml = parts(good)[part].decode()
    xml = re.sub(
        r"^(<\?xml[^>]*\?>\s*)?",
        lambda m: (m.group(0) or _XML_DECL) + BILLION_LAUGHS.format(root=root),
        xml,
        count=1,
    )
    return rezip(good, {part: xml.encode()})


def with_bomb_part(good: bytes, name: str = "Thumbnails/bomb.xml", gib: int = 2) -> bytes:
    """``good`` with one more part declaring (honestly) ``gib`` GiB of the letter A (any zipped format)."""
    bomb = (name, _repeated_deflate(b"A" * 2**20, gib * 1024), 0, gib * 2**30)
    return write_zip([_member(n, body) for n, body in parts(good).items()] + [bomb])


def oversized_ole(path: Path, mib: int = 201) -> None:
    """An OLE2 (.xls) file of ``mib`` MiB, written sparse so the test stays light."""
    with open(path, "wb") as fh:
        fh.write(OLE_MAGIC + bytes(504))
        fh.truncate(mib * 2**20)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shared_strings_workbook(sheet: str, rows: list[list[str]], dtd: str = "") -> bytes:
    """A minimal real .xlsx written by hand whose cells are all shared strings (as Excel saves them).

    ``dtd`` goes in front of the shared strings part; its entity ``&lol9;`` is used in the first string
    of row 2, so a parser that expanded entities would build 3 GB of text.
    """
    strings: list[str] = []
    sheet_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            strings.append(value)
            cells.append(f'<c r="{chr(65 + c)}{r}" t="s"><v>{len(strings) - 1}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    items = [f"<si><t>{_xml_escape(s)}</t></si>" for s in strings]
    if dtd:
        items[len(rows[0])] = "<si><t>&lol9;</t></si>"
    files = {
        "[Content_Types].xml": _XML_DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": _XML_DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": _XML_DECL + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _XML_DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": _XML_DECL + f'<worksheet xmlns="{_MAIN_NS}"><sheetData>{"".join(sheet_rows)}'
        "</sheetData></worksheet>",
        "xl/sharedStrings.xml": _XML_DECL + dtd + f'<sst xmlns="{_MAIN_NS}" count="{len(items)}" '
        f'uniqueCount="{len(items)}">{"".join(items)}</sst>',
    }
    return write_zip([_member(name, body.encode()) for name, body in files.items()])


# --- real workbooks, patched where openpyxl cannot write what Excel can ----------------------------


def patch_sheet(path: Path, sheet_part: str, edit) -> None:
    """Rewrite one worksheet part of ``path`` with ``edit(xml text) -> xml text``."""
    data = path.read_bytes()
    path.write_bytes(rezip(data, {sheet_part: edit(parts(data)[sheet_part].decode()).encode()}))


def set_cell_xml(xml: str, ref: str, new: str) -> str:
    """Replace cell ``ref`` by ``new`` (an XML ``<c>`` element); ``{s}`` in ``new`` keeps the cell's style."""
    m = re.search(rf'<c r="{ref}"(?: [^>]*?)?(?:/>|>.*?</c>)', xml, re.S)
    assert m, f"no cell {ref}"
    style = re.search(r' s="(\d+)"', m.group(0))
    return xml[: m.start()] + new.replace("{s}", f' s="{style.group(1)}"' if style else "") + xml[m.end() :]


def blank_formatted_rows(xml: str, first: int, count: int, style: int, columns: str = "AB") -> str:
    """``count`` rows of styled empty cells, as Excel keeps after someone formats whole rows."""
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}" s="{style}"/>' for col in columns) + "</row>"
        for r in range(first, first + count)
    )
    xml = xml.replace("</sheetData>", rows + "</sheetData>")
    return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{columns[-1]}{first + count - 1}"', xml)


def claim_dimension(xml: str, ref: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)


def excel_lock_file(user: str = "J Smith") -> bytes:
    """Excel's ``~$name.xlsx`` owner file: the user's name twice (ANSI, then UTF-16), 165 bytes."""
    ansi = bytes([len(user)]) + user.encode("latin-1").ljust(53, b" ")
    wide = struct.pack("<H", len(user)) + user.encode("utf-16-le")
    return (ansi + wide).ljust(165, b"\x20")


def ds_store() -> bytes:
    return b"\x00\x00\x00\x01Bud1" + bytes(2048)


def thumbs_db() -> bytes:
    return OLE_MAGIC + bytes(1024)


# --- platform archives (platform-exports.md): hostile zips and folders -------------------------------------

#: An X archive's posts file starts so, whatever follows.
YTD_TWEETS = b"window.YTD.tweets.part0 = "


def archive(members: dict[str, bytes]) -> bytes:
    """An honest zip of ``members`` (an archive as a platform's download gives it)."""
    return write_zip([_member(name, body) for name, body in members.items()])


def archive_zip_bomb(gib: int = 2) -> bytes:
    """An X archive whose ``data/tweets.js`` declares (honestly) ``gib`` GiB: about 1 MB per GiB here."""
    stream = _repeated_deflate(b" " * 2**20, gib * 1024)
    return write_zip([_member("data/account.js", b"window.YTD.account.part0 = []"),
                      ("data/tweets.js", stream, 0, gib * 2**30)])  # fmt: skip


def archive_compressed_like_a_bomb(mib: int = 150) -> bytes:
    """An X archive whose ``data/tweets.js`` is ``mib`` MiB of one letter: under the size limit, but compressed
    as only a bomb is."""
    stream = _repeated_deflate(b"[" * 2**20, mib)
    return write_zip([("data/tweets.js", stream, 0, mib * 2**20)])


def archive_lying_about_sizes(mib: int = 300) -> bytes:
    """An X archive whose ``data/tweets.js`` holds ``mib`` MiB more than its header declares."""
    honest = YTD_TWEETS + b"[]"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = c.compress(honest) + c.flush(zlib.Z_FULL_FLUSH) + _repeated_deflate(b" " * 2**20, mib)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream += c.compress(b"") + c.flush()
    return write_zip([("data/tweets.js", stream, zlib.crc32(honest), len(honest))])


def archive_climbing_out() -> bytes:
    """Members whose paths climb out of the archive (as a zip-slip attack writes them), beside a good one."""
    return archive({
        "data/account.js": b'window.YTD.account.part0 = [{"account": {"username": "LKS", "accountId": "1"}}]',
        "../../outside/tweets.js": YTD_TWEETS + b"[]",
        "data/../../../escape/data/tweets.js": YTD_TWEETS + b"[]",
        "/etc/cron.d/data/tweets.js": YTD_TWEETS + b"[]",
    })  # fmt: skip


def archive_symlink_member(target: str = "/etc/passwd") -> bytes:
    """``data/tweets.js`` as a symbolic link member (Unix mode 0o120777) pointing at ``target``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        link = zipfile.ZipInfo("data/tweets.js", date_time=(2026, 9, 1, 0, 0, 0))
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        zf.writestr(link, target)
    return out.getvalue()


def archive_not_utf8() -> bytes:
    """An X archive whose posts file is Latin-1 text with bytes that are not UTF-8."""
    text = YTD_TWEETS + '[{"tweet": {"id_str": "1", "full_text": "Café"}}]'.encode("latin-1") + b"\xff\xfe"
    return archive({"data/tweets.js": text})


def archive_nested_too_deep(depth: int = 200_000) -> bytes:
    """An X archive whose posts file nests arrays ``depth`` deep (a recursion bomb for a JSON parser)."""
    return archive({"data/tweets.js": YTD_TWEETS + b"[" * depth + b"]" * depth})


def sparse_file(path: Path, gib: int = 2, head: bytes = YTD_TWEETS + b"[") -> None:
    """A ``gib`` GiB file (the rest holes: the test stays light), as an extracted archive's huge JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(gib * 2**30)
