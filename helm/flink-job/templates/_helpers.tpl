{{/* Object names start with the release name, so two releases in one namespace never collide. */}}
{{- define "flink-job.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Flink cluster id: names Flink's HA ConfigMaps (<cluster-id>-cluster-config-map, ...). */}}
{{- define "flink-job.clusterId" -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- end -}}

{{- define "flink-job.labels" -}}
app.kubernetes.io/name: flink-job
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "flink-job.selectorLabels" -}}
app.kubernetes.io/name: flink-job
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* ceil(parallelism / taskSlots) in integer arithmetic. */}}
{{- define "flink-job.taskManagers" -}}
{{- div (add (int .Values.parallelism) (int .Values.taskManager.taskSlots) -1) (int .Values.taskManager.taskSlots) -}}
{{- end -}}

{{- define "flink-job.storageUri" -}}
{{- printf "wasbs://%s@%s.%s/%s" .Values.storage.container .Values.storage.account .Values.storage.blobEndpointSuffix .Values.runId -}}
{{- end -}}

{{/* The Flink image: the official one of flinkVersion unless another is given. */}}
{{- define "flink-job.image" -}}
{{- .Values.image | default (printf "flink:%s-scala_2.12-java17" .Values.flinkVersion) -}}
{{- end -}}

{{/* The flink user of the official image; nothing runs as root. */}}
{{- define "flink-job.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 9999
runAsGroup: 9999
fsGroup: 9999
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "flink-job.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/*
The image's entrypoint writes conf/config.yaml (bind addresses, FLINK_PROPERTIES), so conf/ is a
writable emptyDir: this init container fills it with the image's own files (logging) and this
release's config.yaml.
*/}}
{{- define "flink-job.configInitContainer" -}}
- name: flink-conf
  image: {{ include "flink-job.image" . }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  command: ["/bin/sh", "-c"]
  args:
    - cp -R /opt/flink/conf/. /flink-conf/ && cp /flink-conf-template/config.yaml /flink-conf/config.yaml
  securityContext:
    {{- include "flink-job.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - name: flink-conf
      mountPath: /flink-conf
    - name: flink-conf-template
      mountPath: /flink-conf-template
      readOnly: true
{{- end -}}

{{/*
Environment of the Flink containers. The storage account key comes from the Secret and reaches
Flink's configuration through FLINK_PROPERTIES, which the image's entrypoint merges into
conf/config.yaml (an emptyDir of the pod): Kubernetes expands $(AZURE_STORAGE_ACCOUNT_KEY) when the
container starts, so no manifest and no ConfigMap holds the key. Flink masks fs.azure.account.key in
its logs.
*/}}
{{- define "flink-job.env" -}}
- name: ENABLE_BUILT_IN_PLUGINS
  value: {{ printf "flink-azure-fs-hadoop-%s.jar" .Values.flinkVersion | quote }}
- name: AZURE_STORAGE_ACCOUNT_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "flink-job.name" (dict "root" . "component" "secrets") }}
      key: storageAccountKey
- name: FLINK_PROPERTIES
  value: {{ printf "fs.azure.account.key.%s.%s: $(AZURE_STORAGE_ACCOUNT_KEY)" .Values.storage.account .Values.storage.blobEndpointSuffix | quote }}
{{- end -}}

{{- define "flink-job.volumes" -}}
- name: flink-conf
  emptyDir: {}
- name: flink-conf-template
  configMap:
    name: {{ include "flink-job.name" (dict "root" . "component" "config") }}
{{- end -}}
