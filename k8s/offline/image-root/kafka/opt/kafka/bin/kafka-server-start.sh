#!/usr/bin/env bash
# kafka-server-start.sh server.properties [--override property=value]...: the broker in the
# foreground, with the distribution's heap and logging defaults.
set -euo pipefail
if (($# < 1)); then
  echo "USAGE: $0 server.properties [--override property=value]*" >&2
  exit 1
fi
base_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/log4j2.yaml}"
exec "$base_dir/bin/kafka-run-class.sh" kafka.Kafka "$@"
