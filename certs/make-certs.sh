#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook Service SERVICE in NAMESPACE, with openssl.
# Prints the base64 caBundle for the webhook configurations; with --secret, also the kubectl command
# that stores the serving pair as a TLS Secret. See certs/README.md for the other ways to get
# certificates (the server's own development certificates, the Helm chart, cert-manager).
set -euo pipefail

usage() {
  cat <<EOF
Usage: $(basename "$0") [--secret] [--force] [--days N] SERVICE NAMESPACE [OUTDIR]

Writes OUTDIR/ca.crt, ca.key, tls.crt, tls.key and cabundle.b64 (default OUTDIR: certs/out/SERVICE.NAMESPACE).
The serving certificate (ECDSA P-256, serverAuth) is valid for:
  SERVICE, SERVICE.NAMESPACE, SERVICE.NAMESPACE.svc, SERVICE.NAMESPACE.svc.cluster.local

Standard output: the base64 caBundle on one line; with --secret, then the kubectl command.

Options:
  --secret   also print 'kubectl create secret tls SERVICE-tls ...' for NAMESPACE
  --force    replace certificates already in OUTDIR (a new CA: update every caBundle)
  --days N   serving certificate validity in days (default 365; the CA gets 3650)
  -h, --help this text

Example:
  $(basename "$0") --secret netpol-guard netpol-guard
EOF
}

die() {
  echo "make-certs: $*" >&2
  exit 1
}

secret=false
force=false
days=365
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --secret) secret=true ;;
    --force) force=true ;;
    --days)
      [[ $# -ge 2 ]] || die "--days needs a value"
      days="$2"
      shift
      ;;
    --days=*) days="${1#--days=}" ;;
    -h | --help)
      usage
      exit 0
      ;;
    --) shift; args+=("$@"); break ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) args+=("$1") ;;
  esac
  shift
done

if [[ ${#args[@]} -lt 2 || ${#args[@]} -gt 3 ]]; then
  usage >&2
  exit 2
fi
service="${args[0]}"
namespace="${args[1]}"
outdir="${args[2]:-$(dirname "$0")/out/${service}.${namespace}}"

# Service and namespace names are DNS-1123 labels; anything else would make a certificate that
# no client can match.
label='^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'
[[ "$service" =~ $label ]] || die "SERVICE '$service' is not a DNS-1123 label (lower-case letters, digits, '-')"
[[ "$namespace" =~ $label ]] || die "NAMESPACE '$namespace' is not a DNS-1123 label (lower-case letters, digits, '-')"
[[ "$days" =~ ^[1-9][0-9]{0,4}$ ]] || die "--days must be a positive whole number, got '$days'"
command -v openssl >/dev/null || die "openssl not found on PATH"

files=(ca.crt ca.key tls.crt tls.key cabundle.b64)
if [[ "$force" != true ]]; then
  for f in "${files[@]}"; do
    if [[ -e "$outdir/$f" ]]; then
      die "refusing to overwrite $outdir/$f (use --force; a new CA means updating every caBundle)"
    fi
  done
fi

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fqdn="${service}.${namespace}.svc"
cat >"$work/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:${service},DNS:${service}.${namespace},DNS:${fqdn},DNS:${fqdn}.cluster.local
EOF

run() {
  local out
  if ! out="$("$@" 2>&1)"; then
    echo "$out" >&2
    die "failed: $*"
  fi
}

run openssl req -x509 -new -config "$work/openssl.cnf" -extensions ca_ext \
  -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 3650 \
  -subj "/O=netpol-guard/CN=${service}.${namespace} webhook CA" \
  -keyout "$work/ca.key" -out "$work/ca.crt"
run openssl req -new -config "$work/openssl.cnf" \
  -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
  -subj "/CN=${fqdn}" -keyout "$work/tls.key" -out "$work/tls.csr"
run openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -sha256 -days "$days" \
  -extfile "$work/openssl.cnf" -extensions leaf_ext -out "$work/tls.crt"
run openssl verify -CAfile "$work/ca.crt" -purpose sslserver "$work/tls.crt"
openssl base64 -A -in "$work/ca.crt" >"$work/cabundle.b64"
chmod 0644 "$work/ca.crt" "$work/tls.crt" "$work/cabundle.b64"

mkdir -p "$outdir"
for f in "${files[@]}"; do
  mv -f "$work/$f" "$outdir/$f"
done

{
  echo "make-certs: wrote $outdir/{ca.crt,ca.key,tls.crt,tls.key,cabundle.b64}"
  echo "make-certs: serving certificate for ${fqdn} valid ${days} days; keep ca.key somewhere safe or delete it"
  echo "make-certs: put the caBundle below in both webhook configurations' clientConfig.caBundle"
} >&2
cat "$outdir/cabundle.b64"
echo
if [[ "$secret" == true ]]; then
  echo "kubectl -n ${namespace} create secret tls ${service}-tls --cert=${outdir}/tls.crt --key=${outdir}/tls.key"
fi
