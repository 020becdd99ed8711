"""``lks-audit templates`` and ``lks-audit sample`` never write over contract workbooks: they refuse a folder
that holds any (naming them), and with --force keep the old ones beside, renamed; they list what they wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

from lks_audit.schema import WORKBOOKS

from school import SIGNED_POLICY, write_school

LKS_AUDIT = Path(sys.executable).parent / "lks-audit"
FILES = [wb.file for wb in WORKBOOKS]


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(LKS_AUDIT), *map(str, args)], capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_templates_refuse_a_filled_folder_and_change_nothing(tmp_path):
    write_school(tmp_path, Policy=[SIGNED_POLICY])
    (tmp_path / "notes.txt").write_text("ours")
    before = snapshot(tmp_path)
    proc = run_cli("templates", tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        f"lks-audit: {tmp_path} already holds accounts_register.xlsx, account_applications.xlsx, "
        "staff_training.xlsx, image_consent.xlsx, posts_log.xlsx, interactions_log.xlsx, incidents_log.xlsx, "
        "school_settings.xlsx: nothing was written (use --force to replace them; the old ones are then kept "
        "beside, renamed)\n"
    )
    assert snapshot(tmp_path) == before


def test_templates_refuse_even_one_workbook_whatever_its_case(tmp_path):
    (tmp_path / "Posts_Log.xlsx").write_bytes(b"filled in by the office")
    proc = run_cli("templates", tmp_path)
    assert proc.returncode == 2 and "already holds Posts_Log.xlsx: nothing was written" in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["Posts_Log.xlsx"]


def test_templates_write_and_list_every_file_into_a_new_folder(tmp_path):
    proc = run_cli("templates", tmp_path / "new")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"wrote {tmp_path / 'new' / f}" for f in FILES]


def test_templates_force_keeps_the_old_workbooks_beside_renamed(tmp_path):
    write_school(tmp_path, Policy=[SIGNED_POLICY])
    before = snapshot(tmp_path)
    proc = run_cli("templates", tmp_path, "--force")
    assert proc.returncode == 0, proc.stderr
    kept = {line.split(" as ")[0].removeprefix("kept the old "): Path(line.split(" as ")[1])
            for line in proc.stdout.splitlines() if line.startswith("kept")}  # fmt: skip
    assert sorted(kept) == sorted(before)
    for name, copy in kept.items():
        assert copy.parent == tmp_path and copy.name.startswith(name.removesuffix(".xlsx") + ".replaced-")
        assert copy.read_bytes() == before[name]  # what the office typed, untouched
    policy = openpyxl.load_workbook(tmp_path / "school_settings.xlsx")["Policy"]
    assert policy.max_row == 1, "a blank template is written in its place"
    assert [line for line in proc.stdout.splitlines() if line.startswith("wrote")] == [
        f"wrote {tmp_path / f}" for f in FILES
    ]


def test_sample_refuses_a_filled_folder_and_writes_the_earlier_year_on_force(tmp_path):
    write_school(tmp_path, Policy=[SIGNED_POLICY])
    before = snapshot(tmp_path)
    refused = run_cli("sample", tmp_path, "--year", "2024/25")
    assert refused.returncode == 2 and "already holds accounts_register.xlsx" in refused.stderr
    assert snapshot(tmp_path) == before

    forced = run_cli("sample", tmp_path, "--year", "2024/25", "--force")
    assert forced.returncode == 0, forced.stderr
    lines = forced.stdout.splitlines()
    assert sum(line.startswith("kept the old ") for line in lines) == len(before)
    # The year before has no DPO review: eight workbooks written, each listed.
    assert [line for line in lines if line.startswith("wrote")] == sorted(
        f"wrote {tmp_path / f}" for f in FILES if f != "dpo_review.xlsx"
    )
    assert lines[-1] == f"the sample school's 2024-25 (seed 2026, scale 1) is in {tmp_path}"


def test_sample_refuses_a_year_it_does_not_have(tmp_path):
    proc = run_cli("sample", tmp_path, "--year", "2023-24")
    assert proc.returncode == 2
    assert proc.stderr == "lks-audit: --year: the sample school has the years 2024-25 and 2025-26, not 2023-24\n"
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_sample_never_writes_over_platform_archives_someone_put_there(tmp_path):
    """The 2025-26 sample writes platform_exports/: a folder already holding one is refused, and on --force
    kept beside, renamed, like the workbooks."""
    ours = tmp_path / "platform_exports" / "ACC-001.zip"
    ours.parent.mkdir()
    ours.write_bytes(b"the school's own download")
    refused = run_cli("sample", tmp_path)
    assert refused.returncode == 2 and "already holds platform_exports" in refused.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["platform_exports"] and ours.read_bytes().startswith(b"the")
    forced = run_cli("sample", tmp_path, "--force")
    assert forced.returncode == 0, forced.stderr
    (kept,) = tmp_path.glob("platform_exports.replaced-*")
    assert (kept / "ACC-001.zip").read_bytes() == b"the school's own download"
    assert f"wrote {tmp_path / 'platform_exports'}" in forced.stdout.splitlines()
    assert sorted(p.name for p in (tmp_path / "platform_exports").iterdir()) == [
        "ACC-001.zip", "ACC-002.zip", "ACC-003.zip", "ACC-004"
    ]  # fmt: skip
