{{/*
The project's apps: which node each pod is, and the environment it gets. The same
variables as the local topology's table (libs/topology/src/services.ts); a test checks
both against each app's validated configuration.
*/}}
{{- define "faultline.apps" -}}
- { component: payments, node: payments-0, app: payments, values: payments }
- { component: catalog-a, node: catalog-a, app: catalog, values: catalog, replica: redis-1 }
- { component: catalog-b, node: catalog-b, app: catalog, values: catalog, replica: redis-2 }
- { component: orders, node: orders-0, app: orders, values: orders }
- { component: control, node: control, app: control, values: control }
{{- if .Values.workload.enabled }}
- { component: workload, node: workload, app: workload, values: workload }
{{- end }}
{{- if eq (include "faultline.labEnabled" (dict "ctx" . "lab" "quorum")) "true" }}
- { component: carts-a, node: carts-a, app: carts, values: carts }
- { component: carts-b, node: carts-b, app: carts, values: carts }
{{- end }}
{{- if eq (include "faultline.labEnabled" (dict "ctx" . "lab" "consensus")) "true" }}
- { component: ledger-a, node: ledger-a, app: ledger, values: ledger }
- { component: ledger-b, node: ledger-b, app: ledger, values: ledger }
{{- end }}
{{- end -}}

{{/* An etcd member's client URL at its own pod: (dict "ctx" $ "ordinal" n). */}}
{{- define "faultline.etcdClientUrl" -}}
{{- printf "http://%s:%s" (include "faultline.podHost" (dict "ctx" .ctx "component" "etcd" "ordinal" .ordinal)) (include "faultline.port" (dict "ctx" .ctx "component" "etcd" "port" "client")) -}}
{{- end -}}

{{/*
A lab's members, the nodes of one StatefulSet, by ordinal: the quorum lab's ring (cassandra),
the consensus lab's Raft group (etcd). (dict "ctx" $ "component" "etcd")
*/}}
{{- define "faultline.members" -}}
{{- $t := include "faultline.expandedTopology" .ctx | fromJson -}}
{{- $members := list -}}
{{- range $t.nodes -}}{{- if eq .component $.component -}}{{- $members = append $members . -}}{{- end -}}{{- end -}}
{{- toJson $members -}}
{{- end -}}

{{/*
The Service a ring member is known by to its peers and clients (its broadcast address): it
selects Toxiproxy, whose link to the member listens behind it. (dict "ctx" $ "ordinal" n)
*/}}
{{- define "faultline.ringService" -}}
{{- include "faultline.name" (dict "ctx" .ctx "component" (printf "cassandra-ring-%v" .ordinal)) -}}
{{- end -}}

{{/* http://<service>:8080 of an app component. */}}
{{- define "faultline.appUrl" -}}
{{- printf "http://%s:%s" (include "faultline.name" (dict "ctx" .ctx "component" .component)) (include "faultline.port" (dict "ctx" .ctx "component" .component "port" "http")) -}}
{{- end -}}

{{/* Through the node's link: host:port on Toxiproxy. (dict "ctx" $ "client" node "server" node) */}}
{{- define "faultline.viaLink" -}}
{{- printf "%s:%s" (include "faultline.toxiproxyHost" .ctx) (include "faultline.linkPort" (dict "ctx" .ctx "name" (printf "%s->%s" .client .server))) -}}
{{- end -}}

{{- define "faultline.secretEnv" -}}
- name: {{ .env }}
  valueFrom: { secretKeyRef: { name: {{ include "faultline.name" (dict "ctx" .ctx "component" .secret) }}, key: {{ .key }} } }
{{- end -}}

