#!/usr/bin/env bash
# Installs what a new machine lacks for the whole test suite, and only that:
# - Debian packages: chromium (browser tests), poppler-utils (pdftotext/pdftoppm for PDF tests),
#   libharfbuzz-subset0 (WeasyPrint imports cleanly with it);
# - the npm package axe-core (accessibility audit), from package-lock.json.
# Safe to run twice. Without root it installs nothing and says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)

if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "install-system-deps: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "install-system-deps: missing ${missing[*]} (run as root, or install them): browser/PDF tests will fail" >&2
  fi
fi

if [ -f package.json ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --silent --no-audit --no-fund >/dev/null 2>&1 || npm install --silent --no-audit --no-fund >/dev/null
  else
    echo "install-system-deps: npm is missing: the accessibility audit cannot run" >&2
  fi
fi
