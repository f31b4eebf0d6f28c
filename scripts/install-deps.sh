#!/usr/bin/env bash
# Node dependencies, installed from the lock file; npm keeps its download cache in ~/.npm, so a
# second install on the same machine does not touch the network.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.techmarket-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --prefer-offline
echo "$want" > "$stamp"
