#!/usr/bin/env bash
# Installs what faultline's local topology runs on, skipping whatever is present:
# Debian packages (PostgreSQL 15, Redis + Sentinel, etcd (the consensus lab), Prometheus, Chromium for the console's tests), the Apache Kafka
# broker jars and Apache Cassandra's (the quorum lab) from Maven, and the Toxiproxy server (Go). Safe to run again: a second
# run only checks.
set -euo pipefail

KAFKA_VERSION=4.1.1
CASSANDRA_VERSION=5.0.6
ZIPKIN_VERSION=3.5.1
TOXIPROXY_VERSION=v2.12.0
HELM_VERSION=v3.22.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${FAULTLINE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}"
mkdir -p "$cache"

say() { printf 'provision: %s\n' "$*"; }
fail() { printf 'provision: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
# command that must exist -> package that brings it
declare -A wanted=(
  [/usr/lib/postgresql/15/bin/postgres]=postgresql-15
  [/usr/bin/psql]=postgresql-client-15
  [/usr/bin/redis-server]=redis-server
  [/usr/bin/redis-sentinel]=redis-sentinel
  [/usr/bin/redis-cli]=redis-tools
  # The consensus lab's Raft cluster.
  [/usr/bin/etcd]=etcd-server
  [/usr/bin/prometheus]=prometheus
  [/usr/bin/promtool]=prometheus
  [/usr/bin/java]=openjdk-17-jre-headless
  [/usr/bin/mvn]=maven
  [/usr/bin/curl]=curl
  [/usr/bin/shellcheck]=shellcheck
  # The console's browser tests drive Debian's Chromium (no browser download).
  [/usr/bin/chromium]=chromium
  # \`npm run bench\`'s HTTP load generator (pgbench and redis-benchmark come with the servers).
  [/usr/bin/wrk]=wrk
)
missing=()
for path in "${!wanted[@]}"; do
  [[ -x "$path" ]] || missing+=("${wanted[$path]}")
done
if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "installing Debian packages: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      fail "cannot install packages without root; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Packaged services must not start: faultline runs its own servers on its own ports.
  policy_rc_d=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy_rc_d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy_rc_d" >/dev/null
    "${sudo[@]}" chmod +x "$policy_rc_d"
    created_policy=1
  fi
  trap '[[ $created_policy == 1 ]] && "${sudo[@]}" rm -f "$policy_rc_d"' EXIT
  "${sudo[@]}" apt-get update -qq || fail "apt-get update failed; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    fail "apt-get install failed; run: sudo apt-get install -y ${missing[*]}"
fi
# The packages start their own servers where an init system runs; ours must not share their ports.
for service in postgresql redis-server redis-sentinel prometheus prometheus-node-exporter etcd; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    say "note: the system's $service service is running; faultline uses its own servers on free ports"
  fi
done

# --- Java servers from Maven: Apache Kafka (KRaft), Apache Cassandra (the quorum lab) ----
# Resolves tools/<tool>/pom.xml at <version> into the local Maven repository and writes its
# classpath to the cache, unless a classpath whose every jar still exists is there. The file is
# named after the pom's content too, so a changed pom is resolved again; its path is left in
# $classpath_file.
maven_classpath() {
  local tool=$1 name=$2 version=$3 pom_hash
  pom_hash=$(sha256sum "$root/tools/$tool/pom.xml" | cut -c1-8)
  local out="$cache/$tool-$version-$pom_hash.classpath"
  if [[ ! -s $out ]] || ! tr ':' '\n' <"$out" | xargs -r ls >/dev/null 2>&1; then
    say "resolving $name $version (Maven)"
    mvn -B -q -Dstyle.color=never -f "$root/tools/$tool/pom.xml" -D"$tool.version=$version" \
      dependency:build-classpath -Dmdep.outputFile="$out.tmp" ||
      fail "could not resolve $name $version with Maven; see the output above"
    mv "$out.tmp" "$out"
  fi
  classpath_file=$out
}
maven_classpath kafka "Apache Kafka" "$KAFKA_VERSION"
kafka_cp=$classpath_file
maven_classpath cassandra "Apache Cassandra" "$CASSANDRA_VERSION"
cassandra_cp=$classpath_file

# --- Toxiproxy from its Go module ---------------------------------------------
toxiproxy="$cache/toxiproxy-$TOXIPROXY_VERSION/toxiproxy-server"
if [[ ! -x $toxiproxy ]]; then
  command -v go >/dev/null || fail "Go is needed to build Toxiproxy; run: sudo apt-get install -y golang"
  say "building Toxiproxy $TOXIPROXY_VERSION (go install)"
  gobin="$cache/toxiproxy-$TOXIPROXY_VERSION"
  GOBIN="$gobin" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" ||
    fail "go install of Toxiproxy $TOXIPROXY_VERSION failed; see the output above"
  mv "$gobin/server" "$toxiproxy"
fi

# --- Helm from its Go module (the chart's lint and templates) -----------------
helm="$cache/helm-$HELM_VERSION/helm"
if [[ ! -x $helm ]] || ! "$helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  command -v go >/dev/null || fail "Go is needed to build Helm; run: sudo apt-get install -y golang"
  say "building Helm $HELM_VERSION (go install)"
  # The release's own link flags: its version, and the Kubernetes release its client
  # libraries speak (v0.37 -> 1.37), which `helm install --dry-run` and lint assume.
  kube_minor=37
  ldflags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for pkg in pkg/chartutil pkg/lint/rules; do
    ldflags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$kube_minor"
  done
  GOBIN="$cache/helm-$HELM_VERSION" go install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" ||
    fail "go install of Helm $HELM_VERSION failed; see the output above"
fi

# --- The chart's schema validator and security scanner (Python) -----------------
chart_checks="$cache/chart-checks"
requirements="$root/tools/chart-checks/requirements.txt"
constraints="$root/tools/chart-checks/constraints.txt"
if ! cat "$requirements" "$constraints" | cmp -s - "$chart_checks/installed.txt" 2>/dev/null; then
  command -v python3 >/dev/null || fail "Python 3 is needed for the chart checks; run: sudo apt-get install -y python3-venv"
  say "installing the chart checks into $chart_checks (kubernetes-validate, checkov; a few minutes)"
  rm -rf "$chart_checks"
  python3 -m venv "$chart_checks" ||
    fail "could not create a Python virtualenv; run: sudo apt-get install -y python3-venv"
  "$chart_checks/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints" ||
    fail "pip could not install $requirements; see the output above"
  cat "$requirements" "$constraints" >"$chart_checks/installed.txt"
fi

# --- Zipkin: the local topology's trace store and UI (Maven Central's exec jar) ----------
zipkin_jar="$cache/zipkin-$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"
if [[ ! -s $zipkin_jar ]]; then
  say "fetching Zipkin $ZIPKIN_VERSION (Maven)"
  mvn -B -q -Dstyle.color=never dependency:copy \
    -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$(dirname "$zipkin_jar")" ||
    fail "could not fetch Zipkin $ZIPKIN_VERSION with Maven; see the output above"
fi

# --- The API fuzzer (Python) -------------------------------------------------------
api_fuzz="$cache/api-fuzz"
fuzz_requirements="$root/tools/api-fuzz/requirements.txt"
fuzz_constraints="$root/tools/api-fuzz/constraints.txt"
if ! cat "$fuzz_requirements" "$fuzz_constraints" | cmp -s - "$api_fuzz/installed.txt" 2>/dev/null; then
  say "installing the API fuzzer into $api_fuzz (Schemathesis)"
  rm -rf "$api_fuzz"
  python3 -m venv "$api_fuzz" ||
    fail "could not create a Python virtualenv; run: sudo apt-get install -y python3-venv"
  "$api_fuzz/bin/pip" install --quiet --disable-pip-version-check -r "$fuzz_requirements" -c "$fuzz_constraints" ||
    fail "pip could not install $fuzz_requirements; see the output above"
  cat "$fuzz_requirements" "$fuzz_constraints" >"$api_fuzz/installed.txt"
fi

cat >"$cache/toolchain.json" <<JSON
{
  "kafkaVersion": "$KAFKA_VERSION",
  "kafkaClasspathFile": "$kafka_cp",
  "cassandraVersion": "$CASSANDRA_VERSION",
  "cassandraClasspathFile": "$cassandra_cp",
  "toxiproxyVersion": "$TOXIPROXY_VERSION",
  "toxiproxyServer": "$toxiproxy",
  "zipkinJar": "$zipkin_jar",
  "helmVersion": "$HELM_VERSION",
  "helm": "$helm",
  "kubernetesValidate": "$chart_checks/bin/kubernetes-validate",
  "checkov": "$chart_checks/bin/checkov",
  "schemathesis": "$api_fuzz/bin/schemathesis"
}
JSON
say "ready (Kafka $KAFKA_VERSION, Cassandra $CASSANDRA_VERSION, Toxiproxy $TOXIPROXY_VERSION, Helm $HELM_VERSION, cache $cache)"
