#!/usr/bin/env bash
# Installs LibreOffice (Debian's libreoffice-calc-nogui) if it is missing: the tests make real office
# files with it (an edited plan saved by LibreOffice, a formula workbook opened and saved). Skips quietly
# what is already there; without root or apt-get the tests that need it say why they are skipped.
set -euo pipefail
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian libreoffice-calc-nogui for the office-file tests..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null
  else
    echo "soffice not found and cannot be installed here: LibreOffice tests will be skipped" >&2
  fi
fi
