#!/usr/bin/env bash
# The first command of the README: everything from a fresh clone to a loaded warehouse.
# Installs what is missing, starts the local infrastructure, migrates, seeds demo data (scale 1,
# only when the sources are empty) and runs the pipeline once.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${TECHMARKET_DEMO_SCALE:-1}
bash scripts/install-deps.sh
tm() { node bin/techmarket.js "$@"; }
tm infra up
tm db migrate
if tm seed --scale "$scale" --json >/tmp/techmarket-seed.json 2>/tmp/techmarket-seed.err; then
  echo "seeded scale $scale"
elif grep -q "already hold data" /tmp/techmarket-seed.json /tmp/techmarket-seed.err; then
  echo "sources already hold data: keeping them (reseed with: techmarket seed --scale $scale --reset)"
else
  cat /tmp/techmarket-seed.err /tmp/techmarket-seed.json >&2
  exit 1
fi
tm etl run --local
tm etl status
