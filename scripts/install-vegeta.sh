#!/usr/bin/env bash
# vegeta (Go module proxy), built into the cache folder, for bench:services' constant-arrival-rate
# load (docs/decisions/0034-constant-arrival-rate-load.md). Pinned; a second run with the same
# version changes nothing. Prints the path of the vegeta executable.
set -euo pipefail
version=v12.13.0
cache=${TECHMARKET_CACHE:-$HOME/.cache/techmarket}
bin=$cache/vegeta-$version/vegeta
if [ ! -x "$bin" ]; then
  GOBIN=$(dirname "$bin") GOFLAGS=-mod=mod GOPATH=$cache/go GOMODCACHE=$cache/go/mod \
    go install "github.com/tsenart/vegeta/v12@$version" >&2
fi
echo "$bin"
