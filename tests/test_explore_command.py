"""``lks-audit explore``: the DPO's notebook copied owner-only into a private folder, its parameters filled in, and
a real JupyterLab answering on it until it is stopped."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from lks_audit.handover import ExploreParameters
from lks_audit.lab import prepare

from school import SAMPLE_SCHOOL

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
TOKEN = "lks-audit-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, method: str = "GET"):
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def _parameters(notebook: Path) -> str:
    nb = nbformat.read(str(notebook), as_version=4)
    return next(c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))


def test_explore_starts_jupyterlab_on_a_private_copy_and_stops(tmp_path):
    port, work = _free_port(), tmp_path / "work"
    env = {
        **os.environ,
        "JUPYTER_TOKEN": TOKEN,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    args = [LKS_AUDIT, "explore", SAMPLE_SCHOOL, "--year", "2025/26", "--as-of", "31/08/2026", "--work", work]
    lab = subprocess.Popen(
        [str(a) for a in args + ["--no-browser", "--port", str(port)]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _ = _get(f"{base}/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                assert lab.poll() is None and time.monotonic() < deadline, lab.stdout.read()[-3000:]
                time.sleep(0.5)
        assert status == 200
        listed = json.loads(_get(f"{base}/api/contents")[1])
        assert [item["name"] for item in listed["content"]] == ["explore.ipynb"]
        assert _get(f"{base}/lab/tree/explore.ipynb")[0] == 200
        _get(f"{base}/api/shutdown", method="POST")
        assert lab.wait(timeout=60) == 0
    finally:
        if lab.poll() is None:
            lab.kill()
            lab.wait()
    printed = lab.stdout.read()
    folder = work / "little-kinvaston-school-2025-26"
    notebook = folder / "explore.ipynb"
    assert f"wrote {notebook}" in printed
    assert stat.S_IMODE(work.stat().st_mode) == stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(notebook.stat().st_mode) == 0o600
    injected = _parameters(notebook)
    assert f'data_dir = "{SAMPLE_SCHOOL}"' in injected and 'year = "2025-26"' in injected
    assert 'as_of = "2026-08-31"' in injected


def test_an_earlier_copy_is_kept_and_the_data_folder_refused(tmp_path):
    work = tmp_path / "work"
    first = prepare(ExploreParameters(data_dir=SAMPLE_SCHOOL, year="2025-26"), work=work)
    first.notebook.write_text(first.notebook.read_text().replace("Overview by area", "Overview: my notes"))
    again = prepare(ExploreParameters(data_dir=SAMPLE_SCHOOL, year="2025-26", as_of="2026-07-31"), work=work)
    assert again.notebook == first.notebook and again.kept.name.startswith("explore.replaced-")
    assert "my notes" in again.kept.read_text() and 'as_of = "2026-07-31"' in _parameters(again.notebook)
    for path in (again.notebook, again.kept):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    inside = subprocess.run(
        [str(LKS_AUDIT), "explore", str(SAMPLE_SCHOOL), "--year", "2025-26", "--work", str(SAMPLE_SCHOOL / "lab")],
        capture_output=True,
        text=True,
    )
    assert inside.returncode == 2 and "inside the data folder" in inside.stderr
    assert "Traceback" not in inside.stderr and not (SAMPLE_SCHOOL / "lab").exists()


@pytest.mark.parametrize("bad", [["--previous", "nowhere"], ["--as-of", "31/08/2027"]])
def test_options_are_refused_as_report_refuses_them(tmp_path, bad):
    proc = subprocess.run(
        [str(LKS_AUDIT), "explore", str(SAMPLE_SCHOOL), "--year", "2025-26", "--work", str(tmp_path), *bad],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and proc.stderr.startswith("lks-audit: ") and not list(tmp_path.iterdir())


def test_without_the_interactive_extra_it_says_how_to_install_it(tmp_path):
    # itables made unimportable, as in an environment without the extra.
    code = "import sys; sys.modules['itables'] = None; from lks_audit.cli import run; run()"
    args = ["explore", str(SAMPLE_SCHOOL), "--year", "2025-26", "--work", str(tmp_path / "work")]
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "needs itables" in proc.stderr and "pip install 'lks-audit[interactive]'" in proc.stderr
    assert not (tmp_path / "work").exists()
