#!/usr/bin/env bash
# browser.sh — makes sure a headless Chromium from Debian's packages is installed for the report
# test (test/cli/audit-browser.test.ts), and prints its path. Installs the `chromium` package with
# apt-get when it is missing (root, or sudo without a password); runs `apt-get update` first only
# when the package lists do not know the package yet. Idempotent and quick once installed.
#
# Environment: CHROMIUM (use this binary instead; nothing is installed).
set -euo pipefail

log() { echo "[browser] $*" >&2; }
die() { echo "[browser] ERROR: $*" >&2; exit 1; }

if [ -n "${CHROMIUM:-}" ]; then
  [ -x "$CHROMIUM" ] || die "CHROMIUM=$CHROMIUM is not an executable"
  echo "$CHROMIUM"
  exit 0
fi
if [ -x /usr/bin/chromium ]; then
  echo /usr/bin/chromium
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || die "chromium is not installed and installing it needs root: apt-get install -y chromium"
  SUDO="sudo -n"
fi
command -v apt-get >/dev/null || die "chromium is not installed and there is no apt-get: install Debian's chromium package, or set CHROMIUM"

# Two test runs starting at once must not run apt-get over each other.
exec 9>/tmp/.netpol-guard-browser-lock
flock 9
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show chromium >/dev/null 2>&1; then
    log "apt-get update (the package lists do not know chromium yet)"
    $SUDO apt-get update -qq >&2 || die "apt-get update failed"
  fi
  log "installing Debian's chromium package"
  $SUDO apt-get install -y -qq --no-install-recommends chromium >&2 || die "apt-get install chromium failed"
fi
[ -x /usr/bin/chromium ] || die "the chromium package installed no /usr/bin/chromium"
echo /usr/bin/chromium
