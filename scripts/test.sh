#!/usr/bin/env bash
# The README's test command (and all that .ci/run calls): installs what is missing, checks types and
# lint (Biome, floating promises, SQL), then runs the whole suite against real servers, which its
# global setup brings up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npx tsc --noEmit -p .
npx biome check --error-on-warnings .
# typescript-eslint for its one type-aware rule Biome lacks: no floating promises
npx eslint --max-warnings 0 .
# sqlfluff over the templated SQL in sql/ (installs itself into the cache on first use)
bash scripts/sql-lint.sh
npx vitest run "$@"
