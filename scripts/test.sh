#!/usr/bin/env bash
# The README's test command (and all that .ci/run calls): installs what is missing, checks types and
# lint, then runs the whole suite against real servers, which its global setup brings up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npx tsc --noEmit -p .
npx biome check --error-on-warnings .
npx vitest run "$@"
