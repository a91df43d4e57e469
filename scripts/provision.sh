#!/usr/bin/env bash
# Installs what faultline's local topology runs on, skipping whatever is present:
# Debian packages (PostgreSQL 15, Redis + Sentinel, Prometheus), the Apache Kafka
# broker jars (Maven), and the Toxiproxy server (Go). Safe to run again: a second
# run only checks.
set -euo pipefail

KAFKA_VERSION=4.1.1
TOXIPROXY_VERSION=v2.12.0

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
  [/usr/bin/prometheus]=prometheus
  [/usr/bin/promtool]=prometheus
  [/usr/bin/java]=openjdk-17-jre-headless
  [/usr/bin/mvn]=maven
  [/usr/bin/curl]=curl
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
for service in postgresql redis-server redis-sentinel prometheus prometheus-node-exporter; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    say "note: the system's $service service is running; faultline uses its own servers on free ports"
  fi
done

# --- Apache Kafka (KRaft) from Maven -----------------------------------------
kafka_cp="$cache/kafka-$KAFKA_VERSION.classpath"
if [[ ! -s $kafka_cp ]] || ! tr ':' '\n' <"$kafka_cp" | xargs -r ls >/dev/null 2>&1; then
  say "resolving Apache Kafka $KAFKA_VERSION (Maven)"
  mvn -B -q -Dstyle.color=never -f "$root/tools/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:build-classpath -Dmdep.outputFile="$kafka_cp.tmp" ||
    fail "could not resolve Kafka $KAFKA_VERSION with Maven; see the output above"
  mv "$kafka_cp.tmp" "$kafka_cp"
fi

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

cat >"$cache/toolchain.json" <<JSON
{
  "kafkaVersion": "$KAFKA_VERSION",
  "kafkaClasspathFile": "$kafka_cp",
  "toxiproxyVersion": "$TOXIPROXY_VERSION",
  "toxiproxyServer": "$toxiproxy"
}
JSON
say "ready (Kafka $KAFKA_VERSION, Toxiproxy $TOXIPROXY_VERSION, cache $cache)"
