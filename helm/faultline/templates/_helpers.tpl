{{/* The release's name prefix: "faultline" for a release named faultline, else release-faultline. */}}
{{- define "faultline.fullname" -}}
{{- if contains "faultline" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-faultline" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: <fullname>-<component>. Call with (dict "ctx" $ "component" "x"). */}}
{{- define "faultline.name" -}}
{{- printf "%s-%s" (include "faultline.fullname" .ctx) .component -}}
{{- end -}}

{{- define "faultline.selectorLabels" -}}
app.kubernetes.io/name: faultline
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "faultline.labels" -}}
{{ include "faultline.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{- end -}}

{{/* The topology's node and link table, generated from libs/topology's model. */}}
{{- define "faultline.topology" -}}
{{- .Files.Get "files/topology.json" -}}
{{- end -}}

{{/* The ports every component listens on, by name (NetworkPolicies, Services, the map). */}}
{{- define "faultline.ports" -}}
postgres: { postgres: 5432 }
redis: { redis: 6379 }
sentinel: { sentinel: 26379 }
kafka: { kafka: 9092, controller: 9093, link: 9094 }
cassandra: { cql: 9042, storage: 7000, metrics: 7070 }
toxiproxy: { api: 8474 }
payments: { http: 8080 }
catalog-a: { http: 8080 }
catalog-b: { http: 8080 }
orders: { http: 8080 }
control: { http: 8080 }
workload: { http: 8080 }
carts-a: { http: 8080 }
carts-b: { http: 8080 }
etcd: { client: 2379, peer: 2380 }
raft-relay: { health: 8080, peer-0: 2380, peer-1: 2381, peer-2: 2382 }
ledger-a: { http: 8080 }
ledger-b: { http: 8080 }
prometheus: { http: 9090 }
grafana: { http: 3000 }
tempo: { http: 3200, otlp-grpc: 4317 }
zipkin: { http: 9411 }
kubernetes-api: { https: 443 }
otel-collector: { otlp-grpc: 4317, otlp-http: 4318, health: 13133 }
{{- end -}}

{{/* One port: (dict "ctx" $ "component" "postgres" "port" "postgres"). */}}
{{- define "faultline.port" -}}
{{- $ports := include "faultline.ports" .ctx | fromYaml -}}
{{- $component := required (printf "no component %s" .component) (get $ports .component) -}}
{{- required (printf "no port %s on %s" .port .component) (get $component .port) -}}
{{- end -}}

{{/* Whether a component is deployed with these values. */}}
{{- define "faultline.deployed" -}}
{{- $v := .ctx.Values -}}
{{- if eq .component "workload" -}}{{ $v.workload.enabled }}
{{- else if eq .component "prometheus" -}}{{ $v.prometheus.enabled }}
{{- else if eq .component "grafana" -}}{{ $v.grafana.enabled }}
{{- else if eq .component "tempo" -}}{{ eq $v.traces.backend "tempo" }}
{{- else if eq .component "zipkin" -}}{{ eq $v.traces.backend "zipkin" }}
{{- else if eq .component "helm-test" -}}true
{{- else -}}{{ include "faultline.inDeployedLab" . }}
{{- end -}}
{{- end -}}

{{/*
Whether a component is in no lab, or in one these values enable (its nodes name their lab):
(dict "ctx" $ "component" c).
*/}}
{{- define "faultline.inDeployedLab" -}}
{{- $t := include "faultline.topology" .ctx | fromJson -}}
{{- $deployed := true -}}
{{- range $t.nodes -}}
{{- if and (eq .component $.component) .lab -}}{{- $deployed = eq (include "faultline.labEnabled" (dict "ctx" $.ctx "lab" .lab)) "true" -}}{{- end -}}
{{- end -}}
{{- $deployed -}}
{{- end -}}

{{/* Whether these values enable a lab: (dict "ctx" $ "lab" "quorum"). */}}
{{- define "faultline.labEnabled" -}}
{{- (index .ctx.Values.labs .lab).enabled -}}
{{- end -}}

{{/* Where Prometheus answers queries: the chart's, else yours (monitoring.prometheusUrl), else empty. */}}
{{- define "faultline.prometheusUrl" -}}
{{- if .Values.prometheus.enabled -}}
{{- printf "http://%s:%s" (include "faultline.name" (dict "ctx" . "component" "prometheus")) (include "faultline.port" (dict "ctx" . "component" "prometheus" "port" "http")) -}}
{{- else -}}
{{- .Values.monitoring.prometheusUrl -}}
{{- end -}}
{{- end -}}

{{/* The chart's trace backend (zipkin or tempo), where Grafana queries it; empty for none and external. */}}
{{- define "faultline.tracesQueryUrl" -}}
{{- $backend := .Values.traces.backend -}}
{{- if has $backend (list "zipkin" "tempo") -}}
{{- printf "http://%s:%s" (include "faultline.name" (dict "ctx" . "component" $backend)) (include "faultline.port" (dict "ctx" . "component" $backend "port" "http")) -}}
{{- end -}}
{{- end -}}

{{/*
Where a user's browser opens the trace UI (control's console links traces there):
traces.uiUrl, else with the chart's Zipkin the port-forward NOTES.txt prints; empty: no UI.
*/}}
{{- define "faultline.tracesUiUrl" -}}
{{- if .Values.traces.uiUrl -}}
{{- .Values.traces.uiUrl -}}
{{- else if eq .Values.traces.backend "zipkin" -}}
{{- printf "http://localhost:%s/zipkin" (include "faultline.port" (dict "ctx" . "component" "zipkin" "port" "http")) -}}
{{- end -}}
{{- end -}}

{{/* A URL's TCP port: its own, else its scheme's. */}}
{{- define "faultline.urlPort" -}}
{{- $url := urlParse . -}}
{{- $hostPort := splitList ":" $url.host -}}
{{- if gt (len $hostPort) 1 -}}{{ last $hostPort }}
{{- else if eq $url.scheme "https" -}}443
{{- else -}}80
{{- end -}}
{{- end -}}

{{/* The pod's security context: non-root, seccomp RuntimeDefault. (dict "uid" 10001) */}}
{{- define "faultline.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Every container's: no privilege escalation, no capabilities, read-only root unless told. */}}
{{- define "faultline.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ if hasKey . "writableRoot" }}false{{ else }}true{{ end }}
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "faultline.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{/*
A kill drill's hold: the first init container of every pod a kill may take down. Control
puts the pod's key in the kill-holds ConfigMap before deleting the pod and removes it at heal,
so the pod its controller recreates waits here until the drill heals, as a killed node does
locally. The key is the pod's own name in a StatefulSet, the Deployment's name otherwise:
(dict "ctx" $ "image" <values image> "pullPolicy" <policy> "deployment" <name, or empty>)
*/}}
{{- define "faultline.killHold" -}}
- name: kill-hold
  image: {{ include "faultline.image" .image }}
  imagePullPolicy: {{ .pullPolicy }}
  command: [sh, -c, 'while [ -e "/etc/faultline-kill-holds/$HOLD_KEY" ]; do sleep 1; done']
  env:
    {{- if .deployment }}
    - { name: HOLD_KEY, value: {{ .deployment }} }
    {{- else }}
    - name: HOLD_KEY
      valueFrom: { fieldRef: { fieldPath: metadata.name } }
    {{- end }}
  securityContext: {{- include "faultline.containerSecurityContext" (dict) | nindent 4 }}
  resources:
    requests: { cpu: 10m, memory: 16Mi }
    limits: { cpu: 50m, memory: 32Mi }
  volumeMounts:
    - { name: kill-holds, mountPath: /etc/faultline-kill-holds, readOnly: true }
{{- end -}}

{{/* The volume of the kill-hold init container. */}}
{{- define "faultline.killHoldVolume" -}}
- name: kill-holds
  configMap: { name: {{ include "faultline.name" (dict "ctx" .ctx "component" "kill-holds") }} }
{{- end -}}

{{/* The generated secrets: kept across upgrades (lookup), created at install. */}}
{{- define "faultline.secretValue" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .name -}}
{{- if and $existing (hasKey $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end -}}

{{/* The Toxiproxy Service's address for a link: host and the link's listen port. */}}
{{- define "faultline.toxiproxyHost" -}}
{{- include "faultline.name" (dict "ctx" . "component" "toxiproxy") -}}
{{- end -}}

{{/* The cluster DNS name of a StatefulSet pod: (dict "ctx" $ "component" "postgres" "ordinal" 1). */}}
{{- define "faultline.podHost" -}}
{{- $name := include "faultline.name" (dict "ctx" .ctx "component" .component) -}}
{{- printf "%s-%d.%s.%s.svc.cluster.local" $name (int .ordinal) $name .ctx.Release.Namespace -}}
{{- end -}}

{{/* Every node and link with these values: the model's, plus standbys beyond its two. */}}
{{- define "faultline.expandedTopology" -}}
{{- $t := include "faultline.topology" . | fromJson -}}
{{- $nodes := list -}}
{{- $links := list -}}
{{- $modelStandbys := 0 -}}
{{- range $t.nodes -}}
{{- if and (eq .component "postgres") (gt (int .ordinal) 0) -}}{{- $modelStandbys = add $modelStandbys 1 -}}{{- end -}}
{{- end -}}
{{- range $t.nodes -}}
{{- if not (and (eq .component "postgres") (gt (int .ordinal) (int $.Values.postgres.standbys))) -}}
{{- if not (and (eq .name "workload") (not $.Values.workload.enabled)) -}}
{{- if not (and (eq .name "prometheus") (not $.Values.prometheus.enabled)) -}}
{{- if or (not .lab) (eq (include "faultline.labEnabled" (dict "ctx" $ "lab" .lab)) "true") -}}
{{- $nodes = append $nodes . -}}
{{- end -}}{{- end -}}{{- end -}}{{- end -}}
{{- end -}}
{{- range $t.links -}}
{{- $client := .client -}}
{{- $kept := false -}}
{{- /* The Sentinels' links are every Sentinel's, the ring's every member's (the model's SENTINELS, RING). */ -}}
{{- range $nodes -}}{{- if or (eq .name $client) (and (eq $client "sentinels") (eq .component "sentinel")) (and (eq $client "ring") (eq .component "cassandra")) -}}{{- $kept = true -}}{{- end -}}{{- end -}}
{{- if $kept -}}{{- $links = append $links . -}}{{- end -}}
{{- end -}}
{{- range $i := untilStep (int (add $modelStandbys 1)) (int (add $.Values.postgres.standbys 1)) 1 -}}
{{- $name := printf "pg-%d" $i -}}
{{- $nodes = append $nodes (dict "name" $name "kind" "postgres" "role" "replica" "component" "postgres" "ordinal" $i) -}}
{{- $links = append $links (dict "name" (printf "%s->pg-primary" $name) "client" $name "server" "pg-primary" "port" (add $t.extraStandbyLinkPortBase $i)) -}}
{{- end -}}
{{- toJson (dict "nodes" $nodes "endpoints" $t.endpoints "links" $links "connections" $t.connections) -}}
{{- end -}}

{{/* A link of the expanded topology by name: (dict "ctx" $ "name" "payments-0->pg-primary"). */}}
{{- define "faultline.linkPort" -}}
{{- $t := include "faultline.expandedTopology" .ctx | fromJson -}}
{{- $port := "" -}}
{{- range $t.links -}}{{- if eq .name $.name -}}{{- $port = int .port -}}{{- end -}}{{- end -}}
{{- required (printf "no link %s in the topology" .name) $port -}}
{{- end -}}

{{/*
The link port of each replica of a StatefulSet to its primary, by ordinal, as shell
assignments: (dict "ctx" $ "component" "postgres" "primary" "pg-primary").
*/}}
{{- define "faultline.replicaLinkPorts" -}}
{{- $t := include "faultline.expandedTopology" .ctx | fromJson -}}
{{- range $t.links -}}
{{- if eq .server $.primary -}}
{{- $client := include "faultline.node" (dict "ctx" $.ctx "name" .client) | fromJson -}}
{{- if eq $client.component $.component }}
LINK_PORT_{{ $client.ordinal }}={{ .port }}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The Sentinels' link port to each Redis node, by ordinal, as shell assignments: every node
announces it, so the Sentinels reach each one through Toxiproxy.
*/}}
{{- define "faultline.sentinelLinkPorts" -}}
{{- $t := include "faultline.expandedTopology" .ctx | fromJson -}}
{{- range $t.links -}}
{{- if eq .client "sentinels" -}}
{{- $server := include "faultline.node" (dict "ctx" $.ctx "name" .server) | fromJson }}
SENTINEL_LINK_PORT_{{ $server.ordinal }}={{ .port }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The component whose pods open a link's connections: the one that carries them for the
client (an etcd member's, the raft relay), else the client's own. (dict "ctx" $ "link" link)
*/}}
{{- define "faultline.linkOpener" -}}
{{- .link.via | default (include "faultline.linkClientComponent" (dict "ctx" .ctx "name" .link.client)) -}}
{{- end -}}

{{/* A link client's component: the Sentinels' links are the sentinel StatefulSet's. */}}
{{- define "faultline.linkClientComponent" -}}
{{- if eq .name "sentinels" -}}sentinel{{- else if eq .name "ring" -}}cassandra{{- else -}}{{- (include "faultline.node" . | fromJson).component -}}{{- end -}}
{{- end -}}

{{/* A node or read-write endpoint of the expanded topology by name (an endpoint has `endpoint: true`). */}}
{{- define "faultline.node" -}}
{{- $t := include "faultline.expandedTopology" .ctx | fromJson -}}
{{- $found := dict -}}
{{- range $t.nodes -}}{{- if eq .name $.name -}}{{- $found = . -}}{{- end -}}{{- end -}}
{{- range $t.endpoints -}}{{- if eq .name $.name -}}{{- $found = merge (dict "endpoint" true) . -}}{{- end -}}{{- end -}}
{{- if not $found -}}{{- fail (printf "no node %s in the topology" .name) -}}{{- end -}}
{{- toJson $found -}}
{{- end -}}

{{/*
Where a node is reached inside the cluster: a StatefulSet pod's own DNS name, or the
Service of a single-pod component. A read-write endpoint is the Service `<component>-primary`
that selects `faultline.dev/role=primary`, so a failover that moves the label moves it.
*/}}
{{- define "faultline.nodeHost" -}}
{{- $node := include "faultline.node" . | fromJson -}}
{{- if $node.endpoint -}}
{{- include "faultline.name" (dict "ctx" .ctx "component" (printf "%s-primary" $node.component)) -}}
{{- else if hasKey $node "ordinal" -}}
{{- include "faultline.podHost" (dict "ctx" .ctx "component" $node.component "ordinal" $node.ordinal) -}}
{{- else -}}
{{- include "faultline.name" (dict "ctx" .ctx "component" $node.component) -}}
{{- end -}}
{{- end -}}

{{/* The main port of a node's component. */}}
{{- define "faultline.nodePort" -}}
{{- $node := include "faultline.node" . | fromJson -}}
{{- $ports := get (include "faultline.ports" .ctx | fromYaml) $node.component -}}
{{- $main := dict "postgres" "postgres" "redis" "redis" "sentinel" "sentinel" "kafka" "kafka" "toxiproxy" "api" "cassandra" "cql" "etcd" "client" "raft-relay" "health" -}}
{{- get $ports (get $main $node.component | default "http") -}}
{{- end -}}

{{/*
The server's port a link leads to: Kafka's listener for the link, the port the link names
(a ring member's storage port), else the server's main port: (dict "ctx" $ "link" link).
*/}}
{{- define "faultline.linkServerPort" -}}
{{- if .link.dedicatedListener -}}
{{- include "faultline.port" (dict "ctx" .ctx "component" "kafka" "port" "link") -}}
{{- else if .link.serverPort -}}
{{- $server := include "faultline.node" (dict "ctx" .ctx "name" .link.server) | fromJson -}}
{{- include "faultline.port" (dict "ctx" .ctx "component" $server.component "port" .link.serverPort) -}}
{{- else -}}
{{- include "faultline.nodePort" (dict "ctx" .ctx "name" .link.server) -}}
{{- end -}}
{{- end -}}

{{/* A link's upstream: the server's host and the port the link leads to. */}}
{{- define "faultline.linkUpstream" -}}
{{- printf "%s:%s" (include "faultline.nodeHost" (dict "ctx" .ctx "name" .link.server)) (include "faultline.linkServerPort" .) -}}
{{- end -}}

{{/*
The security scanner's (checkov) checks this chart does not meet, each with its reason;
a workload lists the ones that apply to it: (dict "skips" (list "CKV_K8S_43" ...)).
*/}}
{{- define "faultline.checkovReasons" -}}
CKV_K8S_43: Tags are pinned in values.yaml; digests cannot be resolved when rendering offline, and kind loads the locally built image by tag
CKV_K8S_15: Tags are pinned (never latest); pullPolicy Never must stay possible for an image kind loads locally
CKV_K8S_35: The apps and Redis read their configuration from the environment (libpq reads PGPASSWORD, Redis renames REPLICAOF after the admin token); the Secret is only ever referenced, never in values
CKV_K8S_40: Runs as the image's own non-root user (postgres, redis, cassandra 999; kafka, zipkin 1000), which owns its files
CKV_K8S_38: Control deletes and labels pods through the Kubernetes API (kill drills); its Role is limited to pods and the kill-holds ConfigMap in this namespace
CKV_K8S_22: The apache/kafka image writes its server.properties under /opt/kafka at start
CKV_K8S_8: A helm test pod runs to completion; there is nothing to keep alive
CKV_K8S_9: A helm test pod runs to completion; nothing sends it traffic
CKV_K8S_116: The consensus lab's etcd serves its clients plain HTTP, as locally, for their requests pass Toxiproxy links; only the release's pods may reach it (NetworkPolicies)
CKV_K8S_117: The consensus lab's etcd authenticates no client certificate; its clients (the ledgers, control, the workload) are the release's own pods, allowed by the NetworkPolicies
CKV_K8S_119: The consensus lab's etcd peers speak plain HTTP, for the raft relay reads each peer request's sender header to pass it through that sender's link
{{- end -}}

{{- define "faultline.checkovSkips" -}}
{{- $reasons := include "faultline.checkovReasons" . | fromYaml -}}
{{- range $i, $id := .skips }}
checkov.io/skip{{ add1 $i }}: {{ printf "%s=%s" $id (required (printf "no reason for %s" $id) (get $reasons $id)) | quote }}
{{- end -}}
{{- end -}}
