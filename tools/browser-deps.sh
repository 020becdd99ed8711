#!/usr/bin/env bash
# Installs what the browser tests need, if it is missing: Debian's chromium and
# axe-core from npm (into tests/.node). Skips quietly what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian chromium for the browser tests..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium not found and cannot be installed here: browser tests will be skipped" >&2
  fi
fi
if [ ! -f tests/.node/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    mkdir -p tests/.node
    npm install --silent --prefix tests/.node axe-core@4 >/dev/null
  else
    echo "npm not found: accessibility tests will be skipped" >&2
  fi
fi
