"""The platforms' archives (issue 22): how fast they are read, against json.loads of the same text.

* ``x_reader``: an X archive of 100,000 posts (``data/tweets.js`` as X writes it, synthetic, from the sample
  school's captions) read by lks-audit's reader, and ``json.loads`` of the same text, interleaved in one fresh
  process, best of ``repeat`` each; target: the reader within 2x.
* :data:`ARCHIVES_READ`: the floor for the whole check with archives: every data file of every archive of a
  folder (``.js``, ``.json``, ``.csv``, in zips or not) unzipped and parsed with ``json`` or ``csv`` alone.

    python benchmarks/archive_benchmark.py [--repeat 5]

The 100,000-post archive is generated once into benchmarks/.cache/ (about 90 MB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
X_POSTS = 100_000

#: The archives' floor: what any reader of these archives must do, with the standard library alone.
ARCHIVES_READ = """
import csv, io, json, sys, zipfile
from pathlib import Path
files = 0
def parse(name, data):
    global files
    if name.endswith((".js", ".json")):
        text = data.decode("utf-8")
        start = min(i for i in (text.find("["), text.find("{")) if i >= 0)
        json.JSONDecoder().raw_decode(text, start)
    elif name.endswith(".csv"):
        list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    else:
        return
    files += 1
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    parse(info.filename, zf.read(info))
    elif path.is_file():
        parse(path.name, path.read_bytes())
print(files)
"""

_MAKE_X = """
import sys
from pathlib import Path
from lks_audit.sample import platform_writers as w
from lks_audit.platforms.records import Record
from lks_audit.sample import build_sample
frames, _ = build_sample()
texts = frames["Posts"]["Post text"].tolist()
start = 1_735_689_600_000  # 1 January 2025, UTC
posts = [Record(w.snowflake(start + i * 300_000, i % 4096), start + i * 300_000, texts[i % len(texts)])
         for i in range(int(sys.argv[2]))]
archive = w.x_archive("LittleKinvaston", "1301234567890", posts)
w.write_archive(archive, Path(sys.argv[1]) / "platform_exports" / "ACC-003", "folder")
"""

_MEASURE_X = """
import json, sys, time
from pathlib import Path
from lks_audit.platforms import read_exports
folder = Path(sys.argv[1])
text = (folder / "platform_exports" / "ACC-003" / "data" / "tweets.js").read_text(encoding="utf-8")
start = text.index("[")
floor, reader = [], []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); json.loads(text[start:]); floor.append(time.perf_counter() - t)
    t = time.perf_counter(); exports = read_exports(folder, None); reader.append(time.perf_counter() - t)
posts = len(exports.archives[0].posts)
print(json.dumps({"floor": floor, "reader": reader, "posts": posts, "mb": len(text.encode()) / 2**20}))
"""


def x_archive_folder(posts: int = X_POSTS) -> Path:
    """A data folder whose ``platform_exports/ACC-003/`` is an X archive of ``posts`` posts, made once."""
    folder = CACHE / f"x-{posts // 1000}k"
    if not (folder / "platform_exports" / "ACC-003" / "data" / "tweets.js").exists():
        subprocess.run([sys.executable, "-c", _MAKE_X, str(folder), str(posts)], check=True)
    return folder


def x_reader(repeat: int = 5) -> dict:
    """The X reader and json.loads on the same 100,000 posts, interleaved in one fresh process: every time."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE_X, str(x_archive_folder()), str(repeat)], capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = x_reader(args.repeat)
    ratios = [r / f for r, f in zip(result["reader"], result["floor"])]
    print(
        f"X archive of {result['posts']:,} posts ({result['mb']:.0f} MB): "
        f"json.loads best {min(result['floor']):.2f} s, "
        f"reader best {min(result['reader']):.2f} s, ratio {min(result['reader']) / min(result['floor']):.2f}x "
        f"(per pair {min(ratios):.2f} to {max(ratios):.2f}x); target <= 2.0"
    )


if __name__ == "__main__":
    main()