{{/* The environment of one app: (dict "ctx" $ "app" <entry of faultline.apps>). */}}
{{- define "faultline.appEnv" -}}
{{- $ctx := .ctx -}}
{{- $a := .app -}}
- { name: OTEL_SERVICE_NAME, value: {{ $a.app }} }
- { name: OTEL_RESOURCE_ATTRIBUTES, value: "service.instance.id={{ $a.node }}" }
- { name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://{{ include "faultline.name" (dict "ctx" $ctx "component" "otel-collector") }}:{{ include "faultline.port" (dict "ctx" $ctx "component" "otel-collector" "port" "otlp-http") }}" }
- { name: FAULTLINE_NODE, value: {{ $a.node }} }
{{ include "faultline.secretEnv" (dict "ctx" $ctx "env" "FAULTLINE_ADMIN_TOKEN" "secret" "admin" "key" "token") }}
- { name: PORT, value: {{ include "faultline.port" (dict "ctx" $ctx "component" $a.component "port" "http") | quote }} }
- { name: BIND_ADDRESS, value: 0.0.0.0 }
{{- if has $a.app (list "payments" "orders" "ledger") }}
{{- $link := include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" "pg-primary") | splitList ":" }}
- { name: PGHOST, value: {{ index $link 0 }} }
- { name: PGPORT, value: {{ index $link 1 | quote }} }
- { name: PGUSER, value: postgres }
{{ include "faultline.secretEnv" (dict "ctx" $ctx "env" "PGPASSWORD" "secret" "postgres" "key" "password") }}
- { name: PGDATABASE, value: faultline }
{{- end }}
{{- if eq $a.app "payments" }}
- { name: PAYMENTS_COMMIT_TIMEOUT_MS, value: {{ $ctx.Values.postgres.commitTimeoutMs | quote }} }
{{- else if eq $a.app "catalog" }}
- { name: REDIS_PRIMARY_URL, value: "redis://{{ include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" "redis-primary") }}" }
- { name: REDIS_REPLICA_URL, value: "redis://{{ include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" $a.replica) }}" }
- { name: REDIS_PRIMARY_NODE, value: redis-primary }
- { name: REDIS_REPLICA_NODE, value: {{ $a.replica }} }
- { name: CATALOG_ORDERING, value: {{ $ctx.Values.catalog.ordering }} }
{{- else if eq $a.app "orders" }}
- { name: KAFKA_BROKERS, value: {{ include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" "kafka-0") }} }
- { name: CATALOG_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "catalog-a") }} }
- { name: PAYMENTS_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "payments") }} }
{{- else if eq $a.app "carts" }}
{{- $members := list }}
{{- $announced := list }}
{{- range include "faultline.members" (dict "ctx" $ctx "component" "cassandra") | fromJsonArray }}
{{- $members = append $members (printf "%s=%s" .name (include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" .name))) }}
{{- $announced = append $announced (printf "%s=%s" .name (include "faultline.ringService" (dict "ctx" $ctx "ordinal" .ordinal))) }}
{{- end }}
# Each member through this instance's own link to it; the members announce their ring
# Services' addresses, which the carts resolve and translate to those links.
- { name: CASSANDRA_MEMBERS, value: {{ join "," $members | quote }} }
- { name: CASSANDRA_ANNOUNCED_ADDRESSES, value: {{ join "," $announced | quote }} }
- { name: CARTS_CONSISTENCY, value: {{ $ctx.Values.carts.consistency }} }
{{- else if eq $a.app "ledger" }}
{{- $members := list }}
{{- range include "faultline.members" (dict "ctx" $ctx "component" "etcd") | fromJsonArray }}
{{- $members = append $members (printf "%s=http://%s" .name (include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" .name))) }}
{{- end }}
# Its Redlock instance and every etcd member, each through this instance's own link.
- { name: REDIS_URL, value: "redis://{{ include "faultline.viaLink" (dict "ctx" $ctx "client" $a.node "server" "redis-primary") }}" }
- { name: ETCD_MEMBERS, value: {{ join "," $members | quote }} }
{{- else if eq $a.app "control" }}
- { name: FAULTLINE_STATE_FILE, value: /var/lib/faultline/topology.json }
- { name: FAULTLINE_FAULT_BACKEND, value: kubernetes }
- { name: FAULTLINE_KILL_HOLDS, value: {{ include "faultline.name" (dict "ctx" $ctx "component" "kill-holds") }} }
- { name: FAULTLINE_ROLES_CONFIGMAP, value: {{ include "faultline.name" (dict "ctx" $ctx "component" "roles") }} }
- { name: PG_FAILOVER_AFTER, value: {{ $ctx.Values.postgres.failoverAfterSeconds | quote }} }
{{- /* The console's dashboards query Prometheus through control; its trace links open the
trace UI in the user's browser. Without either, the console says so instead. */}}
{{- with include "faultline.prometheusUrl" $ctx }}
- { name: FAULTLINE_PROMETHEUS_URL, value: {{ . | quote }} }
{{- end }}
{{- with include "faultline.tracesUiUrl" $ctx }}
- { name: FAULTLINE_TRACES_URL, value: {{ . | quote }} }
{{- end }}
# The observer and replication-delay drills log in to every PostgreSQL node.
- { name: PGUSER, value: postgres }
{{ include "faultline.secretEnv" (dict "ctx" $ctx "env" "PGPASSWORD" "secret" "postgres" "key" "password") }}
{{- else if eq $a.app "workload" }}
- { name: PAYMENTS_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "payments") }} }
- { name: CATALOG_A_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "catalog-a") }} }
- { name: CATALOG_B_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "catalog-b") }} }
- { name: ORDERS_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "orders") }} }
- { name: CONTROL_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "control") }} }
{{- if eq (include "faultline.labEnabled" (dict "ctx" $ctx "lab" "quorum")) "true" }}
- { name: CARTS_A_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "carts-a") }} }
- { name: CARTS_B_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "carts-b") }} }
{{- end }}
{{- if eq (include "faultline.labEnabled" (dict "ctx" $ctx "lab" "consensus")) "true" }}
- { name: LEDGER_A_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "ledger-a") }} }
- { name: LEDGER_B_URL, value: {{ include "faultline.appUrl" (dict "ctx" $ctx "component" "ledger-b") }} }
{{- $members := list }}
{{- range include "faultline.members" (dict "ctx" $ctx "component" "etcd") | fromJsonArray }}
{{- $members = append $members (printf "%s=%s" .name (include "faultline.etcdClientUrl" (dict "ctx" $ctx "ordinal" .ordinal))) }}
{{- end }}
# Each member at its own pod, outside the links: the raft scenarios read every member's status.
- { name: ETCD_MEMBERS, value: {{ join "," $members | quote }} }
{{- end }}
- { name: FAULTLINE_REPORTS_DIR, value: /var/lib/faultline/reports }
- { name: WORKLOAD_BACKGROUND_RATE, value: {{ $ctx.Values.workload.backgroundRate | quote }} }
# The settings each report records.
- { name: CATALOG_ORDERING, value: {{ $ctx.Values.catalog.ordering }} }
- { name: REDIS_MIN_REPLICAS_TO_WRITE, value: {{ $ctx.Values.redis.minReplicasToWrite | quote }} }
# Every operation is a trace that its history and report link to: none is left unsampled.
- { name: FAULTLINE_TRACES_PER_SECOND, value: "0" }
{{- end }}
{{- end -}}
