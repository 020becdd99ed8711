"""Files we generate written so that the same content gives the same bytes: every zip entry (an .xlsx is a zip)
stamped with a fixed time instead of the clock's, in the order given. For the blank templates, the sample school's
workbooks and its platforms' archives alike."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

#: A zip entry's time: year, month, day, hour, minute, second.
ZipTime = tuple[int, int, int, int, int, int]


def zip_bytes(files: dict[str, bytes], stamped: ZipTime, mode: int | None = None) -> bytes:
    """``files`` (name -> content) as one deflated zip, each entry stamped ``stamped``; ``mode``: the entries' Unix
    permissions, where the archive shows them (left to zipfile's default without)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamped)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode is not None:
                info.external_attr = mode << 16
            zf.writestr(info, data)
    return out.getvalue()


def write_zip(path: Path, files: dict[str, bytes], stamped: ZipTime) -> None:
    """Write ``files`` to ``path`` as :func:`zip_bytes` makes them."""
    Path(path).write_bytes(zip_bytes(files, stamped))


def restamped(zipped: bytes, stamped: ZipTime) -> bytes:
    """A zip another library wrote with the clock's times (openpyxl's .xlsx), its entries stamped ``stamped``."""
    with zipfile.ZipFile(io.BytesIO(zipped)) as source:
        return zip_bytes({entry.filename: source.read(entry) for entry in source.infolist()}, stamped)
