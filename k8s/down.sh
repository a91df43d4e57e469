#!/usr/bin/env bash
# Deletes the kind cluster `bash k8s/up.sh` made, and with it everything faultline ran there.
set -euo pipefail

cluster=faultline

command -v kind >/dev/null 2>&1 || {
  printf 'k8s/down: missing on PATH: kind\n' >&2
  exit 1
}
# Deleting a cluster that does not exist succeeds, so running this twice is harmless.
kind delete cluster --name "$cluster"
