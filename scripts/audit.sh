#!/usr/bin/env bash
# Fails on high or critical advisories for production dependencies. When the registry offers no
# audit endpoint (some mirrors answer 405), says so and passes: that is a gap in the mirror, not
# a finding; the dependency list is still pinned in package-lock.json.
set -uo pipefail
out="$(npm audit --omit=dev --audit-level=high 2>&1)"
code=$?
echo "$out" | grep -v 'Unknown user config' || true
if [ $code -ne 0 ] && echo "$out" | grep -qE 'audit endpoint returned an error|405 Method Not Allowed|ENOAUDIT'; then
  echo "npm audit: the registry has no audit endpoint here; skipped (dependencies stay pinned in package-lock.json)"
  exit 0
fi
exit $code
