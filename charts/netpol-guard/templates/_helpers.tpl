{{/*
Names and labels.
*/}}
{{- define "netpol-guard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every resource name; at most 52 characters so "-selfsigned" suffixes still fit 63. */}}
{{- define "netpol-guard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "netpol-guard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "netpol-guard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "netpol-guard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "netpol-guard.labels" -}}
helm.sh/chart: {{ include "netpol-guard.chart" . }}
{{ include "netpol-guard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/part-of: netpol-guard
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "netpol-guard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "netpol-guard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.create=false needs serviceAccount.name: the existing ServiceAccount the pods run as" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "netpol-guard.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The DNS name the API server calls, and the names the serving certificate must cover. */}}
{{- define "netpol-guard.serviceHost" -}}
{{- printf "%s.%s.svc" (include "netpol-guard.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "netpol-guard.dnsNames" -}}
{{- $svc := include "netpol-guard.fullname" . -}}
{{- list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) | toJson -}}
{{- end -}}

{{/* Ports the server listens on (fixed: the chart's probes, Service and NetworkPolicy refer to them). */}}
{{- define "netpol-guard.webhookPort" -}}8443{{- end -}}
{{- define "netpol-guard.healthPort" -}}9090{{- end -}}

{{/* Where the certificate and the org policy are mounted. */}}
{{- define "netpol-guard.tlsDir" -}}/etc/netpol-guard/tls{{- end -}}
{{- define "netpol-guard.policyDir" -}}/etc/netpol-guard/policy{{- end -}}

{{/*
The namespaces never sent to the webhook: the configured ones (kube-system by default) plus the
release namespace, so netpol-guard never reviews, or blocks, the writes that repair it.
*/}}
{{- define "netpol-guard.excludedNamespaces" -}}
{{- append .Values.webhook.excludeNamespaces .Release.Namespace | uniq | toJson -}}
{{- end -}}

{{- define "netpol-guard.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    # kubernetes.io/metadata.name is set on every namespace by the API server since 1.21.
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ include "netpol-guard.excludedNamespaces" . }}
    # The opt-out label: a namespace carrying it is never reviewed.
    - key: {{ .Values.webhook.optOutLabel | quote }}
      operator: DoesNotExist
{{- end -}}

{{/* The policy file's contents, rendered once so the ConfigMap and its checksum agree. */}}
{{- define "netpol-guard.policyYaml" -}}
{{- toYaml .Values.policy -}}
{{- end -}}
