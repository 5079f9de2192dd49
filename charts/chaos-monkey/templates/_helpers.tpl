{{/* Chart name, overridable. */}}
{{- define "chaos-monkey.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release name, plus the chart name unless the release name already contains it. */}}
{{- define "chaos-monkey.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Service's name is fixed: the CRD's conversion clientConfig names it (seed-spec.md 1.3), the
self-managed certificate is issued for chaos-monkey.<namespace>.svc, and the seed's scripts and
scrape configs reach chaos-monkey:80.
*/}}
{{- define "chaos-monkey.serviceName" -}}chaos-monkey{{- end }}
{{/* The webhook's TLS Secret (self-managed mode writes it; cert-manager mode fills it). */}}
{{- define "chaos-monkey.webhook.secretName" -}}chaos-monkey-tls{{- end }}
{{- define "chaos-monkey.crdName" -}}chaosmonkeyconfigurations.cm.massix.github.io{{- end }}

{{- define "chaos-monkey.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "chaos-monkey.labels" -}}
helm.sh/chart: {{ include "chaos-monkey.chart" . }}
app.kubernetes.io/name: {{ include "chaos-monkey.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chaos-monkey
{{- end }}

{{/*
Selector labels of the pods (operator and webhook containers). The component value "manager" is
one the two Deployments of chart versions before the single-Deployment layout never carried
(they used "operator" and "webhook"), so during `helm upgrade` from that layout the Service never
sends conversion requests to an old operator pod (docs/chart.md, "Upgrading from two Deployments").
*/}}
{{- define "chaos-monkey.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chaos-monkey.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: manager
{{- end }}

{{/* Image reference: digest wins over tag; the tag defaults to appVersion. */}}
{{- define "chaos-monkey.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Hardened pod-level security context (shared by both containers). */}}
{{- define "chaos-monkey.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Hardened container-level security context (shared by both containers). */}}
{{- define "chaos-monkey.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Whether the webhook talks to the API server (self-managed certificates) or not (cert-manager). */}}
{{- define "chaos-monkey.webhook.selfManaged" -}}
{{- if eq .Values.certificates.mode "self-managed" }}true{{- end }}
{{- end }}

{{/*
Checks of value combinations the schema cannot express. Included by every template that depends
on them, so a bad combination fails the render with a message saying how to fix it.
*/}}
{{- define "chaos-monkey.validate" -}}
{{- if and (not .Values.crds.managed) (ne .Release.Namespace "chaosmonkey") }}
{{- fail (printf "the CRD in crds/ sends conversion requests to the Service chaos-monkey in namespace \"chaosmonkey\", but this release is in %q: install in namespace chaosmonkey, or set crds.managed=true and install with --skip-crds (see docs/chart.md)" .Release.Namespace) }}
{{- end }}
{{- if and (eq .Values.certificates.mode "cert-manager") (not .Values.crds.managed) }}
{{- fail "certificates.mode=cert-manager needs crds.managed=true: the CRD must carry the cert-manager.io/inject-ca-from annotation, which the static crds/ file cannot (see docs/chart.md)" }}
{{- end }}
{{- end }}

{{/* cert-manager Certificate and Issuer names. */}}
{{- define "chaos-monkey.certificateName" -}}
{{- /* The name of the two-Deployment layout, kept so that an upgrade keeps the same Certificate. */}}
{{- printf "%s-webhook-serving" (include "chaos-monkey.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "chaos-monkey.issuerName" -}}
{{- printf "%s-selfsigned" (include "chaos-monkey.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
