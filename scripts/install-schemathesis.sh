#!/usr/bin/env bash
# schemathesis (PyPI) in a venv of its own under the cache folder, for the API fuzzing test
# (tests/services/fuzz.test.ts). Pinned; a second run with the same version changes nothing.
# Prints the path of the st executable.
set -euo pipefail
version=4.32.5
cache=${TECHMARKET_CACHE:-$HOME/.cache/techmarket}
venv=$cache/schemathesis-$version
if [ ! -x "$venv/bin/st" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$venv/bin/st"
