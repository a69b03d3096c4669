{{/* Object names start with the release name, so two releases (load, agent) never collide. */}}
{{- define "simulator.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "simulator.labels" -}}
app.kubernetes.io/name: simulator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The image's user is `node` (uid 1000, node:24-slim): numeric here so runAsNonRoot can be checked. */}}
{{- define "simulator.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "simulator.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "simulator.resources" -}}
requests:
  cpu: {{ .cpu | quote }}
  memory: {{ printf "%dMi" (int .memoryMi) }}
limits:
  cpu: {{ .cpu | quote }}
  memory: {{ printf "%dMi" (int .memoryMi) }}
{{- end -}}
