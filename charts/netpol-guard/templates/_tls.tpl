{{/*
The webhook's serving certificate, in one of three modes (tls.mode):
  generate        the chart generates a CA and a certificate, and reuses them on upgrade
  certManager     cert-manager issues the certificate and injects its CA into caBundle
  existingSecret  a Secret the user provides, with its CA given as tls.existingSecret.caBundle
*/}}

{{/* The Secret the pods mount. */}}
{{- define "netpol-guard.tls.secretName" -}}
{{- if eq .Values.tls.mode "existingSecret" -}}
{{- .Values.tls.existingSecret.name -}}
{{- else -}}
{{- printf "%s-tls" (include "netpol-guard.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
generate mode: {crt, key, ca} base64-encoded. The Secret already in the cluster wins, so upgrades
keep the certificate and caBundle (lookup returns nothing under `helm template` and client-side dry
runs, which therefore show fresh ones). Computed once per render and cached in .Values, because the
Secret and the webhook configurations must agree.
*/}}
{{- define "netpol-guard.tls.generated" -}}
{{- if not (hasKey .Values "netpolGuardGeneratedTLS") -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "netpol-guard.tls.secretName" .) -}}
{{- $data := dict -}}
{{- if and $existing $existing.data (hasKey $existing.data "tls.crt") (hasKey $existing.data "tls.key") (hasKey $existing.data "ca.crt") -}}
{{- $data = dict "crt" (index $existing.data "tls.crt") "key" (index $existing.data "tls.key") "ca" (index $existing.data "ca.crt") -}}
{{- else -}}
{{- $days := int .Values.tls.generate.validityDays -}}
{{- $ca := genCA (printf "%s-ca" (include "netpol-guard.fullname" .)) $days -}}
{{- $cert := genSignedCert (include "netpol-guard.serviceHost" .) nil (include "netpol-guard.dnsNames" . | fromJsonArray) $days $ca -}}
{{- $data = dict "crt" ($cert.Cert | b64enc) "key" ($cert.Key | b64enc) "ca" ($ca.Cert | b64enc) -}}
{{- end -}}
{{- $_ := set .Values "netpolGuardGeneratedTLS" $data -}}
{{- end -}}
{{- toJson (get .Values "netpolGuardGeneratedTLS") -}}
{{- end -}}

{{/* The caBundle line for a webhook's clientConfig; nothing in certManager mode (cainjector fills it). */}}
{{- define "netpol-guard.tls.caBundle" -}}
{{- if eq .Values.tls.mode "generate" -}}
caBundle: {{ (include "netpol-guard.tls.generated" . | fromJson).ca }}
{{- else if eq .Values.tls.mode "existingSecret" -}}
{{- $ca := .Values.tls.existingSecret.caBundle | trim -}}
caBundle: {{ hasPrefix "-----BEGIN" $ca | ternary (b64enc $ca) $ca }}
{{- end -}}
{{- end -}}

{{/*
Render-time checks of the TLS values: exactly one mode, complete, and possible in this cluster.
*/}}
{{- define "netpol-guard.tls.validate" -}}
{{- $mode := .Values.tls.mode -}}
{{- $es := .Values.tls.existingSecret -}}
{{- $cm := .Values.tls.certManager -}}
{{- if and (ne $mode "existingSecret") (or $es.name $es.caBundle) -}}
{{- fail (printf "tls: tls.existingSecret is set but tls.mode is %q; these are settings for two TLS modes. Set tls.mode=existingSecret to serve with that Secret, or clear tls.existingSecret.name and tls.existingSecret.caBundle." $mode) -}}
{{- end -}}
{{- if and (ne $mode "certManager") $cm.issuerRef.name -}}
{{- fail (printf "tls: tls.certManager.issuerRef.name is set but tls.mode is %q; these are settings for two TLS modes. Set tls.mode=certManager to have that issuer sign the certificate, or clear tls.certManager.issuerRef.name." $mode) -}}
{{- end -}}
{{- if eq $mode "existingSecret" -}}
{{- if not $es.name -}}
{{- fail "tls: tls.mode=existingSecret needs tls.existingSecret.name: the kubernetes.io/tls Secret (tls.crt, tls.key) in the release namespace that the webhook serves with." -}}
{{- end -}}
{{- if not $es.caBundle -}}
{{- fail "tls: tls.mode=existingSecret needs tls.existingSecret.caBundle: the CA certificate (PEM, or base64 of the PEM) that signed the Secret's certificate. Without it the API server cannot trust the webhook and every NetworkPolicy write fails." -}}
{{- end -}}
{{- $ca := $es.caBundle | trim -}}
{{- $pem := hasPrefix "-----BEGIN" $ca | ternary $ca (b64dec $ca) -}}
{{- if not (contains "-----BEGIN CERTIFICATE-----" $pem) -}}
{{- fail "tls: tls.existingSecret.caBundle is neither a PEM certificate nor base64 of one; give the CA certificate that signed the Secret's certificate." -}}
{{- end -}}
{{- end -}}
{{- if and (eq $mode "certManager") (not (.Capabilities.APIVersions.Has "cert-manager.io/v1")) -}}
{{- fail "tls: tls.mode=certManager needs cert-manager, but the API cert-manager.io/v1 is not served by this cluster. Install cert-manager and its CRDs first (with `helm template`, pass --api-versions cert-manager.io/v1), or use tls.mode=generate." -}}
{{- end -}}
{{- end -}}
