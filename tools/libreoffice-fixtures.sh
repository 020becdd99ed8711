#!/usr/bin/env bash
# Regenerates tests/data/libreoffice/ with LibreOffice itself, so the tests read files as a school
# using LibreOffice would send them (the tests need no LibreOffice; this script does):
#   sample-ods/, sample-xls/  the bundled sample school (examples/sample-school) saved as .ods and .xls,
#                             with its platform archives
#   errors/                   one Staff sheet of formula errors (=1/0, =NA(), =#REF!, =SQRT(-1), ="a"+1),
#                             calculated by LibreOffice and saved as .ods, .xls and .xlsx
# Run it after the sample school changes (e.g. a column added to the contract), then commit the result:
#   bash tools/libreoffice-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v soffice >/dev/null || { echo "soffice (LibreOffice) is needed: apt-get install libreoffice-calc" >&2; exit 1; }
PY=${PY:-.venv/bin/python}
out=tests/data/libreoffice
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A profile of its own: a LibreOffice already open on this machine is neither used nor disturbed.
lo() { soffice -env:UserInstallation="file://$work/profile" --headless "$@" >/dev/null; }

rm -rf "$out"
mkdir -p "$out/sample-ods" "$out/sample-xls" "$out/errors"
lo --convert-to ods --outdir "$out/sample-ods" examples/sample-school/*.xlsx
lo --convert-to xls --outdir "$out/sample-xls" examples/sample-school/*.xlsx
# The platforms' archives are not office files: the same ones sit beside the converted workbooks.
cp -r examples/sample-school/platform_exports "$out/sample-ods/"
cp -r examples/sample-school/platform_exports "$out/sample-xls/"

# The formulas are written by openpyxl without results; LibreOffice calculates them as it converts.
"$PY" - "$work/staff_training.xlsx" <<'PY'
import sys

import openpyxl

from lks_audit.schema import WORKBOOK_BY_FILE

(sheet,) = WORKBOOK_BY_FILE["staff_training.xlsx"].sheets
book = openpyxl.Workbook()
ws = book.active
ws.title = sheet.name
ws.append(list(sheet.headers))
# Columns: A Staff ID, B Name, C Role, D Type, E Start date, ..., G Policy read on.
ws.append(["S1", "Ann Example", "=1/0", "Employee", "=NA()", None, "02/09/2025"])
ws.append(["S2", "=#REF!", "Teacher", "Employee", "01/09/2020", None, "=SQRT(-1)"])
ws.append(["S3", "Bob Example", '="a"+1', "Volunteer", "01/09/2021", None, "03/09/2025"])
book.save(sys.argv[1])
PY
for format in ods xls xlsx; do
  lo --convert-to "$format" --outdir "$out/errors" "$work/staff_training.xlsx"
done
ls -R "$out"
