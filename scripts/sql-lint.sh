#!/usr/bin/env bash
# SQL lint: sqlfluff (PostgreSQL dialect, jinja templater) over the nunjucks models in sql/, with the
# renderer's functions and filters stubbed in ops/sqlfluff/ (nunjucks templates here are jinja-compatible).
# sqlfluff is a Python tool: installed once, pinned, into a virtualenv in the project's cache.
set -euo pipefail
cd "$(dirname "$0")/.."
SQLFLUFF_VERSION=4.5.0
venv="${TECHMARKET_CACHE:-$HOME/.cache/techmarket}/sqlfluff-$SQLFLUFF_VERSION"
if [ ! -x "$venv/bin/sqlfluff" ]; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    apt-get install -y -q python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "sqlfluff==$SQLFLUFF_VERSION"
fi
exec "$venv/bin/sqlfluff" lint --disable-progress-bar --nocolor "${@:-sql/}"
